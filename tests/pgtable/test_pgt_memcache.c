/* SPDX-License-Identifier: MIT */
/*
 * vrm_pgt_pages_needed and the table-page memcache: the query is exactly
 * what the call takes (random map / remap / unmap sequences on a stage-2,
 * an EL2 and a kernel EL2 table, every call fed only from a memcache
 * topped up to the query's answer), it changes nothing, it fails as the
 * call fails; one page fewer than the answer is -ENOMEM; push / pop.
 */
#include <check.h>
#include <stdio.h>

#include <vrm/pgtable.h>
#include <vrm/tlb_model.h>

#include "pgt_test_mm.h"
#include "../tools/check_run.h"
#include "../tools/xorshift.h"
#include "../tools/pgt_retire.h"

#define K4 UINT64_C(0x1000)
#define M2 UINT64_C(0x200000)
#define G1 UINT64_C(0x40000000)
#define RW VRM_PGT_PROT_RW
#define NONE UINT64_MAX /* *pages before a query: must stay when it fails */

/* Table pages come from `mc` only while only_cache is set, as a
 * hypervisor's map under a memcache; otherwise from the test allocator. */
static struct tmm m;
static struct vrm_pgt_memcache mc;
static bool only_cache;
static struct vrm_pgt_mm_ops ops;
static struct vrm_pgt pgt;

static void *mc_zalloc(void *ctx)
{
	return only_cache ? vrm_pgt_memcache_pop(&mc) : tmm_zalloc(ctx);
}

static void topup(uint64_t pages)
{
	while (mc.nr < pages)
		ck_assert_int_eq(vrm_pgt_memcache_push(&mc, tmm_zalloc(&m)), 0);
}

static void drain(void)
{
	void *p;

	while ((p = vrm_pgt_memcache_pop(&mc)) != NULL)
		tmm_free(&m, p);
}

static void setup_cfg(enum vrm_pgt_stage stage, uint32_t ia_bits, uint32_t flags)
{
	tmm_init(&m);
	ops = m.ops;
	ops.zalloc_page = mc_zalloc;
	mc = (struct vrm_pgt_memcache){ 0 };
	only_cache = false;
	ck_assert_int_eq(vrm_pgt_init(&pgt, &(struct vrm_pgt_config){ stage, ia_bits, -1, 5, flags },
				      &ops), 0);
	vrm_tlb_model_reset();
}

static void setup_s2(void) { setup_cfg(VRM_PGT_STAGE2, 40, 0); }
static void setup_el2(void) { setup_cfg(VRM_PGT_EL2_S1, 39, 0); }
static void setup_kernel(void) { setup_cfg(VRM_PGT_EL2_S1, 48, VRM_PGT_KERNEL); }

static void teardown(void)
{
	only_cache = false;
	drain();
	pgt_retire(&pgt);
	ck_assert_uint_eq(m.nlive, 0);
}

START_TEST(memcache_is_lifo_and_gives_pages_back_zeroed)
{
	uint64_t *a = tmm_zalloc(&m), *b = tmm_zalloc(&m);
	size_t i;

	ck_assert_ptr_null(vrm_pgt_memcache_pop(&mc));
	ck_assert_int_eq(vrm_pgt_memcache_push(&mc, a), 0);
	ck_assert_int_eq(vrm_pgt_memcache_push(&mc, b), 0);
	ck_assert_uint_eq(mc.nr, 2);
	ck_assert_uint_eq(b[0], (uint64_t)(uintptr_t)a); /* linked through word 0 */
	ck_assert_ptr_eq(vrm_pgt_memcache_pop(&mc), b);
	ck_assert_ptr_eq(vrm_pgt_memcache_pop(&mc), a);
	ck_assert_uint_eq(mc.nr, 0);
	ck_assert_ptr_null(vrm_pgt_memcache_pop(&mc));
	for (i = 0; i < 512; i++)
		ck_assert_uint_eq(a[i] | b[i], 0);
	tmm_free(&m, a);
	tmm_free(&m, b);
}
END_TEST

START_TEST(memcache_bad_input_changes_nothing)
{
	char *p = tmm_zalloc(&m);

	ck_assert_int_eq(vrm_pgt_memcache_push(NULL, p), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_memcache_push(&mc, NULL), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_memcache_push(&mc, p + 8), -VRM_EINVAL);
	ck_assert_uint_eq(mc.nr, 0);
	ck_assert_ptr_null(mc.head);
	ck_assert_ptr_null(vrm_pgt_memcache_pop(NULL));
	tmm_free(&m, p);
}
END_TEST

/* Counts on a fresh 4-level stage 2 (levels 0..3, root allocated). */
START_TEST(pages_needed_counts_the_tables_a_map_links)
{
	uint64_t n = NONE;

	ck_assert_int_eq(vrm_pgt_pages_needed(&pgt, 0, 0x80000000, K4, RW, false, &n), 0);
	ck_assert_uint_eq(n, 3); /* level 1, 2, 3 tables */
	ck_assert_int_eq(vrm_pgt_pages_needed(&pgt, M2, 0x80000000, M2, RW, false, &n), 0);
	ck_assert_uint_eq(n, 2); /* a block at level 2 */
	ck_assert_int_eq(vrm_pgt_pages_needed(&pgt, M2, 0x80001000, M2, RW, false, &n), 0);
	ck_assert_uint_eq(n, 3); /* pa not 2 MiB aligned: pages */
	ck_assert_uint_eq(m.allocs, 1); /* the root only: the query allocated nothing */
	topup(3);
	only_cache = true;
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0, 0x80000000, K4, RW), 0);
	ck_assert_uint_eq(mc.nr, 0);
	ck_assert_int_eq(vrm_pgt_pages_needed(&pgt, K4, 0x80001000, K4, RW, false, &n), 0);
	ck_assert_uint_eq(n, 0); /* same level-3 table */
	ck_assert_int_eq(vrm_pgt_pages_needed(&pgt, 0, 0x80000000, K4, RW, false, &n), 0);
	ck_assert_uint_eq(n, 0); /* identical: nothing to do */
	ck_assert_int_eq(vrm_pgt_map(&pgt, K4, 0x80001000, K4, RW), 0); /* from an empty cache */
}
END_TEST

START_TEST(pages_needed_fails_as_the_call_fails_and_writes_nothing)
{
	uint64_t n = NONE, h, allocs;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0, 0x80000000, M2, RW), 0);
	vrm_tlb_trace_reset();
	h = tmm_hash(&m);
	allocs = m.allocs;
	ck_assert_int_eq(vrm_pgt_pages_needed(&pgt, 0, 0x90000000, K4, RW, false, &n), -VRM_EEXIST);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0, 0x90000000, K4, RW), -VRM_EEXIST);
	ck_assert_int_eq(vrm_pgt_pages_needed(&pgt, 0x10, 0x90000000, K4, RW, false, &n), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_pages_needed(&pgt, 0, 0x90000000, 0, RW, true, &n), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_pages_needed(&pgt, 0, 0x90000000, K4, 0xffff, true, &n),
			 -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_pages_needed(&pgt, 0, 0x90000000, K4, RW, true, NULL), -VRM_EINVAL);
	ck_assert_uint_eq(n, NONE);
	/* A remap splits the block: one level-3 table. */
	ck_assert_int_eq(vrm_pgt_pages_needed(&pgt, 0, 0x90000000, K4, RW, true, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(tmm_hash(&m), h);
	ck_assert_uint_eq(m.allocs, allocs);
	ck_assert_uint_eq(vrm_tlb_trace_len(), 0); /* no barrier, no TLBI */
}
END_TEST

START_TEST(pages_needed_on_a_kernel_table_is_eperm_where_remap_is)
{
	uint64_t n = NONE;

	ck_assert_int_eq(vrm_pgt_map(&pgt, G1, 8 * G1, M2, VRM_PGT_PROT_R), 0);
	ck_assert_int_eq(vrm_pgt_pages_needed(&pgt, G1, 9 * G1, K4, VRM_PGT_PROT_R, true, &n),
			 -VRM_EPERM);
	ck_assert_int_eq(vrm_pgt_remap(&pgt, G1, 9 * G1, K4, VRM_PGT_PROT_R), -VRM_EPERM);
	ck_assert_uint_eq(n, NONE);
}
END_TEST

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	return xorshift64(&rng);
}

/* A call in a hot 64 MiB (so calls overlap): pages, 2 MiB chunks (half of
 * them aligned), one in 256 a 1 GiB; pa aligned like ia half of the time. */
static void random_args(uint64_t ia_limit, uint64_t *ia, vrm_pa_t *pa, uint64_t *size)
{
	uint64_t r = rnd() % 256;

	*size = r < 160 ? K4 * (1 + rnd() % 16) : r < 255 ? M2 * (1 + rnd() % 2) + K4 * (rnd() % 3) : G1;
	*ia = (rnd() % 16384) * K4;
	if (rnd() % 2)
		*ia &= ~(M2 - 1);
	if (*size == G1)
		*ia = G1 * (1 + rnd() % 2);
	if (*ia + *size > ia_limit)
		*ia = 0;
	*pa = (rnd() % 2) ? *ia + G1 * (1 + rnd() % 4) : (0x100000 + rnd() % 65536) * K4;
}

/*
 * For each map / remap: the query, then the call fed only from a memcache
 * holding exactly the query's answer. The call returns what the query
 * did, and on success takes every page of the memcache (the count is
 * exact, not only enough). Every 4th call with an answer > 0 first gets
 * one page fewer: -ENOMEM, and the query's answer afterwards is the same.
 */
static void random_run(int calls, uint64_t ia_limit, unsigned long min_sized)
{
	unsigned long sized = 0, pages = 0, refused = 0, short_runs = 0;
	uint64_t ia, size, n;
	vrm_pa_t pa;
	int i, q, ret;

	for (i = 0; i < calls; i++) {
		uint64_t kind = rnd() % 100, allocs = m.allocs;
		uint32_t prot = (rnd() % 2) ? RW : VRM_PGT_PROT_R;
		bool remap = kind >= 45;

		random_args(ia_limit, &ia, &pa, &size);
		if (kind >= 80) {
			ret = vrm_pgt_unmap(&pgt, ia, size);
			ck_assert(ret == 0 || ret == -VRM_EPERM);
			continue;
		}
		n = NONE;
		q = vrm_pgt_pages_needed(&pgt, ia, pa, size, prot, remap, &n);
		ck_assert_uint_eq(m.allocs, allocs);
		if (q != 0) {
			ck_assert_uint_eq(n, NONE);
			ret = remap ? vrm_pgt_remap(&pgt, ia, pa, size, prot)
				    : vrm_pgt_map(&pgt, ia, pa, size, prot);
			ck_assert_int_eq(ret, q);
			refused++;
			continue;
		}
		if (n > 0 && sized % 4 == 0) {
			uint64_t again = NONE;

			topup(n - 1);
			only_cache = true;
			ret = remap ? vrm_pgt_remap(&pgt, ia, pa, size, prot)
				    : vrm_pgt_map(&pgt, ia, pa, size, prot);
			only_cache = false;
			ck_assert_int_eq(ret, -VRM_ENOMEM);
			ck_assert_int_eq(vrm_pgt_pages_needed(&pgt, ia, pa, size, prot, remap, &again), 0);
			ck_assert_uint_eq(again, n);
			short_runs++;
		}
		topup(n);
		only_cache = true;
		ret = remap ? vrm_pgt_remap(&pgt, ia, pa, size, prot)
			    : vrm_pgt_map(&pgt, ia, pa, size, prot);
		only_cache = false;
		ck_assert_int_eq(ret, 0);
		ck_assert_uint_eq(mc.nr, 0);
		sized += n > 0;
		pages += n;
	}
	printf("# %d calls: %lu took table pages (%lu in all), %lu refused alike, %lu one page short\n",
	       calls, sized, pages, refused, short_runs);
	ck_assert_uint_ge(sized, min_sized);
	ck_assert_uint_gt(short_runs, 0);
}

START_TEST(pages_needed_is_exact_stage2) { random_run(1500, UINT64_C(1) << 40, 60); }
END_TEST
START_TEST(pages_needed_is_exact_el2) { random_run(1500, UINT64_C(1) << 39, 60); }
END_TEST
/* A kernel table fills up: most later calls are refused alike. */
START_TEST(pages_needed_is_exact_kernel) { random_run(800, UINT64_C(1) << 48, 15); }
END_TEST

static Suite *memcache_suite(void)
{
	Suite *s = suite_create("pgtable-memcache");
	TCase *tc = tcase_create("stage2");
	TCase *el2 = tcase_create("el2");
	TCase *kern = tcase_create("kernel");

	tcase_add_checked_fixture(tc, setup_s2, teardown);
	tcase_add_test(tc, memcache_is_lifo_and_gives_pages_back_zeroed);
	tcase_add_test(tc, memcache_bad_input_changes_nothing);
	tcase_add_test(tc, pages_needed_counts_the_tables_a_map_links);
	tcase_add_test(tc, pages_needed_fails_as_the_call_fails_and_writes_nothing);
	tcase_add_test(tc, pages_needed_is_exact_stage2);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(el2, setup_el2, teardown);
	tcase_add_test(el2, pages_needed_is_exact_el2);
	tcase_set_timeout(el2, 60);
	suite_add_tcase(s, el2);
	tcase_add_checked_fixture(kern, setup_kernel, teardown);
	tcase_add_test(kern, pages_needed_on_a_kernel_table_is_eperm_where_remap_is);
	tcase_add_test(kern, pages_needed_is_exact_kernel);
	tcase_set_timeout(kern, 60);
	suite_add_tcase(s, kern);
	return s;
}

int main(void)
{
	return vrm_test_run(memcache_suite());
}
