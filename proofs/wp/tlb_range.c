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
  @ lemma lsl_37: \forall integer x; (x << 37) == x * 137438953472;
  @ lemma lsl_39: \forall integer x; (x << 39) == x * 549755813888;
  @ lemma lsl_44: \forall integer x; (x << 44) == x * 17592186044416;
  @ lemma lsl_46: \forall integer x; (x << 46) == x * 70368744177664;
  @*/

/* One TLBI-range operand (tlb.h: [47:46] TG, [45:44] SCALE, [43:39] NUM,
 * [38:37] TTL, [36:0] BaseADDR) as a number, and its fields read back the
 * way the Arm ARM (and the hosted model's range_target) decode them:
 * range_fields_decode says that range_operand's result (`fields`) decodes
 * to TG 4 KiB, BaseADDR = addr / 4 KiB, TTL = the level hint (1..3, else
 * 0), NUM and SCALE, i.e. (NUM + 1) << (5 * SCALE + 1) pages from addr. */
/*@ logic integer range_ttl(integer level) = (1 <= level && level <= 3) ? level : 0;
  @ logic integer range_fields(integer base, integer ttl, integer num, integer scale) =
  @   base + ttl * 137438953472 + num * 549755813888 + scale * 17592186044416 +
  @   70368744177664;
  @ logic integer f_base(integer op) = op % 137438953472;
  @ logic integer f_ttl(integer op) = (op / 137438953472) % 4;
  @ logic integer f_num(integer op) = (op / 549755813888) % 32;
  @ logic integer f_scale(integer op) = (op / 17592186044416) % 4;
  @ logic integer f_tg(integer op) = (op / 70368744177664) % 4;
  @
  @ lemma range_fields_decode: \forall integer b, t, n, s;
  @   0 <= b < 137438953472 && 0 <= t <= 3 && 0 <= n <= 31 && 0 <= s <= 3 ==>
  @   f_base(range_fields(b, t, n, s)) == b && f_ttl(range_fields(b, t, n, s)) == t &&
  @   f_num(range_fields(b, t, n, s)) == n && f_scale(range_fields(b, t, n, s)) == s &&
  @   f_tg(range_fields(b, t, n, s)) == 1;
  @*/

/*@ predicate bad_request(integer addr, integer pages, integer level) =
  @   pages == 0 || pages > VRM_TLB_RANGE_MAX_PAGES || (addr & 4095) != 0 ||
  @   addr >= (1 << 49) || pages > ((1 << 49) - addr) / 4096 ||
  @   level < -1 || level > 3;
  @*/

/* SCALE and NUM must fit their 2- and 5-bit fields, and the address its
 * 37-bit page number, at every call site: proof obligations of
 * vrm_tlb_range_encode (NUM <= 31 is the property the 2024 Linux fix
 * restored). Proven: the operand is the fields' number. */
/*@ requires scale <= 3;
  @ requires num <= 31;
  @ requires -1 <= level <= 3;
  @ requires addr < 562949953421312;
  @ assigns \nothing;
  @ ensures fields: \result == range_fields(addr / 4096, range_ttl(level), num, scale);
  @*/
static uint64_t range_operand(uint64_t addr, unsigned scale, uint64_t num, int level);

/* Proven: a rejected request returns -EINVAL and writes nothing; an
 * accepted one emits 1..5 ops (every write out[n] in bounds: with
 * -wp-rte), each of at least one page, that tile the request exactly: the
 * first starts at addr, each starts where the previous one ends, and the
 * last ends at addr + pages * 4 KiB; every range op has SCALE <= 3 (the
 * precondition of range_operand) and 1 <= k <= 32, i.e. NUM = k - 1 fits
 * its 5 bits, and its address is below 2^49 (range_operand's
 * precondition, so BaseADDR holds its page number whole). The loop
 * invariants are in lib/tlb/tlb_range.c. */
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
