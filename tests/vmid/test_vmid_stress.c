/* SPDX-License-Identifier: MIT */
/*
 * The VMID allocator under real concurrency: each thread is a CPU that
 * loads vCPUs of random VMs (several vCPUs of one VM may run at once on
 * different CPUs), "runs" them, and puts them, on a 3-bit VMID space so
 * that rollovers race with the lock-free fast path all the time. While a
 * VM runs, a per-VMID word records which VM runs with that VMID and how
 * many of its vCPUs: a second VM arriving with the same VMID, or one VM
 * with two VMIDs at once, is the bug the allocator must never have.
 * VRM_TEST_ROUNDS (loads per thread) lowers the work (emulation, TSan).
 */
#define _DEFAULT_SOURCE /* sysconf under -std=c11 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <vrm/hosted.h>
#include <vrm/vmid.h>

#include "../tools/check_run.h"

#define BITS 3
#define NVMS 13
#define MAXT 6
#define ROUNDS 100000

static struct vrm_vmid_alloc A;
static uint64_t map[VRM_VMID_MAP_WORDS(BITS)];
static struct vrm_vmid_cpu cpus[MAXT];
static struct vrm_vmid vms[NVMS];
/* by_vmid[v] = (VM + 1) << 32 | vCPUs of it running with VMID v;
 * by_vm[x] = VMID << 32 | vCPUs of VM x running */
static uint64_t by_vmid[1u << BITS], by_vm[NVMS];
static uint64_t conflicts, loads;
static uint64_t rounds = ROUNDS;

/* Join (vm, vmid) in `word`: false if it holds another tag with a count. */
static bool enter(uint64_t *word, uint64_t tag)
{
	uint64_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE), nw;

	do {
		if ((uint32_t)old != 0 && (old >> 32) != tag)
			return false;
		nw = (tag << 32) | ((uint32_t)old + 1);
	} while (!__atomic_compare_exchange_n(word, &old, nw, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	return true;
}

static void leave(uint64_t *word)
{
	__atomic_fetch_sub(word, 1, __ATOMIC_RELEASE);
}

struct cpu_arg {
	uint32_t cpu;
	uint64_t seed;
};

static void *cpu_thread(void *p)
{
	struct cpu_arg *arg = p;
	uint64_t s = arg->seed;

	vrm_hosted_set_cpu_id(arg->cpu);
	for (uint64_t i = 0; i < rounds; i++) {
		uint32_t x;
		int v;
		bool ok1, ok2;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		x = (uint32_t)(s % NVMS);
		v = vrm_vmid_get(&A, &vms[x], arg->cpu, NULL);
		if (v < 1 || v >= (1 << BITS)) {
			__atomic_fetch_add(&conflicts, 1, __ATOMIC_RELAXED);
			break;
		}
		ok1 = enter(&by_vmid[v], x + 1);
		ok2 = enter(&by_vm[x], (uint64_t)v);
		if (!ok1 || !ok2)
			__atomic_fetch_add(&conflicts, 1, __ATOMIC_RELAXED);
		/* "run": long enough for other CPUs to roll over meanwhile */
		for (volatile int k = 0; k < (int)(s >> 60); k++)
			;
		if (ok2)
			leave(&by_vm[x]);
		if (ok1)
			leave(&by_vmid[v]);
		/* mostly put; sometimes switch straight to the next VM */
		if ((s >> 8) % 4)
			vrm_vmid_put(&A, arg->cpu);
	}
	__atomic_fetch_add(&loads, rounds, __ATOMIC_RELAXED);
	return NULL;
}

START_TEST(no_two_running_vms_share_a_vmid)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	uint32_t nt = online < 2 ? 2 : online > MAXT ? MAXT : (uint32_t)online;
	const char *env = getenv("VRM_TEST_ROUNDS");
	pthread_t th[MAXT];
	struct cpu_arg args[MAXT];

	if (env && atoi(env) > 0 && (uint64_t)atoi(env) < rounds)
		rounds = (uint64_t)atoi(env);
	/* 8 VMIDs, up to 6 CPUs: 2^3 >= 6 + 2 */
	ck_assert_int_eq(vrm_vmid_init(&A, BITS, map, VRM_VMID_MAP_WORDS(BITS), cpus, nt), 0);
	for (uint32_t t = 0; t < nt; t++) {
		args[t] = (struct cpu_arg){ t, 0x9e3779b97f4a7c15ull * (t + 1) };
		ck_assert_int_eq(pthread_create(&th[t], NULL, cpu_thread, &args[t]), 0);
	}
	for (uint32_t t = 0; t < nt; t++)
		pthread_join(th[t], NULL);
	printf("# %u CPUs, %llu loads, %llu rollovers, %llu conflicts\n", nt,
	       (unsigned long long)loads, (unsigned long long)vrm_vmid_rollovers(&A),
	       (unsigned long long)conflicts);
	ck_assert_uint_eq(conflicts, 0);
	ck_assert_uint_eq(loads, rounds * nt);
	ck_assert_uint_ge(vrm_vmid_rollovers(&A), rounds / 100);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vmid-stress");
	TCase *tc = tcase_create("threads");

	tcase_add_test(tc, no_two_running_vms_share_a_vmid);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);
	return vrm_test_run(s);
}
