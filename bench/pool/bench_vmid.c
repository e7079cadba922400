/* SPDX-License-Identifier: MIT */
/*
 * VMID allocator (lib/vmid): ns per vrm_vmid_get + vrm_vmid_put on one CPU
 *   - fast path: the same VM loaded again (valid word, one CAS, no lock);
 *   - a new VM each time, 16-bit VMIDs: the slow path (lock, bitmap
 *     search), a rollover only every 65535 VMs;
 *   - a new VM each time, 8-bit VMIDs: the slow path with a rollover every
 *     255 VMs (bitmap cleared, reserved VMIDs kept, one broadcast TLBI
 *     ALLE1IS + DSB ISH, which a hosted build runs in the software TLB
 *     model), amortised; the rollovers counted are printed.
 * Median of REPS runs. usage: bench_vmid [reps] [gets]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <vrm/vmid.h>

#define MAXREPS 64
#define NCPUS 4

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t map[VRM_VMID_MAP_WORDS(16)];
static struct vrm_vmid_cpu cpus[NCPUS];

/* ns per get+put; new_vm: a fresh VM word per get (vms[] of `gets`). */
static double run(uint32_t bits, bool new_vm, long gets, struct vrm_vmid *vms, uint64_t *rolls)
{
	struct vrm_vmid_alloc a;
	struct vrm_vmid one = VRM_VMID_INIT;
	double t0;

	if (vrm_vmid_init(&a, bits, map, VRM_VMID_MAP_WORDS(16), cpus, NCPUS) != 0)
		return -1;
	for (long i = 0; i < gets; i++)
		vms[i] = (struct vrm_vmid)VRM_VMID_INIT;
	if (!new_vm && vrm_vmid_get(&a, &one, 0, NULL) <= 0)
		return -1;
	t0 = now_ns();
	for (long i = 0; i < gets; i++) {
		if (vrm_vmid_get(&a, new_vm ? &vms[i] : &one, 0, NULL) <= 0 || vrm_vmid_put(&a, 0) != 0)
			return -1;
	}
	t0 = (now_ns() - t0) / (double)gets;
	*rolls = vrm_vmid_rollovers(&a);
	return t0;
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 5;
	long gets = argc > 2 ? atol(argv[2]) : 60000;
	double fast[MAXREPS], s16[MAXREPS], s8[MAXREPS];
	uint64_t r16 = 0, r8 = 0, r0 = 0;
	struct vrm_vmid *vms;

	if (reps < 1 || reps > MAXREPS)
		reps = 5;
	if (gets < 1 || gets > 65000) /* 16-bit run: no rollover within it */
		gets = 60000;
	vms = calloc((size_t)gets, sizeof(*vms));
	if (vms == NULL)
		return 1;
	for (int r = 0; r < reps; r++) {
		fast[r] = run(16, false, gets, vms, &r0);
		s16[r] = run(16, true, gets, vms, &r16);
		s8[r] = run(8, true, gets, vms, &r8);
		if (fast[r] < 0 || s16[r] < 0 || s8[r] < 0)
			return 2;
	}
	printf("VMID allocator, %ld get+put pairs on one of %d CPUs, median of %d\n\n", gets, NCPUS,
	       reps);
	printf("| case | ns per get+put | rollovers in the run |\n|---|---:|---:|\n");
	printf("| fast path (same VM again) | %.1f | %llu |\n", median(fast, reps),
	       (unsigned long long)r0);
	printf("| new VM each get, 16-bit VMIDs | %.1f | %llu |\n", median(s16, reps),
	       (unsigned long long)r16);
	printf("| new VM each get, 8-bit VMIDs (rollover every 255) | %.1f | %llu |\n",
	       median(s8, reps), (unsigned long long)r8);
	free(vms);
	return 0;
}
