/* SPDX-License-Identifier: MIT */
/*
 * The cache-maintenance hooks of vrm_pgt_mm_ops (stage 2 only): which
 * calls make them (a new Normal mapping: clean to PoC; a new executable
 * one: I-cache invalidate after the clean; a page becoming executable:
 * the I-side only), for which range, and that each runs before the
 * descriptor store that lets the guest reach the page (the hook itself
 * walks the table lock-free and must not find the new mapping). Device
 * and Non-cacheable memory need no clean, removing a permission nothing,
 * EL2 stage 1 nothing, and a refused call makes no call at all.
 */
#include <check.h>
#include <stdlib.h>

#include <vrm/pgtable.h>

#include "pgt_test_mm.h"
#include "../tools/check_run.h"
#include "../tools/pgt_retire.h"

#define K4 UINT64_C(0x1000)
#define M2 UINT64_C(0x200000)
#define RW VRM_PGT_PROT_RW
#define RWX VRM_PGT_PROT_RWX
#define DELTA UINT64_C(0x40000000) /* pa = ia + DELTA (va = pa: the identity mm) */

static struct tmm m;
static struct vrm_pgt pgt;

static struct call {
	char kind;        /* 'd' clean to PoC, 'i' I-cache */
	uint64_t va, size;
	bool reached;     /* the new mapping was already visible (a bug) */
} calls[16];
static unsigned ncalls;
static uint32_t new_prot; /* what the call about to be made maps */

/* Lock-free, as an MMU: does ia already translate with the new prot? */
static bool reached(uint64_t va)
{
	struct vrm_pgt_xlate x;

	return vrm_pgt_hw_walk(&pgt, va - DELTA, &x) == 0 && x.pa == va && x.prot == new_prot;
}

static void record(char kind, void *va, uint64_t size)
{
	ck_assert_uint_lt(ncalls, 16);
	calls[ncalls].kind = kind;
	calls[ncalls].va = (uint64_t)(uintptr_t)va;
	calls[ncalls].size = size;
	calls[ncalls].reached = reached((uint64_t)(uintptr_t)va);
	ncalls++;
}

static void dc_hook(void *ctx, void *va, uint64_t size)
{
	ck_assert_ptr_eq(ctx, &m);
	record('d', va, size);
}

static void ic_hook(void *ctx, void *va, uint64_t size)
{
	ck_assert_ptr_eq(ctx, &m);
	record('i', va, size);
}

static void setup_stage(enum vrm_pgt_stage stage)
{
	tmm_init(&m);
	m.ops.dcache_clean_inval_poc = dc_hook;
	m.ops.icache_inval_pou = ic_hook;
	ck_assert_int_eq(vrm_pgt_init(&pgt, &(struct vrm_pgt_config){ stage, 39, -1, 3, 0 },
				      &m.ops), 0);
	ncalls = 0;
}
static void setup_s2(void) { setup_stage(VRM_PGT_STAGE2); }
static void setup_el2(void) { setup_stage(VRM_PGT_EL2_S1); }

static void teardown(void)
{
	pgt_retire(&pgt);
	ck_assert_uint_eq(m.nlive, 0);
}

static void want(unsigned i, char kind, uint64_t va, uint64_t size)
{
	ck_assert_uint_gt(ncalls, i);
	ck_assert_int_eq(calls[i].kind, kind);
	ck_assert_uint_eq(calls[i].va, va);
	ck_assert_uint_eq(calls[i].size, size);
	ck_assert(!calls[i].reached);
}

static int map(uint64_t ia, uint64_t size, uint32_t prot)
{
	ncalls = 0;
	new_prot = prot;
	return vrm_pgt_map(&pgt, ia, ia + DELTA, size, prot);
}

START_TEST(a_new_normal_mapping_is_cleaned_before_it_is_mapped)
{
	ck_assert_int_eq(map(0x100000, 3 * K4, RW), 0);
	ck_assert_uint_eq(ncalls, 1);
	want(0, 'd', 0x100000 + DELTA, 3 * K4);
	/* The same mapping again: no store, but map does not know it before
	 * its walk; cleaning again is harmless. Removing W: nothing. */
	ncalls = 0;
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x100000, 3 * K4, VRM_PGT_PROT_R), 0);
	ck_assert_uint_eq(ncalls, 0);
}
END_TEST

START_TEST(a_new_executable_mapping_also_invalidates_the_icache_after_the_clean)
{
	ck_assert_int_eq(map(2 * M2, M2, RWX), 0); /* one 2 MiB block */
	ck_assert_uint_eq(ncalls, 2);
	want(0, 'd', 2 * M2 + DELTA, M2);
	want(1, 'i', 2 * M2 + DELTA, M2);
}
END_TEST

START_TEST(device_and_non_cacheable_memory_need_no_clean)
{
	ck_assert_int_eq(map(0x200000 * 5, K4, RW | VRM_PGT_PROT_DEVICE), 0);
	ck_assert_uint_eq(ncalls, 0);
	ck_assert_int_eq(map(0x200000 * 6, K4, RW | VRM_PGT_PROT_NC), 0);
	ck_assert_uint_eq(ncalls, 0);
	ck_assert_int_eq(map(0x200000 * 7, K4, RWX | VRM_PGT_PROT_NC), 0);
	ck_assert_uint_eq(ncalls, 1);
	want(0, 'i', 0x200000 * 7 + DELTA, K4);
}
END_TEST

START_TEST(becoming_executable_invalidates_the_icache_only)
{
	ck_assert_int_eq(map(0x300000, 2 * K4, RW), 0);
	ncalls = 0;
	new_prot = RWX;
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x300000, 2 * K4, RWX), 0);
	ck_assert_uint_eq(ncalls, 2); /* per entry */
	want(0, 'i', 0x300000 + DELTA, K4);
	want(1, 'i', 0x301000 + DELTA, K4);
	ncalls = 0;
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x300000, 2 * K4, RW), 0); /* X removed */
	ck_assert_uint_eq(ncalls, 0);
}
END_TEST

static int leaf_fn(const struct vrm_pgt_visit_ctx *ctx, bool commit, uint64_t *nd)
{
	(void)commit;
	if (!(ctx->old & 1))
		*nd = vrm_pgt_desc_leaf((enum vrm_pgt_stage)ctx->pgt->stage, ctx->addr + DELTA,
					ctx->level, *(uint32_t *)ctx->arg);
	else
		*nd = ctx->old & ~VRM_PGT_DESC_AF; /* aging: nothing to maintain */
	return 0;
}

START_TEST(update_walks_maintain_what_they_map)
{
	uint32_t prot = RWX;
	struct vrm_pgt_updater up = { leaf_fn, &prot, 0 };

	ck_assert_int_eq(map(0x400000, K4, RW), 0); /* a table for the level-3 visit below */
	ncalls = 0;
	new_prot = RWX;
	ck_assert_int_eq(vrm_pgt_update(&pgt, 0x401000, K4, &up), 0);
	ck_assert_uint_eq(ncalls, 2);
	want(0, 'd', 0x401000 + DELTA, K4);
	want(1, 'i', 0x401000 + DELTA, K4);
	ncalls = 0;
	ck_assert_int_eq(vrm_pgt_update(&pgt, 0x400000, 2 * K4, &up), 0); /* AF only */
	ck_assert_uint_eq(ncalls, 0);
}
END_TEST

/* FEAT_S2FWB: the guest's accesses are forced cacheable, no clean; the
 * I-side still needs its invalidate. */
START_TEST(with_fwb_only_the_icache_is_maintained)
{
	vrm_pgt_set_features(VRM_PGT_FEAT_FWB);
	ck_assert_int_eq(map(0x600000, K4, RW), 0);
	ck_assert_uint_eq(ncalls, 0);
	ck_assert_int_eq(map(0x601000, K4, RWX), 0);
	ck_assert_uint_eq(ncalls, 1);
	want(0, 'i', 0x601000 + DELTA, K4);
	vrm_pgt_set_features(0);
}
END_TEST

START_TEST(a_refused_call_makes_no_call)
{
	ck_assert_int_eq(map(0x500000, K4, RW), 0);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x500000, 0x9000000, K4, RW), -VRM_EEXIST);
	ncalls = 0;
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x500000, 0x9000000, K4, RW), -VRM_EEXIST);
	ck_assert_uint_eq(ncalls, 0);
	m.fail_at = 1;
	ck_assert_int_eq(map(0x7000000, K4, RW), -VRM_ENOMEM);
	ck_assert_uint_eq(ncalls, 0);
}
END_TEST

START_TEST(el2_stage1_tables_make_no_call)
{
	ck_assert_int_eq(map(0x100000, K4, VRM_PGT_PROT_R | VRM_PGT_PROT_X), 0);
	ck_assert_int_eq(map(0x101000, K4, RW), 0);
	ck_assert_uint_eq(ncalls, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pgtable-cmo");
	TCase *s2 = tcase_create("stage2"), *e = tcase_create("el2");

	tcase_add_checked_fixture(s2, setup_s2, teardown);
	tcase_add_checked_fixture(e, setup_el2, teardown);
	tcase_add_test(s2, a_new_normal_mapping_is_cleaned_before_it_is_mapped);
	tcase_add_test(s2, a_new_executable_mapping_also_invalidates_the_icache_after_the_clean);
	tcase_add_test(s2, device_and_non_cacheable_memory_need_no_clean);
	tcase_add_test(s2, becoming_executable_invalidates_the_icache_only);
	tcase_add_test(s2, update_walks_maintain_what_they_map);
	tcase_add_test(s2, with_fwb_only_the_icache_is_maintained);
	tcase_add_test(s2, a_refused_call_makes_no_call);
	tcase_add_test(e, el2_stage1_tables_make_no_call);
	suite_add_tcase(s, s2);
	suite_add_tcase(s, e);
	return vrm_test_run(s);
}
