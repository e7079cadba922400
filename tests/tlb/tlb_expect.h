/* SPDX-License-Identifier: MIT */
/* Test helper: build an expected TLB event sequence and compare it with the
 * hosted trace. expect_sync_ish() knows the repeat-TLBI erratum build and
 * expect_enter()/expect_exit() the speculative-AT one, so one golden list
 * serves every flavour. */
#ifndef TESTS_TLB_EXPECT_H
#define TESTS_TLB_EXPECT_H

#include <check.h>
#include <stdio.h>

#include <vrm/tlb_model.h>

#if VRM_TLBI_REPEAT || defined(VRM_TLB_FORCE_REPEAT)
#define EXPECT_REPEAT 1
#else
#define EXPECT_REPEAT 0
#endif

#if VRM_SPECULATIVE_AT || defined(VRM_TLB_FORCE_SPEC_AT)
#define EXPECT_SPEC_AT 1
#else
#define EXPECT_SPEC_AT 0
#endif

#define EXPECT_MAX 4096
#define EXPECT_TCR_EPD (UINT64_C(1) << 7 | UINT64_C(1) << 23) /* TCR_EL1.EPD0, EPD1 */
#define EXPECT_SCTLR_M UINT64_C(1)

struct expect {
	size_t n;
	uint32_t kind[EXPECT_MAX];
	uint64_t op[EXPECT_MAX];
};

static inline void expect_ev(struct expect *e, uint32_t kind, uint64_t op)
{
	ck_assert_uint_lt(e->n, EXPECT_MAX);
	e->kind[e->n] = kind;
	e->op[e->n] = op;
	e->n++;
}

static inline void expect_tlbi(struct expect *e, uint32_t kind, uint64_t op)
{
	expect_ev(e, kind, op);
}

/* The DSB ISH completing a broadcast sequence: with the repeat-TLBI
 * workaround, one TLBI VALE2IS of address 0 and a DSB ISH after it, once. */
static inline void expect_sync_ish(struct expect *e)
{
	expect_ev(e, VRM_TLB_EV_DSB_ISH, 0);
	if (EXPECT_REPEAT) {
		expect_ev(e, VRM_TLB_EV_TLBI_VALE2IS, 0);
		expect_ev(e, VRM_TLB_EV_DSB_ISH, 0);
	}
}

/* The EL1 registers loaded while a stage-2 flush switches VTTBR_EL2. */
struct expect_el1 {
	uint64_t tcr, sctlr;
};

/* Loading `vttbr` (another value was loaded): with the speculative-AT
 * workaround, stage-1 walks off and SCTLR_EL1.M on first. */
static inline void expect_enter(struct expect *e, uint64_t vttbr, struct expect_el1 el1)
{
	if (EXPECT_SPEC_AT) {
		expect_ev(e, VRM_TLB_EV_MSR_TCR_EL1, el1.tcr | EXPECT_TCR_EPD);
		expect_ev(e, VRM_TLB_EV_ISB, 0);
		if (!(el1.sctlr & EXPECT_SCTLR_M)) {
			expect_ev(e, VRM_TLB_EV_MSR_SCTLR_EL1, el1.sctlr | EXPECT_SCTLR_M);
			expect_ev(e, VRM_TLB_EV_ISB, 0);
		}
	}
	expect_ev(e, VRM_TLB_EV_MSR_VTTBR, vttbr);
	expect_ev(e, VRM_TLB_EV_ISB, 0);
}

/* Putting `old` back, then the EL1 registers in reverse order. */
static inline void expect_exit(struct expect *e, uint64_t old, struct expect_el1 el1)
{
	expect_ev(e, VRM_TLB_EV_MSR_VTTBR, old);
	expect_ev(e, VRM_TLB_EV_ISB, 0);
	if (EXPECT_SPEC_AT) {
		if (!(el1.sctlr & EXPECT_SCTLR_M)) {
			expect_ev(e, VRM_TLB_EV_MSR_SCTLR_EL1, el1.sctlr);
			expect_ev(e, VRM_TLB_EV_ISB, 0);
		}
		expect_ev(e, VRM_TLB_EV_MSR_TCR_EL1, el1.tcr);
		expect_ev(e, VRM_TLB_EV_ISB, 0);
	}
}

/* The trace equals the expectation, event by event; TLBIs carry `vmid`. */
static inline void expect_trace(const struct expect *e, uint16_t vmid)
{
	size_t i, len = vrm_tlb_trace_len();
	struct vrm_tlb_event ev;

	for (i = 0; i < e->n && i < len; i++) {
		ck_assert(vrm_tlb_trace_get(i, &ev));
		ck_assert_msg(ev.kind == e->kind[i] && ev.operand == e->op[i],
			      "event %zu: got %s 0x%llx, want %s 0x%llx", i,
			      vrm_tlb_ev_name(ev.kind), (unsigned long long)ev.operand,
			      vrm_tlb_ev_name(e->kind[i]), (unsigned long long)e->op[i]);
		if (vrm_tlb_ev_is_tlbi(ev.kind))
			ck_assert_uint_eq(ev.vmid, vmid);
	}
	ck_assert_uint_eq(len, e->n);
}

#endif /* TESTS_TLB_EXPECT_H */
