/* SPDX-License-Identifier: MIT */
/*
 * reclaim: a dead VM's pages go back to the host, scrubbed. Order: every
 * mapping of the VM goes first (unmap returns after its TLB flush
 * completed), then each owned run is zeroed, recorded as the host's and
 * only then mapped for the host -- so the host can never reach a page that
 * still holds the VM's data (Memory-Isolation) or that a stale VM TLB entry
 * still reaches (Sequential-TLB-Invalidation).
 */
#include "internal.h"

#define OWNER_MASK     (W_MASK_OWNER)
#define LENT_MASK      (W_MASK_OWNER | W_MASK_STATE)
#define BORROW_MASK    (W_MASK_BORROWER | W_MASK_STATE)
#define SHARED_WANT    ((uint64_t)VRM_POOL_SHARED_OWNED << 48)
#define PENDING_MASK   W_FLAG(F_PENDING)

/* Re-map the VM's owned runs below owned_stop and borrowed runs below
 * borrowed_stop: the ones an aborted reclaim had unmapped. */
static void remap_vm(struct vrm_pool *pool, vrm_principal_t vm, uint64_t owned_stop,
		     uint64_t borrowed_stop)
{
	uint64_t i, s, n, ow = vm, bw = ((uint64_t)vm << 16) | SHARED_WANT;

	for (i = 0; pool_run(pool, &i, owned_stop, OWNER_MASK, ow, &s, &n);)
		if (pool_cb_map(pool, vm, s, n, VRM_POOL_OWNED) != 0)
			pool_rollback_failed(pool_pa(pool, s));
	for (i = 0; pool_run(pool, &i, borrowed_stop, BORROW_MASK, bw, &s, &n);)
		if (pool_cb_map(pool, vm, s, n, VRM_POOL_SHARED_BORROWED) != 0)
			pool_rollback_failed(pool_pa(pool, s));
}

/* Unmap every run the VM owns or borrows; undo on failure. */
static int unmap_vm(struct vrm_pool *pool, vrm_principal_t vm)
{
	uint64_t i, s, n, end = pool->npages, ow = vm;
	uint64_t bw = ((uint64_t)vm << 16) | SHARED_WANT;
	int ret;

	for (i = 0; pool_run(pool, &i, end, OWNER_MASK, ow, &s, &n);) {
		ret = pool_cb_unmap(pool, vm, s, n);
		if (ret != 0) {
			remap_vm(pool, vm, s, 0);
			return ret;
		}
	}
	for (i = 0; pool_run(pool, &i, end, BORROW_MASK, bw, &s, &n);) {
		ret = pool_cb_unmap(pool, vm, s, n);
		if (ret != 0) {
			remap_vm(pool, vm, end, s);
			return ret;
		}
	}
	return 0;
}

int vrm_pool_reclaim(struct vrm_pool *pool, vrm_principal_t vm)
{
	uint64_t i, s, n, end, fail = 0, bw;
	int ret = 0;

	if (!VRM_PRINCIPAL_IS_VM(vm) || !pool_actor_ok(pool, vm))
		return -VRM_EINVAL;
	end = pool->npages;
	bw = ((uint64_t)vm << 16) | SHARED_WANT;
	pool_lock(pool, VRM_PRINCIPAL_HOST, vm);
	/* A page the VM still lends to the host: the host must unshare it
	 * first (it still maps it; scrubbing it would pull data from under
	 * the host, and handing it over would double-count the mapping). */
	for (i = 0; pool_run(pool, &i, end, LENT_MASK, (uint64_t)vm | SHARED_WANT, &s, &n);) {
		ret = -VRM_EBUSY;
		goto out;
	}
	for (i = 0; ret == 0 && pool_run(pool, &i, end, OWNER_MASK, vm, &s, &n);) {
		ret = pool_cb_reserve(pool, vm, s, n);
		if (ret == 0)
			ret = pool_cb_reserve(pool, VRM_PRINCIPAL_HOST, s, n);
	}
	for (i = 0; ret == 0 && pool_run(pool, &i, end, BORROW_MASK, bw, &s, &n);)
		ret = pool_cb_reserve(pool, vm, s, n);
	if (ret == 0)
		ret = unmap_vm(pool, vm);
	if (ret != 0)
		goto out;
	/* Hand over run by run; PENDING marks what this call gave the host. */
	for (i = 0; ret == 0 && pool_run(pool, &i, end, OWNER_MASK, vm, &s, &n);) {
#ifndef VRM_TWIN_NO_SCRUB
		/* Broken twin (hyp-example's attack tests only) skips the scrub:
		 * the dead VM's data reaches the host. */
		pool_scrub_range(pool, s, n);
#endif
		pool_transition(pool, s, n, OP_GIVE, VRM_PRINCIPAL_HOST, F_PENDING);
		ret = pool_cb_map(pool, VRM_PRINCIPAL_HOST, s, n, VRM_POOL_OWNED);
		fail = s;
	}
	if (ret != 0) {
		for (i = 0; pool_run(pool, &i, end, PENDING_MASK, PENDING_MASK, &s, &n);) {
			if (s < fail && pool_cb_unmap(pool, VRM_PRINCIPAL_HOST, s, n) != 0) {
				/* Still the host's mapping: leave it the host's. */
				pool_rollback_failed(pool_pa(pool, s));
				pool_transition(pool, s, n, OP_CLEAR_FLAGS, 0, F_PENDING);
				continue;
			}
			pool_transition(pool, s, n, OP_GIVE, vm, 0);
		}
		remap_vm(pool, vm, end, end);
		goto out;
	}
	for (i = 0; pool_run(pool, &i, end, PENDING_MASK, PENDING_MASK, &s, &n);)
		pool_transition(pool, s, n, OP_CLEAR_FLAGS, 0, F_PENDING);
	/* The VM's grants die with it; the owner keeps its pages. */
	for (i = 0; pool_run(pool, &i, end, BORROW_MASK, bw, &s, &n);)
		pool_transition(pool, s, n, OP_DROP, VRM_PRINCIPAL_NONE, 0);
out:
	pool_unlock(pool, VRM_PRINCIPAL_HOST, vm);
	return ret;
}
