/* SPDX-License-Identifier: MIT */
/*
 * WP lemmas used as axioms by tlb_range.c (axiomatic TlbFacts, the same
 * text): each is proven here, by run.sh's lemma pass, with the Bit-Shift
 * tactic (-wp-auto wp:bitshift) and z3/cvc4.
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
