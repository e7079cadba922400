/* SPDX-License-Identifier: MIT */
/*
 * Block coalescing (VRM_PGT_COALESCE): a donate/reclaim-like cycle (a page
 * of a block remapped away and back, or annotated and mapped back) gives
 * the block back, 2 MiB and then 1 GiB; the small entries are flushed over
 * the whole extent before the block is written (TLB model); the table
 * pages go back to the allocator; tables that are not uniform (another
 * prot, SW bit, output address, or a pa not aligned like a block) stay;
 * without the flag nothing coalesces; a kernel table may not ask for it.
 */
#include <check.h>
#include <stdlib.h>

#include <vrm/pgtable.h>
#include <vrm/pgtable_rcu.h>
#include <vrm/tlb_model.h>

#include "pgt_test_mm.h"
#include "../tools/check_run.h"
#include "../tools/pgt_retire.h"

#define K4 UINT64_C(0x1000)
#define M2 UINT64_C(0x200000)
#define G1 UINT64_C(0x40000000)
#define RW VRM_PGT_PROT_RW
#define VMID 12
#define BLK (4 * M2)                 /* the 2 MiB block's IA */
#define BLK_PA UINT64_C(0x80000000) /* 1 GiB aligned: 2 MiB too */

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
static void setup_s2(void) { setup_stage(VRM_PGT_STAGE2, VRM_PGT_COALESCE); }
static void setup_el2(void) { setup_stage(VRM_PGT_EL2_S1, VRM_PGT_COALESCE); }
static void setup_plain(void) { setup_stage(VRM_PGT_STAGE2, 0); }

static void teardown(void)
{
	vrm_tlb_model_set_walker(NULL, NULL);
	pgt_retire(&pgt);
	ck_assert_uint_eq(m.nlive, 0);
}

static uint32_t regime(void)
{
	return pgt.stage == VRM_PGT_STAGE2 ? VMID : VRM_TLB_REGIME_EL2;
}

static int level_of(uint64_t ia)
{
	int level = -1;

	ck_assert_int_eq(vrm_pgt_lookup(&pgt, ia, NULL, NULL, &level), 0);
	return level;
}

/* Leaves (valid, any level) over [ia, ia + size). */
static int count_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	(void)which;
	*(uint64_t *)ctx->arg += ctx->old & 1;
	return 0;
}

static uint64_t leaves(uint64_t ia, uint64_t size)
{
	uint64_t n = 0;
	struct vrm_pgt_visitor v = { count_visit, &n };

	ck_assert_int_eq(vrm_pgt_walk(&pgt, ia, size, &v, VRM_PGT_VISIT_LEAF), 0);
	return n;
}

START_TEST(remap_away_and_back_gives_the_block_back)
{
	size_t live;
	vrm_pa_t pa;

	ck_assert_int_eq(vrm_pgt_map(&pgt, BLK, BLK_PA, M2, RW), 0);
	live = m.nlive;
	ck_assert_int_eq(vrm_pgt_remap(&pgt, BLK + 0x7000, 0x9000000, K4, RW), 0); /* a split */
	ck_assert_int_eq(level_of(BLK), 3);
	ck_assert_uint_eq(leaves(BLK, M2), 512);
	ck_assert_uint_eq(m.nlive, live + 1);
	/* Cache page translations: the coalescing flush must drop them all. */
	ck_assert_int_eq(vrm_tlb_model_translate(0, regime(), BLK + 0x3000, &pa), 0);
	ck_assert_int_eq(vrm_tlb_model_translate(0, regime(), BLK + 0x1ff000, &pa), 0);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, BLK + 0x7000, BLK_PA + 0x7000, K4, RW), 0);
	ck_assert_int_eq(level_of(BLK + 0x7000), 2);
	ck_assert_uint_eq(leaves(BLK, M2), 1);
	ck_assert_uint_eq(m.nlive, live); /* the page table went back */
	ck_assert_int_eq(vrm_tlb_model_lookup(0, regime(), BLK + 0x3000, &pa), -VRM_ENOENT);
	ck_assert_int_eq(vrm_tlb_model_lookup(0, regime(), BLK + 0x1ff000, &pa), -VRM_ENOENT);
	ck_assert_int_eq(vrm_tlb_model_translate(0, regime(), BLK + 0x1ff000, &pa), 0);
	ck_assert_uint_eq(pa, BLK_PA + 0x1ff000);
}
END_TEST

/* pKVM's donate then reclaim: the host's entry becomes an annotation
 * (update walk, split mode), then the page is mapped back. */
static int annot_fn(const struct vrm_pgt_visit_ctx *ctx, bool commit, uint64_t *nd)
{
	(void)ctx, (void)commit;
	*nd = vrm_pgt_desc_annot(4);
	return 0;
}

START_TEST(annotate_then_map_back_gives_the_block_back)
{
	struct vrm_pgt_updater up = { annot_fn, NULL, VRM_PGT_UPDATE_SPLIT };
	uint32_t owner = 0;
	size_t live;

	ck_assert_int_eq(vrm_pgt_map(&pgt, BLK, BLK_PA, M2, RW), 0);
	live = m.nlive;
	ck_assert_int_eq(vrm_pgt_update(&pgt, BLK + 0x10000, 2 * K4, &up), 0);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, BLK + 0x11000, &owner), 0);
	ck_assert_uint_eq(owner, 4);
	ck_assert_uint_eq(leaves(BLK, M2), 510);
	ck_assert_int_eq(vrm_pgt_map(&pgt, BLK + 0x10000, BLK_PA + 0x10000, 2 * K4, RW), 0);
	ck_assert_int_eq(level_of(BLK), 2);
	ck_assert_uint_eq(m.nlive, live);
}
END_TEST

START_TEST(tables_that_are_not_one_block_stay)
{
	size_t live;

	/* Another prot on one page. */
	ck_assert_int_eq(vrm_pgt_map(&pgt, BLK, BLK_PA, M2, RW), 0);
	live = m.nlive;
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, BLK + 0x5000, K4, VRM_PGT_PROT_R), 0);
	ck_assert_int_eq(level_of(BLK), 3);
	/* Another output address for one page: still a table. */
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, BLK + 0x5000, K4, RW), 0); /* uniform again */
	ck_assert_int_eq(level_of(BLK), 2);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, BLK + 0x5000, 0x9000000, K4, RW), 0);
	ck_assert_int_eq(level_of(BLK), 3);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, BLK + 0x5000, BLK_PA + 0x6000, K4, RW), 0);
	ck_assert_int_eq(level_of(BLK), 3); /* contiguous but for one page */
	ck_assert_uint_eq(m.nlive, live + 1);
	/* pa contiguous but not 2 MiB aligned: pages only. */
	ck_assert_int_eq(vrm_pgt_map(&pgt, 8 * M2, BLK_PA + 0x1000000 + K4, M2, RW), 0);
	ck_assert_int_eq(level_of(8 * M2), 3);
	ck_assert_uint_eq(leaves(8 * M2, M2), 512);
}
END_TEST

static int sw_fn(const struct vrm_pgt_visit_ctx *ctx, bool commit, uint64_t *nd)
{
	(void)commit;
	if (ctx->old & 1)
		*nd = ctx->old ^ VRM_PGT_DESC_SW(1);
	return 0;
}

START_TEST(sw_bits_count_as_attributes)
{
	struct vrm_pgt_updater up = { sw_fn, NULL, VRM_PGT_UPDATE_SPLIT };
	struct vrm_pgt_xlate x;

	ck_assert_int_eq(vrm_pgt_map(&pgt, BLK, BLK_PA, M2, RW), 0);
	ck_assert_int_eq(vrm_pgt_update(&pgt, BLK + 0x3000, K4, &up), 0); /* one page's SW1 */
	ck_assert_int_eq(level_of(BLK), 3);
	/* Flipping every other page's SW1 too: uniform again, one block. */
	ck_assert_int_eq(vrm_pgt_update(&pgt, BLK, 3 * K4, &up), 0);
	ck_assert_int_eq(vrm_pgt_update(&pgt, BLK + 0x4000, M2 - 0x4000, &up), 0);
	ck_assert_int_eq(level_of(BLK), 2);
	ck_assert_int_eq(vrm_pgt_hw_walk(&pgt, BLK + 0x123000, &x), 0);
	ck_assert_int_eq(x.level, 2);
	ck_assert_uint_eq(x.desc & VRM_PGT_DESC_SW_MASK, VRM_PGT_DESC_SW(1)); /* kept by the block */
}
END_TEST

START_TEST(two_levels_give_a_1g_block_back)
{
	size_t live;

	ck_assert_int_eq(vrm_pgt_map(&pgt, G1, BLK_PA, G1, RW), 0);
	ck_assert_int_eq(level_of(G1 + 0x12345000), 1);
	live = m.nlive;
	ck_assert_int_eq(vrm_pgt_remap(&pgt, G1 + 0x12345000, 0x9000000, K4, RW), 0);
	ck_assert_int_eq(level_of(G1), 2);
	ck_assert_int_eq(level_of(G1 + 0x12345000), 3);
	ck_assert_uint_eq(m.nlive, live + 2);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, G1 + 0x12345000, BLK_PA + 0x12345000, K4, RW), 0);
	ck_assert_int_eq(level_of(G1 + 0x12345000), 1);
	ck_assert_uint_eq(leaves(G1, G1), 1);
	ck_assert_uint_eq(m.nlive, live);
}
END_TEST

START_TEST(without_the_flag_nothing_coalesces)
{
	ck_assert_int_eq(vrm_pgt_map(&pgt, BLK, BLK_PA, M2, RW), 0);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, BLK + 0x7000, 0x9000000, K4, RW), 0);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, BLK + 0x7000, BLK_PA + 0x7000, K4, RW), 0);
	ck_assert_int_eq(level_of(BLK), 3);
	ck_assert_uint_eq(leaves(BLK, M2), 512);
}
END_TEST

START_TEST(a_kernel_table_may_not_ask_for_it)
{
	struct vrm_pgt k;

	ck_assert_int_eq(vrm_pgt_init(&k, &(struct vrm_pgt_config){ VRM_PGT_EL2_S1, 39, -1, 0,
						 VRM_PGT_KERNEL | VRM_PGT_COALESCE }, &m.ops),
			 -VRM_EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pgtable-coalesce");
	TCase *s2 = tcase_create("stage2"), *e = tcase_create("el2"), *p = tcase_create("plain");

	tcase_add_checked_fixture(s2, setup_s2, teardown);
	tcase_add_checked_fixture(e, setup_el2, teardown);
	tcase_add_checked_fixture(p, setup_plain, teardown);
	for (int i = 0; i < 2; i++) {
		TCase *tc = i ? e : s2;

		tcase_add_test(tc, remap_away_and_back_gives_the_block_back);
		tcase_add_test(tc, annotate_then_map_back_gives_the_block_back);
		tcase_add_test(tc, tables_that_are_not_one_block_stay);
		tcase_add_test(tc, sw_bits_count_as_attributes);
		tcase_add_test(tc, two_levels_give_a_1g_block_back);
	}
	tcase_add_test(p, without_the_flag_nothing_coalesces);
	tcase_add_test(p, a_kernel_table_may_not_ask_for_it);
	suite_add_tcase(s, s2);
	suite_add_tcase(s, e);
	suite_add_tcase(s, p);
	return vrm_test_run(s);
}
