/* SPDX-License-Identifier: MIT */
/*
 * Lock benchmark: vrm ticket vs Concurrency Kit's ticket and MCS locks,
 * pthread spinlock and pthread mutex, in one run; vrm's ticket both inline
 * (what unchecked callers compile) and through the library call.
 *   uncontended: ns per lock+unlock round trip on one thread;
 *   contended:   million round trips per second with one thread per online
 *                CPU, each incrementing a shared counter in the critical
 *                section.
 * Each figure is the median of REPS repetitions (taken round-robin over the
 * locks) and is also given as a
 * ratio to ck ticket (uncontended: lower is better; contended: higher).
 * usage: bench_lock [reps] [uncontended_iters] [contended_ms]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ck_spinlock.h>

#include <vrm/ticket.h>

/*
 * vrm_ticket is what a caller compiles: in unchecked builds the header's
 * inline fast path. vrm_ticket_call is the same lock through the library's
 * exported functions (the parenthesised name suppresses the macro), so the
 * cost of the call is measured in the same run.
 */
enum { VRM, VRM_CALL, CK_TICKET, CK_MCS, PTHREAD_SPIN, PTHREAD_MUTEX, NLOCKS };
static const char *const names[NLOCKS] = {
	"vrm_ticket", "vrm_ticket_call", "ck_spinlock_ticket", "ck_spinlock_mcs", "pthread_spin", "pthread_mutex",
};

static vrm_ticket_t vrm_lock = VRM_TICKET_INIT;
static ck_spinlock_ticket_t ck_ticket = CK_SPINLOCK_TICKET_INITIALIZER;
static ck_spinlock_mcs_t ck_mcs = CK_SPINLOCK_MCS_INITIALIZER;
static pthread_spinlock_t pspin;
static pthread_mutex_t pmutex = PTHREAD_MUTEX_INITIALIZER;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The critical section every lock protects. */
static volatile unsigned long shared_counter;

#define ROUND_TRIP(kind, mcs_node)                                        \
	do {                                                              \
		switch (kind) {                                           \
		case VRM:                                                 \
			vrm_ticket_lock(&vrm_lock);                       \
			shared_counter++;                                 \
			vrm_ticket_unlock(&vrm_lock);                     \
			break;                                            \
		case VRM_CALL:                                            \
			(vrm_ticket_lock)(&vrm_lock);                     \
			shared_counter++;                                 \
			(vrm_ticket_unlock)(&vrm_lock);                   \
			break;                                            \
		case CK_TICKET:                                           \
			ck_spinlock_ticket_lock(&ck_ticket);              \
			shared_counter++;                                 \
			ck_spinlock_ticket_unlock(&ck_ticket);            \
			break;                                            \
		case CK_MCS:                                              \
			ck_spinlock_mcs_lock(&ck_mcs, (mcs_node));        \
			shared_counter++;                                 \
			ck_spinlock_mcs_unlock(&ck_mcs, (mcs_node));      \
			break;                                            \
		case PTHREAD_SPIN:                                        \
			pthread_spin_lock(&pspin);                        \
			shared_counter++;                                 \
			pthread_spin_unlock(&pspin);                      \
			break;                                            \
		default:                                                  \
			pthread_mutex_lock(&pmutex);                      \
			shared_counter++;                                 \
			pthread_mutex_unlock(&pmutex);                    \
		}                                                         \
	} while (0)

static double uncontended_ns(int kind, long iters)
{
	struct ck_spinlock_mcs node;
	double t0 = now_ns();

	for (long i = 0; i < iters; i++)
		ROUND_TRIP(kind, &node);
	return (now_ns() - t0) / (double)iters;
}

struct worker {
	pthread_t tid;
	int kind;
	unsigned long ops;
};

static volatile int go, stop;

static void *contended_worker(void *arg)
{
	struct worker *w = arg;
	struct ck_spinlock_mcs node;
	unsigned long ops = 0;

	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		for (int i = 0; i < 64; i++)
			ROUND_TRIP(w->kind, &node);
		ops += 64;
	}
	w->ops = ops;
	return NULL;
}

static double contended_mops(int kind, unsigned threads, long ms)
{
	struct worker w[64];
	unsigned long total = 0;
	double t0, t1;

	go = stop = 0;
	for (unsigned i = 0; i < threads; i++) {
		w[i].kind = kind;
		pthread_create(&w[i].tid, NULL, contended_worker, &w[i]);
	}
	t0 = now_ns();
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	usleep((useconds_t)ms * 1000);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < threads; i++) {
		pthread_join(w[i].tid, NULL);
		total += w[i].ops;
	}
	t1 = now_ns();
	return (double)total / ((t1 - t0) / 1e3); /* ops per microsecond = Mops/s */
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 5;
	long iters = argc > 2 ? atol(argv[2]) : 10000000;
	long ms = argc > 3 ? atol(argv[3]) : 500;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = ncpu < 2 ? 2 : (unsigned)(ncpu > 64 ? 64 : ncpu);
	double unc[NLOCKS], con[NLOCKS], usample[NLOCKS][64], csample[NLOCKS][64];

	if (reps < 1 || reps > 64 || iters < 1 || ms < 1) {
		fprintf(stderr, "usage: %s [reps 1-64] [uncontended_iters] [contended_ms]\n", argv[0]);
		return 2;
	}
	pthread_spin_init(&pspin, PTHREAD_PROCESS_PRIVATE);
	/* Repetitions round-robin over the locks, so a change in the
	 * machine's load during the run moves every lock's samples alike
	 * instead of biasing whichever lock ran then. */
	for (int k = 0; k < NLOCKS; k++)
		uncontended_ns(k, iters / 10); /* warm up */
	for (int r = 0; r < reps; r++)
		for (int k = 0; k < NLOCKS; k++)
			usample[k][r] = uncontended_ns(k, iters);
	for (int r = 0; r < reps; r++)
		for (int k = 0; k < NLOCKS; k++)
			csample[k][r] = contended_mops(k, threads, ms);
	for (int k = 0; k < NLOCKS; k++) {
		unc[k] = median(usample[k], reps);
		con[k] = median(csample[k], reps);
	}
	printf("lock benchmark: %d reps (median), %ld uncontended round trips, "
	       "%u contending threads x %ld ms\n", reps, iters, threads, ms);
	printf("vrm_ticket: %s; vrm_ticket_call: the library's exported functions\n\n",
	       VRM_TICKET_INLINE ? "the header's inline fast path (unchecked build)"
				 : "the library's functions (checked build: no inline form)");
	printf("| lock | uncontended ns/round trip | ratio to ck ticket (lower is better) "
	       "| contended Mops/s | ratio to ck ticket (higher is better) |\n");
	printf("|---|---:|---:|---:|---:|\n");
	for (int k = 0; k < NLOCKS; k++)
		printf("| %s | %.2f | %.2f | %.2f | %.2f |\n", names[k], unc[k],
		       unc[k] / unc[CK_TICKET], con[k], con[k] / con[CK_TICKET]);
	return 0;
}
