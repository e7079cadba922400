/* SPDX-License-Identifier: MIT */
/*
 * Pool internals shared by the lib/pool sources: the record encoding, range and
 * principal checks, the lock set of an operation, and the single function
 * through which every record changes (pool_transition), so an ownership
 * event has one place to be observed.
 */
#ifndef VRM_POOL_INTERNAL_H
#define VRM_POOL_INTERNAL_H

#include <vrm/barrier.h>
#include <vrm/pool.h>

/* Record: owner[15:0] borrower[31:16] count[47:32] state[55:48] flags[63:56] */
#define W_OWNER(w)    ((vrm_principal_t)((w) & 0xffffu))
#define W_BORROWER(w) ((vrm_principal_t)(((w) >> 16) & 0xffffu))
#define W_COUNT(w)    ((uint32_t)(((w) >> 32) & 0xffffu))
#define W_STATE(w)    ((enum vrm_pool_state)(((w) >> 48) & 0xffu))
#define W_FLAGS(w)    ((uint32_t)((w) >> 56))

/* A hyp page that is free in the hyp allocator. */
#define F_HYP_FREE 0x1u
/* Touched by the operation in progress (only seen under its locks); lets
 * the commit find its own pages again when rolling back. */
#define F_PENDING  0x2u

static inline uint64_t w_make(vrm_principal_t owner, vrm_principal_t borrower,
			      uint32_t count, enum vrm_pool_state state, uint32_t flags)
{
	return (uint64_t)(owner & 0xffffu) | ((uint64_t)(borrower & 0xffffu) << 16) |
	       ((uint64_t)(count & 0xffffu) << 32) | ((uint64_t)state << 48) |
	       ((uint64_t)(flags & 0xffu) << 56);
}

/* Single-copy-atomic: a reader holding other locks (reclaim's scan, the
 * lock-free queries) sees a whole old or new record, never a torn one. */
static inline uint64_t pool_word(const struct vrm_pool *pool, uint64_t idx)
{
	return vrm_read_once_64((const volatile uint64_t *)&pool->meta[idx].word);
}

static inline vrm_pa_t pool_pa(const struct vrm_pool *pool, uint64_t idx)
{
	return pool->base + (idx << VRM_PAGE_SHIFT);
}

/* The ops callbacks (pool.h's ops contract) for the pages [idx, idx + n).
 * Every callback call of the transitions goes through these, so that the
 * WP proofs (proofs/wp/pool_ops.c) can state that contract on them as a
 * named hypothesis: WP cannot follow a call through a pointer. */
static inline int pool_cb_reserve(struct vrm_pool *pool, vrm_principal_t who, uint64_t idx,
				  uint64_t n)
{
	if (pool->ops.reserve == NULL)
		return 0;
	return pool->ops.reserve(pool->ops.ctx, who, pool_pa(pool, idx), n);
}

static inline int pool_cb_map(struct vrm_pool *pool, vrm_principal_t who, uint64_t idx,
			      uint64_t n, enum vrm_pool_state s)
{
	return pool->ops.map(pool->ops.ctx, who, pool_pa(pool, idx), n, s);
}

static inline int pool_cb_unmap(struct vrm_pool *pool, vrm_principal_t who, uint64_t idx,
				uint64_t n)
{
	return pool->ops.unmap(pool->ops.ctx, who, pool_pa(pool, idx), n);
}

/* The host, the hyp or a VM below max_vms (NONE is no actor). */
static inline bool pool_actor_ok(const struct vrm_pool *pool, vrm_principal_t p)
{
	if (p == VRM_PRINCIPAL_HYP || p == VRM_PRINCIPAL_HOST)
		return true;
	return VRM_PRINCIPAL_IS_VM(p) && VRM_PRINCIPAL_VM_ID(p) < pool->max_vms;
}

/* [pa, pa + npages pages) lies in the pool and is page-aligned; *idx is the
 * index of its first page. */
int pool_range(const struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages, uint64_t *idx);

/* Locks of the principals involved, in the documented order host -> hyp ->
 * VM stripe; a principal may be NONE (ignored). */
void pool_lock(struct vrm_pool *pool, vrm_principal_t a, vrm_principal_t b);
void pool_unlock(struct vrm_pool *pool, vrm_principal_t a, vrm_principal_t b);
void pool_lock_all(struct vrm_pool *pool);
void pool_unlock_all(struct vrm_pool *pool);

enum pool_op {
	OP_GIVE,        /* owner := p, OWNED, unshared; flags := arg */
	OP_UNGIVE,      /* as OP_GIVE, undoing a give whose receiver never
	                 * had the pages mapped (rollback): no scrub due */
	OP_SHARE,       /* one more grant to borrower p */
	OP_UNSHARE,     /* one grant less */
	OP_DROP,        /* every grant dropped (borrower is dead) */
	OP_RESTORE,     /* shared to borrower p with count arg (undo of OP_DROP) */
	OP_SET_FLAGS,   /* flags |= arg (not an ownership event) */
	OP_CLEAR_FLAGS, /* flags &= ~arg (not an ownership event) */
};

/*
 * ACSL (Frama-C WP, proofs/wp/pool_apply.c): the record apply() (core.c)
 * makes for each op, field by field; the five fields are all 64 bits of a
 * record. (uint32_t)~arg: the C's ~ on a uint32_t. The harness proves that
 * apply() returns it and pool_commit() stores it in every page of the range.
 */
/*@ predicate w_fields(integer r, integer owner, integer borrower, integer count,
  @                    integer state, integer flags) =
  @   W_OWNER(r) == owner && W_BORROWER(r) == borrower && W_COUNT(r) == count &&
  @   W_STATE(r) == state && W_FLAGS(r) == flags;
  @ predicate pool_applied(integer w, integer r, integer op, integer p, integer arg) =
  @   ((op == OP_GIVE || op == OP_UNGIVE) ==>
  @     w_fields(r, p & 0xffff, VRM_PRINCIPAL_NONE, 0, VRM_POOL_OWNED, arg & 0xff)) &&
  @   (op == OP_SHARE ==>
  @     w_fields(r, W_OWNER(w), p & 0xffff, (W_COUNT(w) + 1) & 0xffff,
  @              VRM_POOL_SHARED_OWNED, W_FLAGS(w))) &&
  @   (op == OP_UNSHARE && W_COUNT(w) <= 1 ==>
  @     w_fields(r, W_OWNER(w), VRM_PRINCIPAL_NONE, 0, VRM_POOL_OWNED, W_FLAGS(w))) &&
  @   (op == OP_UNSHARE && W_COUNT(w) > 1 ==>
  @     w_fields(r, W_OWNER(w), W_BORROWER(w), W_COUNT(w) - 1,
  @              VRM_POOL_SHARED_OWNED, W_FLAGS(w))) &&
  @   (op == OP_DROP ==>
  @     w_fields(r, W_OWNER(w), VRM_PRINCIPAL_NONE, 0, VRM_POOL_OWNED, W_FLAGS(w))) &&
  @   (op == OP_RESTORE ==>
  @     w_fields(r, W_OWNER(w), p & 0xffff, arg & 0xffff, VRM_POOL_SHARED_OWNED,
  @              W_FLAGS(w))) &&
  @   (op == OP_SET_FLAGS ==>
  @     w_fields(r, W_OWNER(w), W_BORROWER(w), W_COUNT(w), W_STATE(w),
  @              (W_FLAGS(w) | arg) & 0xff)) &&
  @   (op == OP_CLEAR_FLAGS ==>
  @     w_fields(r, W_OWNER(w), W_BORROWER(w), W_COUNT(w), W_STATE(w),
  @              W_FLAGS(w) & (uint32_t)~arg & 0xff)) &&
  @   (op > OP_CLEAR_FLAGS ==> r == w);
  @*/

/* Every change of a record goes through here, with the locks of the
 * principals concerned held. Ownership ops call pool->on_transition. */
void pool_transition(struct vrm_pool *pool, uint64_t idx, uint64_t n,
		     enum pool_op op, vrm_principal_t p, uint32_t arg);

/* The next maximal run at or after *i, below end, of pages whose record
 * matches (w & mask) == want; false when none. *i moves past the run. */
bool pool_run(const struct vrm_pool *pool, uint64_t *i, uint64_t end,
	      uint64_t mask, uint64_t want, uint64_t *start, uint64_t *n);

/* Zero pages through ops->pa_to_va. */
void pool_scrub_range(struct vrm_pool *pool, uint64_t idx, uint64_t n);

/* A rollback callback failed: the contract was broken; the pool stays
 * consistent (pages owned by the giver, maybe unmapped) and says so. */
void pool_rollback_failed(vrm_pa_t pa);

#define W_MASK_OWNER    UINT64_C(0xffff)
#define W_MASK_BORROWER (UINT64_C(0xffff) << 16)
#define W_MASK_COUNT    (UINT64_C(0xffff) << 32)
#define W_MASK_STATE    (UINT64_C(0xff) << 48)
#define W_FLAG(f)       ((uint64_t)(f) << 56)

#endif /* VRM_POOL_INTERNAL_H */
