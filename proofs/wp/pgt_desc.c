/* SPDX-License-Identifier: MIT */
/*
 * WP harness: lib/pgtable/desc.c, the descriptor classifier and checks the
 * walker and every operation trust: vrm_pgt_desc_type (an entry is a table
 * or a leaf only where the Arm ARM allows it), vrm_pgt_prot_valid's rules
 * (prot_valid_feats: vrm_pgt_prot_valid is it applied to the features set
 * at boot) and vrm_pgt_desc_table. Contracts on prototypes; the real
 * desc.c below.
 */
#include <vrm/pgtable.h>

/*@ assigns \nothing;
  @ ensures range: VRM_PGT_DESC_INVALID <= \result <= VRM_PGT_DESC_PAGE;
  @ ensures invalid_bit0: (desc & 1) == 0 ==> \result == VRM_PGT_DESC_INVALID;
  @ ensures bad_level: (level < 0 || level > 3) ==> \result == VRM_PGT_DESC_INVALID;
  @ ensures table: \result == VRM_PGT_DESC_TABLE <==>
  @   ((desc & 1) != 0 && (desc & 2) != 0 && 0 <= level <= 2);
  @ ensures page: \result == VRM_PGT_DESC_PAGE <==>
  @   ((desc & 1) != 0 && (desc & 2) != 0 && level == 3);
  @ ensures block: \result == VRM_PGT_DESC_BLOCK <==>
  @   ((desc & 1) != 0 && (desc & 2) == 0 && (level == 1 || level == 2));
  @*/
enum vrm_pgt_desc_type vrm_pgt_desc_type(uint64_t desc, int level);

/* x: the execute bits of a prot (prot & VRM_PGT_PROT_X_MASK). */
/*@ predicate one_exec(integer x) =
  @   x == 0 || x == VRM_PGT_PROT_X || x == VRM_PGT_PROT_X_EL1 || x == VRM_PGT_PROT_X_EL0;
  @ predicate one_el(integer x) = x == VRM_PGT_PROT_X_EL1 || x == VRM_PGT_PROT_X_EL0;
  @*/

/*@ assigns \nothing;
  @ ensures no_unknown_bits: \result ==> (prot & ~VRM_PGT_PROT_ALL) == 0;
  @ ensures memtype: \result ==> (prot & VRM_PGT_PROT_MT_MASK) != VRM_PGT_PROT_MT_MASK;
  @ ensures one_exec: \result ==> one_exec(prot & VRM_PGT_PROT_X_MASK);
  @ ensures no_exec_device: \result && (prot & VRM_PGT_PROT_X_MASK) != 0 ==>
  @   (prot & VRM_PGT_PROT_MT_MASK) != VRM_PGT_PROT_DEVICE;
  @ ensures xnx: \result && one_el(prot & VRM_PGT_PROT_X_MASK) ==>
  @   stage == VRM_PGT_STAGE2 && (feats & VRM_PGT_FEAT_XNX) != 0;
  @ ensures el2_readable: \result && stage == VRM_PGT_EL2_S1 ==> (prot & VRM_PGT_PROT_R) != 0;
  @ ensures el2_w_xor_x: \result && stage == VRM_PGT_EL2_S1 ==>
  @   (prot & VRM_PGT_PROT_W) == 0 || (prot & VRM_PGT_PROT_X_MASK) == 0;
  @ ensures stage: \result ==> stage == VRM_PGT_STAGE2 || stage == VRM_PGT_EL2_S1;
  @ ensures complete: ((prot & ~VRM_PGT_PROT_ALL) == 0 &&
  @   (prot & VRM_PGT_PROT_MT_MASK) != VRM_PGT_PROT_MT_MASK &&
  @   one_exec(prot & VRM_PGT_PROT_X_MASK) &&
  @   ((prot & VRM_PGT_PROT_X_MASK) == 0 || (prot & VRM_PGT_PROT_MT_MASK) != VRM_PGT_PROT_DEVICE) &&
  @   (!one_el(prot & VRM_PGT_PROT_X_MASK) ||
  @    (stage == VRM_PGT_STAGE2 && (feats & VRM_PGT_FEAT_XNX) != 0)) &&
  @   (stage == VRM_PGT_STAGE2 ||
  @    (stage == VRM_PGT_EL2_S1 && (prot & VRM_PGT_PROT_R) != 0 &&
  @     ((prot & VRM_PGT_PROT_W) == 0 || (prot & VRM_PGT_PROT_X_MASK) == 0))))
  @   ==> \result;
  @*/
static bool prot_valid_feats(enum vrm_pgt_stage stage, uint32_t prot, uint32_t feats);

/*@ assigns \nothing;
  @ behavior rejected:
  @   assumes (table_pa & (VRM_PAGE_SIZE - 1)) != 0 || table_pa >= (1 << 48);
  @   ensures \result == 0;
  @ behavior table:
  @   assumes (table_pa & (VRM_PAGE_SIZE - 1)) == 0 && table_pa < (1 << 48);
  @   ensures \result == (table_pa | 3);
  @   ensures (\result & 3) == 3;
  @ complete behaviors;
  @ disjoint behaviors;
  @*/
uint64_t vrm_pgt_desc_table(vrm_pa_t table_pa);

#include "../../lib/pgtable/desc.c"
