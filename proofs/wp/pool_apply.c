/* SPDX-License-Identifier: MIT */
/*
 * WP harness: lib/pool/core.c, the commit side of the pool's
 * check-then-commit transitions (pool_checks.c has the check side):
 *  - w_make (lib/pool/internal.h) packs the five fields so that each reads
 *    back (W_OWNER ... W_FLAGS);
 *  - apply, the one function that computes a page's new record: its
 *    fields per op, and that each op keeps the pool invariant record_ok
 *    (lib/pool/invariants.c) when the caller's check passed;
 *  - pool_commit, pool_transition's loop: every record of [idx, idx + n)
 *    becomes apply() of its old value, and nothing else is written.
 * Contracts on prototypes; the loop invariant is in core.c, which is
 * #included below.
 */
#include "../../lib/pool/internal.h"

/* Facts for the Bitwise-Eq. tactic (both sides of an equality it splits
 * into bits must lie in [0, 2^64)) and for the solvers: the bound of a
 * masked field, and that a value below a field's width is its own
 * truncation. Proven by the lemma pass (Bit-Range and Bitwise-Eq. tactics,
 * z3/cvc4). land_le_* name the mask through m: stated with the constant,
 * Qed (which knows the bound itself) would reduce the lemma to `true`
 * before the solvers, which do not know it, ever see it. */
/*@ lemma lor_nonneg: \forall integer a, b; 0 <= a && 0 <= b ==> 0 <= (a | b);
  @ lemma land_nonneg: \forall integer a, b; 0 <= a ==> 0 <= (a & b);
  @ lemma land_u16: \forall uint16_t x; (x & 0xffff) == x;
  @ lemma land_id_0xffff: \forall integer x; 0 <= x <= 0xffff ==> (x & 0xffff) == x;
  @ lemma land_le_0xffff: \forall integer x, m; m == 0xffff ==> (m & x) <= m;
  @ lemma flags_byte: \forall uint64_t w; (W_FLAGS(w) & 0xff) == W_FLAGS(w);
  @*/

#include "pool_record_spec.h"

/* The relaxed store's sequential stand-in (-wp-no-volatile: an ordinary
 * write); the load and pool_word are in pool_record_spec.h. */
/*@ requires \valid(p);
  @ assigns *p;
  @ ensures *p == v;
  @*/
static inline void vrm_write_once_64(volatile uint64_t *p, uint64_t v);

/* Round trip: every field reads back as given, truncated to its width
 * (owner, borrower, count: 16 bits; flags: 8 bits). The state is shifted
 * unmasked: it must fit its byte (every caller passes an enum
 * vrm_pool_state constant), or it would spill into the flags. */
/*@ requires state_byte: state == (uint8_t)state;
  @ assigns \nothing;
  @ ensures owner: W_OWNER(\result) == (owner & 0xffff);
  @ ensures borrower: W_BORROWER(\result) == (borrower & 0xffff);
  @ ensures count: W_COUNT(\result) == (count & 0xffff);
  @ ensures state: W_STATE(\result) == state;
  @ ensures flags: W_FLAGS(\result) == (flags & 0xff);
  @*/
static inline uint64_t w_make(vrm_principal_t owner, vrm_principal_t borrower,
			      uint32_t count, enum vrm_pool_state state, uint32_t flags);

/* RECORD_OK, FIELDS_OK, ACTOR_OK, MV_OK: pool_record_spec.h. */

/* The check phase's per-page preconditions: SHARE_PAGE_OK and
 * UNSHARE_PAGE_OK (pool_record_spec.h). A give writes a record that does
 * not depend on the old one, so DONATE_PAGE_OK is not needed for
 * record_ok; it is for the mappings, which coq/Pool.v covers. */

/* Not vacuous: records the pool really holds meet record_ok (host page;
 * host page lent to VM 0 with 1 and 2 grants; free and allocated hyp
 * page), F_PENDING is allowed only up to F_PENDING, and each kind of bad
 * record is refused (a stray flag, a grant count of 0, F_HYP_FREE on a
 * host page, a VM owner beyond max_vms, a VM lending to a VM, an unknown
 * state). Ground facts, decided by Qed. */
/*@ lemma record_ok_examples:
  @   RECORD_OK(0x0001000000000002, 1) && RECORD_OK(0x0002000100030002, 1) &&
  @   RECORD_OK(0x0002000200030002, 1) && RECORD_OK(0x0101000000000001, 1) &&
  @   RECORD_OK(0x0001000000000001, 1) &&
  @   RECORD_OK_UPTO(0x0201000000000002, 1, F_PENDING) &&
  @   !RECORD_OK(0x0201000000000002, 1) &&
  @   !RECORD_OK(0x0002000000030002, 1) && !RECORD_OK(0x0101000000000002, 1) &&
  @   !RECORD_OK(0x0001000000000003, 0) && !RECORD_OK(0x0002000100040003, 2) &&
  @   !RECORD_OK(0x0003000000000002, 1);
  @ lemma check_examples:
  @   SHARE_PAGE_OK(0x0001000000000002, VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_VM(0)) &&
  @   SHARE_PAGE_OK(0x0002000100030002, VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_VM(0)) &&
  @   !SHARE_PAGE_OK(0x0002000100030002, VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_VM(1)) &&
  @   !SHARE_PAGE_OK(0x0002FFFF00030002, VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_VM(0)) &&
  @   UNSHARE_PAGE_OK(0x0002000200030002, VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_VM(0)) &&
  @   !UNSHARE_PAGE_OK(0x0001000000000002, VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_VM(0));
  @*/

/*
 * applied: the result is the record pool_applied (lib/pool/internal.h)
 * gives for the op, field by field. ok*: for each op, under the conditions
 * its callers establish (transitions.c, pool.c, reclaim.c, alloc.c), those
 * fields meet record_ok when the old record did; stated on the same field
 * expressions as pool_applied, so record_ok(result) is applied plus ok.
 * (`check ensures`: proven, but not handed to callers, which keeps
 * pool_commit's goals small.)
 *  give    donate (GIVE to, 0; rollback UNGIVE from, 0), boot_assign
 *          (GIVE NONE/HOST, 0 or HYP, F_HYP_FREE), reclaim (GIVE HOST,
 *          F_PENDING: ok up to F_PENDING; rollback GIVE vm, 0)
 *  share   share_check passed, owner/borrower a host<->VM pair; within
 *          share the first-time pages carry F_PENDING (ok up to it)
 *  unshare vrm_pool_unshare's check (also share's rollback of its own
 *          grants, up to F_PENDING)
 *  drop    reclaim: the dead VM's grants (any record)
 *  restore not called today (the undo of drop)
 *  set     hyp_free (F_HYP_FREE on an allocated hyp page), share (marks
 *          F_PENDING: ok up to F_PENDING)
 *  clear   hyp_alloc (F_HYP_FREE), share and reclaim (F_PENDING: back to
 *          record_ok proper)
 */
/*@ assigns \nothing;
  @ ensures applied: pool_applied(w, \result, op, p, arg);
  @ behavior give:
  @   assumes op == OP_GIVE || op == OP_UNGIVE;
  @   check ensures ok: \forall integer mv; MV_OK(mv) &&
  @     (p == VRM_PRINCIPAL_NONE || ACTOR_OK(p, mv)) && arg == 0 ==>
  @     FIELDS_OK(p & 0xffff, VRM_PRINCIPAL_NONE, 0, VRM_POOL_OWNED, arg & 0xff, mv);
  @   check ensures ok_hyp_free: \forall integer mv; MV_OK(mv) &&
  @     p == VRM_PRINCIPAL_HYP && arg == F_HYP_FREE ==>
  @     FIELDS_OK(p & 0xffff, VRM_PRINCIPAL_NONE, 0, VRM_POOL_OWNED, arg & 0xff, mv);
  @   check ensures ok_pending: \forall integer mv; MV_OK(mv) && ACTOR_OK(p, mv) &&
  @     arg == F_PENDING ==>
  @     FIELDS_OK_UPTO(p & 0xffff, VRM_PRINCIPAL_NONE, 0, VRM_POOL_OWNED, arg & 0xff,
  @                    mv, F_PENDING);
  @ behavior share:
  @   assumes op == OP_SHARE;
  @   check ensures ok: \forall integer mv; MV_OK(mv) && RECORD_OK(w, mv) &&
  @     SHARE_PAGE_OK(w, W_OWNER(w), p) && ACTOR_OK(p, mv) &&
  @     HOST_VM_PAIR(W_OWNER(w), p) ==>
  @     FIELDS_OK(W_OWNER(w), p & 0xffff, (W_COUNT(w) + 1) & 0xffff,
  @               VRM_POOL_SHARED_OWNED, W_FLAGS(w), mv);
  @   check ensures ok_pending: \forall integer mv; MV_OK(mv) &&
  @     RECORD_OK_UPTO(w, mv, F_PENDING) &&
  @     SHARE_PAGE_OK(w, W_OWNER(w), p) && ACTOR_OK(p, mv) &&
  @     HOST_VM_PAIR(W_OWNER(w), p) ==>
  @     FIELDS_OK_UPTO(W_OWNER(w), p & 0xffff, (W_COUNT(w) + 1) & 0xffff,
  @                    VRM_POOL_SHARED_OWNED, W_FLAGS(w), mv, F_PENDING);
  @ behavior unshare:
  @   assumes op == OP_UNSHARE;
  @   check ensures ok_last: \forall integer mv, scratch; MV_OK(mv) &&
  @     (scratch == 0 || scratch == F_PENDING) && RECORD_OK_UPTO(w, mv, scratch) &&
  @     UNSHARE_PAGE_OK(w, W_OWNER(w), W_BORROWER(w)) && W_COUNT(w) <= 1 ==>
  @     FIELDS_OK_UPTO(W_OWNER(w), VRM_PRINCIPAL_NONE, 0, VRM_POOL_OWNED, W_FLAGS(w),
  @                    mv, scratch);
  @   check ensures ok_more: \forall integer mv, scratch; MV_OK(mv) &&
  @     (scratch == 0 || scratch == F_PENDING) && RECORD_OK_UPTO(w, mv, scratch) &&
  @     UNSHARE_PAGE_OK(w, W_OWNER(w), W_BORROWER(w)) && W_COUNT(w) > 1 ==>
  @     FIELDS_OK_UPTO(W_OWNER(w), W_BORROWER(w), W_COUNT(w) - 1,
  @                    VRM_POOL_SHARED_OWNED, W_FLAGS(w), mv, scratch);
  @ behavior drop:
  @   assumes op == OP_DROP;
  @   check ensures ok: \forall integer mv; MV_OK(mv) && RECORD_OK(w, mv) ==>
  @     FIELDS_OK(W_OWNER(w), VRM_PRINCIPAL_NONE, 0, VRM_POOL_OWNED, W_FLAGS(w), mv);
  @ behavior restore:
  @   assumes op == OP_RESTORE;
  @   check ensures ok: \forall integer mv; MV_OK(mv) && RECORD_OK(w, mv) &&
  @     ACTOR_OK(p, mv) && HOST_VM_PAIR(W_OWNER(w), p) && 1 <= arg <= 0xffff ==>
  @     FIELDS_OK(W_OWNER(w), p & 0xffff, arg & 0xffff, VRM_POOL_SHARED_OWNED,
  @               W_FLAGS(w), mv);
  @ behavior set_flags:
  @   assumes op == OP_SET_FLAGS;
  @   check ensures ok_hyp_free: \forall integer mv; MV_OK(mv) && RECORD_OK(w, mv) &&
  @     arg == F_HYP_FREE && W_OWNER(w) == VRM_PRINCIPAL_HYP ==>
  @     FIELDS_OK(W_OWNER(w), W_BORROWER(w), W_COUNT(w), W_STATE(w),
  @               (W_FLAGS(w) | arg) & 0xff, mv);
  @   check ensures ok_mark: \forall integer mv; MV_OK(mv) && RECORD_OK(w, mv) &&
  @     arg == F_PENDING ==>
  @     FIELDS_OK_UPTO(W_OWNER(w), W_BORROWER(w), W_COUNT(w), W_STATE(w),
  @                    (W_FLAGS(w) | arg) & 0xff, mv, F_PENDING);
  @   check ensures ok_pending: \forall integer mv; MV_OK(mv) &&
  @     RECORD_OK_UPTO(w, mv, F_PENDING) && arg == F_PENDING ==>
  @     FIELDS_OK_UPTO(W_OWNER(w), W_BORROWER(w), W_COUNT(w), W_STATE(w),
  @                    (W_FLAGS(w) | arg) & 0xff, mv, F_PENDING);
  @ behavior clear_flags:
  @   assumes op == OP_CLEAR_FLAGS;
  @   check ensures ok_hyp_alloc: \forall integer mv; MV_OK(mv) && RECORD_OK(w, mv) &&
  @     arg == F_HYP_FREE ==>
  @     FIELDS_OK(W_OWNER(w), W_BORROWER(w), W_COUNT(w), W_STATE(w),
  @               W_FLAGS(w) & (uint32_t)~arg & 0xff, mv);
  @   check ensures ok_pending: \forall integer mv; MV_OK(mv) &&
  @     RECORD_OK_UPTO(w, mv, F_PENDING) && arg == F_PENDING ==>
  @     FIELDS_OK(W_OWNER(w), W_BORROWER(w), W_COUNT(w), W_STATE(w),
  @               W_FLAGS(w) & (uint32_t)~arg & 0xff, mv);
  @*/
static uint64_t apply(uint64_t w, enum pool_op op, vrm_principal_t p, uint32_t arg);

/* pool_commit's contract, proven here, is in pool_core_spec.h (pool_core.c
 * proves pool_transition from it). */
#include "pool_core_spec.h"

#include "../../lib/pool/core.c"
