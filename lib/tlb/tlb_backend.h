/* SPDX-License-Identifier: MIT */
/*
 * The seam of lib/tlb: the few primitives the sequences in tlb.c are made
 * of, chosen at compile time (no function pointers on the flush path):
 *   EL2     (VRM_FREESTANDING on aarch64): the instructions themselves;
 *   RECORD  (-DVRM_TLB_BACKEND_RECORD): appended to the hosted trace only;
 *   MODEL   (any other hosted build): traced and applied to the model TLBs.
 * tb_vmid_enter/exit make `vmid` current for the TLBIs in between (Arm ARM:
 * TLBI by IPA, VMALLE1, VMALLS12E1 act on VTTBR_EL2.VMID; rule R4 of tlb.h).
 */
#ifndef VRM_LIB_TLB_BACKEND_H
#define VRM_LIB_TLB_BACKEND_H

#include <vrm/check.h>
#include <vrm/types.h>
#include <vrm/tlb.h>

/* Checker events (Sequential-TLB-Invalidation). The recording back end is
 * linked without libvrm's checker, so it reports nothing. */
#if defined(VRM_TLB_BACKEND_RECORD)
#define TB_CHECK(call) ((void)0)
#else
#define TB_CHECK(call) VRM_CHECK(call)
#endif

#if VRM_FREESTANDING && defined(__aarch64__) && !defined(VRM_TLB_BACKEND_RECORD)
#define VRM_TLB_BACKEND_EL2 1
#include <vrm/barrier.h>
#include <vrm/arch/aarch64/tlb.h>
#elif !VRM_FREESTANDING
#include <vrm/tlb_model.h>
#else
#error "libvrm: no TLB back end for this freestanding target (EL2 needs aarch64)"
#endif

#if defined(VRM_TLB_BACKEND_EL2)

#define TB_VMID_SHIFT 48
#define TB_VMID_MASK ((uint64_t)VRM_TLB_VMID_MAX << TB_VMID_SHIFT)

#define tb_dsb_ishst() vrm_dsb_ishst()
#define tb_dsb_ish() vrm_dsb_ish()
#define tb_dsb_nshst() do { vrm_arch_dsb_nshst(); TB_CHECK(vrm_check_dsb(VRM_CHECK_DSB_NSHST)); } while (0)
#define tb_dsb_nsh() vrm_dsb_nsh()
#define tb_isb() vrm_isb()
#define tb_tlbi_ipas2e1is(op) vrm_arch_tlbi_ipas2e1is(op)
#define tb_tlbi_ipas2e1(op) vrm_arch_tlbi_ipas2e1(op)
#define tb_tlbi_ripas2e1is(op) vrm_arch_tlbi_ripas2e1is(op)
#define tb_tlbi_vmalle1is() vrm_arch_tlbi_vmalle1is()
#define tb_tlbi_vmalle1() vrm_arch_tlbi_vmalle1()
#define tb_tlbi_vmalls12e1is() vrm_arch_tlbi_vmalls12e1is()
#define tb_tlbi_vmalls12e1() vrm_arch_tlbi_vmalls12e1()
#define tb_tlbi_vae2is(op) vrm_arch_tlbi_vae2is(op)
#define tb_tlbi_vale2is(op) vrm_arch_tlbi_vale2is(op)
#define tb_tlbi_rvae2is(op) vrm_arch_tlbi_rvae2is(op)
#define tb_tlbi_alle2is() vrm_arch_tlbi_alle2is()
#define tb_tlbi_alle1is() vrm_arch_tlbi_alle1is()

/* Load `vmid` into VTTBR_EL2 when it is not current; return the old value.
 * Only the VMID field changes: BADDR keeps pointing at the loaded VM's
 * tables, which is harmless because nothing runs at EL1 in between. */
static inline uint64_t tb_vmid_enter(uint16_t vmid)
{
	uint64_t old = vrm_arch_read_vttbr_el2();
	uint64_t want = (old & ~TB_VMID_MASK) | ((uint64_t)vmid << TB_VMID_SHIFT);

	if (want != old) {
		vrm_arch_write_vttbr_el2(want);
		vrm_isb(); /* R4: the TLBIs below must see the new VMID */
	}
	return old;
}

static inline void tb_vmid_exit(uint64_t old, uint16_t vmid)
{
	if (((old & TB_VMID_MASK) >> TB_VMID_SHIFT) != vmid) {
		vrm_arch_write_vttbr_el2(old);
		vrm_isb(); /* later EL1 entry / walks use the restored VMID */
	}
}

#else /* hosted: model or record */

#if defined(VRM_TLB_BACKEND_RECORD)
#define tb_ev(kind, op) vrm_tlb_trace_insn((kind), (op))
#else
#define tb_ev(kind, op) vrm_tlb_model_insn((kind), (op))
#endif

/* The model's barriers are events, not vrm/barrier.h calls, so they tell
 * the checker themselves (the EL2 ones go through vrm/barrier.h). */
#define tb_dsb_ishst() do { tb_ev(VRM_TLB_EV_DSB_ISHST, 0); TB_CHECK(vrm_check_dsb(VRM_CHECK_DSB_ISHST)); } while (0)
#define tb_dsb_ish() do { tb_ev(VRM_TLB_EV_DSB_ISH, 0); TB_CHECK(vrm_check_dsb(VRM_CHECK_DSB_ISH)); } while (0)
#define tb_dsb_nshst() do { tb_ev(VRM_TLB_EV_DSB_NSHST, 0); TB_CHECK(vrm_check_dsb(VRM_CHECK_DSB_NSHST)); } while (0)
#define tb_dsb_nsh() do { tb_ev(VRM_TLB_EV_DSB_NSH, 0); TB_CHECK(vrm_check_dsb(VRM_CHECK_DSB_NSH)); } while (0)
#define tb_isb() do { tb_ev(VRM_TLB_EV_ISB, 0); TB_CHECK(vrm_check_isb()); } while (0)
#define tb_tlbi_ipas2e1is(op) tb_ev(VRM_TLB_EV_TLBI_IPAS2E1IS, (op))
#define tb_tlbi_ipas2e1(op) tb_ev(VRM_TLB_EV_TLBI_IPAS2E1, (op))
#define tb_tlbi_ripas2e1is(op) tb_ev(VRM_TLB_EV_TLBI_RIPAS2E1IS, (op))
#define tb_tlbi_vmalle1is() tb_ev(VRM_TLB_EV_TLBI_VMALLE1IS, 0)
#define tb_tlbi_vmalle1() tb_ev(VRM_TLB_EV_TLBI_VMALLE1, 0)
#define tb_tlbi_vmalls12e1is() tb_ev(VRM_TLB_EV_TLBI_VMALLS12E1IS, 0)
#define tb_tlbi_vmalls12e1() tb_ev(VRM_TLB_EV_TLBI_VMALLS12E1, 0)
#define tb_tlbi_vae2is(op) tb_ev(VRM_TLB_EV_TLBI_VAE2IS, (op))
#define tb_tlbi_vale2is(op) tb_ev(VRM_TLB_EV_TLBI_VALE2IS, (op))
#define tb_tlbi_rvae2is(op) tb_ev(VRM_TLB_EV_TLBI_RVAE2IS, (op))
#define tb_tlbi_alle2is() tb_ev(VRM_TLB_EV_TLBI_ALLE2IS, 0)
#define tb_tlbi_alle1is() tb_ev(VRM_TLB_EV_TLBI_ALLE1IS, 0)

/* The hosted VTTBR is a per-thread VMID; every switch is free of events. */
static inline uint64_t tb_vmid_enter(uint16_t vmid)
{
	return vrm_tlb_hosted_swap_vmid(vmid);
}

static inline void tb_vmid_exit(uint64_t old, uint16_t vmid)
{
	(void)vmid;
	vrm_tlb_hosted_swap_vmid((uint16_t)old);
}

#endif

/* Erratum workaround (VRM_TLBI_REPEAT): `tlbi op; dsb ish; tlbi op`, as
 * Linux's ARM64_WORKAROUND_REPEAT_TLBI. TB_TLBI wraps every TLBI.
 * VRM_TLB_FORCE_REPEAT lets tests build that variant in a default build. */
#if VRM_TLBI_REPEAT || defined(VRM_TLB_FORCE_REPEAT)
#define TB_TLBI(call) do { call; tb_dsb_ish(); call; } while (0)
#else
#define TB_TLBI(call) do { call; } while (0)
#endif

#endif /* VRM_LIB_TLB_BACKEND_H */
