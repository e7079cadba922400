/* SPDX-License-Identifier: MIT */
/* Differential test: random map/remap/set_prot/unmap against a flat
 * reference (one word per 4 KiB page of a 1 GiB + 4 MiB window that can
 * hold a 1 GiB block); after every step lookups of sampled pages agree. */
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

static uint64_t ref[WPAGES]; /* VALID | pa | prot */
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

	if (!(ref[i] & VALID)) {
		ck_assert_int_eq(r, -VRM_ENOENT);
		return;
	}
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(pa, ref[i] & UINT64_C(0x0000fffffffff000));
	ck_assert_uint_eq(prot, ref[i] & 0xfff);
}

START_TEST(random_operations_agree_with_a_flat_reference)
{
	static struct tmm m;
	struct vrm_pgt pgt;
	unsigned long op;

	tmm_init(&m);
	ck_assert_int_eq(vrm_pgt_init(&pgt, &(struct vrm_pgt_config){ VRM_PGT_STAGE2, 40, -1, 1, 0 },
				      &m.ops), 0);
	for (op = 0; op < DIFF_OPS; op++) {
		uint64_t kind = rnd() % 100, sz = rnd() % 1000, first, n, i;
		uint32_t prot = rnd_prot();
		vrm_pa_t pa;
		int r, want = 0;

		/* Sizes: mostly a few pages, some 2 MiB chunks, rarely 1 GiB. */
		if (sz < 2) {
			/* 1 GiB: map or unmap only (a remap would BBM 2^18 pages). */
			first = M2 / K4;
			n = G1 / K4;
			kind = kind < 50 ? 0 : 99;
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
		} else {
			r = vrm_pgt_unmap(&pgt, WBASE + first * K4, n * K4);
		}
		ck_assert_int_eq(r, want);
		for (i = 0; i < n && !want; i++) {
			uint64_t *e = &ref[first + i];

			if (kind < 55)
				*e = VALID | (pa + i * K4) | prot;
			else if (kind < 70)
				*e = (*e & VALID) ? ((*e & ~UINT64_C(0xfff)) | prot) : 0;
			else
				*e = 0;
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
END_TEST

int main(void)
{
	Suite *s = suite_create("pgtable-diff");
	TCase *tc = tcase_create("diff");

	tcase_set_timeout(tc, 0);
	tcase_add_test(tc, random_operations_agree_with_a_flat_reference);
	suite_add_tcase(s, tc);
	return vrm_test_run(s);
}
