/* SPDX-License-Identifier: MIT */
/*
 * Bit facts the pool harnesses that reason about principals need (a value
 * below 2^16 is its own 16-bit field), in the order the lemma pass proves
 * them: each is proven (Bitwise-Eq. and Bit-Range tactics) from the ones
 * before it. Included by pool_core.c and pool_ops.c, each of which proves
 * them in its own lemma pass (pool_apply.c states its own, larger set).
 */
#ifndef VRM_WP_POOL_BIT_LEMMAS_H
#define VRM_WP_POOL_BIT_LEMMAS_H

/*@ lemma land_nonneg: \forall integer a, b; 0 <= a ==> 0 <= (a & b);
  @ lemma land_u16: \forall uint16_t x; (x & 0xffff) == x;
  @ lemma land_id_0xffff: \forall integer x; 0 <= x <= 0xffff ==> (x & 0xffff) == x;
  @*/

#endif /* VRM_WP_POOL_BIT_LEMMAS_H */
