/* SPDX-License-Identifier: MIT */
/*
 * Counter stress of the ticket lock, and the same harness against a lock
 * whose ticket fetch is not atomic: the harness must catch the broken one,
 * or its passing the real lock proves nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include <vrm/barrier.h>
#include <vrm/ticket.h>

#include "lock_stress.h"
#include "../tools/check_run.h"

#ifndef STRESS_ROUNDS
#define STRESS_ROUNDS 1000000
#endif

static bool vrm_lock_fn(void *l, const volatile bool *abort)
{
	(void)abort;
	vrm_ticket_lock(l);
	return true;
}

static void vrm_unlock_fn(void *l)
{
	vrm_ticket_unlock(l);
}

START_TEST(counter_stress_loses_no_update)
{
	vrm_ticket_t lock = VRM_TICKET_INIT;
	struct lock_ops ops = { "vrm_ticket", &lock, vrm_lock_fn, vrm_unlock_fn };
	struct stress_result r;
	unsigned threads = stress_online_cpus();
	bool ok = stress_run(&ops, threads < 2 ? 2 : threads, STRESS_ROUNDS, &r);

	printf("# vrm_ticket: %u threads x %d rounds: counted %llu of %llu, overlaps %llu%s\n",
	       r.threads, STRESS_ROUNDS, (unsigned long long)r.counted,
	       (unsigned long long)r.expected, (unsigned long long)r.overlaps,
	       r.wedged ? ", WEDGED" : "");
	ck_assert(ok);
	ck_assert(!vrm_ticket_is_locked(&lock));
}
END_TEST

#ifndef STRESS_NO_BROKEN
/* The bug under test: ticket = next; next = ticket + 1 as two accesses, so
 * two CPUs can draw the same ticket. Everything else is as the real lock. */
struct broken_ticket {
	uint16_t owner, next;
};

static bool broken_lock_fn(void *p, const volatile bool *abort)
{
	struct broken_ticket *l = p;
	uint16_t ticket = __atomic_load_n(&l->next, __ATOMIC_RELAXED);

	for (volatile int spin = 0; spin < 50; spin++)
		; /* time between the load and the store, as an interrupt would */
	__atomic_store_n(&l->next, (uint16_t)(ticket + 1), __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket) {
		if (*abort)
			return false;
		vrm_cpu_relax();
	}
	return true;
}

static void broken_unlock_fn(void *p)
{
	struct broken_ticket *l = p;
	uint16_t o = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);

	__atomic_store_n(&l->owner, (uint16_t)(o + 1), __ATOMIC_RELEASE);
}

START_TEST(counter_stress_catches_a_non_atomic_ticket_fetch)
{
	struct broken_ticket lock = { 0, 0 };
	struct lock_ops ops = { "broken_ticket", &lock, broken_lock_fn, broken_unlock_fn };
	struct stress_result r;
	unsigned threads = stress_online_cpus();
	bool ok = stress_run(&ops, threads < 2 ? 2 : threads, STRESS_ROUNDS, &r);

	printf("# broken_ticket: counted %llu of %llu, overlaps %llu%s\n",
	       (unsigned long long)r.counted, (unsigned long long)r.expected,
	       (unsigned long long)r.overlaps, r.wedged ? ", wedged (caught)" : "");
	ck_assert_msg(!ok, "the harness did not notice a broken lock");
}
END_TEST
#endif

int main(void)
{
	Suite *s = suite_create("ticket_stress");
	TCase *tc = tcase_create("stress");

	tcase_set_timeout(tc, 0); /* meson's per-test timeout governs */
	tcase_add_test(tc, counter_stress_loses_no_update);
#ifndef STRESS_NO_BROKEN
	tcase_add_test(tc, counter_stress_catches_a_non_atomic_ticket_fetch);
#endif
	suite_add_tcase(s, tc);
	return vrm_test_run(s);
}
