/* SPDX-License-Identifier: MIT */
/*
 * Pool plumbing: range checks, the lock order, the one function that
 * changes records, and the run finder the transitions are built on.
 */
#include <vrm/check.h>

#include "internal.h"

int pool_range(const struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages, uint64_t *idx)
{
	uint64_t first;

	if (npages == 0 || (pa & (VRM_PAGE_SIZE - 1)) != 0 || pa < pool->base)
		return -VRM_EINVAL;
	first = (pa - pool->base) >> VRM_PAGE_SHIFT;
	/* Written so that a huge npages cannot wrap. */
	if (first >= pool->npages || npages > pool->npages - first)
		return -VRM_EINVAL;
	*idx = first;
	return 0;
}

static vrm_ticket_t *stripe(struct vrm_pool *pool, vrm_principal_t p)
{
	return &pool->vm_locks[VRM_PRINCIPAL_VM_ID(p) % VRM_POOL_VM_LOCKS];
}

/*
 * Lock order host -> hyp -> VM stripe (pKVM: host_mmu.lock, then
 * pkvm_pgd_lock, then the guest's lock). No operation involves two VMs, so
 * at most one stripe is taken, and order within stripes only matters for
 * pool_lock_all (ascending).
 */
void pool_lock(struct vrm_pool *pool, vrm_principal_t a, vrm_principal_t b)
{
	if (a == VRM_PRINCIPAL_HOST || b == VRM_PRINCIPAL_HOST)
		vrm_ticket_lock(&pool->host_lock);
	if (a == VRM_PRINCIPAL_HYP || b == VRM_PRINCIPAL_HYP)
		vrm_ticket_lock(&pool->hyp_lock);
	if (VRM_PRINCIPAL_IS_VM(a))
		vrm_ticket_lock(stripe(pool, a));
	else if (VRM_PRINCIPAL_IS_VM(b))
		vrm_ticket_lock(stripe(pool, b));
}

void pool_unlock(struct vrm_pool *pool, vrm_principal_t a, vrm_principal_t b)
{
	if (VRM_PRINCIPAL_IS_VM(a))
		vrm_ticket_unlock(stripe(pool, a));
	else if (VRM_PRINCIPAL_IS_VM(b))
		vrm_ticket_unlock(stripe(pool, b));
	if (a == VRM_PRINCIPAL_HYP || b == VRM_PRINCIPAL_HYP)
		vrm_ticket_unlock(&pool->hyp_lock);
	if (a == VRM_PRINCIPAL_HOST || b == VRM_PRINCIPAL_HOST)
		vrm_ticket_unlock(&pool->host_lock);
}

void pool_lock_all(struct vrm_pool *pool)
{
	uint32_t i;

	vrm_ticket_lock(&pool->host_lock);
	vrm_ticket_lock(&pool->hyp_lock);
	for (i = 0; i < VRM_POOL_VM_LOCKS; i++)
		vrm_ticket_lock(&pool->vm_locks[i]);
}

void pool_unlock_all(struct vrm_pool *pool)
{
	uint32_t i;

	for (i = VRM_POOL_VM_LOCKS; i-- > 0;)
		vrm_ticket_unlock(&pool->vm_locks[i]);
	vrm_ticket_unlock(&pool->hyp_lock);
	vrm_ticket_unlock(&pool->host_lock);
}

static uint64_t apply(uint64_t w, enum pool_op op, vrm_principal_t p, uint32_t arg)
{
	uint32_t count = W_COUNT(w), flags = W_FLAGS(w);

	switch (op) {
	case OP_GIVE:
	case OP_UNGIVE:
		return w_make(p, VRM_PRINCIPAL_NONE, 0, VRM_POOL_OWNED, arg);
	case OP_SHARE:
		return w_make(W_OWNER(w), p, count + 1, VRM_POOL_SHARED_OWNED, flags);
	case OP_UNSHARE:
		if (count <= 1)
			return w_make(W_OWNER(w), VRM_PRINCIPAL_NONE, 0, VRM_POOL_OWNED, flags);
		return w_make(W_OWNER(w), W_BORROWER(w), count - 1, VRM_POOL_SHARED_OWNED, flags);
	case OP_DROP:
		return w_make(W_OWNER(w), VRM_PRINCIPAL_NONE, 0, VRM_POOL_OWNED, flags);
	case OP_RESTORE:
		return w_make(W_OWNER(w), p, arg, VRM_POOL_SHARED_OWNED, flags);
	/* Rebuilt from the fields like every other record (one packing to
	 * prove, proofs/wp/pool_apply.c); only the flags byte changes. */
	case OP_SET_FLAGS:
		return w_make(W_OWNER(w), W_BORROWER(w), count, W_STATE(w), flags | arg);
	case OP_CLEAR_FLAGS:
		return w_make(W_OWNER(w), W_BORROWER(w), count, W_STATE(w), flags & ~arg);
	}
	return w;
}

/* The commit proper: every record of [idx, idx + n) becomes apply() of
 * itself, one single-copy-atomic store each, and nothing else is written.
 * Returns the last record written (the first one's if n == 0). */
static uint64_t pool_commit(struct vrm_pool *pool, uint64_t idx, uint64_t n,
			    enum pool_op op, vrm_principal_t p, uint32_t arg)
{
	uint64_t i, w = pool_word(pool, idx);

	/* ACSL (Frama-C WP, proofs/wp/pool_apply.c): pages before i are
	 * committed, the others still hold their old record. */
	/*@ loop invariant idx <= i <= idx + n;
	  @ loop invariant \forall integer j; idx <= j < i ==>
	  @   pool_applied(\at(pool->meta[j].word, Pre), pool->meta[j].word, op, p, arg);
	  @ loop invariant \forall integer j; i <= j < idx + n ==>
	  @   pool->meta[j].word == \at(pool->meta[j].word, Pre);
	  @ loop invariant i == idx ==> w == \at(pool->meta[idx].word, Pre);
	  @ loop invariant i > idx ==> w == pool->meta[i - 1].word;
	  @ loop assigns i, w, pool->meta[idx .. idx + n - 1].word;
	  @ loop variant idx + n - i;
	  @*/
	for (i = idx; i < idx + n; i++) {
		w = apply(pool_word(pool, i), op, p, arg);
		vrm_write_once_64((volatile uint64_t *)&pool->meta[i].word, w);
	}
	return w;
}

/* The ownership-event hook, after the records changed. Its own function so
 * that the WP proof of pool_transition (proofs/wp/pool_core.c) can state
 * the hook's contract -- it writes nothing of the pool -- as a named
 * hypothesis: WP cannot follow a call through a pointer. */
static void notify(const struct vrm_pool *pool, uint64_t idx, uint64_t n,
		   uint64_t old, uint64_t w)
{
	pool->on_transition(pool->on_transition_arg, pool_pa(pool, idx), n,
			    W_OWNER(old), W_OWNER(w), W_BORROWER(w), W_STATE(w));
}

void pool_transition(struct vrm_pool *pool, uint64_t idx, uint64_t n,
		     enum pool_op op, vrm_principal_t p, uint32_t arg)
{
	uint64_t old = pool_word(pool, idx), w = pool_commit(pool, idx, n, op, p, arg);

#if VRM_CHECKED
	/* Sequential-TLB-Invalidation: a page changing hands must no longer be
	 * reachable through a giver's entry whose TLBI + DSB is incomplete.
	 * Memory-Isolation: what reaches the host from elsewhere is scrubbed. */
	if ((op == OP_GIVE || op == OP_UNGIVE) && W_OWNER(old) != p) {
		for (uint64_t i = idx; i < idx + n; i++) {
			vrm_check_owner_change(pool_pa(pool, i), W_OWNER(old), p);
			/* An undone give hands back the giver's own data. */
			if (op == OP_GIVE && p == VRM_PRINCIPAL_HOST &&
			    W_OWNER(old) != VRM_PRINCIPAL_NONE &&
			    pool->ops.pa_to_va != NULL)
				vrm_check_page_scrubbed(pool_pa(pool, i),
							pool->ops.pa_to_va(pool->ops.ctx, pool_pa(pool, i)));
		}
	}
#endif
	if (pool->on_transition != NULL && op != OP_SET_FLAGS && op != OP_CLEAR_FLAGS)
		notify(pool, idx, n, old, w);
}

bool pool_run(const struct vrm_pool *pool, uint64_t *i, uint64_t end,
	      uint64_t mask, uint64_t want, uint64_t *start, uint64_t *n)
{
	uint64_t j = *i;

	/* ACSL (Frama-C WP, proofs/wp/pool_core.c): no page from *i to j
	 * matches; then every page from *start to j does. */
	/*@ loop invariant *i <= j <= end;
	  @ loop invariant \forall integer k; *i <= k < j ==> (pool->meta[k].word & mask) != want;
	  @ loop assigns j;
	  @ loop variant end - j;
	  @*/
	while (j < end && (pool_word(pool, j) & mask) != want)
		j++;
	if (j == end) {
		*i = end;
		return false;
	}
	*start = j;
	/*@ loop invariant *start <= j <= end;
	  @ loop invariant \forall integer k; *start <= k < j ==> (pool->meta[k].word & mask) == want;
	  @ loop assigns j;
	  @ loop variant end - j;
	  @*/
	while (j < end && (pool_word(pool, j) & mask) == want)
		j++;
	*n = j - *start;
	*i = j;
	return true;
}

void pool_rollback_failed(vrm_pa_t pa)
{
	/* The ops broke their contract (a callback failed after reserve, and
	 * then the undo failed too). Isolation still holds: the pool only
	 * ever leaves fewer mappings than it records. */
	vrm_check_violation(VRM_COND_MEMORY_ISOLATION, "pool-rollback-callback-failed", pa);
}
