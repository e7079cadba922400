/* SPDX-License-Identifier: MIT */
/*
 * An in-memory stand-in for the principals' stage-2 tables, behind
 * struct vrm_pool_ops: a mapped byte per (principal, page), the pool's
 * physical memory as one buffer, and fault injection (the Nth callback
 * fails with -ENOMEM). It follows the ops contract of vrm/pool.h: map of
 * a mapped page is -EEXIST and changes nothing (as vrm_pgt_map), unmap of
 * an unmapped page succeeds. It also plays the principals: a VM that gets
 * a page owned dirties it, and a host that gets a page owned checks that no
 * VM data is left in it (a reclaimed page is zero before the host maps it).
 */
#ifndef FAKE_S2_H
#define FAKE_S2_H

#include <vrm/pool.h>

struct fake_s2 {
	vrm_pa_t base;
	uint64_t npages;
	uint32_t nprinc;        /* hyp, host, max_vms VMs */
	uint8_t *mapped;        /* [principal - 1][page] */
	uint8_t *vm_dirty;      /* [page]: a VM wrote into it */
	uint8_t *mem;           /* npages * 4 KiB */
	unsigned long calls;    /* callbacks so far (atomic) */
	unsigned long fail_at;  /* 1-based callback number that fails; 0: none */
	int fail_kind;          /* 0: any callback; else FAKE_RESERVE/MAP/UNMAP */
	unsigned long violations; /* contract breaches seen (atomic) */
};

#define FAKE_RESERVE 1
#define FAKE_MAP 2
#define FAKE_UNMAP 3

void fake_s2_init(struct fake_s2 *f, vrm_pa_t base, uint64_t npages, uint32_t max_vms);
void fake_s2_fini(struct fake_s2 *f);
/* ops for vrm_pool_init(), ctx = f */
struct vrm_pool_ops fake_s2_ops(struct fake_s2 *f);
bool fake_s2_mapped(const struct fake_s2 *f, vrm_principal_t who, vrm_pa_t pa);
/* Map every page the pool says a principal owns or borrows (after boot). */
void fake_s2_sync(struct fake_s2 *f, struct vrm_pool *pool);
/* Hash of the full pool + mappings state, for before/after comparisons. */
uint64_t fake_s2_state_hash(const struct fake_s2 *f, const struct vrm_pool *pool);
void *fake_s2_va(struct fake_s2 *f, vrm_pa_t pa);

#endif
