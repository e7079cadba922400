/* SPDX-License-Identifier: MIT */
/*
 * Contracts of lib/pool/core.c, shared by the harnesses that prove them and
 * the harnesses of their callers, so both read the same text:
 *   pool_range                  proven in pool_range.c
 *   pool_commit                 proven in pool_apply.c
 *   pool_transition, pool_run, pool_lock, pool_unlock, pool_actor_ok,
 *   pool_pa                     proven in pool_core.c
 * Include after lib/pool/internal.h and pool_record_spec.h.
 *
 * pool_transition's keeps_inv is what the transitions' invariant proofs
 * (pool_ops.c) rest on: for a give to an actor with no flags, or one grant
 * less of pages lent to p, every record_ok record of the pool stays so.
 */
#ifndef VRM_WP_POOL_CORE_SPEC_H
#define VRM_WP_POOL_CORE_SPEC_H

/* Page index of pa in the pool (meaningful when !range_bad). */
/*@ logic integer pa_idx(struct vrm_pool *pool, integer pa) = (pa - pool->base) / 4096;
  @*/

/*@ predicate range_bad(struct vrm_pool *pool, integer pa, integer npages) =
  @   npages == 0 || (pa & 4095) != 0 || pa < pool->base ||
  @   (pa - pool->base) / 4096 >= pool->npages ||
  @   npages > pool->npages - (pa - pool->base) / 4096;
  @*/

/*@ requires \valid_read(pool);
  @ requires \valid(idx);
  @ requires \separated(pool, idx);
  @ assigns *idx;
  @ behavior rejected:
  @   assumes range_bad(pool, pa, npages);
  @   assigns \nothing;
  @   ensures \result == -VRM_EINVAL;
  @ behavior in_pool:
  @   assumes !range_bad(pool, pa, npages);
  @   ensures \result == 0;
  @   ensures *idx == (pa - pool->base) / 4096;
  @   ensures *idx + npages <= pool->npages;
  @ complete behaviors;
  @ disjoint behaviors;
  @*/
int pool_range(const struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages, uint64_t *idx);

/*@ requires \valid_read(pool);
  @ assigns \nothing;
  @ ensures \result != 0 <==> ACTOR_OK(p, pool->max_vms);
  @*/
static inline bool pool_actor_ok(const struct vrm_pool *pool, vrm_principal_t p);

/*@ requires \valid_read(pool);
  @ assigns \nothing;
  @*/
static inline vrm_pa_t pool_pa(const struct vrm_pool *pool, uint64_t idx);

/* The lock words, the only part of the pool struct the operations write. */
/*@ requires \valid(pool);
  @ assigns pool->host_lock, pool->hyp_lock, pool->vm_locks[0 .. VRM_POOL_VM_LOCKS - 1];
  @*/
void pool_lock(struct vrm_pool *pool, vrm_principal_t a, vrm_principal_t b);

/*@ requires \valid(pool);
  @ assigns pool->host_lock, pool->hyp_lock, pool->vm_locks[0 .. VRM_POOL_VM_LOCKS - 1];
  @*/
void pool_unlock(struct vrm_pool *pool, vrm_principal_t a, vrm_principal_t b);

/*@ requires \valid(pool);
  @ requires idx + n <= 18446744073709551615;
  @ requires \valid(pool->meta + (idx .. idx + n - 1));
  @ requires \valid_read(pool->meta + idx);
  @ requires \separated(pool, pool->meta + (idx .. idx + n - 1));
  @ assigns pool->meta[idx .. idx + n - 1].word;
  @ ensures applied: \forall integer j; idx <= j < idx + n ==>
  @   pool_applied(\old(pool->meta[j].word), pool->meta[j].word, op, p, arg);
  @ ensures untouched: \forall integer j; j < idx || idx + n <= j ==>
  @   pool->meta[j].word == \old(pool->meta[j].word);
  @ ensures last: n > 0 ==> \result == pool->meta[idx + n - 1].word;
  @ ensures none: n == 0 ==> \result == \old(pool->meta[idx].word);
  @*/
static uint64_t pool_commit(struct vrm_pool *pool, uint64_t idx, uint64_t n,
			    enum pool_op op, vrm_principal_t p, uint32_t arg);

/* The per-record invariant as a predicate: opaque to Qed, so that a goal
 * about a whole range stays a first-order argument over record_ok (each
 * record of the range is a written one, each other one unchanged) instead
 * of the bit-field clauses of RECORD_OK (pool_core.c's lemmas are the
 * per-record facts). */
/*@ predicate record_ok(uint64_t w, integer mv) = RECORD_OK(w, mv);
  @*/

/* Every record of [idx, idx + n) becomes the one pool_applied gives for the
 * op, and no other memory the pool proofs read changes. */
/*@ requires \valid(pool);
  @ requires idx + n <= 18446744073709551615;
  @ requires \valid(pool->meta + (idx .. idx + n - 1));
  @ requires \valid_read(pool->meta + idx);
  @ requires \separated(pool, pool->meta + (idx .. idx + n - 1));
  @ assigns pool->meta[idx .. idx + n - 1].word;
  @ ensures applied: \forall integer j; idx <= j < idx + n ==>
  @   pool_applied(\old(pool->meta[j].word), pool->meta[j].word, op, p, arg);
  @ ensures untouched: \forall integer j; j < idx || idx + n <= j ==>
  @   pool->meta[j].word == \old(pool->meta[j].word);
  @ ensures keeps_inv:
  @   idx + n <= \old(pool->npages) && MV_OK(\old(pool->max_vms)) &&
  @   (\forall integer j; 0 <= j < \old(pool->npages) ==>
  @     record_ok(\old(pool->meta[j].word), \old(pool->max_vms))) &&
  @   (((op == OP_GIVE || op == OP_UNGIVE) && arg == 0 && ACTOR_OK(p, \old(pool->max_vms))) ||
  @    (op == OP_UNSHARE && arg == 0 && \forall integer j; idx <= j < idx + n ==>
  @      W_STATE(\old(pool->meta[j].word)) == VRM_POOL_SHARED_OWNED &&
  @      W_BORROWER(\old(pool->meta[j].word)) == p)) ==>
  @   \forall integer j; 0 <= j < \old(pool->npages) ==>
  @     record_ok(\old(pool->meta)[j].word, \old(pool->max_vms));
  @*/
void pool_transition(struct vrm_pool *pool, uint64_t idx, uint64_t n,
		     enum pool_op op, vrm_principal_t p, uint32_t arg);

/* (w & mask) == want, the pages pool_run collects. */
/*@ predicate run_page(uint64_t w, uint64_t mask, uint64_t want) = (w & mask) == want;
  @*/

/* The next maximal run at or after *i: pages from \old(*i) to *start do
 * not match, [*start, *i) do, and *i is end or a page that does not; no
 * run: nothing from \old(*i) to end matches, and *i is end. */
/*@ requires \valid_read(pool) && \valid(i) && \valid(start) && \valid(n);
  @ requires \separated(i, start, n, pool, pool->meta + (*i .. end - 1));
  @ requires *i <= end;
  @ requires \valid_read(pool->meta + (*i .. end - 1));
  @ assigns *i, *start, *n;
  @ ensures moves: \old(*i) <= *i <= end;
  @ behavior found:
  @   assumes \exists integer j; *i <= j < end && run_page(pool->meta[j].word, mask, want);
  @   ensures \result != 0;
  @   ensures \old(*i) <= *start < *i && *n == *i - *start;
  @   ensures skipped: \forall integer j; \old(*i) <= j < *start ==>
  @     !run_page(pool->meta[j].word, mask, want);
  @   ensures run: \forall integer j; *start <= j < *i ==>
  @     run_page(pool->meta[j].word, mask, want);
  @   ensures maximal: *i == end || !run_page(pool->meta[*i].word, mask, want);
  @ behavior none:
  @   assumes \forall integer j; *i <= j < end ==> !run_page(pool->meta[j].word, mask, want);
  @   assigns *i;
  @   ensures \result == 0 && *i == end;
  @ complete behaviors;
  @ disjoint behaviors;
  @*/
bool pool_run(const struct vrm_pool *pool, uint64_t *i, uint64_t end,
	      uint64_t mask, uint64_t want, uint64_t *start, uint64_t *n);

#endif /* VRM_WP_POOL_CORE_SPEC_H */
