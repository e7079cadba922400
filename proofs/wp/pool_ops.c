/* SPDX-License-Identifier: MIT */
/*
 * WP harness: lib/pool/transitions.c, the ownership transitions as wholes
 * (vrm_pool_donate, vrm_pool_unshare, with donate_dir_ok, share_pair_ok,
 * share_begin), over the pool invariant: every record meets record_ok (RECORD_OK
 * of pool_record_spec.h: lib/pool/invariants.c record_ok, the C form of
 * coq/PoolExec.v's record well-formedness). For each call, proven:
 *  - inv: the invariant holds again afterwards, whatever the callbacks
 *    returned (a rollback included);
 *  - malformed: a bad range, actor or direction returns -EINVAL and no
 *    record changes;
 *  - failed: any other error changes no record (check-then-commit; after
 *    a rollback every field of every record is as before);
 *  - done: success writes the records of the range and no others, to
 *    what the transition means (donate: `to` owns the page alone; unshare:
 *    one grant less), and only from records the check accepted.
 * Contracts on prototypes; the loop annotations are in transitions.c,
 * #included below. Proven elsewhere and used here: pool_core_spec.h,
 * pool_checks_spec.h, pool_record_spec.h.
 *
 * Hypotheses (contracts used, not proven; proofs/README.md): the ops
 * contract of include/vrm/pool.h as seen from the records -- pool_cb_reserve,
 * pool_cb_map and pool_cb_unmap (lib/pool/internal.h, one indirect call
 * each) write nothing of the pool and return
 * 0 or a negative errno; pool_scrub_range zeroes page contents only (no
 * record, no pool field); pool_rollback_failed (the checker's report)
 * writes nothing of the pool. What the callbacks do to the page tables is
 * not stated here: coq/PoolExec.v and the model tests (tests/model/pool)
 * cover the order of unmap, record change and map.
 */
#include "../../lib/pool/internal.h"

#include "pool_record_spec.h"
#include "pool_core_spec.h"
#include "pool_checks_spec.h"

/* Bit facts (pool_bit_lemmas.h), and that flags with neither F_HYP_FREE
 * nor any other bit are 0; proven by the lemma pass with the tactics below.
 * wp-lemma-options: -wp-auto wp:bitwised,wp:bitrange -wp-timeout 1
 */
#include "pool_bit_lemmas.h"
/*@ lemma flags_none: \forall uint64_t w;
  @   (W_FLAGS(w) & ~(F_HYP_FREE | 0)) == 0 && (W_FLAGS(w) & F_HYP_FREE) == 0 ==> W_FLAGS(w) == 0;
  @*/

/* same_fields: the five fields agree (what a rollback restores). */
/*@ predicate same_fields(uint64_t a, uint64_t b) =
  @   W_OWNER(a) == W_OWNER(b) && W_BORROWER(a) == W_BORROWER(b) &&
  @   W_COUNT(a) == W_COUNT(b) && W_STATE(a) == W_STATE(b) && W_FLAGS(a) == W_FLAGS(b);
  @*/

/* The memory every pool operation may assume it has alone (its caller's
 * pool and records, pool.h): what both operation contracts below require. */
#define POOL_PRE(pool) \
	(\valid(pool) && MV_OK((pool)->max_vms) && \
	 \valid((pool)->meta + (0 .. (pool)->npages - 1)) && \
	 \separated(pool, (pool)->meta + (0 .. (pool)->npages - 1)))
#define POOL_ASSIGNS(pool) \
	(pool)->meta[0 .. (pool)->npages - 1].word, (pool)->host_lock, (pool)->hyp_lock, \
	(pool)->vm_locks[0 .. VRM_POOL_VM_LOCKS - 1]
#define UNCHANGED(pool) \
	(\forall integer j; 0 <= j < \old((pool)->npages) ==> \
	 \old((pool)->meta)[j].word == \old((pool)->meta[j].word))
/* The pool as it was on entry, for the postconditions. */
#define RECS_OK(pool) \
	(\forall integer j; 0 <= j < (pool)->npages ==> record_ok((pool)->meta[j].word, (pool)->max_vms))
#define OLD_RECS_OK(pool) \
	(\forall integer j; 0 <= j < \old((pool)->npages) ==> \
	 record_ok(\old((pool)->meta)[j].word, \old((pool)->max_vms)))
#define OLD_IDX(pool, pa) ((pa - \old((pool)->base)) / 4096)
/* Page j of the pool on entry: W its record before, W' after. */
#define FOR_PAGES(pool, j) \forall integer j; 0 <= j < \old((pool)->npages) ==>
#define W0(pool, j) \old((pool)->meta[j].word)
#define W1(pool, j) \old((pool)->meta)[j].word
#define IN_RANGE(pool, pa, npages, j) (OLD_IDX(pool, pa) <= j < OLD_IDX(pool, pa) + npages)

/* The ops contract (hypothesis), on the wrappers of lib/pool/internal.h
 * that every callback call goes through. */
/*@ requires \valid_read(pool);
  @ assigns \nothing;
  @ ensures \result <= 0;
  @*/
static inline int pool_cb_reserve(struct vrm_pool *pool, vrm_principal_t who, uint64_t idx,
				  uint64_t n);

/*@ requires \valid_read(pool);
  @ assigns \nothing;
  @ ensures \result <= 0;
  @*/
static inline int pool_cb_map(struct vrm_pool *pool, vrm_principal_t who, uint64_t idx,
			      uint64_t n, enum vrm_pool_state s);

/*@ requires \valid_read(pool);
  @ assigns \nothing;
  @ ensures \result <= 0;
  @*/
static inline int pool_cb_unmap(struct vrm_pool *pool, vrm_principal_t who, uint64_t idx,
				uint64_t n);

/*@ requires \valid_read(pool);
  @ assigns \nothing;
  @*/
void pool_scrub_range(struct vrm_pool *pool, uint64_t idx, uint64_t n);

/*@ assigns \nothing; */
void pool_rollback_failed(vrm_pa_t pa);

/* The directions vrm_pool_donate supports (pool.h). */
/*@ predicate donate_dir(integer from, integer to, integer mv) =
  @   (from == VRM_PRINCIPAL_HOST &&
  @    (to == VRM_PRINCIPAL_HYP || (VRM_PRINCIPAL_IS_VM(to) && ACTOR_OK(to, mv)))) ||
  @   (from == VRM_PRINCIPAL_HYP && to == VRM_PRINCIPAL_HOST);
  @*/

/*@ requires \valid_read(pool);
  @ assigns \nothing;
  @ ensures \result != 0 <==> donate_dir(from, to, pool->max_vms);
  @*/
static bool donate_dir_ok(const struct vrm_pool *pool, vrm_principal_t from,
			  vrm_principal_t to);

/*@ requires \valid_read(pool);
  @ assigns \nothing;
  @ ensures \result != 0 <==> ACTOR_OK(owner, pool->max_vms) &&
  @   ACTOR_OK(borrower, pool->max_vms) && HOST_VM_PAIR(owner, borrower);
  @*/
static bool share_pair_ok(const struct vrm_pool *pool, vrm_principal_t owner,
			  vrm_principal_t borrower);

/*@ predicate share_bad(struct vrm_pool *pool, integer pa, integer npages,
  @                     integer owner, integer borrower) =
  @   range_bad(pool, pa, npages) || !ACTOR_OK(owner, pool->max_vms) ||
  @   !ACTOR_OK(borrower, pool->max_vms) || !HOST_VM_PAIR(owner, borrower);
  @*/

/*@ requires \valid(pool) && \valid(idx) && \separated(pool, idx);
  @ assigns *idx, pool->host_lock, pool->hyp_lock,
  @   pool->vm_locks[0 .. VRM_POOL_VM_LOCKS - 1];
  @ behavior bad:
  @   assumes share_bad(pool, pa, npages, owner, borrower);
  @   ensures \result == -VRM_EINVAL;
  @ behavior ok:
  @   assumes !share_bad(pool, pa, npages, owner, borrower);
  @   ensures \result == 0;
  @   ensures *idx == pa_idx(pool, pa) && *idx + npages <= pool->npages;
  @ complete behaviors;
  @ disjoint behaviors;
  @*/
static int share_begin(struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages,
		       vrm_principal_t owner, vrm_principal_t borrower, uint64_t *idx);

/*@ requires POOL_PRE(pool);
  @ requires inv: RECS_OK(pool);
  @ assigns POOL_ASSIGNS(pool);
  @ ensures inv: OLD_RECS_OK(pool);
  @ ensures codes: \result <= 0;
  @ ensures failed: \result != 0 ==> FOR_PAGES(pool, j) same_fields(W0(pool, j), W1(pool, j));
  @ ensures done: \result == 0 ==> FOR_PAGES(pool, j)
  @   (IN_RANGE(pool, pa, npages, j) ?
  @     donate_page_ok(W0(pool, j), from) &&
  @     w_fields(W1(pool, j), to, VRM_PRINCIPAL_NONE, 0, VRM_POOL_OWNED, 0) :
  @     W1(pool, j) == W0(pool, j));
  @ behavior malformed:
  @   assumes range_bad(pool, pa, npages) || !ACTOR_OK(from, pool->max_vms) ||
  @     !ACTOR_OK(to, pool->max_vms) || !donate_dir(from, to, pool->max_vms);
  @   ensures \result == -VRM_EINVAL && UNCHANGED(pool);
  @*/
int vrm_pool_donate(struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages,
		    vrm_principal_t from, vrm_principal_t to);

/*@ requires POOL_PRE(pool);
  @ requires inv: RECS_OK(pool);
  @ assigns POOL_ASSIGNS(pool);
  @ ensures inv: OLD_RECS_OK(pool);
  @ ensures codes: \result <= 0;
  @ ensures failed: \result != 0 ==> UNCHANGED(pool);
  @ ensures done: \result == 0 ==> FOR_PAGES(pool, j)
  @   (IN_RANGE(pool, pa, npages, j) ?
  @     unshare_page_ok(W0(pool, j), owner, borrower) &&
  @     pool_applied(W0(pool, j), W1(pool, j), OP_UNSHARE, borrower, 0) :
  @     W1(pool, j) == W0(pool, j));
  @ behavior malformed:
  @   assumes share_bad(pool, pa, npages, owner, borrower);
  @   ensures \result == -VRM_EINVAL;
  @*/
int vrm_pool_unshare(struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages,
		     vrm_principal_t owner, vrm_principal_t borrower);

#include "../../lib/pool/transitions.c"
