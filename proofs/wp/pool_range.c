/* SPDX-License-Identifier: MIT */
/*
 * WP harness: lib/pool/core.c, pool_range: the range check every pool
 * operation starts with (check, then commit the one output *idx).
 * Contract on the prototype, the real core.c #included below.
 */
#include "../../lib/pool/internal.h"

/* Lemmas are WP goals too (Bit-Shift tactic). */
/*@ lemma lsr_12: \forall integer x; 0 <= x ==> (x >> 12) == x / 4096;
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

#include "../../lib/pool/core.c"
