/* SPDX-License-Identifier: MIT */
/*
 * WP harness: lib/pgtable/map.c's map_run (map's run of leaves over
 * invalid entries) and the helpers it counts with, pgt_run_room,
 * pgt_level_shift, pgt_min and pgt_max (pgt_internal.h), with unsigned
 * overflow as an RTE error too (-warn-unsigned-overflow): a leaf's
 * `desc + (n << shift)` or address `addr + (n << shift)` must not wrap.
 * Contracts: include/pgt_map_spec.h, shared with pgt_map.c (which calls
 * map_run from map_visit_op and proves its preconditions there).
 *
 * Shifts by the constants the levels give, as arithmetic, and the bound
 * of an OR (desc = pa | attrs | type stays below 2^63): lemmas proven by
 * run.sh's lemma pass (Bit-Shift and Bit-Range tactics), then hypotheses
 * of the function pass: the *_level / *_table forms (shift by the level's
 * entry or table size, the terms the code's shifts become) are proven by
 * splitting the level (wp:range) down to the constant ones. The table
 * shift is `shift + 9` in unsigned C arithmetic: Qed drops the cast in
 * some goals and not in others, hence both forms.
 * wp-lemma-options: -wp-auto wp:range,wp:bitshift,wp:bitrange -wp-timeout 2
 */
#include "../../lib/pgtable/pgt_internal.h"

#include "pgt_map_spec.h"

/*@ lemma lor_nonneg: \forall integer a, b; 0 <= a && 0 <= b ==> 0 <= (a | b);
  @ lemma or_lt_2_63: \forall integer a, b; 0 <= a < 0x8000000000000000 &&
  @   0 <= b < 0x8000000000000000 ==> (a | b) < 0x8000000000000000;
  @ lemma lsr_12: \forall integer x; 0 <= x ==> (x >> 12) == x / 0x1000;
  @ lemma lsr_21: \forall integer x; 0 <= x ==> (x >> 21) == x / 0x200000;
  @ lemma lsr_30: \forall integer x; 0 <= x ==> (x >> 30) == x / 0x40000000;
  @ lemma lsr_39: \forall integer x; 0 <= x ==> (x >> 39) == x / 0x8000000000;
  @ lemma lsr_48: \forall integer x; 0 <= x ==> (x >> 48) == x / 0x1000000000000;
  @ lemma lsl_12: \forall integer x; (x << 12) == x * 0x1000;
  @ lemma lsl_21: \forall integer x; (x << 21) == x * 0x200000;
  @ lemma lsl_30: \forall integer x; (x << 30) == x * 0x40000000;
  @ lemma lsl_39: \forall integer x; (x << 39) == x * 0x8000000000;
  @ lemma lsl_48: \forall integer x; (x << 48) == x * 0x1000000000000;
  @ lemma lsl_level: \forall integer x, l; 0 <= l <= 3 ==> (x << (39 - 9 * l)) == x * esize(l);
  @ lemma lsr_level: \forall integer x, l; 0 <= l <= 3 && 0 <= x ==>
  @   (x >> (39 - 9 * l)) == x / esize(l);
  @ lemma lsl_table0: \forall integer x, l; 0 <= l <= 3 ==>
  @   (x << (48 - 9 * l)) == x * (512 * esize(l));
  @ lemma lsr_table0: \forall integer x, l; 0 <= l <= 3 && 0 <= x ==>
  @   (x >> (48 - 9 * l)) == x / (512 * esize(l));
  @ lemma table_end_bounds: \forall integer a, l; 0 <= l <= 3 && 0 <= a ==>
  @   a < table_end(a, l) <= a + 512 * esize(l);
  @ lemma lsl_table: \forall integer x, l; 0 <= l <= 3 ==>
  @   (x << (unsigned)(48 - 9 * l)) == x * (512 * esize(l));
  @ lemma lsr_table: \forall integer x, l; 0 <= l <= 3 && 0 <= x ==>
  @   (x >> (unsigned)(48 - 9 * l)) == x / (512 * esize(l));
  @*/

#include "../../lib/pgtable/map.c"
