/* SPDX-License-Identifier: MIT */
/*
 * Transactional-Page-Table under concurrency: one mapper thread keeps
 * mapping, remapping (BBM, splits), changing prot and unmapping (freeing
 * tables through RCU) while walker threads translate with the lock-free
 * walk. Every result must be a fault or a PA that was validly mapped at
 * that IPA: the mapper only ever maps ia -> ia | (gen << 34), gen < 8,
 * with prot R or RW, so a torn or stale-table result shows as a PA or prot
 * outside that set. Run twice: plain, and on a table with block
 * coalescing (one generation, so that split regions become blocks again).
 */
#define _DEFAULT_SOURCE
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vrm/pgtable_rcu.h>
#include "../tools/pgt_retire.h"

#ifndef STRESS_WALKS
#define STRESS_WALKS 1000000
#endif
#define K4 UINT64_C(0x1000)
#define M2 UINT64_C(0x200000)
#define WINDOW (16 * M2)
#define WBASE (UINT64_C(1) << 30)
#define GEN_SHIFT 34

static pthread_mutex_t mm_lock = PTHREAD_MUTEX_INITIALIZER;
static long live_pages;

static void *s_zalloc(void *ctx)
{
	void *p = aligned_alloc(4096, 4096);

	(void)ctx;
	if (p) {
		memset(p, 0, 4096);
		pthread_mutex_lock(&mm_lock);
		live_pages++;
		pthread_mutex_unlock(&mm_lock);
	}
	return p;
}

static void s_free(void *ctx, void *va)
{
	(void)ctx;
	pthread_mutex_lock(&mm_lock);
	live_pages--;
	pthread_mutex_unlock(&mm_lock);
	free(va);
}

static vrm_pa_t s_v2p(void *ctx, void *va) { (void)ctx; return (vrm_pa_t)(uintptr_t)va; }
static void *s_p2v(void *ctx, vrm_pa_t pa) { (void)ctx; return (void *)(uintptr_t)pa; }

static const struct vrm_pgt_mm_ops inner = { s_zalloc, s_free, s_v2p, s_p2v, NULL, NULL, NULL };
static struct vrm_pgt_rcu_mm rmm;
static struct vrm_pgt pgt;
static int stop;
static long walks_per_thread;
/* Walkers keep going until the mapper has changed the tables this often,
 * however the scheduler treats it: no outcome depends on timing. */
#define MIN_MAPPER_OPS 200
static long mapper_ops;
/* Generations the mapper cycles through: 8, or 1 for the coalescing run
 * (one pa per ia, so a region split by a remap or set_prot of part of it
 * is uniform again, and a block again, as soon as the part is undone). */
static uint64_t gens = 8;

struct wstats { long walks, mapped, bad; };

static void *walker(void *arg)
{
	struct wstats *st = arg;
	uint64_t rng = (uint64_t)(uintptr_t)arg * 0x9e3779b97f4a7c15ull | 1;
	long i;

	vrm_pgt_rcu_register_thread();
	for (i = 0; i < walks_per_thread ||
		    __atomic_load_n(&mapper_ops, __ATOMIC_RELAXED) < MIN_MAPPER_OPS; i++) {
		struct vrm_pgt_xlate x;
		uint64_t ia;
		int r;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		ia = WBASE + (rng % (WINDOW / K4)) * K4 + (rng >> 52);
		r = vrm_pgt_rcu_walk(&pgt, ia, &x);
		st->walks++;
		if (r == -VRM_ENOENT)
			continue;
		if (r != 0 || (x.pa & ((UINT64_C(1) << GEN_SHIFT) - 1)) != ia ||
		    (x.pa >> GEN_SHIFT) >= 8 ||
		    (x.prot != VRM_PGT_PROT_R && x.prot != VRM_PGT_PROT_RW))
			st->bad++;
		else
			st->mapped++;
	}
	vrm_pgt_rcu_unregister_thread();
	return NULL;
}

static void *mapper(void *arg)
{
	uint64_t rng = 88172645463325252ull, gen = 0;
	long *ops = arg;

	vrm_pgt_rcu_register_thread();
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		uint64_t kind, first, n, ia;
		uint32_t prot;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		kind = rng % 4;
		n = (rng >> 8) % 3 == 0 ? M2 / K4 : 1 + (rng >> 16) % 16;
		first = n == M2 / K4 ? ((rng >> 24) % (WINDOW / M2)) * (M2 / K4)
				     : (rng >> 24) % (WINDOW / K4 - n);
		ia = WBASE + first * K4;
		prot = (rng >> 40) & 1 ? VRM_PGT_PROT_R : VRM_PGT_PROT_RW;
		if (gens == 1 && kind != 2)
			prot = VRM_PGT_PROT_RW; /* only set_prot makes a region non-uniform */
		gen = (gen + 1) % gens;
		if (kind == 0)
			vrm_pgt_map(&pgt, ia, ia | (gen << GEN_SHIFT), n * K4, prot);
		else if (kind == 1)
			vrm_pgt_remap(&pgt, ia, ia | (gen << GEN_SHIFT), n * K4, prot);
		else if (kind == 2)
			vrm_pgt_set_prot(&pgt, ia, n * K4, prot);
		else
			vrm_pgt_unmap(&pgt, ia, n * K4);
		(*ops)++;
		__atomic_store_n(&mapper_ops, *ops, __ATOMIC_RELAXED);
	}
	vrm_pgt_rcu_unregister_thread();
	return NULL;
}

static void run_stress(uint32_t flags, uint64_t ngens)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), nw = cpus > 1 ? cpus - 1 : 1, i, ops = 0;
	long walks = 0, mapped = 0, bad = 0;
	pthread_t mt, wt[64];
	struct wstats st[64];

	if (nw > 64)
		nw = 64;
	walks_per_thread = STRESS_WALKS / nw + 1;
	gens = ngens;
	__atomic_store_n(&stop, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&mapper_ops, 0, __ATOMIC_RELAXED);
	vrm_pgt_rcu_register_thread();
	vrm_pgt_rcu_mm_init(&rmm, &inner);
	ck_assert_int_eq(vrm_pgt_init(&pgt, &(struct vrm_pgt_config){ VRM_PGT_STAGE2, 40, -1, 2,
								      flags }, &rmm.ops), 0);
	memset(st, 0, sizeof(st));
	ck_assert_int_eq(pthread_create(&mt, NULL, mapper, &ops), 0);
	for (i = 0; i < nw; i++)
		ck_assert_int_eq(pthread_create(&wt[i], NULL, walker, &st[i]), 0);
	for (i = 0; i < nw; i++) {
		pthread_join(wt[i], NULL);
		walks += st[i].walks;
		mapped += st[i].mapped;
		bad += st[i].bad;
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(mt, NULL);
	ck_assert_int_ge(walks, STRESS_WALKS);
	ck_assert_int_eq(bad, 0);
	ck_assert_int_gt(mapped, 0);           /* walkers did see mappings */
	ck_assert_int_lt(mapped, walks);       /* and faults: the tables moved */
	ck_assert_int_ge(ops, MIN_MAPPER_OPS);
	pgt_retire(&pgt);
	vrm_pgt_rcu_barrier();
	pthread_mutex_lock(&mm_lock);
	ck_assert_int_eq(live_pages, 0);       /* every deferred free arrived */
	pthread_mutex_unlock(&mm_lock);
	vrm_pgt_rcu_unregister_thread();
}

START_TEST(walkers_see_only_faults_or_pas_once_mapped_there)
{
	run_stress(0, 8);
}
END_TEST

/* Block coalescing under the same walkers: tables become blocks (break,
 * range flush, make) and their pages go through RCU while walks may be
 * inside them. */
START_TEST(with_block_coalescing_too)
{
	run_stress(VRM_PGT_COALESCE, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pgtable-stress");
	TCase *tc = tcase_create("stress");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 0);
	tcase_add_test(tc, walkers_see_only_faults_or_pas_once_mapped_there);
	tcase_add_test(tc, with_block_coalescing_too);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
