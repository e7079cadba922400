/* SPDX-License-Identifier: MIT */
/* Break-before-make (remap, split, set_prot), the write-once kernel
 * table, the visitor walker and the TLB model's MMU walker. */
#include <check.h>
#include <stdlib.h>

#include <vrm/pgtable.h>
#include <vrm/pgtable_rcu.h>
#include <vrm/tlb_model.h>

#include "pgt_test_mm.h"
#include "pgt_trace_test.h"
#include "../tools/check_run.h"
#include "../tools/pgt_retire.h"

#define K4 UINT64_C(0x1000)
#define M2 UINT64_C(0x200000)
#define G1 UINT64_C(0x40000000)
#define RW VRM_PGT_PROT_RW
#define VMID 9

static struct tmm m;
static struct vrm_pgt pgt;

static void setup_stage(enum vrm_pgt_stage stage, uint32_t flags)
{
	tmm_init(&m);
	ck_assert_int_eq(vrm_pgt_init(&pgt, &(struct vrm_pgt_config){ stage, 39, -1, VMID, flags },
				      &m.ops), 0);
	vrm_tlb_model_reset();
	vrm_tlb_model_set_walker(vrm_pgt_tlb_walker, &pgt);
}
static void setup_s2(void) { setup_stage(VRM_PGT_STAGE2, 0); }
static void setup_kernel(void) { setup_stage(VRM_PGT_EL2_S1, VRM_PGT_KERNEL); }
static void setup_el2(void) { setup_stage(VRM_PGT_EL2_S1, 0); }

static void teardown(void)
{
	vrm_pgt_set_features(0);
	vrm_pgt_trace_ptes(false);
	vrm_tlb_model_set_walker(NULL, NULL);
	pgt_retire(&pgt);
	ck_assert_uint_eq(m.nlive, 0);
}

static void trace_on(void)
{
	vrm_tlb_trace_reset();
	vrm_pgt_trace_ptes(true);
}

static struct vrm_tlb_event ev_at(size_t i)
{
	struct vrm_tlb_event ev;

	ck_assert(vrm_tlb_trace_get(i, &ev));
	return ev;
}

static uint64_t *entry_of(uint64_t ia)
{
	uint64_t *t = pgt.root;
	int level;

	for (level = pgt.start_level; level < 3; level++) {
		uint64_t d = t[(ia >> (12 + 9 * (3 - level))) & 511];

		if ((d & 3) != 3)
			break;
		t = (uint64_t *)(uintptr_t)(d & UINT64_C(0x0000fffffffff000));
	}
	return &t[(ia >> (12 + 9 * (3 - level))) & 511];
}

/* In the trace: a write of `ptep`, then DSB, TLBI, DSB ISH, and only then
 * the next write of `ptep`. Returns the index of that second write. */
static size_t assert_bbm_at(size_t from, uint64_t ptep)
{
	size_t i = from, n = vrm_tlb_trace_len();
	bool dsb_before = false, tlbi = false, dsb_after = false;

	while (i < n && !(ev_at(i).kind == VRM_TLB_EV_PTE_WRITE && ev_at(i).operand == ptep))
		i++;
	ck_assert_uint_lt(i, n); /* the break */
	for (i++; i < n; i++) {
		struct vrm_tlb_event ev = ev_at(i);

		if (ev.kind == VRM_TLB_EV_PTE_WRITE) {
			ck_assert_uint_eq(ev.operand, ptep); /* nothing else written meanwhile */
			break;
		}
		if (vrm_tlb_ev_is_dsb(ev.kind) && !tlbi)
			dsb_before = true;
		if (vrm_tlb_ev_is_tlbi(ev.kind)) {
			ck_assert(dsb_before);
			tlbi = true;
		}
		if (ev.kind == VRM_TLB_EV_DSB_ISH && tlbi)
			dsb_after = true;
	}
	ck_assert_uint_lt(i, n); /* the make */
	ck_assert(dsb_before && tlbi && dsb_after);
	return i;
}

START_TEST(remap_breaks_flushes_then_makes)
{
	uint64_t *ptep;
	vrm_pa_t pa;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x5000, 0x100000, K4, RW), 0);
	ck_assert_int_eq(vrm_tlb_model_translate(0, VMID, 0x5000, &pa), 0); /* cached */
	ptep = entry_of(0x5000);
	trace_on();
	ck_assert_int_eq(vrm_pgt_remap(&pgt, 0x5000, 0x300000, K4, RW), 0);
	assert_bbm_at(0, (uint64_t)(uintptr_t)ptep);
	ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_PTE_WRITE), 2);
	ck_assert_int_eq(vrm_tlb_model_lookup(0, VMID, 0x5000, &pa), -VRM_ENOENT);
	ck_assert(!vrm_tlb_model_caches_pa(0x100000));
	ck_assert_int_eq(vrm_tlb_model_translate(0, VMID, 0x5000, &pa), 0);
	ck_assert_uint_eq(pa, 0x300000);
}
END_TEST

START_TEST(remap_of_part_of_a_block_splits_through_bbm)
{
	uint64_t *l2e;
	vrm_pa_t pa;
	uint32_t prot;
	int level;

	ck_assert_int_eq(vrm_pgt_map(&pgt, M2, 8 * M2, M2, RW), 0);
	l2e = entry_of(M2);
	trace_on();
	ck_assert_int_eq(vrm_pgt_remap(&pgt, M2 + K4, 0x1000, K4, VRM_PGT_PROT_R), 0);
	assert_bbm_at(0, (uint64_t)(uintptr_t)l2e);  /* block -> table */
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, M2 + K4, &pa, &prot, &level), 0);
	ck_assert_uint_eq(pa, 0x1000);
	ck_assert_uint_eq(prot, VRM_PGT_PROT_R);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, M2, &pa, &prot, &level), 0);
	ck_assert_uint_eq(pa, 8 * M2);
	ck_assert_uint_eq(prot, RW);
	ck_assert_int_eq(level, 3);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 2 * M2 - K4, &pa, NULL, NULL), 0);
	ck_assert_uint_eq(pa, 9 * M2 - K4);
}
END_TEST

START_TEST(permission_change_writes_in_place_and_flushes_only_when_restricting)
{
	uint64_t ptep;
	size_t i;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x7000, 0x7000, K4, VRM_PGT_PROT_R), 0);
	ptep = (uint64_t)(uintptr_t)entry_of(0x7000);
	trace_on();
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x7000, K4, VRM_PGT_PROT_RWX), 0); /* relax */
	ck_assert_uint_eq(vrm_tlb_trace_len(), 1);
	ck_assert_uint_eq(ev_at(0).kind, VRM_TLB_EV_PTE_WRITE);
	trace_on();
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x7000, K4, VRM_PGT_PROT_R), 0);   /* restrict */
	ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_PTE_WRITE), 1);
	ck_assert_uint_eq(ev_at(0).kind, VRM_TLB_EV_PTE_WRITE); /* no break: written first */
	ck_assert_uint_eq(ev_at(0).operand, ptep);
	for (i = 1; i < vrm_tlb_trace_len() && !vrm_tlb_ev_is_tlbi(ev_at(i).kind); i++)
		;
	ck_assert_uint_lt(i, vrm_tlb_trace_len()); /* then a flush */
	/* one flush: one VTTBR_EL2 switch and one restore */
	ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_MSR_VTTBR), 2);
}
END_TEST

START_TEST(memory_type_change_uses_bbm)
{
	uint32_t prot;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x9000, 0x9000, K4, RW), 0);
	trace_on();
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x9000, K4, RW | VRM_PGT_PROT_DEVICE), 0);
	assert_bbm_at(0, (uint64_t)(uintptr_t)entry_of(0x9000));
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 0x9000, NULL, &prot, NULL), 0);
	ck_assert_uint_eq(prot, RW | VRM_PGT_PROT_DEVICE);
}
END_TEST

START_TEST(set_prot_skips_holes_and_splits_partly_covered_blocks)
{
	uint32_t prot;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 4 * M2, 4 * M2, M2, RW), 0);
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 3 * M2, M2 + K4, VRM_PGT_PROT_R), 0);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 3 * M2, NULL, NULL, NULL), -VRM_ENOENT);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 4 * M2, NULL, &prot, NULL), 0);
	ck_assert_uint_eq(prot, VRM_PGT_PROT_R);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 4 * M2 + K4, NULL, &prot, NULL), 0);
	ck_assert_uint_eq(prot, RW);
}
END_TEST

START_TEST(kernel_table_refuses_every_change_of_a_valid_entry)
{
	uint32_t ro = VRM_PGT_PROT_R;
	uint64_t h;

	ck_assert_int_eq(vrm_pgt_map(&pgt, M2, 0x40000000, M2, RW), 0);  /* a block */
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x1000, 0x80000, K4, RW), 0); /* a page */
	h = tmm_hash(&m);
	trace_on();
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x1000, 0x90000, K4, RW), -VRM_EEXIST);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, 0x1000, 0x90000, K4, RW), -VRM_EPERM);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, M2 + K4, 0x90000, K4, RW), -VRM_EPERM); /* split */
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x1000, K4, ro), -VRM_EPERM);
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, M2, K4, ro), -VRM_EPERM);            /* split */
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, 0x1000, K4), -VRM_EPERM);
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, 0, 4 * M2), -VRM_EPERM);
	ck_assert_uint_eq(vrm_tlb_trace_len(), 0);
	ck_assert_uint_eq(tmm_hash(&m), h);
	/* Not changes: identical writes, holes, new entries. */
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x1000, 0x80000, K4, RW), 0);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, M2, 0x40000000, M2, RW), 0);
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x1000, K4, RW), 0);
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, 0x10000, K4), 0);
	ck_assert_uint_eq(tmm_hash(&m), h);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, 0x2000, 0x90000, K4, RW), 0);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 0x2000, NULL, NULL, NULL), 0);
}
END_TEST

START_TEST(el2_table_flushes_el2_tlb_entries)
{
	vrm_pa_t pa;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x3000, 0x3000, K4, RW), 0);
	ck_assert_int_eq(vrm_tlb_model_translate(0, VRM_TLB_REGIME_EL2, 0x3000, &pa), 0);
	ck_assert_uint_eq(pa, 0x3000);
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, 0x3000, K4), 0);
	ck_assert_int_eq(vrm_tlb_model_lookup(0, VRM_TLB_REGIME_EL2, 0x3000, &pa), -VRM_ENOENT);
}
END_TEST

/* EL2 stage 1 is W^X and never maps executable Device memory: refused
 * (-EINVAL) before anything is written, flushed or synchronised. */
START_TEST(el2_table_refuses_wx_and_executable_device_and_changes_nothing)
{
	const uint32_t rx = VRM_PGT_PROT_R | VRM_PGT_PROT_X;
	uint64_t h;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x4000, 0x4000, K4, RW), 0);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x5000, 0x5000, K4, rx), 0);
	h = tmm_hash(&m);
	trace_on();
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x6000, 0x6000, K4, VRM_PGT_PROT_RWX), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x6000, 0x6000, K4, rx | VRM_PGT_PROT_DEVICE),
			 -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, 0x4000, 0x4000, K4, VRM_PGT_PROT_RWX), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x4000, 2 * K4, VRM_PGT_PROT_RWX), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x5000, K4, rx | VRM_PGT_PROT_DEVICE), -VRM_EINVAL);
	vrm_pgt_set_features(VRM_PGT_FEAT_XNX); /* a stage-2 feature: no EL2 meaning */
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x6000, 0x6000, K4, VRM_PGT_PROT_R | VRM_PGT_PROT_X_EL1),
			 -VRM_EINVAL);
	vrm_pgt_set_features(0);
	ck_assert_uint_eq(vrm_tlb_trace_len(), 0);
	ck_assert_uint_eq(tmm_hash(&m), h);
}
END_TEST

/* The last events of a call on this table are DSB ISHST then ISB (and no
 * TLBI anywhere): the mapping may be used by the next instruction. */
static void assert_ends_with_dsb_isb(void)
{
	size_t n = vrm_tlb_trace_len(), i;

	ck_assert_uint_ge(n, 3);
	ck_assert_uint_eq(ev_at(n - 2).kind, VRM_TLB_EV_DSB_ISHST);
	ck_assert_uint_eq(ev_at(n - 1).kind, VRM_TLB_EV_ISB);
	ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_ISB), 1);
	for (i = 0; i < n - 2; i++)
		ck_assert_uint_eq(ev_at(i).kind, VRM_TLB_EV_PTE_WRITE);
}

/* kvm_pgtable_hyp_map: dsb(ishst); isb() after the walk. Without the ISB
 * the EL2 code right after the call may run under a context that has not
 * yet synchronised with the new entry. */
START_TEST(el2_map_ends_with_dsb_ishst_then_isb)
{
	trace_on();
	ck_assert_int_eq(vrm_pgt_map(&pgt, G1, 0x80000000, 3 * K4, RW), 0); /* tables + pages */
	assert_ends_with_dsb_isb();
	trace_on();
	ck_assert_int_eq(vrm_pgt_map(&pgt, 2 * M2, 4 * M2, M2, VRM_PGT_PROT_R | VRM_PGT_PROT_X), 0);
	assert_ends_with_dsb_isb();
	/* set_prot that only adds a permission flushes nothing: same end. */
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x7000, 0x7000, K4, VRM_PGT_PROT_R), 0);
	trace_on();
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x7000, K4, RW), 0);
	assert_ends_with_dsb_isb();
}
END_TEST

/* The write-once kernel table is the EL2 stage 1 as hyp-example uses it. */
START_TEST(kernel_map_ends_with_dsb_ishst_then_isb)
{
	trace_on();
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x40000, 0x40000, 2 * K4, VRM_PGT_PROT_RW |
				     VRM_PGT_PROT_DEVICE), 0);
	assert_ends_with_dsb_isb();
}
END_TEST

/* Stage 2: no ISB (its walks serve EL1/EL0, entered by ERET) and the
 * DSB ISHST is the plain barrier, not a TLB-module event. */
START_TEST(stage2_map_issues_no_isb)
{
	trace_on();
	ck_assert_int_eq(vrm_pgt_map(&pgt, G1, 0x80000000, 3 * K4, VRM_PGT_PROT_RWX), 0);
	ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_ISB), 0);
	ck_assert_uint_eq(vrm_tlb_trace_len(), vrm_tlb_trace_count(VRM_TLB_EV_PTE_WRITE));
}
END_TEST

/* FEAT_XNX at stage 2: one-EL execute maps, reads back, and the XN[0]
 * change is permission-only (in place); X -> X_EL0 removes EL1 execution
 * (a flush), X_EL0 -> X only adds (none). */
START_TEST(stage2_xnx_execute_split_maps_and_changes_in_place)
{
	const uint32_t r = VRM_PGT_PROT_R;
	uint64_t *ptep;
	uint32_t prot;

	vrm_pgt_set_features(VRM_PGT_FEAT_XNX);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x8000, 0x8000, K4, r | VRM_PGT_PROT_X), 0);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x9000, 0x9000, K4, r | VRM_PGT_PROT_X_EL1), 0);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 0x9000, NULL, &prot, NULL), 0);
	ck_assert_uint_eq(prot, r | VRM_PGT_PROT_X_EL1);
	ck_assert_uint_eq((*entry_of(0x9000) >> 53) & 3, 3); /* UXN */
	ptep = entry_of(0x8000);
	trace_on();
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x8000, K4, r | VRM_PGT_PROT_X_EL0), 0);
	ck_assert_uint_eq(ev_at(0).kind, VRM_TLB_EV_PTE_WRITE);   /* in place, no break */
	ck_assert_uint_eq(ev_at(0).operand, (uint64_t)(uintptr_t)ptep);
	ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_PTE_WRITE), 1);
	ck_assert_uint_gt(vrm_tlb_trace_count(VRM_TLB_EV_TLBI_IPAS2E1IS), 0); /* removed EL1 X */
	ck_assert_uint_eq((*ptep >> 53) & 3, 1);                  /* PXN */
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 0x8000, NULL, &prot, NULL), 0);
	ck_assert_uint_eq(prot, r | VRM_PGT_PROT_X_EL0);
	trace_on();
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x8000, K4, r | VRM_PGT_PROT_X), 0);
	ck_assert_uint_eq(vrm_tlb_trace_len(), 1);                /* adds only: no flush */
	ck_assert_uint_eq((*ptep >> 53) & 3, 0);
	/* Refused without the feature, even over an entry that has it. */
	vrm_pgt_set_features(0);
	trace_on();
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x8000, K4, r | VRM_PGT_PROT_X_EL0), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0xa000, 0xa000, K4, r | VRM_PGT_PROT_X_EL1), -VRM_EINVAL);
	ck_assert_uint_eq(vrm_tlb_trace_len(), 0);
}
END_TEST

struct visits { unsigned pre, leaf, post, order_bad; int last_level; };

static int count_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	struct visits *v = ctx->arg;

	if (which == VRM_PGT_VISIT_TABLE_PRE)
		v->pre++;
	else if (which == VRM_PGT_VISIT_TABLE_POST)
		v->post++;
	else
		v->leaf++;
	/* Depth first: a post visit closes the level above its children. */
	if (which == VRM_PGT_VISIT_TABLE_POST && ctx->level != v->last_level - 1 &&
	    ctx->level != v->last_level)
		v->order_bad++;
	v->last_level = ctx->level;
	return 0;
}

static int stop_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	(void)which;
	return ctx->level == 3 ? -VRM_EBUSY : 0;
}

START_TEST(walker_visits_pre_leaf_post_with_old_entry_snapshots)
{
	struct visits v = { 0, 0, 0, 0, 0 };
	struct vrm_pgt_visitor vis = { count_visit, &v };
	unsigned all = VRM_PGT_VISIT_LEAF | VRM_PGT_VISIT_TABLE_PRE | VRM_PGT_VISIT_TABLE_POST;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0, 0x100000, 4 * K4, RW), 0);
	ck_assert_int_eq(vrm_pgt_walk(&pgt, 0, 8 * K4, &vis, all), 0);
	/* 3 levels (39 bits): root entry -> L2 table -> L3 table. */
	ck_assert_uint_eq(v.pre, 2);
	ck_assert_uint_eq(v.post, 2);
	ck_assert_uint_eq(v.leaf, 8);
	ck_assert_uint_eq(v.order_bad, 0);
	ck_assert_int_eq(vrm_pgt_walk(&pgt, 0, K4, &(struct vrm_pgt_visitor){ stop_visit, NULL },
				      VRM_PGT_VISIT_LEAF), -VRM_EBUSY);
	ck_assert_int_eq(vrm_pgt_walk(&pgt, 0, 0, &vis, all), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_walk(&pgt, 0, K4, &vis, 1u << 5), -VRM_EINVAL);
}
END_TEST

START_TEST(hw_walk_agrees_with_lookup)
{
	struct vrm_pgt_xlate x;
	uint64_t ia;

	ck_assert_int_eq(vrm_pgt_map(&pgt, G1 - M2, 3 * G1 - M2, G1 + 2 * M2, RW), 0);
	for (ia = G1 - 2 * M2; ia < 2 * G1 + 2 * M2; ia += M2 / 2) {
		vrm_pa_t pa;
		int level, r = vrm_pgt_lookup(&pgt, ia, &pa, NULL, &level);

		ck_assert_int_eq(vrm_pgt_hw_walk(&pgt, ia, &x), r);
		if (!r) {
			ck_assert_uint_eq(x.pa, pa);
			ck_assert_int_eq(x.level, level);
		}
	}
	ck_assert_int_eq(vrm_pgt_hw_walk(&pgt, UINT64_C(1) << 39, &x), -VRM_EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pgtable-bbm");
	TCase *s2 = tcase_create("stage2"), *k = tcase_create("kernel"), *e = tcase_create("el2");

	tcase_add_checked_fixture(s2, setup_s2, teardown);
	TRACE_TEST(s2, remap_breaks_flushes_then_makes);
	TRACE_TEST(s2, remap_of_part_of_a_block_splits_through_bbm);
	TRACE_TEST(s2, permission_change_writes_in_place_and_flushes_only_when_restricting);
	TRACE_TEST(s2, memory_type_change_uses_bbm);
	tcase_add_test(s2, set_prot_skips_holes_and_splits_partly_covered_blocks);
	tcase_add_test(s2, walker_visits_pre_leaf_post_with_old_entry_snapshots);
	tcase_add_test(s2, hw_walk_agrees_with_lookup);
	tcase_add_test(s2, stage2_map_issues_no_isb);
	TRACE_TEST(s2, stage2_xnx_execute_split_maps_and_changes_in_place);
	tcase_add_checked_fixture(k, setup_kernel, teardown);
	tcase_add_test(k, kernel_table_refuses_every_change_of_a_valid_entry);
	TRACE_TEST(k, kernel_map_ends_with_dsb_ishst_then_isb);
	tcase_add_checked_fixture(e, setup_el2, teardown);
	tcase_add_test(e, el2_table_flushes_el2_tlb_entries);
	tcase_add_test(e, el2_table_refuses_wx_and_executable_device_and_changes_nothing);
	TRACE_TEST(e, el2_map_ends_with_dsb_ishst_then_isb);
	suite_add_tcase(s, s2);
	suite_add_tcase(s, e);
	suite_add_tcase(s, k);
	return vrm_test_run(s);
}
