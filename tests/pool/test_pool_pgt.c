/* SPDX-License-Identifier: MIT */
/*
 * The pool wired to real stage-2 tables (vrm_pgt, identity IPA = PA), as
 * the example hypervisor wires it: ownership changes show up as
 * translations appearing and disappearing in the principals' tables.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <vrm/pgtable.h>
#include <vrm/pool.h>
#include "../tools/check_run.h"
#include "../tools/pgt_retire.h"

#define BASE UINT64_C(0x80000000)
#define NP 64
#define NVM 2
#define PA(i) (BASE + (uint64_t)(i) * VRM_PAGE_SIZE)
#define HOST VRM_PRINCIPAL_HOST
#define VM(n) VRM_PRINCIPAL_VM(n)

static uint8_t mem[NP * 4096] __attribute__((aligned(4096)));
static struct vrm_pgt s2[1 + NVM]; /* host, VM 0, VM 1 */
static struct vrm_pool pool;
static struct vrm_pool_page meta[NP];

static void *zalloc_page(void *ctx)
{
	void *p = aligned_alloc(4096, 4096);

	(void)ctx;
	if (p != NULL)
		memset(p, 0, 4096);
	return p;
}

static void free_page(void *ctx, void *va)
{
	(void)ctx;
	free(va);
}

static vrm_pa_t v2p(void *ctx, void *va)
{
	(void)ctx;
	return (vrm_pa_t)(uintptr_t)va;
}

static void *p2v(void *ctx, vrm_pa_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static const struct vrm_pgt_mm_ops mm = { zalloc_page, free_page, v2p, p2v, NULL, NULL, NULL };

static struct vrm_pgt *table(vrm_principal_t who)
{
	if (who == HOST)
		return &s2[0];
	if (VRM_PRINCIPAL_IS_VM(who))
		return &s2[1 + VRM_PRINCIPAL_VM_ID(who)];
	return NULL; /* the hyp: its EL2 map covers all memory, write-once */
}

static int s2_map(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t n,
		  enum vrm_pool_state st)
{
	struct vrm_pgt *t = table(who);

	(void)ctx;
	if (t == NULL)
		return 0;
	return vrm_pgt_map(t, pa, pa, n * VRM_PAGE_SIZE,
			   st == VRM_POOL_SHARED_BORROWED ? VRM_PGT_PROT_RW : VRM_PGT_PROT_RWX);
}

static int s2_unmap(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t n)
{
	struct vrm_pgt *t = table(who);

	(void)ctx;
	return t == NULL ? 0 : vrm_pgt_unmap(t, pa, n * VRM_PAGE_SIZE);
}

static void *pool_va(void *ctx, vrm_pa_t pa)
{
	(void)ctx;
	return mem + (pa - BASE);
}

static bool s2_mapped(void *ctx, vrm_principal_t who, vrm_pa_t pa)
{
	struct vrm_pgt *t = table(who);

	(void)ctx;
	return t != NULL && vrm_pgt_lookup(t, pa, NULL, NULL, NULL) == 0;
}

static void setup(void)
{
	struct vrm_pool_ops ops = { NULL, NULL, s2_map, s2_unmap, pool_va, s2_mapped };
	struct vrm_pgt_config cfg = { VRM_PGT_STAGE2, 40, -1, 0, 0 };
	int i;

	for (i = 0; i < 1 + NVM; i++) {
		cfg.vmid = (uint16_t)i;
		ck_assert_int_eq(vrm_pgt_init(&s2[i], &cfg, &mm), 0);
	}
	ck_assert_int_eq(vrm_pool_init(&pool, BASE, NP, meta, NVM, &ops), 0);
	/* The host starts with all its memory mapped. */
	ck_assert_int_eq(vrm_pgt_map(&s2[0], BASE, BASE, NP * VRM_PAGE_SIZE, VRM_PGT_PROT_RWX), 0);
}

static void teardown(void)
{
	int i;

	ck_assert_int_eq(vrm_pool_check_invariants(&pool), 0);
	for (i = 0; i < 1 + NVM; i++)
		pgt_retire(&s2[i]);
}

START_TEST(donate_moves_the_translation_between_real_stage2_tables)
{
	ck_assert_int_eq(vrm_pool_donate(&pool, PA(8), 4, HOST, VM(0)), 0);
	ck_assert_int_eq(vrm_pgt_lookup(&s2[0], PA(9), NULL, NULL, NULL), -ENOENT);
	ck_assert_int_eq(vrm_pgt_lookup(&s2[1], PA(9), NULL, NULL, NULL), 0);
	ck_assert_int_eq(vrm_pool_check_invariants(&pool), 0);
}
END_TEST

START_TEST(share_and_reclaim_on_real_stage2_tables)
{
	ck_assert_int_eq(vrm_pool_donate(&pool, PA(0), 8, HOST, VM(1)), 0);
	ck_assert_int_eq(vrm_pool_share(&pool, PA(2), 1, VM(1), HOST), 0);
	ck_assert_int_eq(vrm_pgt_lookup(&s2[0], PA(2), NULL, NULL, NULL), 0);
	ck_assert_int_eq(vrm_pool_check_invariants(&pool), 0);
	ck_assert_int_eq(vrm_pool_reclaim(&pool, VM(1)), -EBUSY);
	ck_assert_int_eq(vrm_pool_unshare(&pool, PA(2), 1, VM(1), HOST), 0);
	ck_assert_int_eq(vrm_pool_share(&pool, PA(20), 2, HOST, VM(1)), 0);
	mem[3 * 4096] = 0x42; /* the VM's data */
	ck_assert_int_eq(vrm_pool_reclaim(&pool, VM(1)), 0);
	ck_assert_uint_eq(mem[3 * 4096], 0);
	ck_assert_int_eq(vrm_pgt_lookup(&s2[2], PA(3), NULL, NULL, NULL), -ENOENT);
	ck_assert_int_eq(vrm_pgt_lookup(&s2[2], PA(20), NULL, NULL, NULL), -ENOENT);
	ck_assert_int_eq(vrm_pgt_lookup(&s2[0], PA(3), NULL, NULL, NULL), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pool-pgt");
	TCase *tc = tcase_create("pgt");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, donate_moves_the_translation_between_real_stage2_tables);
	tcase_add_test(tc, share_and_reclaim_on_real_stage2_tables);
	suite_add_tcase(s, tc);
	return vrm_test_run(s);
}
