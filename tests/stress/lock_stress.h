/* SPDX-License-Identifier: MIT */
/*
 * Lock stress harness: one thread per online CPU, each doing `rounds`
 * lock / non-atomic counter increment / unlock round trips. It counts lost
 * updates and catches two threads inside at once. A lock that lets two CPUs
 * in may also wedge (both unlock, owner overtakes next), so lock ops get an
 * abort flag and a watchdog ends a run that stops making progress.
 */
#ifndef VRM_TESTS_LOCK_STRESS_H
#define VRM_TESTS_LOCK_STRESS_H

#include <stdbool.h>
#include <stdint.h>

struct lock_ops {
	const char *name;
	void *lock;
	/* Returns false if it gave up because *abort became true. */
	bool (*lock_fn)(void *lock, const volatile bool *abort);
	void (*unlock_fn)(void *lock);
};

struct stress_result {
	unsigned threads;
	uint64_t expected;
	uint64_t counted;
	uint64_t overlaps;  /* times a thread found another inside */
	bool wedged;        /* watchdog fired: no progress */
};

bool stress_run(const struct lock_ops *ops, unsigned threads, uint64_t rounds,
		struct stress_result *res);
unsigned stress_online_cpus(void);

#endif
