/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for tests: counts allocations and fails the Nth. Wraps
 * a page-table allocator (struct vrm_pgt_mm_ops) so that zalloc_page
 * call number fail_at returns NULL; everything else passes through. Used
 * with N = 1, 2, ... until the operation succeeds, to show that each
 * -ENOMEM leaves the state as it was (tests/fuzz/test_fault_alloc.c).
 * Not thread-safe: the callers' allocations are serialised by pgt->lock.
 */
#ifndef FAULT_ALLOC_H
#define FAULT_ALLOC_H

#include <stdbool.h>

#include <vrm/pgtable.h>

struct fault_alloc {
	struct vrm_pgt_mm_ops ops;          /* give &ops to vrm_pgt_init */
	const struct vrm_pgt_mm_ops *inner; /* the real allocator */
	unsigned long calls;   /* allocations asked for since the last arm */
	unsigned long fail_at; /* 1-based call that fails; 0: none */
	unsigned long failed;  /* failures injected since the last arm */
};

void fault_alloc_init(struct fault_alloc *fa, const struct vrm_pgt_mm_ops *inner);
/* Restart the count; allocation number n (1-based) from now fails, 0: none. */
void fault_alloc_arm(struct fault_alloc *fa, unsigned long n);
/* Count one allocation; true if it is the one to fail. For wrapping other
 * allocators (or callbacks) with the same counter. */
bool fault_alloc_tick(struct fault_alloc *fa);

#endif
