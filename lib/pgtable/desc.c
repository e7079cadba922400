/* SPDX-License-Identifier: MIT */
/*
 * VMSAv8-64 descriptors, 4 KiB granule (Arm ARM D8.3 "Translation table
 * descriptor formats"; stage-2 attributes D8.5, stage-1 D8.4).
 *
 *   bits[1:0]  0b11 table (levels 0-2) / page (level 3); 0b01 block
 *              (levels 1-2; level-0 blocks need FEAT_LPA2, not supported)
 *   [47:12]    output address (table: next-level table address)
 *   stage 2:   MemAttr[5:2] S2AP[7:6] SH[9:8] AF[10] XN[54:53] (XN[0],
 *              bit 53, is RES0 without FEAT_XNX: then only XN[1] counts)
 *   EL2 s1:    AttrIndx[4:2] AP[7:6] SH[9:8] AF[10] XN[54]; AP[1] is RES1
 *              in a one-privilege-level regime (EL2 without VHE)
 * Every leaf is written with AF = 1 (no access-flag faults) and SH = inner
 * shareable, the only sharing libvrm's SMP users need.
 */
#include "pgt_internal.h"

#define D_AF       (UINT64_C(1) << 10)
#define D_SH_IS    (UINT64_C(3) << 8)
#define D_XN       (UINT64_C(1) << 54) /* stage 2: XN[1]; EL2 stage 1: XN */
#define S2_XN0     (UINT64_C(1) << 53) /* stage 2 XN[0], FEAT_XNX */
#define S2_AP_R    (UINT64_C(1) << 6)
#define S2_AP_W    (UINT64_C(1) << 7)
#define S2_MEMATTR(x) ((uint64_t)(x) << 2)
#define S2_MEMATTR_MASK S2_MEMATTR(0xf)
#define S2_MA_NORMAL 0xfu /* Outer WB, Inner WB */
#define S2_MA_DEVICE 0x1u /* Device-nGnRE */
#define S2_MA_NC     0x5u /* Outer NC, Inner NC (also under FEAT_S2FWB) */
#define S2_MA_FWB_NORMAL 0x6u /* FEAT_S2FWB, HCR_EL2.FWB: forced write-back */
#define S1_ATTRIDX(x) ((uint64_t)(x) << 2)
#define S1_ATTRIDX_MASK S1_ATTRIDX(7)
#define S1_AP_RES1 (UINT64_C(1) << 6)
#define S1_AP_RO   (UINT64_C(1) << 7)

uint64_t vrm_pgt_level_size(int level)
{
	if (level < 0 || level > 3)
		return 0;
	return UINT64_C(1) << pgt_level_shift(level);
}

static uint32_t pgt_feats; /* VRM_PGT_FEAT_*; set at boot, read relaxed */

void vrm_pgt_set_features(uint32_t feats)
{
	__atomic_store_n(&pgt_feats, feats & (VRM_PGT_FEAT_XNX | VRM_PGT_FEAT_FWB),
			 __ATOMIC_RELAXED);
}

uint32_t vrm_pgt_features(void)
{
	return __atomic_load_n(&pgt_feats, __ATOMIC_RELAXED);
}

/* vrm_pgt_prot_valid under the features `feats` (pure; the WP contract of
 * proofs/wp/pgt_desc.c is on this one). The reasons for each rule are in
 * vrm/pgtable.h. */
static bool prot_valid_feats(enum vrm_pgt_stage stage, uint32_t prot, uint32_t feats)
{
	uint32_t x = prot & VRM_PGT_PROT_X_MASK;

	if (prot & ~VRM_PGT_PROT_ALL)
		return false;
	if ((prot & VRM_PGT_PROT_MT_MASK) == VRM_PGT_PROT_MT_MASK)
		return false;
	/* At most one execute permission. */
	if (x != 0 && x != VRM_PGT_PROT_X && x != VRM_PGT_PROT_X_EL1 && x != VRM_PGT_PROT_X_EL0)
		return false;
	/* Executable Device memory: speculative instruction fetches. */
	if (x != 0 && (prot & VRM_PGT_PROT_MT_MASK) == VRM_PGT_PROT_DEVICE)
		return false;
	/* Execute at one EL only: stage-2 XN[0], FEAT_XNX. */
	if ((x == VRM_PGT_PROT_X_EL1 || x == VRM_PGT_PROT_X_EL0) &&
	    (stage != VRM_PGT_STAGE2 || !(feats & VRM_PGT_FEAT_XNX)))
		return false;
	/* EL2: readable (AP), and W^X. Stage 2 keeps W+X (guest RAM). */
	if (stage == VRM_PGT_EL2_S1)
		return (prot & VRM_PGT_PROT_R) != 0 && !(x != 0 && (prot & VRM_PGT_PROT_W));
	return stage == VRM_PGT_STAGE2;
}

bool vrm_pgt_prot_valid(enum vrm_pgt_stage stage, uint32_t prot)
{
	return prot_valid_feats(stage, prot, vrm_pgt_features());
}

enum vrm_pgt_desc_type vrm_pgt_desc_type(uint64_t desc, int level)
{
	if (!(desc & 1) || level < 0 || level > 3)
		return VRM_PGT_DESC_INVALID;
	if (desc & 2)
		return level == 3 ? VRM_PGT_DESC_PAGE : VRM_PGT_DESC_TABLE;
	/* 0b01: a block at levels 1-2; reserved (invalid) at 0 and 3. */
	return (level == 1 || level == 2) ? VRM_PGT_DESC_BLOCK : VRM_PGT_DESC_INVALID;
}

static uint64_t s2_attrs(uint32_t prot, uint32_t feats)
{
	uint64_t d = D_AF | D_SH_IS;

	switch (prot & VRM_PGT_PROT_MT_MASK) {
	case VRM_PGT_PROT_DEVICE: d |= S2_MEMATTR(S2_MA_DEVICE); break;
	case VRM_PGT_PROT_NC:     d |= S2_MEMATTR(S2_MA_NC); break;
	default:
		d |= S2_MEMATTR((feats & VRM_PGT_FEAT_FWB) ? S2_MA_FWB_NORMAL : S2_MA_NORMAL);
		break;
	}
	if (prot & VRM_PGT_PROT_R)
		d |= S2_AP_R;
	if (prot & VRM_PGT_PROT_W)
		d |= S2_AP_W;
	/* XN[1:0] (Arm ARM D8.4 "Stage 2 instruction execution permissions",
	 * FEAT_XNX): X_EL1 / X_EL0 only reach here when the CPU has it. */
	switch (prot & VRM_PGT_PROT_X_MASK) {
	case VRM_PGT_PROT_X:     break;                     /* 0b00: EL1 and EL0 */
	case VRM_PGT_PROT_X_EL0: d |= S2_XN0; break;        /* 0b01: PXN */
	case VRM_PGT_PROT_X_EL1: d |= D_XN | S2_XN0; break; /* 0b11: UXN */
	default:                 d |= D_XN; break;          /* 0b10: neither */
	}
	return d;
}

static uint64_t s1_attrs(uint32_t prot)
{
	uint64_t d = D_AF | D_SH_IS | S1_AP_RES1;

	switch (prot & VRM_PGT_PROT_MT_MASK) {
	case VRM_PGT_PROT_DEVICE: d |= S1_ATTRIDX(VRM_PGT_ATTRIDX_DEVICE); break;
	case VRM_PGT_PROT_NC:     d |= S1_ATTRIDX(VRM_PGT_ATTRIDX_NC); break;
	default:                  d |= S1_ATTRIDX(VRM_PGT_ATTRIDX_NORMAL); break;
	}
	if (!(prot & VRM_PGT_PROT_W))
		d |= S1_AP_RO;
	if (!(prot & VRM_PGT_PROT_X))
		d |= D_XN;
	return d;
}

uint64_t vrm_pgt_desc_leaf(enum vrm_pgt_stage stage, vrm_pa_t pa, int level, uint32_t prot)
{
	uint64_t size = vrm_pgt_level_size(level);

	if (level < 1 || level > 3 || !vrm_pgt_prot_valid(stage, prot))
		return 0;
	if ((pa & (size - 1)) || pa >= PGT_PA_LIMIT)
		return 0;
	return pa | (stage == VRM_PGT_STAGE2 ? s2_attrs(prot, vrm_pgt_features()) : s1_attrs(prot)) |
	       (level == 3 ? UINT64_C(3) : UINT64_C(1));
}

uint64_t vrm_pgt_desc_table(vrm_pa_t table_pa)
{
	if ((table_pa & (VRM_PAGE_SIZE - 1)) || table_pa >= PGT_PA_LIMIT)
		return 0;
	return table_pa | 3;
}

vrm_pa_t vrm_pgt_desc_oa(uint64_t desc, int level)
{
	uint64_t mask = PGT_OA_MASK;

	if (vrm_pgt_desc_type(desc, level) == VRM_PGT_DESC_BLOCK)
		mask &= ~(vrm_pgt_level_size(level) - 1);
	return desc & mask;
}

/* Stage-2 XN[1:0] -> execute bits. Without FEAT_XNX XN[0] is RES0 and the
 * MMU reads XN[1] alone, so the decode does too. */
static uint32_t s2_exec(uint64_t desc, uint32_t feats)
{
	bool xn1 = (desc & D_XN) != 0, xn0 = (feats & VRM_PGT_FEAT_XNX) && (desc & S2_XN0);

	if (xn1)
		return xn0 ? VRM_PGT_PROT_X_EL1 : 0;
	return xn0 ? VRM_PGT_PROT_X_EL0 : VRM_PGT_PROT_X;
}

uint32_t vrm_pgt_desc_prot(enum vrm_pgt_stage stage, uint64_t desc)
{
	uint32_t prot = (desc & D_XN) ? 0 : VRM_PGT_PROT_X;

	if (stage == VRM_PGT_STAGE2) {
		uint64_t ma = (desc & S2_MEMATTR_MASK) >> 2;

		prot = s2_exec(desc, vrm_pgt_features());
		if (desc & S2_AP_R)
			prot |= VRM_PGT_PROT_R;
		if (desc & S2_AP_W)
			prot |= VRM_PGT_PROT_W;
		/* Normal: 0b1111, or 0b0110 under FEAT_S2FWB. */
		if (ma == S2_MA_DEVICE)
			prot |= VRM_PGT_PROT_DEVICE;
		else if (ma == S2_MA_NC)
			prot |= VRM_PGT_PROT_NC;
		return prot;
	}
	prot |= VRM_PGT_PROT_R;
	if (!(desc & S1_AP_RO))
		prot |= VRM_PGT_PROT_W;
	switch ((desc & S1_ATTRIDX_MASK) >> 2) {
	case VRM_PGT_ATTRIDX_DEVICE: prot |= VRM_PGT_PROT_DEVICE; break;
	case VRM_PGT_ATTRIDX_NC:     prot |= VRM_PGT_PROT_NC; break;
	default: break;
	}
	return prot;
}
