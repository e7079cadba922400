/* SPDX-License-Identifier: MIT */
/*
 * WP harness: the attribute round trip of lib/pgtable/desc.c's leaf codec.
 * For every stage, level 1..3, feature set (FEAT_XNX, FEAT_S2FWB, both or
 * neither) and prot that
 * vrm_pgt_prot_valid accepts:
 *   vrm_pgt_desc_prot(stage, vrm_pgt_desc_leaf(stage, 0, level, prot)) == prot
 * i.e. the S2AP / AP, XN (stage-2 XN[1:0]) and MemAttr / AttrIndx
 * encodings lose nothing and decode to the same permissions and memory type. pa = 0 is the form map
 * itself uses: map_common computes a call's attributes once as
 * pgt_leaf_attrs(vrm_pgt_desc_leaf(stage, 0, 3, prot)) and ORs each page's
 * pa in, and remap's "identical" test compares those attribute bits.
 *
 * How: run.sh passes -inline-calls for the codec's functions, so WP sees
 * the real bodies of vrm_pgt_desc_leaf, vrm_pgt_desc_prot, s2_attrs,
 * s1_attrs, s2_exec, vrm_pgt_prot_valid, prot_valid_feats,
 * vrm_pgt_features and the level-size helpers inlined into
 * attrs_roundtrip, and -wp-auto wp:range splits the goal over the 128
 * values of a prot below 128 (the code's bit tests are then constants).
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
/* valid: the rules of vrm_pgt_prot_valid (vrm/pgtable.h) for prot < 128,
 * spelled in bits: R 1, W 2, X 4, memory type 24 (Device 8), X_EL1 32,
 * X_EL0 64; pgt_feats is what vrm_pgt_set_features stores: one function
 * per value (neither feature, FEAT_XNX, FEAT_S2FWB, both), so that Qed
 * folds the codec's feature tests (with pgt_feats ranging over two values
 * z3 and cvc4 answered "unknown" for some prots once s2_attrs read it). */
/*@ requires stage == VRM_PGT_STAGE2 || stage == VRM_PGT_EL2_S1;
  @ requires 1 <= level <= 3;
  @ requires 0 <= prot <= 127;
  @ requires feats: pgt_feats == 0;
  @ requires valid: (prot & 24) != 24 &&
  @   ((prot & 100) == 0 || (prot & 100) == 4 || (prot & 100) == 32 || (prot & 100) == 64) &&
  @   ((prot & 100) == 0 || (prot & 24) != 8) &&
  @   ((prot & 96) == 0 || \false) &&
  @   (stage == VRM_PGT_EL2_S1 ==> (prot & 1) != 0 && ((prot & 2) == 0 || (prot & 100) == 0));
  @ ensures \result == prot;
  @*/
uint32_t attrs_roundtrip(enum vrm_pgt_stage stage, int level, uint32_t prot)
{
	return vrm_pgt_desc_prot(stage, vrm_pgt_desc_leaf(stage, 0, level, prot));
}

/*@ requires stage == VRM_PGT_STAGE2 || stage == VRM_PGT_EL2_S1;
  @ requires 1 <= level <= 3;
  @ requires 0 <= prot <= 127;
  @ requires feats: pgt_feats == VRM_PGT_FEAT_XNX;
  @ requires valid: (prot & 24) != 24 &&
  @   ((prot & 100) == 0 || (prot & 100) == 4 || (prot & 100) == 32 || (prot & 100) == 64) &&
  @   ((prot & 100) == 0 || (prot & 24) != 8) &&
  @   ((prot & 96) == 0 || stage == VRM_PGT_STAGE2) &&
  @   (stage == VRM_PGT_EL2_S1 ==> (prot & 1) != 0 && ((prot & 2) == 0 || (prot & 100) == 0));
  @ ensures \result == prot;
  @*/
uint32_t attrs_roundtrip_xnx(enum vrm_pgt_stage stage, int level, uint32_t prot)
{
	return vrm_pgt_desc_prot(stage, vrm_pgt_desc_leaf(stage, 0, level, prot));
}

/*@ requires stage == VRM_PGT_STAGE2 || stage == VRM_PGT_EL2_S1;
  @ requires 1 <= level <= 3;
  @ requires 0 <= prot <= 127;
  @ requires feats: pgt_feats == VRM_PGT_FEAT_FWB;
  @ requires valid: (prot & 24) != 24 &&
  @   ((prot & 100) == 0 || (prot & 100) == 4 || (prot & 100) == 32 || (prot & 100) == 64) &&
  @   ((prot & 100) == 0 || (prot & 24) != 8) &&
  @   ((prot & 96) == 0 || \false) &&
  @   (stage == VRM_PGT_EL2_S1 ==> (prot & 1) != 0 && ((prot & 2) == 0 || (prot & 100) == 0));
  @ ensures \result == prot;
  @*/
uint32_t attrs_roundtrip_fwb(enum vrm_pgt_stage stage, int level, uint32_t prot)
{
	return vrm_pgt_desc_prot(stage, vrm_pgt_desc_leaf(stage, 0, level, prot));
}

/*@ requires stage == VRM_PGT_STAGE2 || stage == VRM_PGT_EL2_S1;
  @ requires 1 <= level <= 3;
  @ requires 0 <= prot <= 127;
  @ requires feats: pgt_feats == (VRM_PGT_FEAT_XNX | VRM_PGT_FEAT_FWB);
  @ requires valid: (prot & 24) != 24 &&
  @   ((prot & 100) == 0 || (prot & 100) == 4 || (prot & 100) == 32 || (prot & 100) == 64) &&
  @   ((prot & 100) == 0 || (prot & 24) != 8) &&
  @   ((prot & 96) == 0 || stage == VRM_PGT_STAGE2) &&
  @   (stage == VRM_PGT_EL2_S1 ==> (prot & 1) != 0 && ((prot & 2) == 0 || (prot & 100) == 0));
  @ ensures \result == prot;
  @*/
uint32_t attrs_roundtrip_fwb_xnx(enum vrm_pgt_stage stage, int level, uint32_t prot)
{
	return vrm_pgt_desc_prot(stage, vrm_pgt_desc_leaf(stage, 0, level, prot));
}
