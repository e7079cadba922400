/* SPDX-License-Identifier: MIT */
/* Pool setup and queries. */
#include "internal.h"

int vrm_pool_init(struct vrm_pool *pool, vrm_pa_t base, uint64_t npages,
		  struct vrm_pool_page *meta, uint32_t max_vms,
		  const struct vrm_pool_ops *ops)
{
	uint64_t i, host = w_make(VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_NONE, 0,
				  VRM_POOL_OWNED, 0);
	uint32_t l;

	if (pool == NULL || meta == NULL || ops == NULL || npages == 0 ||
	    (base & (VRM_PAGE_SIZE - 1)) != 0 || max_vms > VRM_POOL_MAX_VMS ||
	    ops->map == NULL || ops->unmap == NULL || ops->pa_to_va == NULL ||
	    npages > (UINT64_MAX >> VRM_PAGE_SHIFT) ||
	    base > UINT64_MAX - (npages << VRM_PAGE_SHIFT))
		return -VRM_EINVAL;
	vrm_ticket_init(&pool->host_lock);
	vrm_ticket_init(&pool->hyp_lock);
	for (l = 0; l < VRM_POOL_VM_LOCKS; l++)
		vrm_ticket_init(&pool->vm_locks[l]);
	pool->base = base;
	pool->npages = npages;
	pool->meta = meta;
	pool->max_vms = max_vms;
	pool->alloc_cursor = 0;
	pool->ops = *ops;
	pool->on_transition = NULL;
	pool->on_transition_arg = NULL;
	pool->bad_pa = 0;
	for (i = 0; i < npages; i++)
		meta[i].word = host;
	return 0;
}

int vrm_pool_boot_assign(struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages,
			 vrm_principal_t owner)
{
	uint64_t idx, i, w;
	int ret = pool_range(pool, pa, npages, &idx);

	if (ret != 0)
		return ret;
	if (owner != VRM_PRINCIPAL_NONE && owner != VRM_PRINCIPAL_HYP &&
	    owner != VRM_PRINCIPAL_HOST)
		return -VRM_EINVAL;
	for (i = idx; i < idx + npages; i++) {
		w = pool_word(pool, i);
		if (W_STATE(w) != VRM_POOL_OWNED ||
		    (W_OWNER(w) == VRM_PRINCIPAL_HYP && !(W_FLAGS(w) & F_HYP_FREE)) ||
		    VRM_PRINCIPAL_IS_VM(W_OWNER(w)))
			return -VRM_EPERM;
	}
	pool_transition(pool, idx, npages, OP_GIVE, owner,
			owner == VRM_PRINCIPAL_HYP ? F_HYP_FREE : 0);
	return 0;
}

int vrm_pool_owner(const struct vrm_pool *pool, vrm_pa_t pa, vrm_principal_t *owner,
		   enum vrm_pool_state *state, uint32_t *count,
		   vrm_principal_t *borrower)
{
	uint64_t idx, w;
	int ret = pool_range(pool, pa, 1, &idx);

	if (ret != 0)
		return ret;
	w = pool_word(pool, idx);
	if (owner != NULL)
		*owner = W_OWNER(w);
	if (state != NULL)
		*state = W_STATE(w);
	if (count != NULL)
		*count = W_COUNT(w);
	if (borrower != NULL)
		*borrower = W_BORROWER(w);
	return 0;
}

bool vrm_pool_may_map(void *arg, vrm_pa_t pa, uint32_t principal, bool *is_hyp)
{
	const struct vrm_pool *pool = arg;
	uint64_t idx, w;

	*is_hyp = false;
	if (pool_range(pool, pa & ~(VRM_PAGE_SIZE - 1), 1, &idx) != 0)
		return true;
	w = pool_word(pool, idx);
	*is_hyp = W_OWNER(w) == VRM_PRINCIPAL_HYP;
	return W_OWNER(w) == principal ||
	       (W_STATE(w) == VRM_POOL_SHARED_OWNED && W_BORROWER(w) == principal);
}

static enum vrm_pool_state view(uint64_t w, vrm_principal_t who)
{
	if (W_OWNER(w) == who)
		return W_STATE(w);
	if (W_STATE(w) == VRM_POOL_SHARED_OWNED && W_BORROWER(w) == who)
		return VRM_POOL_SHARED_BORROWED;
	return VRM_POOL_NOPAGE;
}

enum vrm_pool_state vrm_pool_state_of(const struct vrm_pool *pool, vrm_pa_t pa,
				      vrm_principal_t who)
{
	uint64_t idx;

	if (pool_range(pool, pa, 1, &idx) != 0)
		return VRM_POOL_NOPAGE;
	return view(pool_word(pool, idx), who);
}

int vrm_pool_for_each(struct vrm_pool *pool, vrm_principal_t who,
		      vrm_pool_visit_fn fn, void *arg)
{
	uint64_t i, start = 0;
	enum vrm_pool_state cur = VRM_POOL_NOPAGE, s;
	int ret = 0;

	if (fn == NULL || (who != VRM_PRINCIPAL_NONE && !pool_actor_ok(pool, who)))
		return -VRM_EINVAL;
	/* who's lock keeps every page who owns or borrows (and no other
	 * page can become who's); NONE pages change only at boot, but take
	 * all locks so the walk is a consistent snapshot. */
	if (who == VRM_PRINCIPAL_NONE)
		pool_lock_all(pool);
	else
		pool_lock(pool, who, VRM_PRINCIPAL_NONE);
	for (i = 0; i <= pool->npages && ret == 0; i++) {
		s = i < pool->npages ? view(pool_word(pool, i), who) : VRM_POOL_NOPAGE;
		if (s == cur)
			continue;
		if (cur != VRM_POOL_NOPAGE)
			ret = fn(arg, pool_pa(pool, start), i - start, cur);
		cur = s;
		start = i;
	}
	if (who == VRM_PRINCIPAL_NONE)
		pool_unlock_all(pool);
	else
		pool_unlock(pool, who, VRM_PRINCIPAL_NONE);
	return ret;
}
