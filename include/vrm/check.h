/* SPDX-License-Identifier: MIT */
/*
 * VRM condition checker: reports a caller's violation of a VRM program
 * condition, with per-condition counters. Primitives call the hooks only in
 * checked builds (-Dchecked=true); otherwise VRM_CHECK_HOOK() compiles to
 * nothing.
 */
#ifndef VRM_CHECK_H
#define VRM_CHECK_H

#include <vrm/types.h>

enum vrm_cond {
	VRM_COND_DRF_KERNEL = 0,
	VRM_COND_NO_BARRIER_MISUSE,
	VRM_COND_WRITE_ONCE_KERNEL_MAPPING,
	VRM_COND_TRANSACTIONAL_PAGE_TABLE,
	VRM_COND_SEQUENTIAL_TLB_INVALIDATION,
	VRM_COND_MEMORY_ISOLATION,
	VRM_COND_COUNT
};

struct vrm_check_report {
	enum vrm_cond cond;
	const char *rule;   /* short name of the rule that fired */
	uint64_t addr;      /* the object or address concerned */
	uint32_t cpu;       /* vrm_env_cpu_id() of the offender */
};

typedef void (*vrm_check_report_fn)(const struct vrm_check_report *report);

/* Called for every violation after the counter is bumped; NULL: count only. */
void vrm_check_set_reporter(vrm_check_report_fn fn);
const char *vrm_check_cond_name(enum vrm_cond cond);
/* Violations of `cond` since the last reset. */
uint64_t vrm_check_count(enum vrm_cond cond);
uint64_t vrm_check_total(void);
void vrm_check_reset(void);

/* Record a violation (used by the primitives; callers may plant their own). */
void vrm_check_violation(enum vrm_cond cond, const char *rule, uint64_t addr);

#endif /* VRM_CHECK_H */
