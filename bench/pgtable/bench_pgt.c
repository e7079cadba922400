/* SPDX-License-Identifier: MIT */
/*
 * ns per 4 KiB page to map and to unmap 1 GiB of stage 2 with 4 KiB pages
 * and with 2 MiB blocks, beside the floor: storing the same number of
 * descriptors into tables built beforehand (no walk, no checks, no
 * allocation). Unmap includes its one batched flush, which in a hosted
 * build is the software TLB model's work (it scans every simulated CPU's
 * TLB per TLBI and DSB), not the library's: the same flush call is timed
 * alone right after each unmap, and "unmap - flush" is the library's share
 * (conservative: the flush alone finds the model's arrays warm). Each
 * figure is the median over reps of that rep's time; library and floor
 * come from the same run. bench_pgt_record is this program over a libvrm
 * built with the recording TLB back end (each TLBI and DSB only appended to
 * the trace, no model): there unmap is the library's work and a trace
 * append per instruction. Prints a markdown table. usage: bench_pgt [reps]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vrm/barrier.h>
#include <vrm/pgtable.h>
#include <vrm/tlb.h>
#include <vrm/tlb_model.h>

#ifdef BENCH_PGT_RECORD
#define TLB_BACK_END "recording"
#else
#define TLB_BACK_END "model"
#endif

#define K4 UINT64_C(0x1000)
#define M2 UINT64_C(0x200000)
#define G1 UINT64_C(0x40000000)
#define POOL 2048

static void *pool[POOL];
static int npool;

static void *b_zalloc(void *ctx)
{
	void *p;

	(void)ctx;
	if (!npool)
		return NULL;
	p = pool[--npool];
	memset(p, 0, 4096);
	return p;
}
static void b_free(void *ctx, void *va) { (void)ctx; pool[npool++] = va; }
static vrm_pa_t b_v2p(void *ctx, void *va) { (void)ctx; return (vrm_pa_t)(uintptr_t)va; }
static void *b_p2v(void *ctx, vrm_pa_t pa) { (void)ctx; return (void *)(uintptr_t)pa; }
static const struct vrm_pgt_mm_ops mm = { b_zalloc, b_free, b_v2p, b_p2v, NULL, NULL, NULL };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

/* The leaf entries of [ia, ia + 1 GiB) in a built table: 512 tables of
 * 512 entries (4 KiB) or one table's 512 entries (2 MiB). */
static uint64_t *leaf_table(struct vrm_pgt *p, uint64_t ia, int level)
{
	uint64_t *t = p->root;
	int l;

	for (l = p->start_level; l < level; l++)
		t = (uint64_t *)(uintptr_t)vrm_pgt_desc_oa(t[(ia >> (12 + 9 * (3 - l))) & 511], l);
	return t;
}

static void floor_store(struct vrm_pgt *p, uint64_t ia, vrm_pa_t pa, int level, bool clear)
{
	uint64_t step = vrm_pgt_level_size(level), n = G1 / step, i;
	uint64_t attrs = vrm_pgt_desc_leaf(VRM_PGT_STAGE2, 0, level, VRM_PGT_PROT_RW);

	for (i = 0; i < n; i += 512) {
		uint64_t *t = leaf_table(p, ia + i * step, level);
		uint64_t j;

		for (j = 0; j < 512; j++)
			vrm_write_once_64(&t[j], clear ? 0 : (pa + (i + j) * step) | attrs);
	}
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 7, r, g;
	/* The third row: pages again, on a table with block coalescing
	 * (VRM_PGT_COALESCE), whose check after every map is the cost. */
	const char *names[] = { "4 KiB pages", "2 MiB blocks", "4 KiB pages, coalescing table" };
	const vrm_pa_t pas[] = { 0x1000 + 8 * G1, M2 + 8 * G1, 0x1000 + 8 * G1 }; /* not block / not 1G aligned */
	const int levels[] = { 3, 2, 3 };
	const uint32_t flags[] = { 0, 0, VRM_PGT_COALESCE };
	double *t = calloc((size_t)reps * 6, sizeof(double));
	char *mem = aligned_alloc(4096, (size_t)POOL * 4096);
	struct vrm_pgt pgt;

	if (!t || !mem || reps < 1)
		return 1;
	for (r = 0; r < POOL; r++)
		pool[npool++] = mem + (size_t)r * 4096;
	printf("| 1 GiB stage 2, TLB " TLB_BACK_END " | map ns/4K page | floor | ratio | unmap ns/4K page | floor | ratio "
	       "| its flush (TLB model) | unmap - flush | ratio |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|\n");
	for (g = 0; g < 3; g++) {
		double res[6];

		if (vrm_pgt_init(&pgt, &(struct vrm_pgt_config){ VRM_PGT_STAGE2, 40, -1, 1, flags[g] },
				 &mm))
			return 1;
		for (r = 0; r < reps; r++) {
			double a;

			vrm_tlb_trace_reset(); /* (untimed) the trace never fills up */
			a = now();
			if (vrm_pgt_map(&pgt, G1, pas[g], G1, VRM_PGT_PROT_RW))
				return 1;
			a = now() - a;
			t[r] = a;
			a = now();
			floor_store(&pgt, G1, pas[g], levels[g], false);
			t[reps + r] = now() - a;
			a = now();
			floor_store(&pgt, G1, pas[g], levels[g], true);
			t[3 * reps + r] = now() - a;
			floor_store(&pgt, G1, pas[g], levels[g], false);
			a = now();
			if (vrm_pgt_unmap(&pgt, G1, G1))
				return 1;
			t[2 * reps + r] = now() - a;
			/* The flush vrm_pgt_unmap ends with (pgt_flush_range). */
			a = now();
			vrm_tlb_flush_s2_range(vrm_pgt_vttbr(&pgt), G1, G1, VRM_TLB_LEVEL_ANY);
			t[4 * reps + r] = now() - a;
			t[5 * reps + r] = t[2 * reps + r] - t[4 * reps + r];
		}
		for (r = 0; r < 6; r++)
			res[r] = median(t + r * reps, reps) / (double)(G1 / K4);
		printf("| %s | %.4g | %.4g | %.1fx | %.4g | %.4g | %.1fx | %.4g | %.4g | %.1fx |\n",
		       names[g], res[0], res[1], res[0] / res[1], res[2], res[3], res[2] / res[3],
		       res[4], res[5], res[5] / res[3]);
		vrm_tlb_flush_vmid(vrm_pgt_vttbr(&pgt)); /* vrm_pgt_destroy's precondition */
		vrm_pgt_destroy(&pgt);
	}
	free(t);
	free(mem);
	return 0;
}
