/* SPDX-License-Identifier: MIT */
/*
 * WP harness: the attribute round trip of lib/pgtable/desc.c's leaf codec.
 * For every stage, level 1..3 and prot that vrm_pgt_prot_valid accepts:
 *   vrm_pgt_desc_prot(stage, vrm_pgt_desc_leaf(stage, 0, level, prot)) == prot
 * i.e. the S2AP / AP, XN and MemAttr / AttrIndx encodings lose nothing and
 * decode to the same permissions and memory type. pa = 0 is the form map
 * itself uses: map_common computes a call's attributes once as
 * pgt_leaf_attrs(vrm_pgt_desc_leaf(stage, 0, 3, prot)) and ORs each page's
 * pa in, and remap's "identical" test compares those attribute bits.
 *
 * How: run.sh passes -inline-calls for the codec's functions, so WP sees
 * the real bodies of vrm_pgt_desc_leaf, vrm_pgt_desc_prot, s2_attrs,
 * s1_attrs, vrm_pgt_prot_valid and the level-size helpers inlined into
 * attrs_roundtrip, and -wp-auto wp:range splits the goal over the 32
 * values of a prot below 32 (the code's bit tests are then constants).
 *
 * Not proven here: that OR-ing an aligned pa below 2^48 into the
 * descriptor leaves those attribute bits alone, and the output-address
 * decode (vrm_pgt_desc_oa). Both are bit facts about a symbolic 64-bit pa;
 * with Frama-C 25's integer model of bitwise operators z3/cvc4 prove them
 * only one bit at a time, through tactics that took minutes
 * (proofs/README.md). tests/pgtable checks them for every prot, stage and level at one pa each.
 */
#include <vrm/pgtable.h>

#include "../../lib/pgtable/desc.c"

/* No assigns clause: the theorem is about the value, and with the codec
 * inlined the frame goals would be ~190 more goals about its locals. */
/*@ requires stage == VRM_PGT_STAGE2 || stage == VRM_PGT_EL2_S1;
  @ requires 1 <= level <= 3;
  @ requires 0 <= prot <= 31;
  @ requires valid: (prot & 24) != 24 && (stage == VRM_PGT_EL2_S1 ==> (prot & 1) != 0);
  @ ensures \result == prot;
  @*/
uint32_t attrs_roundtrip(enum vrm_pgt_stage stage, int level, uint32_t prot)
{
	return vrm_pgt_desc_prot(stage, vrm_pgt_desc_leaf(stage, 0, level, prot));
}
