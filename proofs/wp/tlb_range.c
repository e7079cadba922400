/* SPDX-License-Identifier: MIT */
/*
 * WP harness: lib/tlb/tlb_range.c, vrm_tlb_range_encode (the TLBI-range
 * operand encoder). The contract sits on a prototype; the real, unmodified
 * source is #included below and WP proves its definition against it.
 */
#include <vrm/tlb.h>

/* Shifts by the constant amounts the encoder uses, as arithmetic: lemmas,
 * proven by run.sh's lemma pass with the Bit-Shift tactic (options below),
 * then used as hypotheses by the function pass. The encoder tests parity
 * with `% 2`, so no bit-0 fact is needed.
 * wp-lemma-options: -wp-auto wp:bitshift -wp-timeout 1
 */
/*@ lemma lsr_1:  \forall integer x; 0 <= x ==> (x >> 1) == x / 2;
  @ lemma lsr_6:  \forall integer x; 0 <= x ==> (x >> 6) == x / 64;
  @ lemma lsr_11: \forall integer x; 0 <= x ==> (x >> 11) == x / 2048;
  @ lemma lsr_16: \forall integer x; 0 <= x ==> (x >> 16) == x / 65536;
  @ lemma lsr_12: \forall integer x; 0 <= x ==> (x >> 12) == x / 4096;
  @ lemma lsl_1:  \forall integer x; (x << 1) == x * 2;
  @ lemma lsl_6:  \forall integer x; (x << 6) == x * 64;
  @ lemma lsl_11: \forall integer x; (x << 11) == x * 2048;
  @ lemma lsl_16: \forall integer x; (x << 16) == x * 65536;
  @ lemma lsl_12: \forall integer x; (x << 12) == x * 4096;
  @*/

/*@ predicate bad_request(integer addr, integer pages, integer level) =
  @   pages == 0 || pages > VRM_TLB_RANGE_MAX_PAGES || (addr & 4095) != 0 ||
  @   addr >= (1 << 49) || pages > ((1 << 49) - addr) / 4096 ||
  @   level < -1 || level > 3;
  @*/

/* SCALE and NUM must fit their 2- and 5-bit fields at every call site:
 * proof obligations of vrm_tlb_range_encode (NUM <= 31 is the property the
 * 2024 Linux fix restored). */
/*@ requires scale <= 3;
  @ requires num <= 31;
  @ requires -1 <= level <= 3;
  @ assigns \nothing;
  @*/
static uint64_t range_operand(uint64_t addr, unsigned scale, uint64_t num, int level);

/* Proven: a rejected request returns -EINVAL and writes nothing; an
 * accepted one emits 1..5 ops (every write out[n] in bounds: with
 * -wp-rte), each of at least one page, that tile the request exactly: the
 * first starts at addr, each starts where the previous one ends, and the
 * last ends at addr + pages * 4 KiB; every range op has SCALE <= 3 (the
 * precondition of range_operand) and 1 <= k <= 32, i.e. NUM = k - 1 fits
 * its 5 bits. The loop invariants are in lib/tlb/tlb_range.c. */
/*@ requires \valid(out + (0 .. VRM_TLB_RANGE_MAX_OPS - 1));
  @ assigns out[0 .. VRM_TLB_RANGE_MAX_OPS - 1];
  @ behavior rejected:
  @   assumes bad_request(addr, pages, level);
  @   assigns \nothing;
  @   ensures \result == -VRM_EINVAL;
  @ behavior split:
  @   assumes !bad_request(addr, pages, level);
  @   ensures count: 1 <= \result <= VRM_TLB_RANGE_MAX_OPS;
  @   ensures first: out[0].addr == addr;
  @   ensures nonempty: \forall integer i; 0 <= i < \result ==> 1 <= out[i].pages;
  @   ensures contiguous: \forall integer i; 0 <= i < \result - 1 ==>
  @     out[i + 1].addr == out[i].addr + out[i].pages * 4096;
  @   ensures last: out[\result - 1].addr + out[\result - 1].pages * 4096 ==
  @     addr + pages * 4096;
  @ complete behaviors;
  @ disjoint behaviors;
  @*/
int vrm_tlb_range_encode(uint64_t addr, uint64_t pages, int level,
			 struct vrm_tlb_range_op out[VRM_TLB_RANGE_MAX_OPS]);

#include "../../lib/tlb/tlb_range.c"
