/* SPDX-License-Identifier: MIT */
/*
 * The hyp page allocator (pages for the hypervisor's own tables and VM
 * metadata) and the scrub. Allocator state is the F_HYP_FREE flag of
 * hyp-owned records plus a next-fit cursor, all under the hyp lock.
 */
#include "internal.h"

/*
 * Zero one 4 KiB page. The core may not call memset, and a plain loop is
 * what GCC and clang rewrite into a memset call (loop-idiom recognition),
 * which a freestanding link lacks. One cache line of stores per iteration,
 * then an empty asm with a "memory" clobber: the idiom recogniser cannot
 * see through it, but the eight stores stay one straight line that the
 * compiler merges (SLP) into vector or STP pairs.
 */
void vrm_pool_scrub_page(void *va)
{
	uint64_t *p = (uint64_t *)va;
	uint64_t *end = p + VRM_PAGE_SIZE / sizeof(uint64_t);

	for (; p < end; p += 8) {
		p[0] = 0;
		p[1] = 0;
		p[2] = 0;
		p[3] = 0;
		p[4] = 0;
		p[5] = 0;
		p[6] = 0;
		p[7] = 0;
		__asm__ volatile("" : : "r"(p) : "memory"); /* no memset idiom */
	}
}

void pool_scrub_range(struct vrm_pool *pool, uint64_t idx, uint64_t n)
{
	uint64_t i;

	for (i = idx; i < idx + n; i++)
		vrm_pool_scrub_page(pool->ops.pa_to_va(pool->ops.ctx, pool_pa(pool, i)));
	/* The zeroes must be visible before the store that publishes the
	 * receiver's mapping: a CPU that walks the new entry then reads the
	 * page must not see the old data. Generic (hosted) builds have no
	 * MMU: their software tables are published under the pool's locks,
	 * whose release orders the zeroes (and GCC's TSan rejects fences). */
#if VRM_ARCH_AARCH64
	vrm_dsb_ishst();
#endif
}

#define FREE_MASK (W_MASK_OWNER | W_MASK_STATE | W_FLAG(F_HYP_FREE))
#define FREE_WANT ((uint64_t)VRM_PRINCIPAL_HYP | ((uint64_t)VRM_POOL_OWNED << 48) | \
		   W_FLAG(F_HYP_FREE))

static bool run_free(const struct vrm_pool *pool, uint64_t idx, uint64_t n)
{
	uint64_t i;

	for (i = idx; i < idx + n; i++)
		if ((pool_word(pool, i) & FREE_MASK) != FREE_WANT)
			return false;
	return true;
}

/* First 2^order-aligned (in physical address) candidate at or after idx. */
static uint64_t align_up(const struct vrm_pool *pool, uint64_t idx, uint64_t n)
{
	uint64_t pfn = (pool->base >> VRM_PAGE_SHIFT) + idx;

	return idx + ((n - (pfn & (n - 1))) & (n - 1));
}

int vrm_pool_hyp_alloc(struct vrm_pool *pool, uint32_t order, vrm_pa_t *pa)
{
	uint64_t n, idx, lo, hi, start;
	int pass, ret = -VRM_ENOMEM;

	if (pa == NULL || order > VRM_POOL_MAX_ORDER)
		return -VRM_EINVAL;
	n = UINT64_C(1) << order;
	pool_lock(pool, VRM_PRINCIPAL_HYP, VRM_PRINCIPAL_NONE);
	start = pool->alloc_cursor < pool->npages ? pool->alloc_cursor : 0;
	/* Next fit: from the cursor to the end, then from 0 to the cursor. */
	for (pass = 0; pass < 2 && ret != 0; pass++) {
		lo = pass == 0 ? start : 0;
		hi = pass == 0 ? pool->npages : start + n;
		if (hi > pool->npages)
			hi = pool->npages;
		for (idx = align_up(pool, lo, n); idx < hi && n <= hi - idx;
		     idx = align_up(pool, idx + n, n)) {
			if (!run_free(pool, idx, n))
				continue;
			pool_scrub_range(pool, idx, n);
			pool_transition(pool, idx, n, OP_CLEAR_FLAGS, 0, F_HYP_FREE);
			pool->alloc_cursor = idx + n;
			*pa = pool_pa(pool, idx);
			ret = 0;
			break;
		}
	}
	pool_unlock(pool, VRM_PRINCIPAL_HYP, VRM_PRINCIPAL_NONE);
	return ret;
}

int vrm_pool_hyp_free(struct vrm_pool *pool, vrm_pa_t pa, uint32_t order)
{
	uint64_t idx, i, w, n;
	int ret;

	if (order > VRM_POOL_MAX_ORDER)
		return -VRM_EINVAL;
	n = UINT64_C(1) << order;
	ret = pool_range(pool, pa, n, &idx);
	if (ret != 0)
		return ret;
	if (((pa >> VRM_PAGE_SHIFT) & (n - 1)) != 0)
		return -VRM_EINVAL;
	pool_lock(pool, VRM_PRINCIPAL_HYP, VRM_PRINCIPAL_NONE);
	for (i = idx; i < idx + n && ret == 0; i++) {
		w = pool_word(pool, i);
		if (W_OWNER(w) != VRM_PRINCIPAL_HYP || (W_FLAGS(w) & F_HYP_FREE))
			ret = -VRM_EPERM;
	}
	if (ret == 0)
		pool_transition(pool, idx, n, OP_SET_FLAGS, 0, F_HYP_FREE);
	pool_unlock(pool, VRM_PRINCIPAL_HYP, VRM_PRINCIPAL_NONE);
	return ret;
}
