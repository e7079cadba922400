/* SPDX-License-Identifier: MIT */
/*
 * Pool benchmark: what the pool itself costs, with a no-op stage-2 (every
 * map/unmap/reserve callback returns 0 at once), so page-table and TLB
 * work are NOT included.
 *   donate 1 GiB host -> VM in one call, and in 4 KiB calls: ns per page;
 *   reclaim that 1 GiB VM: ns per page (includes zeroing it);
 *   scrub bandwidth: vrm_pool_scrub_page over the same 1 GiB beside libc
 *   memset of it (the core may not call memset), GB/s and the ratio.
 * Each figure is the median of REPS runs. usage: bench_pool [reps] [MiB]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vrm/pool.h>

#define BASE UINT64_C(0x40000000)

static uint8_t *mem;

static int noop_reserve(void *c, vrm_principal_t w, vrm_pa_t pa, uint64_t n)
{
	(void)c, (void)w, (void)pa, (void)n;
	return 0;
}

static int noop_map(void *c, vrm_principal_t w, vrm_pa_t pa, uint64_t n, enum vrm_pool_state s)
{
	(void)c, (void)w, (void)pa, (void)n, (void)s;
	return 0;
}

static int noop_unmap(void *c, vrm_principal_t w, vrm_pa_t pa, uint64_t n)
{
	(void)c, (void)w, (void)pa, (void)n;
	return 0;
}

static void *to_va(void *c, vrm_pa_t pa)
{
	(void)c;
	return mem + (pa - BASE);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

#define MAXREPS 64

#if defined(__x86_64__)
/* Bench only (not the core): the same word loop with non-temporal stores,
 * to show where the gap to memset comes from (glibc's memset streams
 * large sizes past the cache, saving the read-for-ownership). */
static void scrub_page_nt(void *va)
{
	long long *p = va;
	size_t i;

	for (i = 0; i < VRM_PAGE_SIZE / sizeof(*p); i++)
		__builtin_ia32_movnti64(p + i, 0);
}
#endif

/* Cache-hot: zero the same 16 KiB many times (ns per 4 KiB page). */
static void hot(double *scrub_ns, double *memset_ns)
{
	static uint8_t buf[4 * 4096] __attribute__((aligned(4096)));
	const int iters = 200000;
	double t0;
	int i;

	t0 = now_ns();
	for (i = 0; i < iters; i++)
		vrm_pool_scrub_page(buf + (size_t)(i & 3) * 4096);
	*scrub_ns = (now_ns() - t0) / iters;
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		memset(buf + (size_t)(i & 3) * 4096, 0, 4096);
		__asm__ volatile("" : : "r"(buf) : "memory");
	}
	*memset_ns = (now_ns() - t0) / iters;
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 5, r;
	uint64_t mib = argc > 2 ? strtoull(argv[2], NULL, 0) : 1024, np, i;
	size_t bytes;
	struct vrm_pool pool;
	struct vrm_pool_page *meta;
	struct vrm_pool_ops ops = { NULL, noop_reserve, noop_map, noop_unmap, to_va, NULL };
	double don[MAXREPS], don1[MAXREPS], rec[MAXREPS], scr[MAXREPS], ms[MAXREPS], t0;
	double nt[MAXREPS] = { 0 }, hs[MAXREPS], hm[MAXREPS];

	if (reps < 1 || reps > MAXREPS)
		reps = 5;
	np = mib * 256;
	bytes = (size_t)np * VRM_PAGE_SIZE;
	mem = aligned_alloc(1 << 21, bytes);
	meta = calloc(np, sizeof(*meta));
	if (mem == NULL || meta == NULL || vrm_pool_init(&pool, BASE, np, meta, 4, &ops) != 0)
		return 1;
	memset(mem, 1, bytes); /* fault it all in */
	for (r = 0; r < reps; r++) {
		t0 = now_ns();
		if (vrm_pool_donate(&pool, BASE, np, VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_VM(0)) != 0)
			return 2;
		don[r] = (now_ns() - t0) / (double)np;
		memset(mem, 2, bytes); /* the VM's data, out of the caches */
		t0 = now_ns();
		if (vrm_pool_reclaim(&pool, VRM_PRINCIPAL_VM(0)) != 0)
			return 3;
		rec[r] = (now_ns() - t0) / (double)np;
		t0 = now_ns();
		for (i = 0; i < np; i++)
			if (vrm_pool_donate(&pool, BASE + i * VRM_PAGE_SIZE, 1, VRM_PRINCIPAL_HOST,
					    VRM_PRINCIPAL_VM(1)) != 0)
				return 4;
		don1[r] = (now_ns() - t0) / (double)np;
		if (vrm_pool_reclaim(&pool, VRM_PRINCIPAL_VM(1)) != 0)
			return 5;
		memset(mem, 3, bytes);
		t0 = now_ns();
		for (i = 0; i < np; i++)
			vrm_pool_scrub_page(mem + i * VRM_PAGE_SIZE);
		scr[r] = now_ns() - t0;
		memset(mem, 4, bytes);
		t0 = now_ns();
		memset(mem, 0, bytes);
		__asm__ volatile("" : : "r"(mem) : "memory"); /* keep the memset */
		ms[r] = now_ns() - t0;
#if defined(__x86_64__)
		memset(mem, 5, bytes);
		t0 = now_ns();
		for (i = 0; i < np; i++)
			scrub_page_nt(mem + i * VRM_PAGE_SIZE);
		__builtin_ia32_sfence();
		nt[r] = now_ns() - t0;
#endif
		hot(&hs[r], &hm[r]);
	}
	printf("pool of %llu MiB (%llu pages), no-op stage-2 callbacks, median of %d\n\n",
	       (unsigned long long)mib, (unsigned long long)np, reps);
	printf("| operation | ns/page |\n|---|---|\n");
	printf("| donate host->VM, one call for the whole range | %.2f |\n", median(don, reps));
	printf("| donate host->VM, one call per 4 KiB page | %.2f |\n", median(don1, reps));
	printf("| reclaim VM (incl. scrub) | %.2f |\n\n", median(rec, reps));
	printf("| zeroing %llu MiB | GB/s | time vs memset |\n|---|---|---|\n",
	       (unsigned long long)mib);
	double s = median(scr, reps), m = median(ms, reps);
	printf("| vrm_pool_scrub_page per page | %.2f | %.2fx |\n", (double)bytes / s, s / m);
	printf("| libc memset | %.2f | 1.00x |\n", (double)bytes / m);
#if defined(__x86_64__)
	double n = median(nt, reps);
	printf("| (bench only) word loop, non-temporal stores | %.2f | %.2fx |\n",
	       (double)bytes / n, n / m);
#endif
	double a = median(hs, reps), b = median(hm, reps);
	printf("\n| zeroing a cache-hot 4 KiB page | ns | vs memset |\n|---|---|---|\n");
	printf("| vrm_pool_scrub_page | %.1f | %.2fx |\n| libc memset | %.1f | 1.00x |\n",
	       a, a / b, b);
	free(meta);
	free(mem);
	return 0;
}
