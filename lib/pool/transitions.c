/* SPDX-License-Identifier: MIT */
/*
 * donate, share, unshare. Each: check every page under the locks, reserve
 * (prepare, may fail: nothing changed), then commit. Order within a commit:
 * the giver's unmap (with its completed TLB flush, Sequential-TLB-
 * Invalidation) comes before the record changes, and the record changes
 * before the receiver's map, so at no point does a table map a page its
 * principal neither owns nor borrows (Memory-Isolation).
 */
#include "internal.h"

static bool donate_dir_ok(const struct vrm_pool *pool, vrm_principal_t from,
			  vrm_principal_t to)
{
	if (from == VRM_PRINCIPAL_HOST)
		return to == VRM_PRINCIPAL_HYP ||
		       (VRM_PRINCIPAL_IS_VM(to) && pool_actor_ok(pool, to));
	return from == VRM_PRINCIPAL_HYP && to == VRM_PRINCIPAL_HOST;
}

static int donate_check(const struct vrm_pool *pool, uint64_t idx, uint64_t n,
			vrm_principal_t from)
{
	uint64_t i, w;

	/* ACSL (Frama-C WP, proofs/wp/pool_checks.c): every page before i passed. */
	/*@ loop invariant idx <= i <= idx + n;
	  @ loop invariant \forall integer j; idx <= j < i ==>
	  @   W_OWNER(pool->meta[j].word) == from &&
	  @   W_STATE(pool->meta[j].word) == VRM_POOL_OWNED &&
	  @   (W_FLAGS(pool->meta[j].word) & F_HYP_FREE) == 0;
	  @ loop assigns i, w;
	  @ loop variant idx + n - i;
	  @*/
	for (i = idx; i < idx + n; i++) {
		w = pool_word(pool, i);
#ifndef VRM_TWIN_NO_OWNER_CHECK
		/* Broken twin (hyp-example's attack tests only, never a build
		 * option) drops this test: a donor gives away what is not its. */
		if (W_OWNER(w) != from)
			return -VRM_EPERM;
#else
		(void)from;
#endif
		if (W_STATE(w) != VRM_POOL_OWNED)
			return -VRM_EBUSY;
		/* A page in the hyp allocator is nobody's to give. */
		if (W_FLAGS(w) & F_HYP_FREE)
			return -VRM_EPERM;
	}
	return 0;
}

int vrm_pool_donate(struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages,
		    vrm_principal_t from, vrm_principal_t to)
{
	uint64_t idx;
	int ret = pool_range(pool, pa, npages, &idx);

	if (ret != 0)
		return ret;
	if (!pool_actor_ok(pool, from) || !pool_actor_ok(pool, to) ||
	    !donate_dir_ok(pool, from, to))
		return -VRM_EINVAL;
	pool_lock(pool, from, to);
	ret = donate_check(pool, idx, npages, from);
	if (ret == 0)
		ret = pool_cb_reserve(pool, from, idx, npages);
	if (ret == 0)
		ret = pool_cb_reserve(pool, to, idx, npages);
	if (ret == 0)
		ret = pool_cb_unmap(pool, from, idx, npages);
	if (ret != 0)
		goto out; /* nothing changed: unmap is all-or-nothing */
	/* Hyp memory may hold secrets (keys, other VMs' metadata). */
	if (from == VRM_PRINCIPAL_HYP)
		pool_scrub_range(pool, idx, npages);
	pool_transition(pool, idx, npages, OP_GIVE, to, 0);
	ret = pool_cb_map(pool, to, idx, npages, VRM_POOL_OWNED);
	if (ret != 0) {
		/* Roll back: the receiver's table is unchanged (map is
		 * all-or-nothing), so give the pages back and re-map them. */
		pool_transition(pool, idx, npages, OP_UNGIVE, from, 0);
		if (pool_cb_map(pool, from, idx, npages, VRM_POOL_OWNED) != 0)
			pool_rollback_failed(pa);
	}
out:
	pool_unlock(pool, from, to);
	return ret;
}

static bool share_pair_ok(const struct vrm_pool *pool, vrm_principal_t owner,
			  vrm_principal_t borrower)
{
	if (!pool_actor_ok(pool, owner) || !pool_actor_ok(pool, borrower))
		return false;
	return (owner == VRM_PRINCIPAL_HOST && VRM_PRINCIPAL_IS_VM(borrower)) ||
	       (VRM_PRINCIPAL_IS_VM(owner) && borrower == VRM_PRINCIPAL_HOST);
}

/* share and unshare start alike: a valid range and host<->VM pair, then
 * both principals' locks (host -> hyp -> VM order). Nothing is locked when
 * it fails. */
static int share_begin(struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages,
		       vrm_principal_t owner, vrm_principal_t borrower, uint64_t *idx)
{
	int ret = pool_range(pool, pa, npages, idx);

	if (ret != 0)
		return ret;
	if (!share_pair_ok(pool, owner, borrower))
		return -VRM_EINVAL;
	pool_lock(pool, owner, borrower);
	return 0;
}

static int share_check(const struct vrm_pool *pool, uint64_t idx, uint64_t n,
		       vrm_principal_t owner, vrm_principal_t borrower)
{
	uint64_t i, w;

	/* ACSL (Frama-C WP, proofs/wp/pool_checks.c): every page before i passed. */
	/*@ loop invariant idx <= i <= idx + n;
	  @ loop invariant \forall integer j; idx <= j < i ==>
	  @   W_OWNER(pool->meta[j].word) == owner &&
	  @   (W_STATE(pool->meta[j].word) == VRM_POOL_SHARED_OWNED ==>
	  @    W_BORROWER(pool->meta[j].word) == borrower) &&
	  @   W_COUNT(pool->meta[j].word) < VRM_POOL_SHARE_MAX;
	  @ loop assigns i, w;
	  @ loop variant idx + n - i;
	  @*/
	for (i = idx; i < idx + n; i++) {
		w = pool_word(pool, i);
		if (W_OWNER(w) != owner)
			return -VRM_EPERM;
		if (W_STATE(w) == VRM_POOL_SHARED_OWNED && W_BORROWER(w) != borrower)
			return -VRM_EBUSY;
		if (W_COUNT(w) >= VRM_POOL_SHARE_MAX)
			return -VRM_EOVERFLOW;
	}
	return 0;
}

#define UNSHARED_MASK (W_MASK_STATE)
#define UNSHARED_WANT ((uint64_t)VRM_POOL_OWNED << 48)
#define PENDING_MASK  W_FLAG(F_PENDING)

int vrm_pool_share(struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages,
		   vrm_principal_t owner, vrm_principal_t borrower)
{
	uint64_t idx, end, i, s, n, fail = 0;
	int ret = share_begin(pool, pa, npages, owner, borrower, &idx);

	if (ret != 0)
		return ret;
	end = idx + npages;
	ret = share_check(pool, idx, npages, owner, borrower);
	for (i = idx; ret == 0 && pool_run(pool, &i, end, UNSHARED_MASK, UNSHARED_WANT, &s, &n);)
		ret = pool_cb_reserve(pool, borrower, s, n);
	if (ret != 0)
		goto out;
	/* Mark the first-time pages: they are the ones to map (and to find
	 * again if a map fails); the others only gain a grant. */
	for (i = idx; pool_run(pool, &i, end, UNSHARED_MASK, UNSHARED_WANT, &s, &n);)
		pool_transition(pool, s, n, OP_SET_FLAGS, 0, F_PENDING);
	for (i = idx; ret == 0 && pool_run(pool, &i, end, PENDING_MASK, PENDING_MASK, &s, &n);) {
		pool_transition(pool, s, n, OP_SHARE, borrower, 0);
		ret = pool_cb_map(pool, borrower, s, n, VRM_POOL_SHARED_BORROWED);
		fail = s;
	}
	if (ret != 0) {
		/* Undo the runs before the failed one (mapped: unmap first),
		 * then the failed one (its map changed nothing). */
		for (i = idx; pool_run(pool, &i, fail, PENDING_MASK, PENDING_MASK, &s, &n);) {
			if (pool_cb_unmap(pool, borrower, s, n) != 0) {
				/* Still mapped: keep it recorded as lent. */
				pool_rollback_failed(pool_pa(pool, s));
				pool_transition(pool, s, n, OP_CLEAR_FLAGS, 0, F_PENDING);
				continue;
			}
			pool_transition(pool, s, n, OP_UNSHARE, borrower, 0);
		}
		for (i = fail; pool_run(pool, &i, end, PENDING_MASK, PENDING_MASK, &s, &n);)
			if (W_STATE(pool_word(pool, s)) == VRM_POOL_SHARED_OWNED)
				pool_transition(pool, s, n, OP_UNSHARE, borrower, 0);
	} else {
		for (i = idx; pool_run(pool, &i, end, PENDING_MASK, 0, &s, &n);)
			pool_transition(pool, s, n, OP_SHARE, borrower, 0);
	}
	for (i = idx; pool_run(pool, &i, end, PENDING_MASK, PENDING_MASK, &s, &n);)
		pool_transition(pool, s, n, OP_CLEAR_FLAGS, 0, F_PENDING);
out:
	pool_unlock(pool, owner, borrower);
	return ret;
}

#define LAST_GRANT_MASK (W_MASK_COUNT)
#define LAST_GRANT_WANT (UINT64_C(1) << 32)

/* Check phase of unshare, read-only like donate_check and share_check:
 * every page must be owner's, lent, and lent to borrower. */
static int unshare_check(const struct vrm_pool *pool, uint64_t idx, uint64_t n,
			 vrm_principal_t owner, vrm_principal_t borrower)
{
	uint64_t i, w;

	/* ACSL (Frama-C WP, proofs/wp/pool_checks.c): every page before i passed. */
	/*@ loop invariant idx <= i <= idx + n;
	  @ loop invariant \forall integer j; idx <= j < i ==>
	  @   W_OWNER(pool->meta[j].word) == owner &&
	  @   W_STATE(pool->meta[j].word) == VRM_POOL_SHARED_OWNED &&
	  @   W_BORROWER(pool->meta[j].word) == borrower;
	  @ loop assigns i, w;
	  @ loop variant idx + n - i;
	  @*/
	for (i = idx; i < idx + n; i++) {
		w = pool_word(pool, i);
		if (W_OWNER(w) != owner || W_STATE(w) != VRM_POOL_SHARED_OWNED ||
		    W_BORROWER(w) != borrower)
			return -VRM_EPERM;
	}
	return 0;
}

int vrm_pool_unshare(struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages,
		     vrm_principal_t owner, vrm_principal_t borrower)
{
	uint64_t idx, end, i, s, n, fail = 0;
	int ret = share_begin(pool, pa, npages, owner, borrower, &idx);

	if (ret != 0)
		return ret;
	end = idx + npages;
	ret = unshare_check(pool, idx, npages, owner, borrower);
	/* ACSL (Frama-C WP, proofs/wp/pool_ops.c): these loops write no
	 * record (loop assigns), each run moves i forward (variant), and
	 * while ret is 0 the check above held for every page. */
	/*@ loop invariant idx <= i <= end;
	  @ loop invariant ret <= 0;
	  @ loop invariant ret == 0 ==> \forall integer j; idx <= j < end ==>
	  @   W_OWNER(pool->meta[j].word) == owner &&
	  @   W_STATE(pool->meta[j].word) == VRM_POOL_SHARED_OWNED &&
	  @   W_BORROWER(pool->meta[j].word) == borrower;
	  @ loop assigns i, s, n, ret;
	  @ loop variant end - i;
	  @*/
	for (i = idx; ret == 0 && pool_run(pool, &i, end, LAST_GRANT_MASK, LAST_GRANT_WANT, &s, &n);)
		ret = pool_cb_reserve(pool, borrower, s, n);
	if (ret != 0)
		goto out;
	/* The borrower loses its mapping (and its TLB entries) before the
	 * record says the owner has the page alone again. */
	/*@ loop invariant idx <= i <= end;
	  @ loop invariant ret <= 0;
	  @ loop invariant ret == 0 || idx <= fail < end;
	  @ loop invariant ret == 0 ==> \forall integer j; idx <= j < end ==>
	  @   W_OWNER(pool->meta[j].word) == owner &&
	  @   W_STATE(pool->meta[j].word) == VRM_POOL_SHARED_OWNED &&
	  @   W_BORROWER(pool->meta[j].word) == borrower;
	  @ loop assigns i, s, n, ret, fail;
	  @ loop variant end - i;
	  @*/
	for (i = idx; ret == 0 && pool_run(pool, &i, end, LAST_GRANT_MASK, LAST_GRANT_WANT, &s, &n);) {
		ret = pool_cb_unmap(pool, borrower, s, n);
		fail = s;
	}
	if (ret != 0) {
		/*@ loop invariant idx <= i <= fail;
		  @ loop assigns i, s, n;
		  @ loop variant fail - i;
		  @*/
		for (i = idx; pool_run(pool, &i, fail, LAST_GRANT_MASK, LAST_GRANT_WANT, &s, &n);)
			if (pool_cb_map(pool, borrower, s, n, VRM_POOL_SHARED_BORROWED) != 0)
				pool_rollback_failed(pool_pa(pool, s));
		goto out;
	}
	pool_transition(pool, idx, npages, OP_UNSHARE, borrower, 0);
out:
	pool_unlock(pool, owner, borrower);
	return ret;
}
