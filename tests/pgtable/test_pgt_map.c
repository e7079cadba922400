/* SPDX-License-Identifier: MIT */
/* map / lookup / unmap contract, bad input, -ENOMEM fault injection. */
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

static struct tmm m;
static struct vrm_pgt pgt;

static void setup(void)
{
	tmm_init(&m);
	ck_assert_int_eq(vrm_pgt_init(&pgt, &(struct vrm_pgt_config){ VRM_PGT_STAGE2, 40, -1, 5, 0 },
				      &m.ops), 0);
	vrm_tlb_model_reset();
}

static void teardown(void)
{
	vrm_pgt_trace_ptes(false);
	pgt_retire(&pgt);
	ck_assert_uint_eq(m.nlive, 0);
}

static void expect(uint64_t ia, vrm_pa_t pa, uint32_t prot, int level)
{
	vrm_pa_t got;
	uint32_t p;
	int l;

	ck_assert_int_eq(vrm_pgt_lookup(&pgt, ia, &got, &p, &l), 0);
	ck_assert_uint_eq(got, pa);
	ck_assert_uint_eq(p, prot);
	ck_assert_int_eq(l, level);
}

START_TEST(map_then_lookup_translates_every_page)
{
	uint64_t off;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x10000, 0x7000000, 64 * K4, RW), 0);
	for (off = 0; off < 64 * K4; off += K4)
		expect(0x10000 + off + 0x123, 0x7000000 + off + 0x123, RW, 3);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 0x10000 + 64 * K4, NULL, NULL, NULL), -VRM_ENOENT);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 0xf000, NULL, NULL, NULL), -VRM_ENOENT);
}
END_TEST

START_TEST(map_uses_1g_and_2m_blocks_where_alignment_allows)
{
	/* [G1 - 4K, 2G + 2M + 4K): page, 1 GiB block, 2 MiB block, page. */
	ck_assert_int_eq(vrm_pgt_map(&pgt, G1 - K4, 4 * G1 - K4, G1 + M2 + 2 * K4, RW), 0);
	expect(G1 - K4, 4 * G1 - K4, RW, 3);
	expect(G1, 4 * G1, RW, 1);
	expect(2 * G1 - K4, 5 * G1 - K4, RW, 1);
	expect(2 * G1, 5 * G1, RW, 2);
	expect(2 * G1 + M2, 5 * G1 + M2, RW, 3);
	/* Misaligned pa: no blocks. */
	ck_assert_int_eq(vrm_pgt_map(&pgt, 8 * G1, 0x5000, M2, RW), 0);
	expect(8 * G1 + M2 - K4, 0x5000 + M2 - K4, RW, 3);
}
END_TEST

START_TEST(map_over_a_different_mapping_is_eexist_and_writes_nothing)
{
	uint64_t h;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x200000, 0x1000000, M2, RW), 0);
	h = tmm_hash(&m);
	/* Other pa, other prot, and a range that only overlaps at its end. */
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x200000, 0x2000000, K4, RW), -VRM_EEXIST);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x200000, 0x1000000, K4, VRM_PGT_PROT_R), -VRM_EEXIST);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0, 0x3000000, 0x201000, RW), -VRM_EEXIST);
	ck_assert_uint_eq(tmm_hash(&m), h);
	/* A conflict after a run of invalid pages of the same table. */
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x428000, 0x5000000, K4, RW), 0);
	h = tmm_hash(&m);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x400000, 0x6000000, 64 * K4, RW), -VRM_EEXIST);
	ck_assert_uint_eq(tmm_hash(&m), h);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 0x1000, NULL, NULL, NULL), -VRM_ENOENT);
}
END_TEST

START_TEST(map_over_an_identical_mapping_returns_0_and_writes_nothing)
{
	uint64_t h;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x200000, 0x1000000, M2, RW), 0);
	h = tmm_hash(&m);
	vrm_tlb_trace_reset();
	vrm_pgt_trace_ptes(true);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x200000, 0x1000000, M2, RW), 0);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x201000, 0x1001000, K4, RW), 0); /* inside the block */
	ck_assert_uint_eq(vrm_tlb_trace_len(), 0);
	ck_assert_uint_eq(tmm_hash(&m), h);
	expect(0x201000, 0x1001000, RW, 2);
}
END_TEST

START_TEST(bad_input_is_einval_and_writes_nothing)
{
	uint64_t top = UINT64_C(1) << 40, h;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x10000, 0x10000, K4, RW), 0);
	h = tmm_hash(&m);
	vrm_tlb_trace_reset();
	vrm_pgt_trace_ptes(true);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x800, 0x1000, K4, RW), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x1000, 0x1800, K4, RW), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x1000, 0x1000, 0x800, RW), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x1000, 0x1000, 0, RW), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_map(&pgt, top, 0x1000, K4, RW), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_map(&pgt, top - K4, 0x1000, 2 * K4, RW), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_map(&pgt, K4, 0x1000, UINT64_MAX - 4095, RW), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x1000, (UINT64_C(1) << 48) - K4, 2 * K4, RW), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x1000, 0x1000, K4, 1u << 7), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x1000, 0x1000, K4, VRM_PGT_PROT_MT_MASK), -VRM_EINVAL);
	/* executable Device; one-EL execute without FEAT_XNX */
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x1000, 0x1000, K4, VRM_PGT_PROT_R | VRM_PGT_PROT_X |
				     VRM_PGT_PROT_DEVICE), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x1000, 0x1000, K4, VRM_PGT_PROT_R | VRM_PGT_PROT_X_EL0),
			 -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, 0x10000, 0x1000, K4, VRM_PGT_PROT_X | VRM_PGT_PROT_DEVICE),
			 -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x10000, K4, RW | VRM_PGT_PROT_X | VRM_PGT_PROT_DEVICE),
			 -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x10000, K4, RW | VRM_PGT_PROT_X_EL1), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, 0x10800, 0x1000, K4, RW), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x10000, K4, 1u << 9), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x10000, 0, RW), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, 0x10000, 0x800), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, top - K4, 2 * K4), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, top, NULL, NULL, NULL), -VRM_EINVAL);
	ck_assert_uint_eq(vrm_tlb_trace_len(), 0);
	ck_assert_uint_eq(tmm_hash(&m), h);
}
END_TEST

/* A map that needs n tables, with the allocator failing at its k-th call
 * for every k <= n: -ENOMEM and the tables byte-for-byte unchanged. */
START_TEST(enomem_at_any_allocation_leaves_the_tables_unchanged)
{
	uint64_t h, allocs;
	long k;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x3000, 0x3000, K4, RW), 0);
	h = tmm_hash(&m);
	allocs = m.allocs;
	/* 64 MiB misaligned across the 512 GiB line: an L2 and 16 L3 tables (17)
	 * below the existing L1, a new L1, L2 and 16 L3 above it (18). */
	for (k = 1;; k++) {
		int ret;

		m.fail_at = k;
		ret = vrm_pgt_map(&pgt, 512 * G1 - 16 * M2, 0x1000, 32 * M2, RW);
		if (ret == 0)
			break;
		ck_assert_int_eq(ret, -VRM_ENOMEM);
		ck_assert_uint_eq(tmm_hash(&m), h);
		ck_assert_int_eq(vrm_pgt_lookup(&pgt, 512 * G1, NULL, NULL, NULL), -VRM_ENOENT);
	}
	m.fail_at = 0;
	ck_assert_int_eq(k, 36); /* each of the 35 table allocations failed once */
	ck_assert_uint_gt(m.allocs, allocs);
	expect(512 * G1 + 16 * M2 - K4, 0x1000 + 32 * M2 - K4, RW, 3);
}
END_TEST

START_TEST(unmap_of_holes_is_not_an_error_and_flushes_nothing)
{
	vrm_tlb_trace_reset();
	vrm_pgt_trace_ptes(true);
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, 0, 4 * G1), 0);
	ck_assert_uint_eq(vrm_tlb_trace_len(), 0);
}
END_TEST

START_TEST(unmap_invalidates_then_flushes_once_then_frees_empty_tables)
{
	size_t i, n, last_dsb = 0, frees = 0, first_free = SIZE_MAX;
	struct vrm_tlb_event ev;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 2 * G1, 0x1000, 2 * M2, RW), 0); /* L1 + L2 + 2 L3 */
	ck_assert_uint_eq(m.nlive, 5);
	vrm_tlb_trace_reset();
	vrm_pgt_trace_ptes(true);
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, 2 * G1, 2 * M2), 0);
	n = vrm_tlb_trace_len();
	/* one flush: one VTTBR_EL2 switch to VMID 5 and one restore */
	ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_MSR_VTTBR), 2);
	ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_DSB_ISHST), 0);
	ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_PTE_WRITE), 1024 + 4);
	for (i = 0; i < n; i++) {
		ck_assert(vrm_tlb_trace_get(i, &ev));
		if (ev.kind == VRM_TLB_EV_DSB_ISH)
			last_dsb = i;
		if (ev.kind == VRM_TLB_EV_PAGE_FREE) {
			frees++;
			if (first_free == SIZE_MAX)
				first_free = i;
		}
		if (ev.kind == VRM_TLB_EV_PTE_WRITE)
			ck_assert_uint_eq(frees, 0);
	}
	ck_assert_uint_eq(frees, 4);
	ck_assert_uint_gt(first_free, last_dsb); /* freed only after the flush completed */
	ck_assert_uint_eq(m.nlive, 1);           /* the root stays */
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 2 * G1, NULL, NULL, NULL), -VRM_ENOENT);
}
END_TEST

START_TEST(unmap_of_part_of_a_block_splits_it_and_keeps_the_rest)
{
	ck_assert_int_eq(vrm_pgt_map(&pgt, M2, 4 * M2, M2, RW), 0);
	expect(M2, 4 * M2, RW, 2);
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, M2 + 8 * K4, K4), 0);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, M2 + 8 * K4, NULL, NULL, NULL), -VRM_ENOENT);
	expect(M2 + 7 * K4, 4 * M2 + 7 * K4, RW, 3);
	expect(M2 + 9 * K4, 4 * M2 + 9 * K4, RW, 3);
	expect(2 * M2 - K4, 5 * M2 - K4, RW, 3);
}
END_TEST

START_TEST(lookup_returns_pa_prot_and_level_of_the_leaf)
{
	uint32_t prot = VRM_PGT_PROT_R | VRM_PGT_PROT_X | VRM_PGT_PROT_NC; /* X|DEVICE: refused */

	ck_assert_int_eq(vrm_pgt_map(&pgt, G1, 2 * G1, G1, prot), 0);
	expect(G1 + 0x12345, 2 * G1 + 0x12345, prot, 1);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, G1, NULL, NULL, NULL), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pgtable-map");
	TCase *tc = tcase_create("map");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, map_then_lookup_translates_every_page);
	tcase_add_test(tc, map_uses_1g_and_2m_blocks_where_alignment_allows);
	tcase_add_test(tc, map_over_a_different_mapping_is_eexist_and_writes_nothing);
	tcase_add_test(tc, map_over_an_identical_mapping_returns_0_and_writes_nothing);
	tcase_add_test(tc, bad_input_is_einval_and_writes_nothing);
	tcase_add_test(tc, enomem_at_any_allocation_leaves_the_tables_unchanged);
	tcase_add_test(tc, unmap_of_holes_is_not_an_error_and_flushes_nothing);
	TRACE_TEST(tc, unmap_invalidates_then_flushes_once_then_frees_empty_tables);
	tcase_add_test(tc, unmap_of_part_of_a_block_splits_it_and_keeps_the_rest);
	tcase_add_test(tc, lookup_returns_pa_prot_and_level_of_the_leaf);
	suite_add_tcase(s, tc);
	return vrm_test_run(s);
}
