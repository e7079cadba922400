/* SPDX-License-Identifier: MIT */
/*
 * WP harness: lib/pool/core.c, the plumbing every transition goes through:
 *  - pool_transition: the records of [idx, idx + n) become what
 *    pool_applied gives (from pool_commit's contract, proven in
 *    pool_apply.c) and nothing else the proofs read is written;
 *  - pool_run: the next maximal run of matching records;
 *  - pool_lock / pool_unlock (and stripe): they write the lock words only;
 *  - pool_actor_ok, pool_pa.
 * The contracts are in pool_core_spec.h (read by pool_ops.c too); core.c is
 * #included below.
 *
 * Hypotheses (contracts used, not proven; proofs/README.md):
 *  - notify: the on_transition hook writes nothing of the pool (pool.h:
 *    hooks "must not call back into the pool");
 *  - vrm_ticket_lock / vrm_ticket_unlock write the lock they are given and
 *    nothing else (their ordering is the Coq Arm model's subject, not WP's).
 */
#include "../../lib/pool/internal.h"

#include "pool_record_spec.h"
#include "pool_core_spec.h"

/* The per-record facts behind pool_transition's keeps_inv, proven by the
 * lemma pass in this order (each may use the ones before it): bit facts
 * (pool_bit_lemmas.h, flags_none, hyp_free_bit); on the bit fields
 * (RECORD_OK), a give to an actor with no flags and one grant less of a
 * page lent to b (the last grant, then the others) write a well-formed
 * record; the same two on the opaque record_ok that keeps_inv is stated
 * with (*_keeps_ok). Splitting them is what keeps each in reach of the
 * solvers and the Bitwise-Eq. / Bit-Range tactics.
 * wp-lemma-options: -wp-auto wp:bitwised,wp:bitrange -wp-timeout 5
 */
#include "pool_bit_lemmas.h"
/*@ lemma flags_none: \forall uint64_t w;
  @   (W_FLAGS(w) & ~(F_HYP_FREE | 0)) == 0 && (W_FLAGS(w) & F_HYP_FREE) == 0 ==> W_FLAGS(w) == 0;
  @ lemma hyp_free_bit: \forall uint64_t w, r; W_FLAGS(r) == W_FLAGS(w) ==>
  @   ((W_FLAGS(r) & F_HYP_FREE) == 0 <==> (W_FLAGS(w) & F_HYP_FREE) == 0);
  @ lemma give_record_ok: \forall uint64_t w, r; \forall integer op, p, mv;
  @   MV_OK(mv) && ACTOR_OK(p, mv) && (op == OP_GIVE || op == OP_UNGIVE) &&
  @   pool_applied(w, r, op, p, 0) ==> RECORD_OK(r, mv);
  @ lemma unshare_last_ok: \forall uint64_t w, r; \forall integer b, mv;
  @   MV_OK(mv) && RECORD_OK(w, mv) && W_STATE(w) == VRM_POOL_SHARED_OWNED &&
  @   W_BORROWER(w) == b && W_COUNT(w) <= 1 &&
  @   pool_applied(w, r, OP_UNSHARE, b, 0) ==> RECORD_OK(r, mv);
  @ lemma unshare_more_ok: \forall uint64_t w, r; \forall integer b, mv;
  @   MV_OK(mv) && RECORD_OK(w, mv) && W_STATE(w) == VRM_POOL_SHARED_OWNED &&
  @   W_BORROWER(w) == b && W_COUNT(w) > 1 &&
  @   pool_applied(w, r, OP_UNSHARE, b, 0) ==> RECORD_OK(r, mv);
  @ lemma unshare_record_ok: \forall uint64_t w, r; \forall integer b, mv;
  @   MV_OK(mv) && RECORD_OK(w, mv) && W_STATE(w) == VRM_POOL_SHARED_OWNED &&
  @   W_BORROWER(w) == b && pool_applied(w, r, OP_UNSHARE, b, 0) ==> RECORD_OK(r, mv);
  @ lemma give_keeps_ok: \forall uint64_t w, r; \forall integer op, p, mv;
  @   MV_OK(mv) && ACTOR_OK(p, mv) && (op == OP_GIVE || op == OP_UNGIVE) &&
  @   pool_applied(w, r, op, p, 0) ==> record_ok(r, mv);
  @ lemma unshare_keeps_ok: \forall uint64_t w, r; \forall integer b, mv;
  @   MV_OK(mv) && record_ok(w, mv) && W_STATE(w) == VRM_POOL_SHARED_OWNED &&
  @   W_BORROWER(w) == b && pool_applied(w, r, OP_UNSHARE, b, 0) ==> record_ok(r, mv);
  @*/

/*@ requires \valid(lock);
  @ assigns *lock;
  @*/
void vrm_ticket_lock(vrm_ticket_t *lock);

/*@ requires \valid(lock);
  @ assigns *lock;
  @*/
void vrm_ticket_unlock(vrm_ticket_t *lock);

/*@ requires \valid_read(pool);
  @ assigns \nothing;
  @*/
static void notify(const struct vrm_pool *pool, uint64_t idx, uint64_t n,
		   uint64_t old, uint64_t w);

/* Called only for a VM (pool_lock, pool_unlock): its id does not wrap. */
/*@ requires \valid(pool) && VRM_PRINCIPAL_IS_VM(p);
  @ assigns \nothing;
  @ ensures \result == &pool->vm_locks[VRM_PRINCIPAL_VM_ID(p) % VRM_POOL_VM_LOCKS];
  @*/
static vrm_ticket_t *stripe(struct vrm_pool *pool, vrm_principal_t p);

#include "../../lib/pool/core.c"
