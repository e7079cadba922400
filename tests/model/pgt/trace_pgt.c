/* SPDX-License-Identifier: MIT */
/*
 * Trace of the real lib/pgtable for the model differential test
 * (tests/model/run_diff.sh; the checker is tests/model/pgt/driver.ml over
 * the model extracted from proofs/coq/PgtModel.v).
 *   trace_pgt SEED OPS stage2|el2|kernel|stage2-coalesce
 * Random map / remap / set_prot / unmap / lookup calls, with the size mix
 * of tests/pgtable/test_pgt_diff.c (pages, 2 MiB chunks, rarely 1 GiB;
 * pa aligned like ia or not; a few invalid arguments) and, for some calls,
 * an allocator cap so -ENOMEM happens; stage2-coalesce is stage2 with
 * VRM_PGT_COALESCE and, besides, calls that undo a split (below). One
 * line per call:
 *   OP ARGS... CAP ret R peak P live L bbm N H flush F rf N rl N H [all N H]
 * R the C's result, L the table pages live after the call (this file's
 * allocator counts them), P the most live during it, bbm the entries the
 * call broke (count, hash of their addresses, from the TLBI trace), F
 * whether a range flush ran, rf how many ran (the call's own one, plus
 * one per entry coalescing replaced by a block), rl the valid leaves overlapping the
 * call's range (count, hash of (ia, level, oa, prot) in address order),
 * all (every 512 calls and at the end) the same over the whole table.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vrm/pgtable.h>
#include <vrm/tlb.h>
#include <vrm/tlb_model.h>

#define K4 UINT64_C(0x1000)
#define M2 UINT64_C(0x200000)
#define G1 UINT64_C(0x40000000)
#define WBASE (G1 - M2)                 /* test_pgt_diff.c's window */
#define WPAGES ((G1 + 2 * M2) / K4)
/* The hot part: the window's first 32 MiB, across the 1 GiB boundary. */
#define HOT 0
#define HOTPAGES (16 * M2 / K4)
#define HMASK ((UINT64_C(1) << 62) - 1) /* the checker's ints are 63-bit */

/* ---- table pages: counted, capped per call (-ENOMEM) */
static size_t nlive, peak;
static long cap = -1; /* < 0: no cap */

static void *mm_zalloc(void *ctx)
{
	void *p;

	(void)ctx;
	if (cap >= 0 && nlive >= (size_t)cap)
		return NULL;
	p = aligned_alloc(4096, 4096);
	if (!p)
		return NULL;
	memset(p, 0, 4096);
	if (++nlive > peak)
		peak = nlive;
	return p;
}

static void mm_free(void *ctx, void *va)
{
	(void)ctx;
	nlive--;
	free(va);
}

static vrm_pa_t mm_v2p(void *ctx, void *va) { (void)ctx; return (vrm_pa_t)(uintptr_t)va; }
static void *mm_p2v(void *ctx, vrm_pa_t pa) { (void)ctx; return (void *)(uintptr_t)pa; }

static const struct vrm_pgt_mm_ops mm = { mm_zalloc, mm_free, mm_v2p, mm_p2v, NULL, NULL, NULL };

/* ---- PRNG (xorshift64) */
static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* driver.ml fold_hash */
static uint64_t fold(uint64_t h, uint64_t v)
{
	return ((h * UINT64_C(0x100000001b3)) ^ v) & HMASK;
}

/* ---- leaves of a range, through the public (read-only) walker */
struct leafsum {
	enum vrm_pgt_stage stage;
	uint64_t n, h;
};

static int leaf_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	struct leafsum *s = ctx->arg;
	enum vrm_pgt_desc_type t = vrm_pgt_desc_type(ctx->old, ctx->level);

	(void)which;
	if (t != VRM_PGT_DESC_BLOCK && t != VRM_PGT_DESC_PAGE)
		return 0;
	s->n++;
	s->h = fold(s->h, ctx->addr);
	s->h = fold(s->h, (uint64_t)ctx->level);
	s->h = fold(s->h, vrm_pgt_desc_oa(ctx->old, ctx->level));
	s->h = fold(s->h, vrm_pgt_desc_prot(s->stage, ctx->old));
	return 0;
}

static void print_leaves(struct vrm_pgt *pgt, const char *tag, uint64_t ia, uint64_t size)
{
	struct leafsum s = { (enum vrm_pgt_stage)pgt->stage, 0, 0 };
	struct vrm_pgt_visitor v = { leaf_visit, &s };

	if (vrm_pgt_walk(pgt, ia, size, &v, VRM_PGT_VISIT_LEAF))
		printf(" %s x x", tag);
	else
		printf(" %s %" PRIu64 " %" PRIu64, tag, s.n, s.h);
}

/*
 * The call's TLB maintenance, from the hosted TLB trace. FEAT_TTL is on,
 * so a BBM's TLBI (bbm.c flush_entry: a leaf, with its level) carries a
 * level hint in operand [47:44] on stage 2, while the range flush
 * (pgt_flush_range, VRM_TLB_LEVEL_ANY) carries none or is a whole-VMID
 * TLBI; at EL2 the BBM is TLBI VALE2IS (leaf only), the range flush
 * VAE2IS / ALLE2IS. VMALLE1IS is the companion of every stage-2 flush.
 * One pgt_flush_range is one run of range TLBIs with no DSB inside it
 * and DSBs around it, so rf counts runs: coalescing's flushes (one per
 * block made) would otherwise hide behind the call's own one in F.
 */
static int print_tlb(void)
{
	uint64_t n = 0, h = 0, runs = 0;
	int flush = 0, barrier = 1;
	size_t i, len = vrm_tlb_trace_len();
	struct vrm_tlb_event ev;

	if (vrm_tlb_trace_dropped()) {
		fprintf(stderr, "trace_pgt: TLB trace overflow\n");
		return -1;
	}
	for (i = 0; i < len && vrm_tlb_trace_get(i, &ev); i++) {
		uint64_t addr = (ev.operand & ((UINT64_C(1) << 44) - 1)) << 12;
		int range = 0;

		switch (ev.kind) {
		case VRM_TLB_EV_TLBI_IPAS2E1IS:
			if ((ev.operand >> 44) & 0xf) {
				n++;
				h = fold(h, addr);
			} else {
				range = 1;
			}
			break;
		case VRM_TLB_EV_TLBI_VALE2IS:
			n++;
			h = fold(h, addr);
			break;
		case VRM_TLB_EV_TLBI_RIPAS2E1IS:
		case VRM_TLB_EV_TLBI_VMALLS12E1IS:
		case VRM_TLB_EV_TLBI_VAE2IS:
		case VRM_TLB_EV_TLBI_RVAE2IS:
		case VRM_TLB_EV_TLBI_ALLE2IS:
			range = 1;
			break;
		case VRM_TLB_EV_TLBI_VMALLE1IS:
			break;
		case VRM_TLB_EV_DSB_ISH:
		case VRM_TLB_EV_DSB_ISHST:
			barrier = 1;
			break;
		default:
			if (vrm_tlb_ev_is_tlbi(ev.kind)) {
				fprintf(stderr, "trace_pgt: unexpected TLBI %s\n",
					vrm_tlb_ev_name(ev.kind));
				return -1;
			}
		}
		if (range) {
			flush = 1;
			runs += barrier;
			barrier = 0;
		}
	}
	printf(" bbm %" PRIu64 " %" PRIu64 " flush %d rf %" PRIu64, n, h, flush, runs);
	return 0;
}

static uint32_t rnd_prot(enum vrm_pgt_stage stage)
{
	static const uint32_t s2[] = { VRM_PGT_PROT_R, VRM_PGT_PROT_RW, VRM_PGT_PROT_RWX,
				       VRM_PGT_PROT_RW | VRM_PGT_PROT_DEVICE, VRM_PGT_PROT_X,
				       VRM_PGT_PROT_RW | VRM_PGT_PROT_NC, 0 };
	static const uint32_t el2[] = { VRM_PGT_PROT_R, VRM_PGT_PROT_RW,
					VRM_PGT_PROT_R | VRM_PGT_PROT_X,
					VRM_PGT_PROT_R | VRM_PGT_PROT_DEVICE,
					VRM_PGT_PROT_RW | VRM_PGT_PROT_NC };

	if (stage == VRM_PGT_STAGE2)
		return s2[rnd() % 7];
	return el2[rnd() % 5];
}

/* A prot vrm_pgt_prot_valid refuses (for this stage, or for both). */
static uint32_t bad_prot(enum vrm_pgt_stage stage)
{
	static const uint32_t any[] = { VRM_PGT_PROT_X | VRM_PGT_PROT_DEVICE,
					VRM_PGT_PROT_MT_MASK | VRM_PGT_PROT_R, 1u << 7,
					VRM_PGT_PROT_X_EL1 | VRM_PGT_PROT_R };
	uint64_t r = rnd() % 6;

	if (stage == VRM_PGT_EL2_S1 && r >= 4)
		return r == 4 ? VRM_PGT_PROT_W : VRM_PGT_PROT_RWX;
	return any[r % 4];
}

int main(int argc, char **argv)
{
	struct vrm_pgt_config cfg = { VRM_PGT_STAGE2, 40, -1, 1, 0 };
	struct vrm_pgt pgt;
	unsigned long op, nops;
	enum vrm_pgt_stage stage;

	if (argc != 4) {
		fprintf(stderr, "usage: %s SEED OPS stage2|el2|kernel|stage2-coalesce\n", argv[0]);
		return 2;
	}
	rng = strtoull(argv[1], NULL, 0) * UINT64_C(0x9e3779b97f4a7c15) | 1;
	nops = strtoul(argv[2], NULL, 0);
	if (!strcmp(argv[3], "el2")) {
		cfg = (struct vrm_pgt_config){ VRM_PGT_EL2_S1, 39, 1, 0, 0 };
	} else if (!strcmp(argv[3], "kernel")) {
		cfg = (struct vrm_pgt_config){ VRM_PGT_EL2_S1, 48, 0, 0, VRM_PGT_KERNEL };
	} else if (!strcmp(argv[3], "stage2-coalesce")) {
		cfg.flags = VRM_PGT_COALESCE;
	} else if (strcmp(argv[3], "stage2")) {
		fprintf(stderr, "unknown config %s\n", argv[3]);
		return 2;
	}
	stage = cfg.stage;
	static char buf[1 << 16];
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	vrm_tlb_set_features(VRM_TLB_FEAT_TTL); /* BBM TLBIs carry their level */
	if (vrm_pgt_init(&pgt, &cfg, &mm)) {
		fprintf(stderr, "vrm_pgt_init failed\n");
		return 1;
	}
	printf("cfg %d %u %d %d %d\n", stage == VRM_PGT_STAGE2, pgt.ia_bits, pgt.start_level,
	       (cfg.flags & VRM_PGT_KERNEL) != 0, (cfg.flags & VRM_PGT_COALESCE) != 0);
	for (op = 0; op < nops; op++) {
		uint64_t kind = rnd() % 100, sz = rnd() % 1000, first, n, ia, size;
		uint32_t prot = rnd_prot(stage);
		vrm_pa_t pa;
		int r;

		if (kind >= 92) {
			/* lookup: any byte of the window, sometimes past the input range */
			ia = WBASE + (rnd() % 4 ? HOT * K4 + rnd() % (HOTPAGES * K4)
						: rnd() % (WPAGES * K4));
			if (kind == 99)
				ia = (UINT64_C(1) << pgt.ia_bits) + (rnd() & 0xffff);
			vrm_pa_t lpa = 0;
			uint32_t lprot = 0;
			int lvl = 0;

			r = vrm_pgt_lookup(&pgt, ia, &lpa, &lprot, &lvl);
			if (r)
				lpa = 0, lprot = 0, lvl = 0;
			printf("look %" PRIu64 " ret %d pa %" PRIu64 " prot %u lvl %d\n", ia, r,
			       lpa, lprot, lvl);
			continue;
		}
		/* Sizes: mostly a few pages, some 2 MiB chunks, rarely 1 GiB. */
		if (sz < 2) {
			/* 1 GiB: map (a block, or 512 2 MiB ones) or unmap only:
			 * a remap over 2^18 pages would BBM each. */
			first = M2 / K4;
			n = G1 / K4;
			kind = kind < 50 ? 0 : 70;
			pa = ((rnd() % 64) << 30) + ((rnd() & 1) ? (rnd() % 512) << 21 : 0);
		} else {
			/* Three in four land in the hot 32 MiB (HOT), so calls
			 * overlap: EEXIST, identical maps,
			 * splits and BBM need earlier mappings to hit. */
			bool hot = rnd() % 4 != 0;

			if (sz < 12) {
				n = (1 + rnd() % 3) * (M2 / K4);
				first = hot ? HOT + (rnd() % (HOTPAGES / 512 - 2)) * 512
					    : (rnd() % (WPAGES / 512 - 3)) * 512;
			} else {
				n = 1 + rnd() % 8;
				first = hot ? HOT + rnd() % (HOTPAGES - n) : rnd() % (WPAGES - n);
			}
			/* pa aligned like ia (blocks possible) or not (pages only). */
			pa = (rnd() & 1) ? ((rnd() % 64) << 30) + first * K4
					 : (((rnd() % (UINT64_C(1) << 27)) + 1) << 12);
		}
		ia = WBASE + first * K4;
		size = n * K4;
		/* stage2-coalesce: a third of the remaps and set_prots give a
		 * few pages of a hot 2 MiB chunk, or all of it, the pa and prot
		 * that continue what the chunk's first page maps, so a table an
		 * earlier call split becomes uniform again (when that pa is
		 * 2 MiB aligned) and coalescing has something to do. */
		if ((cfg.flags & VRM_PGT_COALESCE) && kind >= 35 && kind < 65 && rnd() % 3 == 0) {
			uint64_t c = WBASE + (rnd() % (HOTPAGES / 512)) * M2, j;
			vrm_pa_t cpa;
			uint32_t cprot;
			int clvl;

			if (!vrm_pgt_lookup(&pgt, c, &cpa, &cprot, &clvl)) {
				n = rnd() % 2 ? 512 : 1 + rnd() % 8;
				j = n == 512 ? 0 : rnd() % (512 - n);
				ia = c + j * K4;
				size = n * K4;
				pa = cpa + j * K4;
				prot = cprot;
			}
		}
		/* A few invalid arguments (values stay below 2^62). */
		if (rnd() % 100 < 3) {
			switch (rnd() % 6) {
			case 0: ia += 0x800; break;
			case 1: size = 0; break;
			case 2: ia = UINT64_C(1) << pgt.ia_bits; break;
			case 3: pa += 0x10; break;
			case 4: pa = (UINT64_C(1) << 48) - (size & ~(K4 - 1)) + K4; break;
			default: prot = bad_prot(stage); break;
			}
		}
		/* Some calls get an allocator cap a few pages above what is live. */
		cap = rnd() % 10 == 0 ? (long)(nlive + rnd() % 4) : -1;
		peak = nlive;
		vrm_tlb_trace_reset();
		if (kind < 35) {
			r = vrm_pgt_map(&pgt, ia, pa, size, prot);
			printf("map %" PRIu64 " %" PRIu64 " %" PRIu64 " %u %ld", ia, pa, size, prot, cap);
		} else if (kind < 50) {
			r = vrm_pgt_remap(&pgt, ia, pa, size, prot);
			printf("remap %" PRIu64 " %" PRIu64 " %" PRIu64 " %u %ld", ia, pa, size, prot, cap);
		} else if (kind < 65) {
			r = vrm_pgt_set_prot(&pgt, ia, size, prot);
			printf("prot %" PRIu64 " %" PRIu64 " %u %ld", ia, size, prot, cap);
		} else {
			r = vrm_pgt_unmap(&pgt, ia, size);
			printf("unmap %" PRIu64 " %" PRIu64 " %ld", ia, size, cap);
		}
		cap = -1;
		printf(" ret %d peak %zu live %zu", r, peak, nlive);
		if (print_tlb())
			return 1;
		print_leaves(&pgt, "rl", ia, size);
		if (op % 512 == 511 || op + 1 == nops)
			print_leaves(&pgt, "all", 0, UINT64_C(1) << pgt.ia_bits);
		printf("\n");
	}
	printf("end %lu\n", nops);
	vrm_pgt_destroy(&pgt);
	if (nlive != 0) {
		fprintf(stderr, "trace_pgt: %zu table pages leaked\n", nlive);
		return 1;
	}
	return fflush(stdout) ? 1 : 0;
}
