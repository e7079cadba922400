/* SPDX-License-Identifier: MIT */
/* Test helper: build an expected TLB event sequence and compare it with the
 * hosted trace. expect_tlbi() knows the repeat-TLBI erratum build, so one
 * golden list serves both flavours. */
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

#define EXPECT_MAX 4096

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
	if (EXPECT_REPEAT) {
		expect_ev(e, VRM_TLB_EV_DSB_ISH, 0);
		expect_ev(e, kind, op);
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
