/* SPDX-License-Identifier: MIT */
/* Differential test: random map/remap/set_prot/unmap and update walks
 * (age, SW bits, write-protect, annotate, unmap by update; whole-entry
 * and split mode) against a flat
 * reference (one word per 4 KiB page of a 1 GiB + 4 MiB window that can
 * hold a 1 GiB block, and its owner annotation); after every step lookups,
 * the walked descriptor's AF / SW bits and vrm_pgt_lookup_owner of sampled
 * pages agree. */
#include <check.h>
#include <stdlib.h>

#include <vrm/pgtable.h>

#include "pgt_test_mm.h"
#include "../tools/check_run.h"
#include "../tools/xorshift.h"
#include "../tools/pgt_retire.h"

#ifndef DIFF_OPS
#define DIFF_OPS 100000
#endif
#define K4 UINT64_C(0x1000)
#define M2 UINT64_C(0x200000)
#define G1 UINT64_C(0x40000000)
#define WBASE (G1 - M2)
#define WPAGES ((G1 + 2 * M2) / K4)
#define VALID (UINT64_C(1) << 63)
#define REF_SW_SHIFT 52            /* the leaf's SW[3:0] */
#define REF_AF_CLEAR (UINT64_C(1) << 56)
#define REF_EXTRA ((UINT64_C(0xf) << REF_SW_SHIFT) | REF_AF_CLEAR)

static uint64_t ref[WPAGES];  /* VALID | pa | prot | REF_EXTRA bits */
static uint32_t own[WPAGES];  /* invalid pages: the annotation's owner */
static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	return xorshift64(&rng);
}

static uint32_t rnd_prot(void)
{
	static const uint32_t p[] = { VRM_PGT_PROT_R, VRM_PGT_PROT_RW, VRM_PGT_PROT_RWX,
				      VRM_PGT_PROT_RW | VRM_PGT_PROT_DEVICE, VRM_PGT_PROT_X };
	return p[rnd() % 5];
}

static void check_page(struct vrm_pgt *pgt, uint64_t i)
{
	vrm_pa_t pa;
	uint32_t prot;
	int r = vrm_pgt_lookup(pgt, WBASE + i * K4, &pa, &prot, NULL);

	struct vrm_pgt_xlate x;
	uint32_t owner = 0;

	if (!(ref[i] & VALID)) {
		ck_assert_int_eq(r, -VRM_ENOENT);
		r = vrm_pgt_lookup_owner(pgt, WBASE + i * K4, &owner);
		ck_assert_int_eq(r, own[i] ? 0 : -VRM_ENOENT);
		ck_assert_uint_eq(owner, own[i]);
		return;
	}
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(pa, ref[i] & UINT64_C(0x0000fffffffff000));
	ck_assert_uint_eq(prot, ref[i] & 0xfff);
	ck_assert_int_eq(vrm_pgt_hw_walk(pgt, WBASE + i * K4, &x), 0);
	ck_assert_uint_eq((x.desc & VRM_PGT_DESC_SW_MASK) >> VRM_PGT_DESC_SW_SHIFT,
			  (ref[i] >> REF_SW_SHIFT) & 0xf);
	ck_assert_uint_eq(!(x.desc & VRM_PGT_DESC_AF), !!(ref[i] & REF_AF_CLEAR));
}

/* An update walk's visitor: one of seven changes per call; the commit
 * visits record what they asked for, which the reference then applies to
 * every page of the entry (entries are visited whole, or in split mode
 * only what lies inside the range, split out of what sticks out). */
#define UPD_MAX 4096
struct upd {
	int mode;
	bool split;        /* VRM_PGT_UPDATE_SPLIT: only entries inside are seen */
	uint64_t sw;
	uint32_t owner;
	size_t n;
	struct { uint64_t addr, desc; int level; } rec[UPD_MAX];
};

static int upd_fn(const struct vrm_pgt_visit_ctx *ctx, bool commit, uint64_t *nd)
{
	struct upd *u = ctx->arg;
	enum vrm_pgt_stage st = (enum vrm_pgt_stage)ctx->pgt->stage;
	uint64_t old = ctx->old, esize = vrm_pgt_level_size(ctx->level);
	bool inside = ctx->addr >= ctx->start && ctx->addr + esize <= ctx->end;
	uint32_t prot;

	if (u->split)
		ck_assert(inside);
	if (!(old & 1)) {
		if (u->mode == 4 && ctx->level == 3 && inside)
			*nd = vrm_pgt_desc_annot(u->owner);
	} else {
		prot = vrm_pgt_desc_prot(st, old);
		switch (u->mode) {
		case 0: *nd = old & ~VRM_PGT_DESC_AF; break;
		case 1: *nd = old | VRM_PGT_DESC_AF; break;
		case 2: *nd = (old & ~VRM_PGT_DESC_SW_MASK) | (u->sw << VRM_PGT_DESC_SW_SHIFT); break;
		case 3:
			*nd = vrm_pgt_desc_leaf(st, vrm_pgt_desc_oa(old, ctx->level), ctx->level,
						prot & ~VRM_PGT_PROT_W) |
			      (old & VRM_PGT_DESC_SW_MASK);
			*nd &= ~VRM_PGT_DESC_AF | (old & VRM_PGT_DESC_AF);
			break;
		case 5: if (ctx->level == 3 && inside) *nd = vrm_pgt_desc_annot(u->owner); break;
		default: *nd = 0; break;
		}
	}
	if (commit && *nd != old) {
		ck_assert_uint_lt(u->n, UPD_MAX);
		u->rec[u->n].addr = ctx->addr;
		u->rec[u->n].desc = *nd;
		u->rec[u->n].level = ctx->level;
		u->n++;
	}
	return 0;
}

static void upd_apply(const struct upd *u)
{
	size_t k;

	for (k = 0; k < u->n; k++) {
		uint64_t d = u->rec[k].desc, esize = vrm_pgt_level_size(u->rec[k].level), off;
		vrm_pa_t oa = vrm_pgt_desc_oa(d, u->rec[k].level);

		for (off = 0; off < esize; off += K4) {
			uint64_t ia = u->rec[k].addr + off, i;

			if (ia < WBASE || ia >= WBASE + WPAGES * K4)
				continue;
			i = (ia - WBASE) / K4;
			own[i] = vrm_pgt_desc_owner(d);
			ref[i] = !(d & 1) ? 0
				 : VALID | (oa + off) | vrm_pgt_desc_prot(VRM_PGT_STAGE2, d) |
					   (((d & VRM_PGT_DESC_SW_MASK) >> VRM_PGT_DESC_SW_SHIFT)
					    << REF_SW_SHIFT) |
					   ((d & VRM_PGT_DESC_AF) ? 0 : REF_AF_CLEAR);
		}
	}
}

static void run_diff(uint32_t flags_init, unsigned long ops)
{
	static struct tmm m;
	struct vrm_pgt pgt;
	unsigned long op;

	tmm_init(&m);
	ck_assert_int_eq(vrm_pgt_init(&pgt, &(struct vrm_pgt_config){ VRM_PGT_STAGE2, 40, -1, 1,
								      flags_init }, &m.ops), 0);
	static struct upd u;

	for (op = 0; op < ops; op++) {
		uint64_t kind = rnd() % 100, sz = rnd() % 1000, first, n, i;
		uint32_t prot = rnd_prot();
		unsigned flags;
		vrm_pa_t pa;
		int r, want = 0;

		/* Sizes: mostly a few pages, some 2 MiB chunks, rarely 1 GiB. */
		if (sz < 2) {
			/* 1 GiB: map or unmap only (a remap would BBM 2^18 pages). */
			first = M2 / K4;
			n = G1 / K4;
			kind = kind < 50 ? 0 : 99; /* (updates: not 2^18 records) */
		} else if (sz < 12) {
			n = (1 + rnd() % 3) * (M2 / K4);
			first = (rnd() % (WPAGES / 512 - 3)) * 512;
		} else {
			n = 1 + rnd() % 8;
			first = rnd() % (WPAGES - n);
		}
		/* pa aligned like ia (blocks possible) or not (pages only). */
		pa = (rnd() & 1) ? ((rnd() % 64) << 30) + first * K4
				 : (((rnd() % (UINT64_C(1) << 27)) + 1) << 12);
		if (kind < 40) {
			for (i = 0; i < n; i++)
				if ((ref[first + i] & VALID) &&
				    ref[first + i] != (VALID | (pa + i * K4) | prot))
					want = -VRM_EEXIST;
			r = vrm_pgt_map(&pgt, WBASE + first * K4, pa, n * K4, prot);
		} else if (kind < 55) {
			r = vrm_pgt_remap(&pgt, WBASE + first * K4, pa, n * K4, prot);
		} else if (kind < 70) {
			r = vrm_pgt_set_prot(&pgt, WBASE + first * K4, n * K4, prot);
		} else if (kind < 82) {
			u.mode = (int)(rnd() % 7);
			u.sw = rnd() & 0xf;
			u.owner = 1 + (uint32_t)(rnd() % 0xffff);
			u.n = 0;
			u.split = rnd() & 1;
			flags = u.split ? VRM_PGT_UPDATE_SPLIT : 0;
			r = vrm_pgt_update(&pgt, WBASE + first * K4, n * K4,
					   &(struct vrm_pgt_updater){ upd_fn, &u, flags });
			ck_assert_int_eq(r, 0);
			upd_apply(&u);
		} else {
			r = vrm_pgt_unmap(&pgt, WBASE + first * K4, n * K4);
		}
		ck_assert_int_eq(r, want);
		for (i = 0; i < n && !want && !(kind >= 70 && kind < 82); i++) {
			uint64_t *e = &ref[first + i];

			if (kind < 55) {
				*e = VALID | (pa + i * K4) | prot;
				own[first + i] = 0;
			} else if (kind < 70) {
				/* set_prot rebuilds the leaf: SW bits dropped, AF set;
				 * holes and their annotations stay. */
				*e = (*e & VALID) ? ((*e & ~(UINT64_C(0xfff) | REF_EXTRA)) | prot) : 0;
			} else {
				*e = 0;
				own[first + i] = 0;
			}
		}
		check_page(&pgt, first);
		check_page(&pgt, first + n - 1);
		if (first + n < WPAGES)
			check_page(&pgt, first + n);
		check_page(&pgt, rnd() % WPAGES);
	}
	for (op = 0; op < WPAGES; op += 7)
		check_page(&pgt, op);
	pgt_retire(&pgt);
	ck_assert_uint_eq(m.nlive, 0);
}

START_TEST(random_operations_agree_with_a_flat_reference)
{
	run_diff(0, DIFF_OPS);
}
END_TEST

/* The same with block coalescing: translations, SW bits, AF and owners
 * must not change when tables become blocks (another seed's sequence). */
START_TEST(with_coalescing_too)
{
	rng = 0x9e3779b97f4a7c15ull;
	run_diff(VRM_PGT_COALESCE, DIFF_OPS / 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pgtable-diff");
	TCase *tc = tcase_create("diff");

	tcase_set_timeout(tc, 0);
	tcase_add_test(tc, random_operations_agree_with_a_flat_reference);
	tcase_add_test(tc, with_coalescing_too);
	suite_add_tcase(s, tc);
	return vrm_test_run(s);
}
