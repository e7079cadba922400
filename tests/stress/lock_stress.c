/* SPDX-License-Identifier: MIT */
#define _DEFAULT_SOURCE /* usleep, sysconf under -std=c11 */
#include "lock_stress.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <vrm/hosted.h>

struct stress_shared {
	const struct lock_ops *ops;
	uint64_t rounds;
	volatile uint64_t counter;   /* plain data, guarded by the lock under test */
	uint32_t inside;             /* atomic occupancy probe */
	uint64_t overlaps;
	uint64_t progress;
	volatile bool abort;
	unsigned started;
};

struct stress_thread {
	struct stress_shared *sh;
	unsigned id;
	pthread_t tid;
};

static void *stress_worker(void *arg)
{
	struct stress_thread *t = arg;
	struct stress_shared *sh = t->sh;

	vrm_hosted_set_cpu_id(t->id);
	__atomic_fetch_add(&sh->started, 1, __ATOMIC_SEQ_CST);
	for (uint64_t i = 0; i < sh->rounds; i++) {
		if (!sh->ops->lock_fn(sh->ops->lock, &sh->abort))
			break;
		if (__atomic_fetch_add(&sh->inside, 1, __ATOMIC_RELAXED) != 0)
			__atomic_fetch_add(&sh->overlaps, 1, __ATOMIC_RELAXED);
		sh->counter = sh->counter + 1;
		__atomic_fetch_sub(&sh->inside, 1, __ATOMIC_RELAXED);
		sh->ops->unlock_fn(sh->ops->lock);
		__atomic_fetch_add(&sh->progress, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

unsigned stress_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (unsigned)n;
}

bool stress_run(const struct lock_ops *ops, unsigned threads, uint64_t rounds,
		struct stress_result *res)
{
	static struct stress_thread t[64];
	struct stress_shared sh = { .ops = ops, .rounds = rounds };
	uint64_t last = 0;
	unsigned idle_ticks = 0;

	if (threads > 64)
		threads = 64;
	for (unsigned i = 0; i < threads; i++) {
		t[i].sh = &sh;
		t[i].id = i;
		pthread_create(&t[i].tid, NULL, stress_worker, &t[i]);
	}
	/* Watchdog: 2 s without a single completed round means wedged. */
	for (;;) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		uint64_t now = __atomic_load_n(&sh.progress, __ATOMIC_RELAXED);

		if (now == (uint64_t)threads * rounds)
			break;
		idle_ticks = now == last ? idle_ticks + 1 : 0;
		last = now;
		if (idle_ticks >= 20) {
			sh.abort = true;
			break;
		}
		nanosleep(&ts, NULL);
	}
	for (unsigned i = 0; i < threads; i++)
		pthread_join(t[i].tid, NULL);

	res->threads = threads;
	res->expected = (uint64_t)threads * rounds;
	res->counted = sh.counter;
	res->overlaps = sh.overlaps;
	res->wedged = sh.abort;
	return !res->wedged && res->overlaps == 0 && res->counted == res->expected;
}
