/* SPDX-License-Identifier: MIT */
/* Ticket lock contract: one test per promise of include/vrm/ticket.h. */
#define _DEFAULT_SOURCE /* usleep, sysconf under -std=c11 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <vrm/arch/select.h>
#include <vrm/barrier.h>
#include <vrm/hosted.h>
#include <vrm/ticket.h>
#include "../stress/lock_stress.h"
#include "../tools/check_run.h"

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ATOMICS
#define HWCAP_ATOMICS (1UL << 8)
#endif
#ifndef HWCAP_CPUID
#define HWCAP_CPUID (1UL << 11)
#endif
#define HAVE_HWCAP 1
#else
#define HAVE_HWCAP 0
#endif
#if VRM_ARCH_AARCH64
#include <vrm/arch/aarch64/sysreg.h>
#endif

#ifndef TICKET_ROUNDS
#define TICKET_ROUNDS 200000
#endif

/* What Linux says every CPU has: FEAT_LSE (ID_AA64ISAR0_EL1.Atomic >= 2). */
static bool cpu_has_lse(void)
{
#if HAVE_HWCAP
	return (getauxval(AT_HWCAP) & HWCAP_ATOMICS) != 0;
#else
	return false;
#endif
}

static uint64_t isar0_with_atomic(uint64_t atomic)
{
	return atomic << VRM_ID_AA64ISAR0_ATOMIC_SHIFT;
}

/* Back to the choice made before main() (lib/hosted/ticket_hwcap.c). */
static void reselect_from_hwcap(void)
{
	ck_assert_int_ge(vrm_ticket_select_atomics(isar0_with_atomic(cpu_has_lse() ? 2 : 0)), 0);
}

START_TEST(errno_values_match_libc)
{
	ck_assert_int_eq(VRM_EPERM, EPERM);
	ck_assert_int_eq(VRM_ENOENT, ENOENT);
	ck_assert_int_eq(VRM_ENOMEM, ENOMEM);
	ck_assert_int_eq(VRM_EBUSY, EBUSY);
	ck_assert_int_eq(VRM_ENODEV, ENODEV);
	ck_assert_int_eq(VRM_EEXIST, EEXIST);
	ck_assert_int_eq(VRM_EINVAL, EINVAL);
	ck_assert_int_eq(VRM_EOVERFLOW, EOVERFLOW);
}
END_TEST

/* The aarch64 builds must really run aarch64 code (under qemu-aarch64),
 * with the LSE or LL/SC lock the build asked for (EXPECT_LSE 1 or 0), or,
 * in a -Datomics=runtime build (-1), the one the CPU allows: the hosted
 * constructor chose it before main(), also in this static binary. */
START_TEST(runs_the_architecture_and_lock_path_it_was_built_for)
{
#if defined(__aarch64__)
	ck_assert_int_eq(EXPECT_AARCH64, 1);
#else
	ck_assert_int_eq(EXPECT_AARCH64, 0);
#endif
	if (EXPECT_LSE >= 0)
		ck_assert_int_eq(vrm_ticket_uses_lse(), EXPECT_LSE);
	else
		ck_assert_int_eq(vrm_ticket_uses_lse(), cpu_has_lse());
}
END_TEST

/* Every ID_AA64ISAR0_EL1 value is accepted and picks LSE iff Atomic >= 2,
 * whatever the other fields hold; only an LSE-only build refuses a CPU
 * without it. No lock is taken between a selection and the restore, so a
 * choice this CPU cannot run is never used. */
START_TEST(select_atomics_reads_only_the_atomic_field_and_refuses_only_what_cannot_run)
{
	static const uint64_t others[] = {
		0, ~VRM_ID_AA64ISAR0_ATOMIC_MASK,
		UINT64_C(0x0221100110212120) & ~VRM_ID_AA64ISAR0_ATOMIC_MASK, /* a Neoverse-N1-like value */
	};

	for (uint64_t atomic = 0; atomic < 16; atomic++) {
		for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++) {
			uint64_t v = others[k] | isar0_with_atomic(atomic);
			bool lse = atomic >= 2;
			int got = vrm_ticket_select_atomics(v);
			bool now = vrm_ticket_uses_lse();

#if VRM_ARCH_ATOMICS_RUNTIME
			ck_assert_msg(got == (lse ? VRM_TICKET_ATOMICS_LSE : VRM_TICKET_ATOMICS_LLSC),
				      "isar0 %#llx: returned %d", (unsigned long long)v, got);
			ck_assert_int_eq(now, lse);
#elif VRM_ARCH_LSE
			ck_assert_msg(got == (lse ? VRM_TICKET_ATOMICS_LSE : -VRM_ENODEV),
				      "isar0 %#llx: returned %d", (unsigned long long)v, got);
			ck_assert(now);
#elif VRM_ARCH_AARCH64
			(void)lse;
			ck_assert_int_eq(got, VRM_TICKET_ATOMICS_LLSC);
			ck_assert(!now);
#else
			(void)lse;
			ck_assert_int_eq(got, VRM_TICKET_ATOMICS_GENERIC);
			ck_assert(!now);
#endif
		}
	}
	reselect_from_hwcap();
}
END_TEST

#if VRM_ARCH_AARCH64 && HAVE_HWCAP
/* vrm_arch_read_id_aa64isar0() is for EL1/EL2; at EL0 Linux (and
 * qemu-aarch64) emulate the MRS when HWCAP_CPUID says so. Its Atomic field
 * must agree with HWCAP_ATOMICS. */
START_TEST(id_register_read_agrees_with_hwcap)
{
	uint64_t v;

	if (!(getauxval(AT_HWCAP) & HWCAP_CPUID)) {
		printf("# no HWCAP_CPUID: ID register reads trap here, not checked\n");
		return;
	}
	v = vrm_arch_read_id_aa64isar0();
	ck_assert_int_eq((v & VRM_ID_AA64ISAR0_ATOMIC_MASK) >> VRM_ID_AA64ISAR0_ATOMIC_SHIFT >= 2,
			 cpu_has_lse());
}
END_TEST
#endif

#if VRM_ARCH_ATOMICS_RUNTIME
/* Each path forced in turn, then the lock's mutual exclusion under the
 * stress harness (lock/unlock, then lock and trylock mixed): a path that
 * lets two threads in, loses an update or wedges fails. */
static const struct {
	const char *name;
	uint64_t atomic;
	int want;
} paths[] = {
	{ "LL/SC", 0, VRM_TICKET_ATOMICS_LLSC },
	{ "LSE", 2, VRM_TICKET_ATOMICS_LSE },
};

static bool stress_lock_fn(void *l, const volatile bool *abort)
{
	(void)abort;
	vrm_ticket_lock(l);
	return true;
}

/* Odd rounds take the lock, even rounds spin on trylock. */
static bool stress_mixed_fn(void *l, const volatile bool *abort)
{
	static _Thread_local unsigned n;

	if (n++ & 1)
		return stress_lock_fn(l, abort);
	while (!vrm_ticket_trylock(l)) {
		if (*abort)
			return false;
		vrm_cpu_relax();
	}
	return true;
}

static void stress_unlock_fn(void *l)
{
	vrm_ticket_unlock(l);
}

#if VRM_TICKET_INLINE
/* The header's inline form (in this code) and the library's exported
 * functions share one lock word: odd rounds lock inline and unlock through
 * the library, even rounds the other way round. */
static _Thread_local unsigned both_n;

static bool stress_both_lock_fn(void *l, const volatile bool *abort)
{
	(void)abort;
	if (both_n & 1)
		vrm_ticket_lock(l);
	else
		(vrm_ticket_lock)(l);
	return true;
}

static void stress_both_unlock_fn(void *l)
{
	if (both_n++ & 1)
		(vrm_ticket_unlock)(l);
	else
		vrm_ticket_unlock(l);
}
#endif

START_TEST(each_forced_path_keeps_mutual_exclusion)
{
	vrm_ticket_t lock = VRM_TICKET_INIT;
	struct lock_ops ops[] = {
		{ "lock", &lock, stress_lock_fn, stress_unlock_fn },
		{ "lock+trylock", &lock, stress_mixed_fn, stress_unlock_fn },
#if VRM_TICKET_INLINE
		{ "inline+library", &lock, stress_both_lock_fn, stress_both_unlock_fn },
#endif
	};
	unsigned threads = stress_online_cpus();
	const char *env = getenv("VRM_TEST_ROUNDS");
	uint64_t rounds = TICKET_ROUNDS;

	if (env && atoi(env) > 0 && (uint64_t)atoi(env) < rounds)
		rounds = (uint64_t)atoi(env);
	if (paths[_i].want == VRM_TICKET_ATOMICS_LSE && !cpu_has_lse()) {
		printf("# %s path not run: this CPU lacks FEAT_LSE\n", paths[_i].name);
		return;
	}
	ck_assert_int_eq(vrm_ticket_select_atomics(isar0_with_atomic(paths[_i].atomic)), paths[_i].want);
	ck_assert_int_eq(vrm_ticket_uses_lse(), paths[_i].want == VRM_TICKET_ATOMICS_LSE);
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		struct stress_result r;
		bool ok = stress_run(&ops[k], threads < 2 ? 2 : threads, rounds, &r);

		printf("# %s, %s: %u threads x %llu rounds: counted %llu of %llu, overlaps %llu%s\n",
		       paths[_i].name, ops[k].name, r.threads, (unsigned long long)rounds,
		       (unsigned long long)r.counted, (unsigned long long)r.expected,
		       (unsigned long long)r.overlaps, r.wedged ? ", WEDGED" : "");
		ck_assert_msg(ok, "%s path, %s: mutual exclusion broken", paths[_i].name, ops[k].name);
		ck_assert(!vrm_ticket_is_locked(&lock));
	}
	reselect_from_hwcap();
}
END_TEST
#endif

START_TEST(lock_word_is_32_bits_owner_low_next_high)
{
	vrm_ticket_t l = VRM_TICKET_INIT;

	ck_assert_uint_eq(sizeof(l.u), 4);
	l.u.val = 0x00050003u;
	ck_assert_uint_eq(l.u.h.owner, 3);
	ck_assert_uint_eq(l.u.h.next, 5);
}
END_TEST

START_TEST(initial_state_is_unlocked)
{
	vrm_ticket_t a = VRM_TICKET_INIT, b;

	vrm_ticket_init(&b);
	ck_assert(!vrm_ticket_is_locked(&a));
	ck_assert(!vrm_ticket_is_locked(&b));
	ck_assert_uint_eq(a.u.val, 0);
	ck_assert_uint_eq(b.u.val, 0);
}
END_TEST

START_TEST(lock_then_unlock_advances_both_halves)
{
	vrm_ticket_t l = VRM_TICKET_INIT;

	vrm_ticket_lock(&l);
	ck_assert(vrm_ticket_is_locked(&l));
	ck_assert_uint_eq(l.u.h.owner, 0);
	ck_assert_uint_eq(l.u.h.next, 1);
	vrm_ticket_unlock(&l);
	ck_assert(!vrm_ticket_is_locked(&l));
	ck_assert_uint_eq(l.u.h.owner, 1);
	ck_assert_uint_eq(l.u.h.next, 1);
}
END_TEST

START_TEST(trylock_fails_while_held_and_succeeds_when_free)
{
	vrm_ticket_t l = VRM_TICKET_INIT;

	ck_assert(vrm_ticket_trylock(&l));
	ck_assert(vrm_ticket_is_locked(&l));
	ck_assert(!vrm_ticket_trylock(&l));
	ck_assert_uint_eq(vrm_ticket_waiters(&l), 1); /* failed trylock took no ticket */
	vrm_ticket_unlock(&l);
	ck_assert(vrm_ticket_trylock(&l));
	vrm_ticket_unlock(&l);
	ck_assert(!vrm_ticket_is_locked(&l));
}
END_TEST

START_TEST(halves_wrap_at_16_bits)
{
	vrm_ticket_t l = VRM_TICKET_INIT;

	l.u.val = 0xffffffffu; /* owner == next == 0xffff: free */
	ck_assert(!vrm_ticket_is_locked(&l));
	vrm_ticket_lock(&l);
	ck_assert_uint_eq(l.u.h.next, 0);   /* next wrapped, no carry out */
	ck_assert_uint_eq(l.u.h.owner, 0xffff);
	ck_assert(vrm_ticket_is_locked(&l));
	vrm_ticket_unlock(&l);
	ck_assert_uint_eq(l.u.val, 0);       /* owner wrapped without touching next */
	ck_assert(vrm_ticket_trylock(&l));
	vrm_ticket_unlock(&l);
}
END_TEST

/* FIFO: waiters are served in the order they took tickets. */
#define FIFO_THREADS 4
static vrm_ticket_t fifo_lock = VRM_TICKET_INIT;
static int fifo_order[FIFO_THREADS];
static int fifo_pos;

static void *fifo_waiter(void *arg)
{
	int id = (int)(intptr_t)arg;

	vrm_ticket_lock(&fifo_lock);
	fifo_order[fifo_pos++] = id;
	vrm_ticket_unlock(&fifo_lock);
	return NULL;
}

START_TEST(waiters_are_served_in_ticket_order)
{
	pthread_t t[FIFO_THREADS];

	vrm_ticket_init(&fifo_lock);
	fifo_pos = 0;
	vrm_ticket_lock(&fifo_lock);
	for (int i = 0; i < FIFO_THREADS; i++) {
		ck_assert_int_eq(pthread_create(&t[i], NULL, fifo_waiter, (void *)(intptr_t)i), 0);
		/* Start the next waiter only once this one holds its ticket. */
		while (vrm_ticket_waiters(&fifo_lock) != (uint32_t)i + 2)
			usleep(100);
	}
	vrm_ticket_unlock(&fifo_lock);
	for (int i = 0; i < FIFO_THREADS; i++)
		pthread_join(t[i], NULL);
	ck_assert_int_eq(fifo_pos, FIFO_THREADS);
	for (int i = 0; i < FIFO_THREADS; i++)
		ck_assert_int_eq(fifo_order[i], i);
}
END_TEST

/* lock_two(a, b) on one thread against lock_two(b, a) on another.
 * VRM_TEST_ROUNDS lowers the count where each contended hand-off costs a
 * scheduler quantum (valgrind runs one thread at a time: run-tests sets it
 * there), so the work stays bounded however loaded the machine is. */
#define TWO_ROUNDS_DEFAULT 100000
static int two_rounds = TWO_ROUNDS_DEFAULT;
static vrm_ticket_t two_a = VRM_TICKET_INIT, two_b = VRM_TICKET_INIT;
static unsigned long two_shared;

static void *two_worker(void *arg)
{
	bool mirror = arg != NULL;

	for (int i = 0; i < two_rounds; i++) {
		vrm_ticket_t *x = mirror ? &two_b : &two_a, *y = mirror ? &two_a : &two_b;

		vrm_ticket_lock_two(x, y);
		two_shared++;
		vrm_ticket_unlock_two(x, y);
	}
	return NULL;
}

START_TEST(lock_two_never_deadlocks_against_its_mirror)
{
	pthread_t t1, t2;

	const char *env = getenv("VRM_TEST_ROUNDS");

	if (env && atoi(env) > 0 && atoi(env) < TWO_ROUNDS_DEFAULT)
		two_rounds = atoi(env);
	two_shared = 0;
	pthread_create(&t1, NULL, two_worker, NULL);
	pthread_create(&t2, NULL, two_worker, (void *)1);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	ck_assert_uint_eq(two_shared, 2 * (unsigned long)two_rounds);
	ck_assert(!vrm_ticket_is_locked(&two_a));
	ck_assert(!vrm_ticket_is_locked(&two_b));
}
END_TEST

START_TEST(lock_two_takes_lower_address_first)
{
	vrm_ticket_t l[2] = { VRM_TICKET_INIT, VRM_TICKET_INIT };

	vrm_ticket_lock_two(&l[1], &l[0]);
	ck_assert(vrm_ticket_is_locked(&l[0]) && vrm_ticket_is_locked(&l[1]));
	vrm_ticket_unlock_two(&l[1], &l[0]);
	ck_assert(!vrm_ticket_is_locked(&l[0]) && !vrm_ticket_is_locked(&l[1]));
	vrm_ticket_lock_two(&l[0], &l[0]); /* same lock: taken once */
	ck_assert_uint_eq(vrm_ticket_waiters(&l[0]), 1);
	vrm_ticket_unlock_two(&l[0], &l[0]);
	ck_assert(!vrm_ticket_is_locked(&l[0]));
}
END_TEST

#if VRM_CHECKED
static void *lock_and_hold(void *arg)
{
	vrm_ticket_lock(arg);
	return NULL;
}

START_TEST(checked_held_by_me_names_the_holder)
{
	vrm_ticket_t l = VRM_TICKET_INIT;
	pthread_t t;

	ck_assert(!vrm_ticket_held_by_me(&l));
	vrm_ticket_lock(&l);
	ck_assert(vrm_ticket_held_by_me(&l));
	vrm_ticket_unlock(&l);
	ck_assert(!vrm_ticket_held_by_me(&l));

	pthread_create(&t, NULL, lock_and_hold, &l);
	pthread_join(t, NULL);
	ck_assert(vrm_ticket_is_locked(&l));
	ck_assert(!vrm_ticket_held_by_me(&l)); /* held, but by the other thread */
}
END_TEST

START_TEST(checked_unlock_by_non_holder_is_reported_and_ignored)
{
	vrm_ticket_t l = VRM_TICKET_INIT;
	pthread_t t;
	uint32_t before;

	vrm_check_reset();
	pthread_create(&t, NULL, lock_and_hold, &l);
	pthread_join(t, NULL);
	before = l.u.val;
	vrm_ticket_unlock(&l);
	ck_assert_uint_eq(vrm_check_count(VRM_COND_NO_BARRIER_MISUSE), 1);
	ck_assert_uint_eq(l.u.val, before); /* lock word untouched */
	ck_assert(vrm_ticket_is_locked(&l));
	vrm_check_reset();
}
END_TEST

START_TEST(checked_double_unlock_is_reported_and_ignored)
{
	vrm_ticket_t l = VRM_TICKET_INIT;

	vrm_check_reset();
	vrm_ticket_lock(&l);
	vrm_ticket_unlock(&l);
	vrm_ticket_unlock(&l);
	ck_assert_uint_eq(vrm_check_count(VRM_COND_NO_BARRIER_MISUSE), 1);
	ck_assert_uint_eq(l.u.h.owner, 1);
	ck_assert_uint_eq(l.u.h.next, 1);
	vrm_check_reset();
}
END_TEST
#endif

static Suite *ticket_suite(void)
{
	Suite *s = suite_create("ticket");
	TCase *tc = tcase_create("contract");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, errno_values_match_libc);
	tcase_add_test(tc, runs_the_architecture_and_lock_path_it_was_built_for);
	tcase_add_test(tc, select_atomics_reads_only_the_atomic_field_and_refuses_only_what_cannot_run);
#if VRM_ARCH_AARCH64 && HAVE_HWCAP
	tcase_add_test(tc, id_register_read_agrees_with_hwcap);
#endif
#if VRM_ARCH_ATOMICS_RUNTIME
	tcase_add_loop_test(tc, each_forced_path_keeps_mutual_exclusion, 0,
			    (int)(sizeof(paths) / sizeof(paths[0])));
#endif
	tcase_add_test(tc, lock_word_is_32_bits_owner_low_next_high);
	tcase_add_test(tc, initial_state_is_unlocked);
	tcase_add_test(tc, lock_then_unlock_advances_both_halves);
	tcase_add_test(tc, trylock_fails_while_held_and_succeeds_when_free);
	tcase_add_test(tc, halves_wrap_at_16_bits);
	tcase_add_test(tc, waiters_are_served_in_ticket_order);
	tcase_add_test(tc, lock_two_never_deadlocks_against_its_mirror);
	tcase_add_test(tc, lock_two_takes_lower_address_first);
#if VRM_CHECKED
	tcase_add_test(tc, checked_held_by_me_names_the_holder);
	tcase_add_test(tc, checked_unlock_by_non_holder_is_reported_and_ignored);
	tcase_add_test(tc, checked_double_unlock_is_reported_and_ignored);
#endif
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return vrm_test_run(ticket_suite());
}
