/* SPDX-License-Identifier: MIT */
/*
 * TLB maintenance sequences (VRM condition Sequential-TLB-Invalidation):
 * every unmap or remap is followed by a TLBI with the barriers the Arm ARM
 * requires before the page may be reused. One function per guarantee.
 *
 * The Arm ARM rules the sequences follow (DDI 0487, section D8.13 / D5.10
 * "TLB maintenance requirements" and "Ordering and completion of TLB
 * maintenance instructions"):
 *  R1 A translation-table write must be complete (DSB, store form is enough)
 *     before a TLBI that is meant to remove its old translation: otherwise a
 *     walk after the TLBI can re-load the old entry.   -> leading DSB ISHST
 *  R2 A broadcast TLBI is complete on every PE of the Inner Shareable domain
 *     only after a later DSB ISH on the issuing PE.    -> DSB ISH after TLBI
 *  R3 TLBI IPAS2E1IS removes stage-2-only entries; entries that combine
 *     stage 1 and stage 2 for the VMID may still hold the old output address
 *     and need TLBI VMALLE1IS after the IPA flush completed (R2 in between).
 *  R4 The VMID a TLBI by IPA / VMALLS12E1 / VMALLE1 acts on is the one in
 *     VTTBR_EL2; a write to VTTBR_EL2 is seen by later instructions only after
 *     an ISB (context synchronisation).
 *  R5 An ISB after the final DSB makes this PE's later instruction fetches and
 *     walks use the new state.
 *  R6 Only the broadcast (*IS) forms reach other PEs; the non-IS forms with
 *     DSB NSH are for a PE acting on itself (vCPU switch, VMID reuse locally).
 *  R7 Before the EL1&0 context registers (VTTBR_EL2, and TCR_EL1/SCTLR_EL1
 *     under R8) change behind the back of the context that owns them, the
 *     walks that context may still have in flight must be complete: a DSB
 *     (NSH is enough for walks; the broadcast sequences need R1's stores
 *     complete for every PE as well, so they lead with one DSB ISH). As
 *     KVM's nVHE enter_vmid_context.       -> leading DSB ISH (local: NSH)
 *  R8 The stage-2 sequences load the target's whole VTTBR_EL2 (BADDR and
 *     VMID, never the VMID alone), so that a TLB entry tagged with a VMID
 *     is only ever built from that VMID's tables, and restore the loaded
 *     one after. With -Dspeculative_at=true (SPECULATIVE_AT errata, e.g.
 *     Cortex-A76 1165522, A55 1530923, A57 1319537, A72 1319367): stage-1
 *     walks are disabled (TCR_EL1.EPD0/EPD1, ISB) and SCTLR_EL1.M set if
 *     clear (ISB) before the VTTBR write, and put back after its restore,
 *     as KVM's enter_vmid_context / exit_vmid_context.
 *
 * Back ends, chosen at compile time (no function pointers):
 *  - EL2 (VRM_FREESTANDING on aarch64): the instructions themselves.
 *  - hosted model (default hosted): a software TLB per simulated CPU plus an
 *    event trace, see <vrm/tlb_model.h>.
 *  - recording (lib/tlb compiled with -DVRM_TLB_BACKEND_RECORD, meson
 *    dependency vrm_tlb_record_dep): the event trace only.
 *
 * Bad input (misaligned address, zero/overflowing size, VMID wider than
 * VRM_TLB_VMID_BITS, address beyond VRM_TLB_ADDR_BITS, level outside
 * -1..3) returns -VRM_EINVAL and issues no TLBI and no barrier.
 */
#ifndef VRM_TLB_H
#define VRM_TLB_H

#include <vrm/types.h>

/* VMID width the library accepts. 16 needs VTCR_EL2.VS = 1 (FEAT_VMID16);
 * build the library with -DVRM_TLB_VMID_BITS=8 for 8-bit VMIDs. */
#ifndef VRM_TLB_VMID_BITS
#define VRM_TLB_VMID_BITS 16
#endif
#define VRM_TLB_VMID_MAX ((uint32_t)((UINT32_C(1) << VRM_TLB_VMID_BITS) - 1))

/*
 * The stage-2 functions take the target's VTTBR_EL2 value (Arm ARM
 * VTTBR_EL2): VMID in [63:48] (8-bit VMIDs: [55:48], [63:56] RES0), BADDR
 * and CnP below, as the caller's table format needs them (a stage-2 table
 * of libvrm: vrm_pgt_vttbr()). Only the VMID field is checked: wider than
 * VRM_TLB_VMID_BITS is -VRM_EINVAL.
 */
#define VRM_TLB_VTTBR_VMID_SHIFT 48
static inline uint64_t vrm_tlb_vttbr(uint64_t baddr, uint16_t vmid)
{
	return baddr | ((uint64_t)vmid << VRM_TLB_VTTBR_VMID_SHIFT);
}

static inline uint16_t vrm_tlb_vttbr_vmid(uint64_t vttbr)
{
	return (uint16_t)(vttbr >> VRM_TLB_VTTBR_VMID_SHIFT);
}

/* Input addresses (IPA, EL2 VA) must be below 2^52 (FEAT_LPA / FEAT_LVA). */
#define VRM_TLB_ADDR_BITS 52
/* Level hint: -1 = unknown (no TTL); 0..3 = level of the leaf being removed. */
#define VRM_TLB_LEVEL_ANY (-1)

/*
 * Range policy of vrm_tlb_flush_s2_range / vrm_tlb_flush_el2_range, for
 * n = size / 4 KiB pages (compare Linux arm64 asm/tlbflush.h,
 * __flush_tlb_range_nosync: MAX_TLBI_OPS = PTRS_PER_PTE = 512 and
 * MAX_TLBI_RANGE_PAGES = __TLBI_RANGE_PAGES(31, 3) = 2^21):
 *  - without FEAT_TLBIRANGE: n < VRM_TLB_MAX_TLBI_OPS -> one TLBI per page;
 *    otherwise one whole-VMID (stage 2) / whole-EL2 (EL2) flush;
 *  - with FEAT_TLBIRANGE: n == 1 -> one TLBI; 2 <= n <= VRM_TLB_RANGE_MAX_PAGES
 *    and the range ends below 2^49 -> range TLBIs from vrm_tlb_range_encode
 *    (at most VRM_TLB_RANGE_MAX_OPS); larger -> the whole-VMID / EL2 flush.
 * Either way ONE leading DSB (ISHST; stage 2: ISH, rule R7) and ONE trailing
 * DSB ISH (+ ISB) per call (the stage-2 flavour adds DSB ISH + TLBI
 * VMALLE1IS, rule R3, once).
 */
#define VRM_TLB_MAX_TLBI_OPS 512u
#define VRM_TLB_RANGE_MAX_PAGES (UINT64_C(32) << 16)  /* (NUM 31 + 1) << (5*3 + 1) */
#define VRM_TLB_RANGE_MAX_OPS 5                     /* 1 single page + 4 scales */
#define VRM_TLB_RANGE_ADDR_BITS 49                  /* BaseADDR[36:0] x 4 KiB */

/*
 * CPU features the environment reports (read ID_AA64ISAR0_EL1.TLB == 2 for
 * FEAT_TLBIRANGE, ID_AA64MMFR2_EL1.TTL for FEAT_TTL). Default 0: safe on
 * every Armv8 CPU (TTL bits of the operand are RES0 without FEAT_TTL, and
 * range TLBIs are UNDEFINED without FEAT_TLBIRANGE). Set once at boot,
 * before other CPUs flush; hosted tests flip them freely.
 */
#define VRM_TLB_FEAT_RANGE 0x1u  /* use TLBI RIPAS2E1IS / RVAE2IS */
#define VRM_TLB_FEAT_TTL   0x2u  /* put the level hint in TLBI operands [47:44] */
void vrm_tlb_set_features(uint32_t feats);
uint32_t vrm_tlb_features(void);

/*
 * One TLBI-range operand (Arm ARM: TLBI RIPAS2E1IS / RVAE2IS Xt layout):
 *   [47:46] TG (0b01 = 4 KiB)   [45:44] SCALE   [43:39] NUM
 *   [38:37] TTL (level 1..3, 0 = unknown)       [36:0] BaseADDR (addr >> 12)
 * covering (NUM + 1) << (5 * SCALE + 1) pages from BaseADDR. When range is
 * false the op is a single-page TLBI and operand = addr >> 12 (plus TTL in
 * [47:44] when FEAT_TTL is used; the encoder leaves that to the caller).
 */
struct vrm_tlb_range_op {
	uint64_t operand;  /* Xt for the TLBI */
	uint64_t addr;     /* first byte covered */
	uint64_t pages;    /* 4 KiB pages covered */
	bool range;        /* true: R* form; false: single-page form */
};

/*
 * Split [addr, addr + pages * 4 KiB) into at most VRM_TLB_RANGE_MAX_OPS
 * operands whose ranges are disjoint, ascending and cover exactly the
 * request. level: -1..3, encoded in TTL for range ops (0 and -1: unknown).
 * Returns the number of ops, or -VRM_EINVAL (pages 0 or above
 * VRM_TLB_RANGE_MAX_PAGES, addr not 4 KiB aligned, end above 2^49).
 * Pure: no TLBI, no state.
 */
int vrm_tlb_range_encode(uint64_t addr, uint64_t pages, int level,
			 struct vrm_tlb_range_op out[VRM_TLB_RANGE_MAX_OPS]);

/*
 * Stage 2, one IPA (R1-R5, R7, R8): dsb ish; [switch];
 * tlbi ipas2e1is, ipa>>12 (| TTL when level 0..3 and FEAT_TTL);
 * dsb ish; tlbi vmalle1is; dsb ish; isb; [restore].
 * [switch] = msr vttbr_el2, vttbr; isb -- only when `vttbr` is not the
 * value loaded (BADDR and VMID compared); [restore] = msr vttbr_el2, old;
 * isb. With the SPECULATIVE_AT workaround (R8) [switch] is preceded by
 * msr tcr_el1 (EPD0|EPD1); isb; [msr sctlr_el1 (M); isb] and [restore]
 * followed by [msr sctlr_el1, old; isb]; msr tcr_el1, old; isb.
 */
int vrm_tlb_flush_s2_ipa(uint64_t vttbr, vrm_ipa_t ipa, int level);
/* Stage 2, [ipa, ipa + size): dsb ish; [switch]; per-page / range /
 * whole-VMID TLBIs by the policy above, then dsb ish; tlbi vmalle1is;
 * dsb ish; isb; [restore] (the whole-VMID form: dsb ish; isb; [restore]).
 * size: non-zero multiple of 4 KiB, ipa + size <= 2^52. */
int vrm_tlb_flush_s2_range(uint64_t vttbr, vrm_ipa_t ipa, uint64_t size, int level);
/* Every stage-1 and stage-2 entry of the VMID (reclaim of a VM):
 * dsb ish; [switch]; tlbi vmalls12e1is; dsb ish; isb; [restore]. */
int vrm_tlb_flush_vmid(uint64_t vttbr);
/* EL2 stage 1, one VA: dsb ishst; tlbi vae2is (vale2is when leaf_only: only
 * the last-level entry changed, cached table entries stay), va>>12;
 * dsb ish; isb. */
int vrm_tlb_flush_el2_va(vrm_va_t va, bool leaf_only);
/* EL2 stage 1, [va, va + size): dsb ishst; per-page tlbi vae2is / range
 * tlbi rvae2is / tlbi alle2is by the policy above; dsb ish; isb. */
int vrm_tlb_flush_el2_range(vrm_va_t va, uint64_t size);
/*
 * EL2 stage 1, after table writes that need no TLBI (invalid -> valid, or
 * only permissions added): dsb ishst; isb. The DSB completes the writes
 * for every walker (this PE's included), the ISB makes this PE's next
 * instructions (fetch and data accesses alike) translate after it (rule
 * R5; Arm ARM D8.2 "Translation table walks": a table write is seen by
 * the walks of the same PE after a DSB, and by its later instructions only
 * after a context synchronization event), as pKVM's kvm_pgtable_hyp_map
 * ends with dsb(ishst); isb(). vrm_pgt_map & co. call it for EL2 tables.
 * Stage 2 needs no ISB: its walks are for EL1/EL0, which this PE reaches
 * only through an ERET, itself a context synchronization event.
 */
void vrm_tlb_sync_el2_map(void);
/* Every EL1&0 entry of every VMID (VMID rollover):
 * dsb ishst; tlbi alle1is; dsb ish; isb. */
void vrm_tlb_flush_all_el1(void);

/* This PE only (R6), e.g. a vCPU of a reused VMID lands on a CPU that may
 * hold its stale entries: dsb nsh; [switch]; tlbi vmalls12e1; dsb nsh;
 * isb; [restore]. Never for changes other CPUs may have cached. */
int vrm_tlb_flush_vmid_local(uint64_t vttbr);
/* This PE only: dsb nsh; [switch]; tlbi ipas2e1, ipa>>12 (| TTL);
 * dsb nsh; tlbi vmalle1; dsb nsh; isb; [restore]. */
int vrm_tlb_flush_s2_ipa_local(uint64_t vttbr, vrm_ipa_t ipa, int level);

/*
 * Erratum workaround (meson -Dtlbi_repeat=true, VRM_TLBI_REPEAT): the DSB
 * ISH that completes each broadcast sequence above (the last one before
 * its ISB) is followed by `tlbi vale2is, xzr; dsb ish`: one extra TLBI and
 * DSB per call, whatever the number of TLBIs, as Linux's current
 * ARM64_WORKAROUND_REPEAT_TLBI (__tlbi_sync_s1ish_hyp in asm/tlbflush.h,
 * since Linux 7.0; before, every TLBI was repeated). The local (NSH)
 * sequences are unchanged, as Linux's local flushes.
 */

#endif /* VRM_TLB_H */
