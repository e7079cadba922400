/* SPDX-License-Identifier: MIT */
/* Violation counters and the report callback (see vrm/check.h). Present in
 * every build: a kernel can plant its own violations even unchecked. */
#include <vrm/check.h>
#include <vrm/env.h>

#include "report.h"

static uint64_t counts[VRM_COND_COUNT];
static vrm_check_report_fn reporter;

static const char *const cond_names[VRM_COND_COUNT] = {
	[VRM_COND_DRF_KERNEL] = "DRF-Kernel",
	[VRM_COND_NO_BARRIER_MISUSE] = "No-Barrier-Misuse",
	[VRM_COND_WRITE_ONCE_KERNEL_MAPPING] = "Write-Once-Kernel-Mapping",
	[VRM_COND_TRANSACTIONAL_PAGE_TABLE] = "Transactional-Page-Table",
	[VRM_COND_SEQUENTIAL_TLB_INVALIDATION] = "Sequential-TLB-Invalidation",
	[VRM_COND_MEMORY_ISOLATION] = "Memory-Isolation",
};

void vrm_check_set_reporter(vrm_check_report_fn fn)
{
	__atomic_store_n(&reporter, fn, __ATOMIC_RELEASE);
}

const char *vrm_check_cond_name(enum vrm_cond cond)
{
	return (unsigned)cond < VRM_COND_COUNT ? cond_names[cond] : "unknown";
}

uint64_t vrm_check_count(enum vrm_cond cond)
{
	if ((unsigned)cond >= VRM_COND_COUNT)
		return 0;
	return __atomic_load_n(&counts[cond], __ATOMIC_RELAXED);
}

uint64_t vrm_check_total(void)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < VRM_COND_COUNT; i++)
		sum += vrm_check_count((enum vrm_cond)i);
	return sum;
}

void vrm_check_reset(void)
{
	for (unsigned int i = 0; i < VRM_COND_COUNT; i++)
		__atomic_store_n(&counts[i], 0, __ATOMIC_RELAXED);
#if VRM_CHECKED
	vrm_check_state_reset();
#endif
}

void vrm_check_emit(const struct vrm_check_report *r)
{
	vrm_check_report_fn fn;

	if ((unsigned)r->cond >= VRM_COND_COUNT)
		return;
	__atomic_fetch_add(&counts[r->cond], 1, __ATOMIC_RELAXED);
	fn = __atomic_load_n(&reporter, __ATOMIC_ACQUIRE);
	if (fn)
		fn(r);
}

#if !VRM_CHECKED
/* Unchecked builds keep no history: the report names what it can. */
void vrm_check_violation(enum vrm_cond cond, const char *rule, uint64_t addr)
{
	struct vrm_check_report r;

	/* Field by field: an aggregate initialiser of this size compiles to a
	 * memset call, which a freestanding kernel may not provide. */
	r.cond = cond;
	r.rule = rule;
	r.addr = addr;
	r.addr2 = 0;
	r.cpu = vrm_env_cpu_id();
	r.nhistory = 0; /* history[] is not kept in unchecked builds */
	vrm_check_emit(&r);
}
#endif
