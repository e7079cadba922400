/* SPDX-License-Identifier: MIT */
/*
 * The seam of lib/tlb: the few primitives the sequences in tlb.c are made
 * of, chosen at compile time (no function pointers on the flush path):
 *   EL2     (VRM_FREESTANDING on aarch64): the instructions themselves;
 *   RECORD  (-DVRM_TLB_BACKEND_RECORD): appended to the hosted trace only;
 *   MODEL   (any other hosted build): traced and applied to the model TLBs.
 * tb_ctx_enter/exit make a VTTBR_EL2 value current for the TLBIs in between
 * (Arm ARM: TLBI by IPA, VMALLE1, VMALLS12E1 act on VTTBR_EL2.VMID; rules
 * R4, R7 and R8 of tlb.h), tb_sync_ish completes a broadcast sequence.
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
#define tb_read_vttbr() vrm_arch_read_vttbr_el2()
#define tb_write_vttbr(v) vrm_arch_write_vttbr_el2(v)
#define tb_read_tcr() vrm_arch_read_tcr_el1()
#define tb_write_tcr(v) vrm_arch_write_tcr_el1(v)
#define tb_read_sctlr() vrm_arch_read_sctlr_el1()
#define tb_write_sctlr(v) vrm_arch_write_sctlr_el1(v)

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

/* The hosted registers are per-thread variables (lib/hosted/tlb_trace.c);
 * each write is traced, so the golden tests see the switch as the EL2
 * back end issues it. */
#define tb_read_vttbr() vrm_tlb_hosted_vttbr()
#define tb_write_vttbr(v) do { uint64_t v_ = (v); vrm_tlb_hosted_swap_vttbr(v_); tb_ev(VRM_TLB_EV_MSR_VTTBR, v_); } while (0)
#define tb_read_tcr() vrm_tlb_hosted_tcr_el1()
#define tb_write_tcr(v) do { uint64_t v_ = (v); vrm_tlb_hosted_set_el1(v_, vrm_tlb_hosted_sctlr_el1()); tb_ev(VRM_TLB_EV_MSR_TCR_EL1, v_); } while (0)
#define tb_read_sctlr() vrm_tlb_hosted_sctlr_el1()
#define tb_write_sctlr(v) do { uint64_t v_ = (v); vrm_tlb_hosted_set_el1(vrm_tlb_hosted_tcr_el1(), v_); tb_ev(VRM_TLB_EV_MSR_SCTLR_EL1, v_); } while (0)

#endif

/*
 * The DSB ISH that completes a broadcast sequence (rule R2). With the
 * REPEAT_TLBI erratum workaround (VRM_TLBI_REPEAT; VRM_TLB_FORCE_REPEAT
 * builds that variant for tests) it is followed by one more TLBI and DSB
 * ISH, once per sequence, not after every TLBI: Linux's current form of
 * ARM64_WORKAROUND_REPEAT_TLBI (__tlbi_sync_s1ish_hyp: the repeat is a
 * TLBI VALE2IS of EL2 address 0, with XZR). On affected CPUs the TLBIs
 * before the first DSB may complete early; a second TLBI completed by a
 * second DSB closes that window for all of them at once.
 */
#if VRM_TLBI_REPEAT || defined(VRM_TLB_FORCE_REPEAT)
#define TB_REPEAT 1
#else
#define TB_REPEAT 0
#endif
/* The workaround's tail, right after a sequence's completing DSB ISH. */
#define tb_repeat_tlbi() do {                                           \
		if (TB_REPEAT) {                                        \
			tb_tlbi_vale2is(0);                             \
			tb_dsb_ish();                                   \
		}                                                       \
	} while (0)
#define tb_sync_ish() do { tb_dsb_ish(); tb_repeat_tlbi(); } while (0)

/*
 * The stage-2 sequences' context (rules R4, R7, R8 of tlb.h): load the
 * whole VTTBR_EL2 of the target (BADDR and VMID, as KVM's
 * enter_vmid_context loads the target's kvm_s2_mmu) when it is not the
 * one loaded, and put the old one back after. With the VMID alone
 * switched, BADDR would still point at the loaded VM's tables: any EL1&0
 * walk made in that window (the SPECULATIVE_AT errata below make them)
 * would fill the target VMID's TLB entries from another VM's stage 2.
 * With the whole register, an entry tagged with a VMID is only ever built
 * from that VMID's tables.
 *
 * SPECULATIVE_AT workaround (VRM_SPECULATIVE_AT; VRM_TLB_FORCE_SPEC_AT for
 * tests): affected CPUs may speculate an AT, and so a stage-1 walk, with
 * the EL1 registers of one context and the VTTBR of another. Before the
 * switch, stage-1 walks are turned off (TCR_EL1.EPD0 = EPD1 = 1, then ISB)
 * and, if the loaded EL1 context runs with its MMU off (SCTLR_EL1.M = 0,
 * where a speculative access would go through stage 2 untranslated), M is
 * set with EPD still on, so nothing can walk. After the restore of
 * VTTBR_EL2 the EL1 registers get their values back, in reverse order.
 */
#if VRM_SPECULATIVE_AT || defined(VRM_TLB_FORCE_SPEC_AT)
#define TB_SPEC_AT 1
#else
#define TB_SPEC_AT 0
#endif
#define TB_TCR_EPD0 (UINT64_C(1) << 7)
#define TB_TCR_EPD1 (UINT64_C(1) << 23)
#define TB_SCTLR_M UINT64_C(1)

struct tb_ctx {
	uint64_t vttbr;   /* the one loaded at entry */
	uint64_t tcr;     /* TCR_EL1 at entry (SPECULATIVE_AT only) */
	uint64_t sctlr;   /* SCTLR_EL1 at entry (SPECULATIVE_AT only) */
	bool switched;
};

static inline void tb_ctx_enter(struct tb_ctx *c, uint64_t vttbr)
{
	c->vttbr = tb_read_vttbr();
	c->tcr = c->sctlr = 0;
	c->switched = c->vttbr != vttbr;
	if (!c->switched)
		return;
	if (TB_SPEC_AT) {
		c->tcr = tb_read_tcr();
		tb_write_tcr(c->tcr | TB_TCR_EPD0 | TB_TCR_EPD1);
		tb_isb();                /* no stage-1 walk from here on */
		c->sctlr = tb_read_sctlr();
		if (!(c->sctlr & TB_SCTLR_M)) {
			tb_write_sctlr(c->sctlr | TB_SCTLR_M);
			tb_isb();
		}
	}
	tb_write_vttbr(vttbr);
	tb_isb();                        /* R4: the TLBIs below see it */
}

static inline void tb_ctx_exit(const struct tb_ctx *c)
{
	if (!c->switched)
		return;
	tb_write_vttbr(c->vttbr);
	tb_isb();                        /* later EL1 entry / walks use it */
	if (TB_SPEC_AT) {
		if (!(c->sctlr & TB_SCTLR_M)) {
			tb_write_sctlr(c->sctlr);
			tb_isb();
		}
		tb_write_tcr(c->tcr);
		tb_isb();
	}
}

#endif /* VRM_LIB_TLB_BACKEND_H */
