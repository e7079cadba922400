/* SPDX-License-Identifier: MIT */
/*
 * Every operation that allocates, with allocation N failing for N = 1, 2,
 * ... until it succeeds (tests/tools/fault_alloc.h): each failure returns
 * -ENOMEM and leaves every table page, every pool record and the hyp
 * allocator exactly as before (hash), and the call that finally succeeds
 * did the whole job. Covered: vrm_pgt_map (new tables), remap / set_prot /
 * unmap that split a block, the pool's transitions through real stage-2
 * tables (the pool rolls back), and tables whose pages come from the
 * pool's hyp allocator.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <vrm/pgtable.h>
#include <vrm/pool.h>

#include "../pgtable/pgt_test_mm.h"
#include "../tools/fault_alloc.h"
#include "../tools/pgt_retire.h"

#define K4 UINT64_C(0x1000)
#define M2 UINT64_C(0x200000)
#define NP 1024 /* 4 MiB: the host maps the first 2 MiB as one block */
#define NVM 2
#define HOST VRM_PRINCIPAL_HOST
#define HYP VRM_PRINCIPAL_HYP
#define VM(n) VRM_PRINCIPAL_VM(n)

/* Identity pa == va, so the pool's pages are real memory; 2 MiB-aligned
 * (allocated, not a static array: loaders such as valgrind's align
 * segments to 4 KiB only). */
static uint8_t *mem;
static struct tmm tm;
static struct fault_alloc fa;
static struct vrm_pgt s2[1 + NVM];
static struct vrm_pool pool;
static struct vrm_pool_page meta[NP];

#define BASE ((vrm_pa_t)(uintptr_t)mem)
#define PA(i) (BASE + (uint64_t)(i) * K4)

static struct vrm_pgt *table(vrm_principal_t who)
{
	if (who == HOST)
		return &s2[0];
	if (VRM_PRINCIPAL_IS_VM(who))
		return &s2[1 + VRM_PRINCIPAL_VM_ID(who)];
	return NULL; /* the hyp's own map covers everything, write-once */
}

static int s2_map(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t n, enum vrm_pool_state st)
{
	(void)ctx;
	return table(who) ? vrm_pgt_map(table(who), pa, pa, n * K4,
					st == VRM_POOL_SHARED_BORROWED ? VRM_PGT_PROT_RW
								       : VRM_PGT_PROT_RWX)
			  : 0;
}

static int s2_unmap(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t n)
{
	(void)ctx;
	return table(who) ? vrm_pgt_unmap(table(who), pa, n * K4) : 0;
}

static void *p2v(void *ctx, vrm_pa_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static bool s2_mapped(void *ctx, vrm_principal_t who, vrm_pa_t pa)
{
	(void)ctx;
	return table(who) && vrm_pgt_lookup(table(who), pa, NULL, NULL, NULL) == 0;
}

static uint64_t meta_hash(uint64_t h)
{
	uint64_t i;

	for (i = 0; i < NP; i++)
		h = (h ^ meta[i].word) * 0x100000001b3ull;
	return h;
}

/* Page-table operations: every table page byte for byte. */
static uint64_t state_hash(void)
{
	return meta_hash(tmm_hash(&tm) * 31 + tm.nlive);
}

/* Pool operations: the records and what every table translates each pool
 * page to. Not the table bytes: the pool's rollback re-maps what its commit
 * unmapped, so a 2 MiB block the unmap had to split comes back as 512 page
 * entries (same translations, one more table page). */
static uint64_t translation_hash(void)
{
	uint64_t h = meta_hash(0), i;
	vrm_pa_t pa;
	uint32_t prot;
	int t, r;

	for (t = 0; t < 1 + NVM; t++)
		for (i = 0; i < NP; i++) {
			pa = 0;
			prot = 0;
			r = vrm_pgt_lookup(&s2[t], PA(i), &pa, &prot, NULL);
			h = (h ^ (uint64_t)r ^ pa ^ ((uint64_t)prot << 52)) * 0x100000001b3ull;
		}
	return h;
}

static uint64_t (*hash_fn)(void) = state_hash;

static void setup(void)
{
	struct vrm_pool_ops ops = { NULL, NULL, s2_map, s2_unmap, p2v, s2_mapped };
	struct vrm_pgt_config cfg = { .stage = VRM_PGT_STAGE2, .ia_bits = 48, .start_level = -1 };
	int i;

	tmm_init(&tm);
	fault_alloc_init(&fa, &tm.ops);
	for (i = 0; i < 1 + NVM; i++) {
		cfg.vmid = (uint16_t)(i + 1);
		ck_assert_int_eq(vrm_pgt_init(&s2[i], &cfg, &fa.ops), 0);
	}
	ck_assert_int_eq(vrm_pool_init(&pool, BASE, NP, meta, NVM, &ops), 0);
	ck_assert_int_eq(vrm_pool_boot_assign(&pool, PA(1000), 8, HYP), 0);
	/* The host maps its memory with 2 MiB blocks. */
	ck_assert_int_eq(vrm_pgt_map(&s2[0], BASE, BASE, 1000 * K4, VRM_PGT_PROT_RWX), 0);
}

static void teardown(void)
{
	int i;

	ck_assert_int_eq(vrm_pool_check_invariants(&pool), 0);
	for (i = 0; i < 1 + NVM; i++)
		pgt_retire(&s2[i]);
	ck_assert_uint_eq(tm.nlive, 0);
}

/* Fail allocation N = 1, 2, ... of op() until it succeeds; returns the
 * number of failures injected. */
static unsigned long fail_until_success(int (*op)(void))
{
	unsigned long n, failed;
	uint64_t before;
	int ret;

	for (n = 1;; n++) {
		before = hash_fn();
		fault_alloc_arm(&fa, n);
		ret = op();
		failed = fa.failed;
		fault_alloc_arm(&fa, 0);
		if (ret == 0)
			break;
		ck_assert_int_eq(ret, -ENOMEM);
		ck_assert_uint_eq(failed, 1);
		ck_assert_msg(hash_fn() == before, "failing allocation %lu changed the state", n);
		ck_assert_int_eq(vrm_pool_check_invariants(&pool), 0);
	}
	ck_assert_int_eq(vrm_pool_check_invariants(&pool), 0);
	return n - 1;
}

static bool maps(int t, uint64_t ia, vrm_pa_t want_pa, uint32_t want_prot)
{
	vrm_pa_t pa;
	uint32_t prot;

	return vrm_pgt_lookup(&s2[t], ia, &pa, &prot, NULL) == 0 && pa == want_pa &&
	       prot == want_prot;
}

/* ---- page tables alone */

/* Outside the pool's range (VM 0 may map only pool pages it owns). */
#define FAR UINT64_C(0x40000000)

static int op_map_new_tables(void)
{
	/* crosses a 2 MiB boundary in an empty table: L1, L2 and two L3 */
	return vrm_pgt_map(&s2[1], FAR + M2 - 2 * K4, FAR + M2 - 2 * K4, 4 * K4, VRM_PGT_PROT_RW);
}

START_TEST(map_fails_cleanly_at_every_allocation)
{
	ck_assert_uint_ge(fail_until_success(op_map_new_tables), 4);
	ck_assert(maps(1, FAR + M2 - 2 * K4, FAR + M2 - 2 * K4, VRM_PGT_PROT_RW));
	ck_assert(maps(1, FAR + M2 + K4, FAR + M2 + K4, VRM_PGT_PROT_RW));
}
END_TEST

static int op_remap_split(void)
{
	return vrm_pgt_remap(&s2[0], BASE + 5 * K4, BASE + 900 * K4, K4, VRM_PGT_PROT_R);
}

START_TEST(remap_split_fails_cleanly_at_every_allocation)
{
	ck_assert_uint_ge(fail_until_success(op_remap_split), 1);
	ck_assert(maps(0, BASE + 5 * K4, BASE + 900 * K4, VRM_PGT_PROT_R));
	ck_assert(maps(0, BASE + 6 * K4, BASE + 6 * K4, VRM_PGT_PROT_RWX));
}
END_TEST

static int op_set_prot_split(void)
{
	return vrm_pgt_set_prot(&s2[0], BASE + 3 * K4, 3 * K4, VRM_PGT_PROT_R);
}

START_TEST(set_prot_split_fails_cleanly_at_every_allocation)
{
	ck_assert_uint_ge(fail_until_success(op_set_prot_split), 1);
	ck_assert(maps(0, BASE + 4 * K4, BASE + 4 * K4, VRM_PGT_PROT_R));
	ck_assert(maps(0, BASE + 6 * K4, BASE + 6 * K4, VRM_PGT_PROT_RWX));
}
END_TEST

static int op_unmap_split(void)
{
	return vrm_pgt_unmap(&s2[0], BASE + 17 * K4, K4);
}

START_TEST(unmap_split_fails_cleanly_at_every_allocation)
{
	ck_assert_uint_ge(fail_until_success(op_unmap_split), 1);
	ck_assert_int_eq(vrm_pgt_lookup(&s2[0], BASE + 17 * K4, NULL, NULL, NULL), -ENOENT);
	ck_assert(maps(0, BASE + 18 * K4, BASE + 18 * K4, VRM_PGT_PROT_RWX));
}
END_TEST

/* ---- the pool through real tables: a failed map/unmap callback is
 * rolled back by the pool */

static int op_donate(void)
{
	return vrm_pool_donate(&pool, PA(510), 4, HOST, VM(0)); /* across the block boundary */
}

static int op_share(void)
{
	return vrm_pool_share(&pool, PA(100), 3, HOST, VM(1));
}

static int op_unshare(void)
{
	return vrm_pool_unshare(&pool, PA(100), 3, HOST, VM(1));
}

static int op_share_back(void)
{
	return vrm_pool_share(&pool, PA(511), 1, VM(0), HOST);
}

static int op_reclaim(void)
{
	return vrm_pool_reclaim(&pool, VM(0));
}

static int op_donate_hyp(void)
{
	return vrm_pool_donate(&pool, PA(300), 2, HOST, HYP);
}

static int op_donate_back(void)
{
	return vrm_pool_donate(&pool, PA(300), 2, HYP, HOST);
}

START_TEST(pool_transitions_through_real_tables_fail_cleanly)
{
	hash_fn = translation_hash;
	ck_assert_uint_ge(fail_until_success(op_donate_hyp), 1); /* host block split */
	ck_assert_uint_ge(fail_until_success(op_donate), 2); /* VM tables */
	ck_assert_int_eq(vrm_pool_state_of(&pool, PA(511), VM(0)), VRM_POOL_OWNED);
	ck_assert_int_eq(vrm_pgt_lookup(&s2[0], PA(511), NULL, NULL, NULL), -ENOENT);
	ck_assert_uint_ge(fail_until_success(op_share), 1);
	ck_assert(maps(2, PA(101), PA(101), VRM_PGT_PROT_RW));
	fail_until_success(op_unshare);
	ck_assert_int_eq(vrm_pgt_lookup(&s2[2], PA(101), NULL, NULL, NULL), -ENOENT);
	fail_until_success(op_share_back);
	ck_assert(maps(0, PA(511), PA(511), VRM_PGT_PROT_RW));
	ck_assert_int_eq(vrm_pool_unshare(&pool, PA(511), 1, VM(0), HOST), 0);
	fail_until_success(op_reclaim);
	ck_assert_int_eq(vrm_pool_state_of(&pool, PA(511), HOST), VRM_POOL_OWNED);
	ck_assert(maps(0, PA(511), PA(511), VRM_PGT_PROT_RWX));
	fail_until_success(op_donate_back);
	ck_assert(maps(0, PA(300), PA(300), VRM_PGT_PROT_RWX));
	hash_fn = state_hash;
}
END_TEST

/* ---- tables whose pages come from the pool's hyp allocator */

static struct vrm_pool hpool;
static struct vrm_pool_page hmeta[64];
static uint8_t hmem[64 * 4096] __attribute__((aligned(4096)));
static struct vrm_pgt hpgt;

static void *hyp_zalloc(void *ctx)
{
	vrm_pa_t pa;

	(void)ctx;
	return vrm_pool_hyp_alloc(&hpool, 0, &pa) == 0 ? (void *)(uintptr_t)pa : NULL;
}

static void hyp_free_page(void *ctx, void *va)
{
	(void)ctx;
	ck_assert_int_eq(vrm_pool_hyp_free(&hpool, (vrm_pa_t)(uintptr_t)va, 0), 0);
}

static vrm_pa_t v2p(void *ctx, void *va)
{
	(void)ctx;
	return (vrm_pa_t)(uintptr_t)va;
}

static const struct vrm_pgt_mm_ops hyp_mm = { hyp_zalloc, hyp_free_page, v2p, p2v, NULL, NULL, NULL };

static uint64_t hyp_hash(void)
{
	uint64_t h = 0, i;

	for (i = 0; i < 64; i++)
		h = (h ^ hmeta[i].word) * 0x100000001b3ull;
	for (i = 0; i < sizeof(hmem) / 8; i++)
		h = (h ^ ((const uint64_t *)hmem)[i]) * 0x100000001b3ull;
	return h;
}

START_TEST(hyp_allocator_backed_tables_fail_cleanly)
{
	struct vrm_pool_ops ops = { NULL, NULL, s2_map, s2_unmap, p2v, NULL };
	struct vrm_pgt_config cfg = { .stage = VRM_PGT_EL2_S1, .ia_bits = 48, .start_level = -1 };
	unsigned long n;
	uint64_t before;
	int ret;

	ck_assert_int_eq(vrm_pool_init(&hpool, (vrm_pa_t)(uintptr_t)hmem, 64, hmeta, 0, &ops), 0);
	ck_assert_int_eq(vrm_pool_boot_assign(&hpool, (vrm_pa_t)(uintptr_t)hmem, 64, HYP), 0);
	fault_alloc_init(&fa, &hyp_mm);
	ck_assert_int_eq(vrm_pgt_init(&hpgt, &cfg, &fa.ops), 0);
	for (n = 1;; n++) {
		before = hyp_hash();
		fault_alloc_arm(&fa, n);
		ret = vrm_pgt_map(&hpgt, BASE + M2 - K4, BASE, 2 * K4, VRM_PGT_PROT_RW);
		fault_alloc_arm(&fa, 0);
		if (ret == 0)
			break;
		ck_assert_int_eq(ret, -ENOMEM);
		ck_assert_msg(hyp_hash() == before, "failing hyp allocation %lu changed the state", n);
		ck_assert_int_eq(vrm_pool_check_invariants(&hpool), 0);
	}
	ck_assert_uint_ge(n, 5); /* L0 -> L1 -> L2 -> two L3 */
	ck_assert_int_eq(vrm_pgt_lookup(&hpgt, BASE + M2, NULL, NULL, NULL), 0);
	pgt_retire(&hpgt);
	for (n = 0; n < 64; n++) /* every table page went back to the allocator */
		ck_assert_int_eq(vrm_pool_hyp_free(&hpool, (vrm_pa_t)(uintptr_t)hmem + n * K4, 0),
				 -EPERM);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fault-alloc");
	TCase *tc = tcase_create("pgt");
	TCase *tp = tcase_create("hyp");
	SRunner *sr;
	int failed;

	mem = aligned_alloc(M2, NP * K4);
	if (mem == NULL)
		return 1;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, map_fails_cleanly_at_every_allocation);
	tcase_add_test(tc, remap_split_fails_cleanly_at_every_allocation);
	tcase_add_test(tc, set_prot_split_fails_cleanly_at_every_allocation);
	tcase_add_test(tc, unmap_split_fails_cleanly_at_every_allocation);
	tcase_add_test(tc, pool_transitions_through_real_tables_fail_cleanly);
	suite_add_tcase(s, tc);
	tcase_add_test(tp, hyp_allocator_backed_tables_fail_cleanly);
	suite_add_tcase(s, tp);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(mem);
	return failed == 0 ? 0 : 1;
}
