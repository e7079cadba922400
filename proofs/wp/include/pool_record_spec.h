/* SPDX-License-Identifier: MIT */
/*
 * Shared by the pool WP harnesses (pool_checks.c, pool_apply.c): the
 * contracts of the record accessors both prove, and the check phase's
 * per-page preconditions, stated once. Include after lib/pool/internal.h
 * and before the lib/pool source the harness proves.
 *
 * The conditions are macros, not ACSL predicates: WP's simplifier (Qed)
 * sees through a macro, and the pool_apply goals need it to; pool_checks.c
 * wraps them in predicates for readable contracts.
 */
#ifndef VRM_WP_POOL_RECORD_SPEC_H
#define VRM_WP_POOL_RECORD_SPEC_H

/* The sequential stand-in of the generic back end's relaxed load (proven
 * in each harness from framac_stubs.h's plain read; run.sh passes
 * -wp-no-volatile, so the volatile access is an ordinary read). */
/*@ requires \valid_read(p);
  @ assigns \nothing;
  @ ensures \result == *p;
  @*/
static inline uint64_t vrm_read_once_64(const volatile uint64_t *p);

/*@ requires \valid_read(pool) && \valid_read(&pool->meta[idx]);
  @ assigns \nothing;
  @ ensures \result == pool->meta[idx].word;
  @*/
static inline uint64_t pool_word(const struct vrm_pool *pool, uint64_t idx);

/* donate_check / share_check / unshare_check pass iff every page of the
 * range meets these (proven in pool_checks.c); pool_apply.c takes them as
 * the per-page conditions its OP_GIVE / OP_SHARE / OP_UNSHARE goals assume. */
#define DONATE_PAGE_OK(w, from) \
	(W_OWNER(w) == (from) && W_STATE(w) == VRM_POOL_OWNED && \
	 (W_FLAGS(w) & F_HYP_FREE) == 0)
#define SHARE_PAGE_OK(w, owner, borrower) \
	(W_OWNER(w) == (owner) && \
	 (W_STATE(w) == VRM_POOL_SHARED_OWNED ==> W_BORROWER(w) == (borrower)) && \
	 W_COUNT(w) < VRM_POOL_SHARE_MAX)
#define UNSHARE_PAGE_OK(w, owner, borrower) \
	(W_OWNER(w) == (owner) && W_STATE(w) == VRM_POOL_SHARED_OWNED && \
	 W_BORROWER(w) == (borrower))

#endif /* VRM_WP_POOL_RECORD_SPEC_H */
