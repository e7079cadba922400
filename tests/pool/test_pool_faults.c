/* SPDX-License-Identifier: MIT */
/*
 * Fault injection in the stage-2 callbacks: failing the Nth callback, for
 * N = 1, 2, ... until the call succeeds, must leave every record and every
 * table exactly as before (refused up front or rolled back, never half
 * done); and the call that finally succeeds does the whole job.
 */
#include <check.h>
#include <errno.h>

#include <vrm/check.h>

#include "pool_test_util.h"
#include "../tools/check_run.h"

#define NP 64
#define NVM 4

static struct tpool t;

static void setup(void)
{
	tpool_init(&t, NP, NVM);
	ck_assert_int_eq(vrm_pool_boot_assign(&t.pool, PA(48), 8, HYP), 0);
	fake_s2_sync(&t.fake, &t.pool);
	/* Mixed state so commits have several runs:
	 * VM1 owns 0-3, 6-7, 20; borrows 8-9 (count 2 on 8) and 30-31;
	 * VM0 borrows 12-13 (count 1); hyp has 40-41 allocated-by-donation. */
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(0), 4, HOST, VM(1)), 0);
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(6), 2, HOST, VM(1)), 0);
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(20), 1, HOST, VM(1)), 0);
	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(8), 2, HOST, VM(1)), 0);
	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(8), 1, HOST, VM(1)), 0);
	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(30), 2, HOST, VM(1)), 0);
	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(12), 2, HOST, VM(0)), 0);
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(40), 2, HOST, HYP), 0);
	vrm_check_reset();
}

static void teardown(void)
{
	tpool_fini(&t);
}

enum op { DONATE_VM, DONATE_HYP, DONATE_BACK, SHARE, SHARE_BACK, UNSHARE, RECLAIM };

static int call(enum op op)
{
	switch (op) {
	case DONATE_VM:
		return vrm_pool_donate(&t.pool, PA(22), 5, HOST, VM(2));
	case DONATE_HYP:
		return vrm_pool_donate(&t.pool, PA(24), 2, HOST, HYP);
	case DONATE_BACK:
		return vrm_pool_donate(&t.pool, PA(40), 2, HYP, HOST);
	case SHARE: /* 10-11 and 14-17 are first grants, 12-13 a second */
		return vrm_pool_share(&t.pool, PA(10), 8, HOST, VM(0));
	case SHARE_BACK:
		return vrm_pool_share(&t.pool, PA(0), 4, VM(1), HOST);
	case UNSHARE: /* 9 loses its last grant, 8 does not */
		return vrm_pool_unshare(&t.pool, PA(8), 2, HOST, VM(1));
	case RECLAIM:
		return vrm_pool_reclaim(&t.pool, VM(1));
	}
	return -1;
}

/* Fail callback N (of kind `kind`, 0 = any) for N = 1, 2, ...; returns
 * how many failures were injected before the call succeeded. */
static unsigned long fail_until_success(enum op op, int kind)
{
	unsigned long n;
	int ret;

	for (n = 1;; n++) {
		struct tsnap s = tsnap_take(&t);

		t.fake.calls = 0;
		t.fake.fail_at = n;
		t.fake.fail_kind = kind;
		ret = call(op);
		t.fake.fail_at = 0;
		if (ret == 0) {
			tsnap_free(&s);
			break;
		}
		ck_assert_int_eq(ret, -ENOMEM);
		ck_assert_msg(tsnap_same(&t, &s), "op %d: failing callback %lu left a change",
			      op, n);
		ck_assert_int_eq(vrm_pool_check_invariants(&t.pool), 0);
		tsnap_free(&s);
	}
	ck_assert_int_eq(vrm_pool_check_invariants(&t.pool), 0);
	ck_assert_uint_eq(t.fake.violations, 0);
	ck_assert_uint_eq(vrm_check_count(VRM_COND_MEMORY_ISOLATION), 0);
	return n - 1;
}

/* The same call on a twin pool without faults ends in the same state. */
static void same_as_without_faults(enum op op)
{
	struct tsnap after = tsnap_take(&t);
	struct tpool saved = t;

	setup();
	ck_assert_int_eq(call(op), 0);
	ck_assert(tsnap_same(&t, &after));
	teardown();
	t = saved;
	tsnap_free(&after);
}

static const enum op all_ops[] = { DONATE_VM, DONATE_HYP, DONATE_BACK, SHARE,
				   SHARE_BACK, UNSHARE, RECLAIM };

START_TEST(failing_any_callback_changes_nothing)
{
	enum op op = all_ops[_i];

	ck_assert_uint_ge(fail_until_success(op, 0), 2);
	same_as_without_faults(op);
}
END_TEST

START_TEST(failing_a_map_after_reserve_is_rolled_back)
{
	enum op op = all_ops[_i];

	/* Every op but unshare maps for a receiver (unshare only re-maps
	 * when rolling back an unmap, tested below). */
	if (op != UNSHARE)
		ck_assert_uint_ge(fail_until_success(op, FAKE_MAP), 1);
	else
		ck_assert_uint_eq(fail_until_success(op, FAKE_MAP), 0);
	same_as_without_faults(op);
}
END_TEST

START_TEST(failing_an_unmap_is_rolled_back)
{
	enum op op = all_ops[_i];

	/* share unmaps nothing (only when rolling back a map) */
	if (op != SHARE && op != SHARE_BACK)
		ck_assert_uint_ge(fail_until_success(op, FAKE_UNMAP), 1);
	else
		ck_assert_uint_eq(fail_until_success(op, FAKE_UNMAP), 0);
	same_as_without_faults(op);
}
END_TEST

START_TEST(failing_a_reserve_is_refused_up_front)
{
	ck_assert_uint_ge(fail_until_success(all_ops[_i], FAKE_RESERVE), 1);
}
END_TEST

START_TEST(reclaim_rollback_restores_many_runs)
{
	/* 3 owned runs, 2 borrowed runs: fail each map of the host in turn */
	ck_assert_uint_eq(fail_until_success(RECLAIM, FAKE_MAP), 3);
	ck_assert_uint_eq(fail_until_success(RECLAIM, FAKE_MAP), 0); /* nothing left */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pool-faults");
	TCase *tc = tcase_create("faults");
	int n = (int)(sizeof(all_ops) / sizeof(all_ops[0]));

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, failing_any_callback_changes_nothing, 0, n);
	tcase_add_loop_test(tc, failing_a_map_after_reserve_is_rolled_back, 0, n);
	tcase_add_loop_test(tc, failing_an_unmap_is_rolled_back, 0, n);
	tcase_add_loop_test(tc, failing_a_reserve_is_refused_up_front, 0, n);
	tcase_add_test(tc, reclaim_rollback_restores_many_runs);
	suite_add_tcase(s, tc);
	return vrm_test_run(s);
}
