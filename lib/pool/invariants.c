/* SPDX-License-Identifier: MIT */
/*
 * vrm_pool_check_invariants: the Memory-Isolation invariants of the pool,
 * checked on a quiescent snapshot (every pool lock held).
 */
#include "internal.h"

static bool record_ok(const struct vrm_pool *pool, uint64_t w)
{
	vrm_principal_t o = W_OWNER(w), b = W_BORROWER(w);
	uint32_t c = W_COUNT(w), f = W_FLAGS(w);

	/* Exactly one owner, and it is a principal the pool knows. */
	if (o != VRM_PRINCIPAL_NONE && !pool_actor_ok(pool, o))
		return false;
	/* Flags other than the allocator's are an operation's scratch. */
	if (f & ~F_HYP_FREE)
		return false;
	if ((f & F_HYP_FREE) && o != VRM_PRINCIPAL_HYP)
		return false;
	switch (W_STATE(w)) {
	case VRM_POOL_OWNED:
		return c == 0 && b == VRM_PRINCIPAL_NONE;
	case VRM_POOL_SHARED_OWNED:
		/* The count is the number of grants; grants only between
		 * the host and a VM. */
		if (c == 0 || !pool_actor_ok(pool, b) || (f & F_HYP_FREE))
			return false;
		return (o == VRM_PRINCIPAL_HOST && VRM_PRINCIPAL_IS_VM(b)) ||
		       (VRM_PRINCIPAL_IS_VM(o) && b == VRM_PRINCIPAL_HOST);
	default:
		return false;
	}
}

/* Every host/VM table maps only what its principal owns or borrows: so no
 * hyp page and no NONE page is mapped for the host or a VM. */
static bool mappings_ok(const struct vrm_pool *pool, uint64_t idx, uint64_t w)
{
	vrm_pa_t pa = pool_pa(pool, idx);
	vrm_principal_t p = VRM_PRINCIPAL_HOST;
	uint32_t vm;

	for (vm = 0;; vm++) {
		if (p != W_OWNER(w) &&
		    !(W_STATE(w) == VRM_POOL_SHARED_OWNED && p == W_BORROWER(w)) &&
		    pool->ops.is_mapped(pool->ops.ctx, p, pa))
			return false;
		if (vm == pool->max_vms)
			return true;
		p = VRM_PRINCIPAL_VM(vm);
	}
}

int vrm_pool_check_invariants(struct vrm_pool *pool)
{
	uint64_t i, w;
	int ret = 0;

	pool_lock_all(pool);
	for (i = 0; i < pool->npages && ret == 0; i++) {
		w = pool_word(pool, i);
		if (!record_ok(pool, w))
			ret = -VRM_EINVAL;
		else if (pool->ops.is_mapped != NULL && !mappings_ok(pool, i, w))
			ret = -VRM_EPERM;
		if (ret != 0)
			pool->bad_pa = pool_pa(pool, i);
	}
	pool_unlock_all(pool);
	return ret;
}
