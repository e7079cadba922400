/* SPDX-License-Identifier: MIT */
/*
 * Pool transitions and the hyp page allocator, measured against what a
 * user compares them with, in one run (issue 20's benchmark list):
 *
 *  1. hyp allocator: alloc + free of one page, and of a 2^ORDER run, when
 *     the hyp region is full but for one free run at a random place (the
 *     state a long-running hypervisor reaches): vrm_pool_hyp_alloc's
 *     next-fit scan against a reference LIFO free list of pages (what a
 *     buddy allocator's order-0 path costs: pop, push), both zeroing the
 *     page they hand out. Also the same pair on an empty region, and the
 *     buddy allocator (vrm_buddy_*, lib/pool/buddy.c) over the same pages.
 *  2. donate host->VM, share/unshare host->VM, reclaim: ns per page with
 *     no-op stage-2 callbacks (the pool's own cost) beside real stage-2
 *     tables (vrm_pgt, identity IPA = PA, as the example hypervisor wires
 *     them: the host starts with all memory mapped; each transition unmaps
 *     and maps in the principals' tables, with the hosted TLB model's
 *     flushes), whole range per call and one 4 KiB page per call. In a
 *     hosted build the TLB maintenance runs in the software TLB model,
 *     which scans every modelled CPU's TLB per TLBI and DSB: its cost for
 *     one single-page stage-2 flush is measured in the same run, so that
 *     the per-page calls that unmap (donate: the host's unmap; unshare:
 *     the VM's) can be read against it.
 *
 * Each figure is the median of REPS runs. usage: bench_pool_ops [reps] [MiB]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vrm/pgtable.h>
#include <vrm/pool.h>
#include <vrm/tlb.h>

#define BASE UINT64_C(0x80000000)
#define MAXREPS 64
#define ORDER 4u
#define HOST VRM_PRINCIPAL_HOST
#define VM0 VRM_PRINCIPAL_VM(0)

static uint8_t *mem;
static uint64_t np;

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

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void *pool_va(void *c, vrm_pa_t pa)
{
	(void)c;
	return mem + (pa - BASE);
}

/* ---- no-op stage 2 */
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

/* ---- real stage 2: one vrm_pgt per principal (host, VM 0) */
static struct vrm_pgt s2[2];

static void *zalloc_page(void *ctx)
{
	void *p = aligned_alloc(4096, 4096);

	(void)ctx;
	if (p != NULL)
		memset(p, 0, 4096);
	return p;
}

static void free_page(void *ctx, void *va)
{
	(void)ctx;
	free(va);
}

static vrm_pa_t v2p(void *ctx, void *va)
{
	(void)ctx;
	return (vrm_pa_t)(uintptr_t)va;
}

static void *p2v(void *ctx, vrm_pa_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static const struct vrm_pgt_mm_ops mm = { zalloc_page, free_page, v2p, p2v, NULL, NULL, NULL };

static struct vrm_pgt *table(vrm_principal_t who)
{
	return who == HOST ? &s2[0] : VRM_PRINCIPAL_IS_VM(who) ? &s2[1] : NULL;
}

static int s2_map(void *c, vrm_principal_t who, vrm_pa_t pa, uint64_t n, enum vrm_pool_state st)
{
	struct vrm_pgt *t = table(who);

	(void)c;
	if (t == NULL)
		return 0;
	return vrm_pgt_map(t, pa, pa, n * VRM_PAGE_SIZE,
			   st == VRM_POOL_SHARED_BORROWED ? VRM_PGT_PROT_RW : VRM_PGT_PROT_RWX);
}

static int s2_unmap(void *c, vrm_principal_t who, vrm_pa_t pa, uint64_t n)
{
	struct vrm_pgt *t = table(who);

	(void)c;
	return t == NULL ? 0 : vrm_pgt_unmap(t, pa, n * VRM_PAGE_SIZE);
}

static int real_setup(void)
{
	struct vrm_pgt_config cfg = { VRM_PGT_STAGE2, 40, -1, 0, 0 };

	for (int i = 0; i < 2; i++) {
		cfg.vmid = (uint16_t)i;
		if (vrm_pgt_init(&s2[i], &cfg, &mm) != 0)
			return -1;
	}
	/* The host starts with all its memory mapped. */
	return vrm_pgt_map(&s2[0], BASE, BASE, np * VRM_PAGE_SIZE, VRM_PGT_PROT_RWX);
}

static void real_teardown(void)
{
	for (int i = 0; i < 2; i++)
		vrm_pgt_destroy(&s2[i]);
}

/* ---- 2. transitions, ns per page */
enum { DON, REC, DON1, SHR1, UNS1, NOPS };
static const char *const op_names[NOPS] = {
	"donate host->VM, one call for the whole range",
	"reclaim VM (incl. scrub)",
	"donate host->VM, one call per 4 KiB page",
	"share host->VM, one call per 4 KiB page",
	"unshare host->VM, one call per 4 KiB page",
};

static int transitions(struct vrm_pool *pool, double out[NOPS])
{
	double t0;
	uint64_t i;

	t0 = now_ns();
	if (vrm_pool_donate(pool, BASE, np, HOST, VM0) != 0)
		return 1;
	out[DON] = (now_ns() - t0) / (double)np;
	t0 = now_ns();
	if (vrm_pool_reclaim(pool, VM0) != 0)
		return 2;
	out[REC] = (now_ns() - t0) / (double)np;
	t0 = now_ns();
	for (i = 0; i < np; i++)
		if (vrm_pool_donate(pool, BASE + i * VRM_PAGE_SIZE, 1, HOST, VM0) != 0)
			return 3;
	out[DON1] = (now_ns() - t0) / (double)np;
	if (vrm_pool_reclaim(pool, VM0) != 0)
		return 4;
	t0 = now_ns();
	for (i = 0; i < np; i++)
		if (vrm_pool_share(pool, BASE + i * VRM_PAGE_SIZE, 1, HOST, VM0) != 0)
			return 5;
	out[SHR1] = (now_ns() - t0) / (double)np;
	t0 = now_ns();
	for (i = 0; i < np; i++)
		if (vrm_pool_unshare(pool, BASE + i * VRM_PAGE_SIZE, 1, HOST, VM0) != 0)
			return 6;
	out[UNS1] = (now_ns() - t0) / (double)np;
	return vrm_pool_check_invariants(pool) == 0 ? 0 : 7;
}

/* ---- 1. hyp allocator against a reference free list */
struct ref_list {
	uint64_t *stack; /* free page indices, LIFO */
	uint64_t n;
};

static vrm_pa_t ref_alloc(struct ref_list *l)
{
	uint64_t idx = l->stack[--l->n];

	vrm_pool_scrub_page(mem + idx * VRM_PAGE_SIZE); /* hand out zeroed, as the pool */
	return BASE + idx * VRM_PAGE_SIZE;
}

static void ref_free(struct ref_list *l, vrm_pa_t pa)
{
	l->stack[l->n++] = (pa - BASE) / VRM_PAGE_SIZE;
}

/* ns per alloc+free of a 2^order run, `pairs` times, on a pool whose hyp
 * pages are all free, or all allocated but one 2^order run at a random
 * place (full): there next fit's cursor lands just past the run after
 * each alloc, so the next one scans the whole region round to it. */
static double pool_pairs(struct vrm_pool *pool, uint32_t order, bool full, long pairs)
{
	uint64_t n = UINT64_C(1) << order, i;
	vrm_pa_t pa, hole = 0;
	double t;

	if (full) {
		for (i = 0; i < np; i += n)
			if (vrm_pool_hyp_alloc(pool, order, &pa) != 0)
				return -1;
		hole = BASE + (rnd() % (np / n)) * n * VRM_PAGE_SIZE;
		if (vrm_pool_hyp_free(pool, hole, order) != 0)
			return -1;
	}
	t = now_ns();
	for (long k = 0; k < pairs; k++)
		if (vrm_pool_hyp_alloc(pool, order, &pa) != 0 || vrm_pool_hyp_free(pool, pa, order) != 0 ||
		    (full && pa != hole))
			return -1;
	t = (now_ns() - t) / (double)pairs;
	if (full) /* back to all free */
		for (i = 0; i < np; i += n)
			if (BASE + i * VRM_PAGE_SIZE != hole &&
			    vrm_pool_hyp_free(pool, BASE + i * VRM_PAGE_SIZE, order) != 0)
				return -1;
	return t;
}

/* The same pairs on the buddy allocator (lib/pool/buddy.c) over the same
 * pages, zeroing each block it hands out as the pool does. */
static double buddy_pairs(struct vrm_buddy_page *pages, uint32_t order, bool full, long pairs)
{
	struct vrm_buddy b;
	uint64_t n = UINT64_C(1) << order, i, idx, hole = 0;
	double t;

	if (vrm_buddy_init(&b, BASE >> VRM_PAGE_SHIFT, np, pages) != 0 ||
	    vrm_buddy_free_range(&b, 0, np) != 0)
		return -1;
	if (full) {
		for (i = 0; i < np; i += n)
			if (vrm_buddy_alloc(&b, order, &idx) != 0)
				return -1;
		hole = (rnd() % (np / n)) * n;
		if (vrm_buddy_put(&b, hole) != 0)
			return -1;
	}
	t = now_ns();
	for (long k = 0; k < pairs; k++) {
		if (vrm_buddy_alloc(&b, order, &idx) != 0 || (full && idx != hole))
			return -1;
		for (i = 0; i < n; i++)
			vrm_pool_scrub_page(mem + (idx + i) * VRM_PAGE_SIZE);
		if (vrm_buddy_put(&b, idx) != 0)
			return -1;
	}
	return (now_ns() - t) / (double)pairs;
}

static double ref_pairs(struct ref_list *l, bool full, long pairs)
{
	uint64_t i, keep = full ? 1 : np;
	vrm_pa_t pa;
	double t0;

	l->n = 0;
	for (i = 0; i < keep; i++)
		ref_free(l, BASE + (full ? rnd() % np : i) * VRM_PAGE_SIZE);
	t0 = now_ns();
	for (long k = 0; k < pairs; k++) {
		pa = ref_alloc(l);
		__asm__ volatile("" : : "r"(pa) : "memory");
		ref_free(l, pa);
	}
	return (now_ns() - t0) / (double)pairs;
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 5;
	uint64_t mib = argc > 2 ? strtoull(argv[2], NULL, 0) : 64;
	struct vrm_pool pool;
	struct vrm_pool_page *meta;
	struct vrm_pool_ops noop = { NULL, NULL, noop_map, noop_unmap, pool_va, NULL };
	struct vrm_pool_ops real = { NULL, NULL, s2_map, s2_unmap, pool_va, NULL };
	double s_noop[NOPS][MAXREPS], s_real[NOPS][MAXREPS], one[NOPS];
	enum { P_EMPTY, P_FULL, PO_FULL, B_EMPTY, B_FULL, BO_FULL, R_EMPTY, R_FULL, NALLOC };
	struct vrm_buddy_page *bpages;
	double s_alloc[NALLOC][MAXREPS], s_flush[MAXREPS], fl;
	struct ref_list ref;
	long pairs;
	int r, k, err;

	if (reps < 1 || reps > MAXREPS)
		reps = 5;
	if (mib < 1 || mib > 4096)
		mib = 64;
	np = mib * 256;
	pairs = (long)(np < 4096 ? np : 4096);
	mem = aligned_alloc(1 << 21, (size_t)np * VRM_PAGE_SIZE);
	meta = calloc(np, sizeof(*meta));
	ref.stack = calloc(np, sizeof(*ref.stack));
	bpages = calloc(np, sizeof(*bpages));
	if (mem == NULL || meta == NULL || ref.stack == NULL || bpages == NULL)
		return 1;
	memset(mem, 1, (size_t)np * VRM_PAGE_SIZE); /* fault it all in */
	for (r = 0; r < reps; r++) {
		/* no-op and real stage 2 alternate within a repetition */
		if (vrm_pool_init(&pool, BASE, np, meta, 4, &noop) != 0)
			return 2;
		if ((err = transitions(&pool, one)) != 0)
			return 10 + err;
		for (k = 0; k < NOPS; k++)
			s_noop[k][r] = one[k];
		if (real_setup() != 0 || vrm_pool_init(&pool, BASE, np, meta, 4, &real) != 0)
			return 3;
		if ((err = transitions(&pool, one)) != 0)
			return 20 + err;
		for (k = 0; k < NOPS; k++)
			s_real[k][r] = one[k];
		{
			uint64_t vttbr = vrm_pgt_vttbr(&s2[1]);
			double t0 = now_ns();

			for (long i = 0; i < pairs; i++)
				if (vrm_tlb_flush_s2_ipa(vttbr, BASE + (uint64_t)i * VRM_PAGE_SIZE, 3) != 0)
					return 6;
			s_flush[r] = (now_ns() - t0) / (double)pairs;
		}
		real_teardown();

		/* the hyp allocator: every page the hyp's, free */
		if (vrm_pool_init(&pool, BASE, np, meta, 4, &noop) != 0 ||
		    vrm_pool_boot_assign(&pool, BASE, np, VRM_PRINCIPAL_HYP) != 0)
			return 4;
		s_alloc[P_EMPTY][r] = pool_pairs(&pool, 0, false, pairs);
		s_alloc[P_FULL][r] = pool_pairs(&pool, 0, true, pairs);
		s_alloc[PO_FULL][r] = pool_pairs(&pool, ORDER, true, pairs);
		s_alloc[B_EMPTY][r] = buddy_pairs(bpages, 0, false, pairs);
		s_alloc[B_FULL][r] = buddy_pairs(bpages, 0, true, pairs);
		s_alloc[BO_FULL][r] = buddy_pairs(bpages, ORDER, true, pairs);
		s_alloc[R_EMPTY][r] = ref_pairs(&ref, false, pairs);
		s_alloc[R_FULL][r] = ref_pairs(&ref, true, pairs);
		for (k = 0; k < NALLOC; k++)
			if (s_alloc[k][r] < 0)
				return 5;
	}
	printf("pool of %llu MiB (%llu pages), median of %d\n\n", (unsigned long long)mib,
	       (unsigned long long)np, reps);
	fl = median(s_flush, reps);
	printf("| operation | ns/page, no-op stage 2 | ns/page, real stage-2 tables | ratio |\n"
	       "|---|---:|---:|---:|\n");
	for (k = 0; k < NOPS; k++) {
		double a = median(s_noop[k], reps), b = median(s_real[k], reps);

		printf("| %s | %.2f | %.2f | %.1fx |\n", op_names[k], a, b, b / a);
	}
	printf("\nhosted TLB model: one single-page stage-2 flush sequence "
	       "(vrm_tlb_flush_s2_ipa) %.1f ns\n", fl);
	{
		double pe = median(s_alloc[P_EMPTY], reps), pf = median(s_alloc[P_FULL], reps);
		double po = median(s_alloc[PO_FULL], reps), re = median(s_alloc[R_EMPTY], reps);
		double rf = median(s_alloc[R_FULL], reps);
		double be = median(s_alloc[B_EMPTY], reps), bf = median(s_alloc[B_FULL], reps);
		double bo = median(s_alloc[BO_FULL], reps);

		printf("\nhyp allocator, ns per alloc+free pair (%ld pairs; alloc zeroes the run)\n\n",
		       pairs);
		printf("| allocator | hyp pages all free | all allocated but one run | "
		       "ratio to reference (full) |\n|---|---:|---:|---:|\n");
		printf("| vrm_pool_hyp_alloc/free, order 0 | %.1f | %.1f | %.1fx |\n", pe, pf, pf / rf);
		printf("| vrm_pool_hyp_alloc/free, order %u (%u pages) | - | %.1f | - |\n", ORDER,
		       1u << ORDER, po);
		printf("| vrm_buddy_alloc/put + zeroing, order 0 | %.1f | %.1f | %.1fx |\n", be, bf,
		       bf / rf);
		printf("| vrm_buddy_alloc/put + zeroing, order %u (%u pages) | - | %.1f | - |\n",
		       ORDER, 1u << ORDER, bo);
		printf("| reference LIFO free list, order 0 | %.1f | %.1f | 1.0x |\n", re, rf);
	}
	free(bpages);
	free(ref.stack);
	free(meta);
	free(mem);
	return 0;
}
