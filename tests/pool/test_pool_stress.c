/* SPDX-License-Identifier: MIT */
/*
 * Concurrency stress: one thread per online CPU donating, sharing,
 * unsharing, reclaiming and allocating on overlapping ranges of one pool.
 * The invariants must hold at sampled quiescent points (all threads parked
 * at a barrier), under concurrent checks (check_invariants takes every
 * lock), and at the end; the fake stage-2 must see no contract breach.
 */
#define _DEFAULT_SOURCE /* sysconf under -std=c11 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include <vrm/check.h>
#include <vrm/hosted.h>

#include "pool_test_util.h"
#include "../tools/check_run.h"

#ifndef POOL_STRESS_OPS
#define POOL_STRESS_OPS 20000
#endif
#define NP 256
#define NVM 8
#define SAMPLE 1000

static struct tpool t;
static pthread_barrier_t barrier;
static unsigned nthreads;
static unsigned long bad_checks, bad_errors, successes;

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

static bool known_error(int r)
{
	return r == 0 || r == -EPERM || r == -EBUSY || r == -EINVAL || r == -ENOMEM ||
	       r == -EOVERFLOW;
}

static void *worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	uint64_t s = UINT64_C(0x1234567) * (id + 1), n;
	vrm_pa_t pa, held[16];
	unsigned nheld = 0;
	unsigned long i;
	vrm_principal_t vm;
	int r = 0;

	vrm_hosted_set_cpu_id(id);
	for (i = 1; i <= POOL_STRESS_OPS; i++) {
		pa = PA(rnd(&s) % NP);
		n = 1 + rnd(&s) % 8;
		if (pa + n * VRM_PAGE_SIZE > PA(NP))
			n = (PA(NP) - pa) / VRM_PAGE_SIZE;
		vm = VM(rnd(&s) % NVM);
		switch (rnd(&s) % 9) {
		case 0:
		case 1:
			r = vrm_pool_donate(&t.pool, pa, n, HOST, vm);
			break;
		case 2:
			r = vrm_pool_share(&t.pool, pa, n, HOST, vm);
			break;
		case 3:
			r = vrm_pool_share(&t.pool, pa, n, vm, HOST);
			break;
		case 4:
			r = vrm_pool_unshare(&t.pool, pa, n, HOST, vm);
			break;
		case 5:
			r = vrm_pool_unshare(&t.pool, pa, n, vm, HOST);
			break;
		case 6:
			r = rnd(&s) % 4 == 0 ? vrm_pool_reclaim(&t.pool, vm) : 0;
			break;
		case 7:
			if (nheld < 16) {
				r = vrm_pool_hyp_alloc(&t.pool, 0, &held[nheld]);
				nheld += r == 0;
			} else {
				r = vrm_pool_hyp_free(&t.pool, held[--nheld], 0);
			}
			break;
		default:
			if (rnd(&s) % 2 == 0 && nheld > 0)
				r = vrm_pool_donate(&t.pool, held[--nheld], 1, HYP, HOST);
			else
				r = vrm_pool_donate(&t.pool, pa, 1, HOST, HYP);
			break;
		}
		if (!known_error(r))
			__atomic_add_fetch(&bad_errors, 1, __ATOMIC_RELAXED);
		if (r == 0)
			__atomic_add_fetch(&successes, 1, __ATOMIC_RELAXED);
		if (id == 0 && i % 97 == 0 && vrm_pool_check_invariants(&t.pool) != 0)
			__atomic_add_fetch(&bad_checks, 1, __ATOMIC_RELAXED);
		if (i % SAMPLE == 0) {
			/* Quiescent point: nobody is inside the pool. */
			pthread_barrier_wait(&barrier);
			if (id == 0 && (vrm_pool_check_invariants(&t.pool) != 0 ||
					t.fake.violations != 0))
				__atomic_add_fetch(&bad_checks, 1, __ATOMIC_RELAXED);
			pthread_barrier_wait(&barrier);
		}
	}
	while (nheld > 0)
		if (vrm_pool_hyp_free(&t.pool, held[--nheld], 0) != 0)
			__atomic_add_fetch(&bad_errors, 1, __ATOMIC_RELAXED);
	return NULL;
}

static int count_run(void *arg, vrm_pa_t pa, uint64_t n, enum vrm_pool_state st)
{
	(void)pa;
	(void)n;
	(void)st;
	++*(uint64_t *)arg;
	return 0;
}

START_TEST(invariants_hold_under_concurrent_transitions)
{
	pthread_t th[64];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned i;

	nthreads = cpus < 2 ? 2 : cpus > 64 ? 64 : (unsigned)cpus;
	tpool_init(&t, NP, NVM);
	ck_assert_int_eq(vrm_pool_boot_assign(&t.pool, PA(224), 32, HYP), 0);
	fake_s2_sync(&t.fake, &t.pool);
	vrm_check_reset();
	pthread_barrier_init(&barrier, NULL, nthreads);
	for (i = 0; i < nthreads; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i), 0);
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&barrier);
	ck_assert_uint_eq(bad_errors, 0);
	ck_assert_uint_eq(bad_checks, 0);
	ck_assert_uint_gt(successes, (unsigned long)POOL_STRESS_OPS / 10);
	ck_assert_int_eq(vrm_pool_check_invariants(&t.pool), 0);
	ck_assert_uint_eq(t.fake.violations, 0);
	ck_assert_uint_eq(vrm_check_count(VRM_COND_MEMORY_ISOLATION), 0);
	/* Every VM can still be torn down, leaving it nothing. */
	for (i = 0; i < NVM; i++) {
		uint64_t p, runs = 0;

		for (p = 0; p < NP; p++)
			while (vrm_pool_unshare(&t.pool, PA(p), 1, VM(i), HOST) == 0)
				;
		ck_assert_int_eq(vrm_pool_reclaim(&t.pool, VM(i)), 0);
		ck_assert_int_eq(vrm_pool_for_each(&t.pool, VM(i), count_run, &runs), 0);
		ck_assert_uint_eq(runs, 0);
	}
	ck_assert_int_eq(vrm_pool_check_invariants(&t.pool), 0);
	ck_assert_uint_eq(t.fake.violations, 0);
	tpool_fini(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pool-stress");
	TCase *tc = tcase_create("stress");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, invariants_hold_under_concurrent_transitions);
	suite_add_tcase(s, tc);
	return vrm_test_run(s);
}
