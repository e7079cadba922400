/* SPDX-License-Identifier: MIT */
/*
 * Shared by the pool WP harnesses (pool_checks.c, pool_apply.c,
 * pool_core.c, pool_ops.c): the contracts of the record accessors, the
 * check phase's per-page preconditions and the per-record pool invariant
 * (RECORD_OK), stated once. Include after lib/pool/internal.h
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

/* The pool invariant, per record: lib/pool/invariants.c record_ok, clause by
 * clause, on the five field values (o b c s f), with pool->max_vms as mv.
 * Macros rather than ACSL predicates: WP's simplifier (Qed) sees through a
 * macro, not through a predicate, and it is Qed that decides the flag-bit
 * arithmetic. FIELDS_OK_UPTO allows the flags in `scratch` too: F_PENDING,
 * the mark an operation sets and clears again within one call under its
 * locks (share, reclaim). */
#define ACTOR_OK(q, mv) \
	((q) == VRM_PRINCIPAL_HYP || (q) == VRM_PRINCIPAL_HOST || \
	 (VRM_PRINCIPAL_IS_VM(q) && VRM_PRINCIPAL_VM_ID(q) < (mv)))
#define HOST_VM_PAIR(o, b) \
	(((o) == VRM_PRINCIPAL_HOST && VRM_PRINCIPAL_IS_VM(b)) || \
	 (VRM_PRINCIPAL_IS_VM(o) && (b) == VRM_PRINCIPAL_HOST))
#define FIELDS_OK_UPTO(o, b, c, s, f, mv, scratch) \
	(((o) == VRM_PRINCIPAL_NONE || ACTOR_OK(o, mv)) && \
	 ((f) & ~(F_HYP_FREE | (scratch))) == 0 && \
	 (((f) & F_HYP_FREE) == 0 || (o) == VRM_PRINCIPAL_HYP) && \
	 ((s) == VRM_POOL_OWNED || (s) == VRM_POOL_SHARED_OWNED) && \
	 ((s) == VRM_POOL_OWNED ==> (c) == 0 && (b) == VRM_PRINCIPAL_NONE) && \
	 ((s) == VRM_POOL_SHARED_OWNED ==> \
	  (c) != 0 && ACTOR_OK(b, mv) && ((f) & F_HYP_FREE) == 0 && HOST_VM_PAIR(o, b)))
#define FIELDS_OK(o, b, c, s, f, mv) FIELDS_OK_UPTO(o, b, c, s, f, mv, 0)
#define RECORD_OK_UPTO(w, mv, scratch) \
	FIELDS_OK_UPTO(W_OWNER(w), W_BORROWER(w), W_COUNT(w), W_STATE(w), W_FLAGS(w), mv, scratch)
#define RECORD_OK(w, mv) RECORD_OK_UPTO(w, mv, 0)
/* The pool's principals fit their 16-bit fields (vrm_pool_init refuses a
 * larger max_vms). */
#define MV_OK(mv) (0 <= (mv) && (mv) <= VRM_POOL_MAX_VMS)

#endif /* VRM_WP_POOL_RECORD_SPEC_H */
