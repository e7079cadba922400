/* SPDX-License-Identifier: MIT */
/*
 * The TLB maintenance sequences of <vrm/tlb.h> (Sequential-TLB-Invalidation).
 * Every function checks all its arguments before the first barrier, so a
 * rejected call issues nothing. The rules R1-R8 are listed in tlb.h.
 */
#include <vrm/tlb.h>

#include "tlb_backend.h"

#define ADDR_LIMIT (UINT64_C(1) << VRM_TLB_ADDR_BITS)
#define RANGE_LIMIT (UINT64_C(1) << VRM_TLB_RANGE_ADDR_BITS)
#define TTL_SHIFT 44
#define TTL_TG_4K UINT64_C(0x4) /* TTL[3:2] = 0b01: 4 KiB granule */
#define OA_PAGE_MASK ((UINT64_C(1) << 44) - 1) /* operand [43:0]: addr >> 12 */

static uint32_t tlb_feats; /* VRM_TLB_FEAT_*; set at boot, read relaxed */

void vrm_tlb_set_features(uint32_t feats)
{
	__atomic_store_n(&tlb_feats, feats & (VRM_TLB_FEAT_RANGE | VRM_TLB_FEAT_TTL),
			 __ATOMIC_RELAXED);
}

uint32_t vrm_tlb_features(void)
{
	return __atomic_load_n(&tlb_feats, __ATOMIC_RELAXED);
}

/* VTTBR_EL2.VMID is [63:48] (16-bit VMIDs) or [55:48] with [63:56] RES0
 * (8-bit): the value's top bits must be a VMID the build accepts. BADDR
 * and CnP are the caller's (the table format decides them). */
static bool vttbr_ok(uint64_t vttbr)
{
	return ((vttbr >> VRM_TLB_VTTBR_VMID_SHIFT) >> VRM_TLB_VMID_BITS) == 0;
}

static bool level_ok(int level)
{
	return level >= VRM_TLB_LEVEL_ANY && level <= 3;
}

static bool addr_ok(uint64_t addr)
{
	return (addr & (VRM_PAGE_SIZE - 1)) == 0 && addr < ADDR_LIMIT;
}

static bool range_ok(uint64_t addr, uint64_t size)
{
	return addr_ok(addr) && size != 0 && (size & (VRM_PAGE_SIZE - 1)) == 0 &&
	       size <= ADDR_LIMIT - addr;
}

/* Bytes a leaf at `level` maps with the 4 KiB granule (level -1: a page). */
static uint64_t level_bytes(int level)
{
	return level < 0 ? VRM_PAGE_SIZE : UINT64_C(1) << (12 + 9 * (3 - level));
}

/* Single-address operand: addr[55:12] in [43:0], TTL hint in [47:44] only
 * with FEAT_TTL (RES0 before Armv8.4). */
static uint64_t page_operand(uint64_t addr, int level, uint32_t feats)
{
	uint64_t op = (addr >> VRM_PAGE_SHIFT) & OA_PAGE_MASK;

	if (level >= 0 && (feats & VRM_TLB_FEAT_TTL))
		op |= (TTL_TG_4K | (uint64_t)level) << TTL_SHIFT;
	return op;
}

/* The level hint a page TLBI carries, as the checker must see it: only
 * with FEAT_TTL in use is it in the operand (and then an entry of another
 * level may survive the TLBI). */
static int page_hint(int level, uint32_t feats)
{
	return level >= 0 && (feats & VRM_TLB_FEAT_TTL) ? level : -1;
}

int vrm_tlb_flush_s2_ipa(uint64_t vttbr, vrm_ipa_t ipa, int level)
{
	struct tb_ctx ctx;
	uint64_t op;

	if (!vttbr_ok(vttbr) || !addr_ok(ipa) || !level_ok(level))
		return -VRM_EINVAL;
	op = page_operand(ipa, level, vrm_tlb_features());
	tb_dsb_ish();                    /* R1 (table writes), R7 (walks) */
	tb_ctx_enter(&ctx, vttbr);       /* R4, R8 */
	tb_tlbi_ipas2e1is(op);           /* stage-2 entry of this IPA, all PEs */
	TB_CHECK(vrm_check_tlbi_hint(VRM_TLBI_S2_IPA, vrm_tlb_vttbr_vmid(vttbr), ipa,
				     VRM_PAGE_SIZE, false, page_hint(level, vrm_tlb_features())));
	tb_dsb_ish();                    /* R2, and R3 needs it done first */
	tb_tlbi_vmalle1is();             /* R3: combined S1+S2 entries */
	tb_sync_ish();                   /* R2 */
	tb_isb();                        /* R5 */
	tb_ctx_exit(&ctx);
	return 0;
}

int vrm_tlb_flush_s2_ipa_local(uint64_t vttbr, vrm_ipa_t ipa, int level)
{
	struct tb_ctx ctx;
	uint64_t op;

	if (!vttbr_ok(vttbr) || !addr_ok(ipa) || !level_ok(level))
		return -VRM_EINVAL;
	op = page_operand(ipa, level, vrm_tlb_features());
	tb_dsb_nsh();                    /* R1, R7: this PE's stores and walks */
	tb_ctx_enter(&ctx, vttbr);
	tb_tlbi_ipas2e1(op);             /* R6: this PE only */
	TB_CHECK(vrm_check_tlbi_hint(VRM_TLBI_S2_IPA, vrm_tlb_vttbr_vmid(vttbr), ipa,
				     VRM_PAGE_SIZE, true, page_hint(level, vrm_tlb_features())));
	tb_dsb_nsh();
	tb_tlbi_vmalle1();               /* R3 */
	tb_dsb_nsh();
	tb_isb();
	tb_ctx_exit(&ctx);
	return 0;
}

/* Stage-2 TLBIs for [start, end) by the policy in tlb.h. Returns true when
 * it flushed the whole VMID (no VMALLE1IS needed after that); *hint: the
 * level hint the TLBIs carried (range ops: TTL 1-3; page ops: FEAT_TTL). */
static bool s2_range_tlbis(uint64_t start, uint64_t end, int level, uint32_t feats, int *hint)
{
	uint64_t stride = level_bytes(level), pages = (end - start) >> VRM_PAGE_SHIFT;
	struct vrm_tlb_range_op ops[VRM_TLB_RANGE_MAX_OPS];
	int i, n;

	if ((feats & VRM_TLB_FEAT_RANGE) && pages <= VRM_TLB_RANGE_MAX_PAGES &&
	    end <= RANGE_LIMIT) {
		n = vrm_tlb_range_encode(start, pages, level, ops);
		for (i = 0; i < n; i++) {
			if (ops[i].range)
				tb_tlbi_ripas2e1is(ops[i].operand);
			else
				tb_tlbi_ipas2e1is(page_operand(ops[i].addr, level, feats));
		}
		/* Range ops carry levels 1-3 in their TTL field whatever
		 * FEAT_TTL says; a promise about every leaf in the range, so
		 * the whole call is taken as hinted. */
		*hint = level >= 1 ? level : page_hint(level, feats);
		return false;
	}
	*hint = page_hint(level, feats);
	if ((end - start) / stride < VRM_TLB_MAX_TLBI_OPS) {
		for (; start < end; start += stride)
			tb_tlbi_ipas2e1is(page_operand(start, level, feats));
		return false;
	}
	tb_tlbi_vmalls12e1is();
	return true;
}

int vrm_tlb_flush_s2_range(uint64_t vttbr, vrm_ipa_t ipa, uint64_t size, int level)
{
	uint64_t start, end, stride;
	struct tb_ctx ctx;
	bool whole;
	int hint = -1;

	if (!vttbr_ok(vttbr) || !range_ok(ipa, size) || !level_ok(level))
		return -VRM_EINVAL;
	/* A level hint says every leaf in the range is a block of that size:
	 * one TLBI per block, on block boundaries (flushing more is safe). */
	stride = level_bytes(level);
	start = ipa & ~(stride - 1);
	end = (ipa + size + stride - 1) & ~(stride - 1);
	if (end > ADDR_LIMIT || end < start)
		end = ADDR_LIMIT;
	tb_dsb_ish();                            /* R1, R7, once per call */
	tb_ctx_enter(&ctx, vttbr);               /* R4, R8 */
	whole = s2_range_tlbis(start, end, level, vrm_tlb_features(), &hint);
	(void)hint; /* unchecked builds */
	TB_CHECK(vrm_check_tlbi_hint(whole ? VRM_TLBI_VMID : VRM_TLBI_S2_IPA,
				     vrm_tlb_vttbr_vmid(vttbr), start, whole ? 0 : end - start,
				     false, whole ? -1 : hint));
	tb_dsb_ish();                            /* R2 (whole VMID: the last) */
	if (!whole) {                            /* R3 needs the DSB above first */
		tb_tlbi_vmalle1is();
		tb_dsb_ish();                    /* R2 */
	}
	tb_repeat_tlbi();                        /* tb_sync_ish's tail, once */
	tb_isb();                                /* R5 */
	tb_ctx_exit(&ctx);
	return 0;
}

int vrm_tlb_flush_vmid(uint64_t vttbr)
{
	struct tb_ctx ctx;

	if (!vttbr_ok(vttbr))
		return -VRM_EINVAL;
	tb_dsb_ish();                            /* R1, R7 */
	tb_ctx_enter(&ctx, vttbr);               /* R4, R8 */
	tb_tlbi_vmalls12e1is();                  /* S1 and S2 of the VMID, all PEs */
	TB_CHECK(vrm_check_tlbi(VRM_TLBI_VMID, vrm_tlb_vttbr_vmid(vttbr), 0, 0, false));
	tb_sync_ish();                           /* R2 */
	tb_isb();                                /* R5 */
	tb_ctx_exit(&ctx);
	return 0;
}

int vrm_tlb_flush_vmid_local(uint64_t vttbr)
{
	struct tb_ctx ctx;

	if (!vttbr_ok(vttbr))
		return -VRM_EINVAL;
	tb_dsb_nsh();                            /* R1, R7 (this PE) */
	tb_ctx_enter(&ctx, vttbr);
	tb_tlbi_vmalls12e1();                    /* R6: this PE only */
	TB_CHECK(vrm_check_tlbi(VRM_TLBI_VMID, vrm_tlb_vttbr_vmid(vttbr), 0, 0, true));
	tb_dsb_nsh();
	tb_isb();
	tb_ctx_exit(&ctx);
	return 0;
}

int vrm_tlb_flush_el2_va(vrm_va_t va, bool leaf_only)
{
	uint64_t op;

	if (!addr_ok(va))
		return -VRM_EINVAL;
	op = page_operand(va, VRM_TLB_LEVEL_ANY, 0);
	tb_dsb_ishst();                          /* R1 */
	if (leaf_only)
		tb_tlbi_vale2is(op);             /* last level only: tables stay cached */
	else
		tb_tlbi_vae2is(op);              /* every level (a table was freed) */
	TB_CHECK(vrm_check_tlbi(VRM_TLBI_EL2_VA, 0, va, VRM_PAGE_SIZE, false));
	tb_sync_ish();                           /* R2 */
	tb_isb();                                /* R5 */
	return 0;
}

int vrm_tlb_flush_el2_range(vrm_va_t va, uint64_t size)
{
	struct vrm_tlb_range_op ops[VRM_TLB_RANGE_MAX_OPS];
	uint64_t pages, end;
	uint32_t feats;
	int i, n;

	if (!range_ok(va, size))
		return -VRM_EINVAL;
	feats = vrm_tlb_features();
	pages = size >> VRM_PAGE_SHIFT;
	end = va + size;
	tb_dsb_ishst();                          /* R1, once per call */
	if ((feats & VRM_TLB_FEAT_RANGE) && pages <= VRM_TLB_RANGE_MAX_PAGES &&
	    end <= RANGE_LIMIT) {
		n = vrm_tlb_range_encode(va, pages, VRM_TLB_LEVEL_ANY, ops);
		for (i = 0; i < n; i++) {
			if (ops[i].range)
				tb_tlbi_rvae2is(ops[i].operand);
			else
				tb_tlbi_vae2is(ops[i].operand);
		}
	} else if (pages < VRM_TLB_MAX_TLBI_OPS) {
		for (; va < end; va += VRM_PAGE_SIZE)
			tb_tlbi_vae2is(page_operand(va, VRM_TLB_LEVEL_ANY, 0));
	} else {
		tb_tlbi_alle2is();               /* cheaper than >= 512 single TLBIs */
	}
	TB_CHECK(vrm_check_tlbi(VRM_TLBI_EL2_VA, 0, end - size, size, false));
	tb_sync_ish();                           /* R2, once per call */
	tb_isb();                                /* R5 */
	return 0;
}

void vrm_tlb_sync_el2_map(void)
{
	tb_dsb_ishst();                          /* R1: the new entries complete */
	tb_isb();                                /* R5: this PE's next insn uses them */
}

void vrm_tlb_flush_all_el1(void)
{
	tb_dsb_ishst();                          /* R1 */
	tb_tlbi_alle1is();                       /* every VMID: rollover */
	TB_CHECK(vrm_check_tlbi(VRM_TLBI_ALL_EL1, 0, 0, 0, false));
	tb_sync_ish();                           /* R2 */
	tb_isb();                                /* R5 */
}
