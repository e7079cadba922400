/* SPDX-License-Identifier: MIT */
/*
 * Page-table fuzz harness. The input picks a table (stage 2 or EL2 stage 1,
 * kernel/write-once or not, 3 or 4 levels, FEAT_XNX or not), then a list of map, remap,
 * set_prot, unmap, lookup, hw_walk and walk calls over a window that holds
 * 2 MiB and 1 GiB blocks, with bad arguments (misaligned, zero, wrapping,
 * outside the input range, pa past 48 bits, bad prot) and allocator
 * failures (tests/pgtable/pgt_test_mm.h fails the Nth page). After every
 * step, against the flat model of tests/fuzz/pgt_model.h:
 *   - the result equals the model's; an injected -ENOMEM is allowed only
 *     where the model accepts, and then (as for every rejected call) every
 *     table page is byte-for-byte as before (hash) and no page leaked;
 *   - the pages the call touched (and their neighbours) translate as the
 *     model says, through vrm_pgt_lookup and the lock-free vrm_pgt_hw_walk;
 *   - the checker (checked builds: BBM, TLBI-before-reuse, write-once
 *     kernel tables) counted nothing.
 * At the end the whole window is compared by a vrm_pgt_walk, the table is
 * destroyed and every table page must be back in the allocator.
 */
#include <string.h>

#include <vrm/check.h>

#include "../pgtable/pgt_test_mm.h"
#include "fuzz_util.h"
#include "pgt_model.h"
#include "../tools/pgt_retire.h"

#define K4 UINT64_C(0x1000)
#define M2 UINT64_C(0x200000)
#define G1 UINT64_C(0x40000000)
#define WBASE (G1 - 4 * M2)
#define WSIZE (G1 + 8 * M2)
#define WPAGES (WSIZE / K4)
#define MAX_OPS 256

static struct tmm mm;
static uint64_t pages[WPAGES];
static struct pgt_model m = { pages, WBASE, WPAGES, 0, VRM_PGT_STAGE2, false };
static uint64_t dirty_lo = WPAGES, dirty_hi;

static const uint32_t good_prot[] = {
	VRM_PGT_PROT_R, VRM_PGT_PROT_RW, VRM_PGT_PROT_RWX, VRM_PGT_PROT_RW | VRM_PGT_PROT_DEVICE,
	VRM_PGT_PROT_R | VRM_PGT_PROT_X, VRM_PGT_PROT_RW | VRM_PGT_PROT_NC, VRM_PGT_PROT_X,
	VRM_PGT_PROT_W,
};
/* Valid only at stage 2 with FEAT_XNX, but the Device one never (an
 * executable Device mapping). Chosen when bit 7 of the prot byte is set. */
static const uint32_t xnx_prot[] = {
	VRM_PGT_PROT_R | VRM_PGT_PROT_X_EL1, VRM_PGT_PROT_RW | VRM_PGT_PROT_X_EL0,
	VRM_PGT_PROT_X_EL1 | VRM_PGT_PROT_NC, VRM_PGT_PROT_R | VRM_PGT_PROT_X_EL0 | VRM_PGT_PROT_DEVICE,
};
/* Invalid on every table, whatever the features. */
static const uint32_t bad_prot[] = { VRM_PGT_PROT_MT_MASK | VRM_PGT_PROT_R,
				     VRM_PGT_PROT_R | VRM_PGT_PROT_X | VRM_PGT_PROT_X_EL0,
				     0x80000001u, VRM_PGT_PROT_ALL };

static struct vrm_pgt pgt;

static void same_page(uint64_t i, unsigned step)
{
	uint64_t ia = WBASE + i * K4 + (i & 0xff) * 8, e = pages[i];
	struct vrm_pgt_xlate x;
	vrm_pa_t pa = 0;
	uint32_t prot = 0;
	int r = vrm_pgt_lookup(&pgt, ia, &pa, &prot, NULL);
	int h = vrm_pgt_hw_walk(&pgt, ia, &x);

	if (!(e & PM_VALID)) {
		FZ_REQUIRE(r == -ENOENT && h == -ENOENT, "step %u: ia %#llx should fault (%d %d)", step,
			   (unsigned long long)ia, r, h);
		return;
	}
	FZ_REQUIRE(r == 0 && h == 0, "step %u: ia %#llx should map (%d %d)", step,
		   (unsigned long long)ia, r, h);
	FZ_REQUIRE(pa == (e & PM_PA_MASK) + (ia & (K4 - 1)) && prot == (e & 0xfff),
		   "step %u: ia %#llx -> %#llx prot %#x, model %#llx", step, (unsigned long long)ia,
		   (unsigned long long)pa, prot, (unsigned long long)e);
	FZ_REQUIRE(x.pa == pa && x.prot == prot, "step %u: hw_walk disagrees with lookup", step);
}

/* Pages [i0, i0 + n) and their neighbours; long runs are sampled. */
static void compare_range(uint64_t i0, uint64_t n, unsigned step)
{
	uint64_t i, lo = i0 ? i0 - 1 : 0, hi = i0 + n < WPAGES ? i0 + n + 1 : WPAGES;

	if (hi - lo <= 96) {
		for (i = lo; i < hi; i++)
			same_page(i, step);
		return;
	}
	for (i = 0; i < 32; i++) {
		same_page(lo + i, step);
		same_page(hi - 1 - i, step);
		same_page(lo + ((hi - lo) / 32 * i + (i * 7919) % 512) % (hi - lo), step);
	}
}

struct full {
	unsigned leaves, stop_after;
};

/* The whole window, leaf by leaf. */
static int full_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	struct full *f = ctx->arg;
	uint64_t sz = vrm_pgt_level_size(ctx->level), a, e;
	enum vrm_pgt_desc_type t = vrm_pgt_desc_type(ctx->old, ctx->level);
	vrm_pa_t oa = vrm_pgt_desc_oa(ctx->old, ctx->level);
	uint32_t prot = vrm_pgt_desc_prot(m.stage, ctx->old);

	FZ_REQUIRE(which == VRM_PGT_VISIT_LEAF && t != VRM_PGT_DESC_TABLE, "walk: leaf visit");
	for (a = ctx->addr; a < ctx->addr + sz; a += K4) {
		if (a < WBASE || a >= WBASE + WSIZE)
			continue;
		e = pages[(a - WBASE) / K4];
		if (t == VRM_PGT_DESC_INVALID)
			FZ_REQUIRE(!(e & PM_VALID), "walk: %#llx should map", (unsigned long long)a);
		else
			FZ_REQUIRE(e == (PM_VALID | (oa + (a - ctx->addr)) | prot),
				   "walk: %#llx level %d", (unsigned long long)a, ctx->level);
	}
	return ++f->leaves == f->stop_after ? -VRM_EBUSY : 0;
}

static void walk_all(unsigned stop_after, unsigned step)
{
	struct full f = { 0, stop_after };
	struct vrm_pgt_visitor v = { full_visit, &f };
	int r = vrm_pgt_walk(&pgt, WBASE, WSIZE, &v, VRM_PGT_VISIT_LEAF);

	FZ_REQUIRE(r == (stop_after && f.leaves == stop_after ? -VRM_EBUSY : 0),
		   "step %u: walk returned %d after %u leaves", step, r, f.leaves);
}

/* A call with bad arguments: -EINVAL whatever the table holds. */
static void op_bad(struct fz *f, unsigned step)
{
	uint8_t how = fz_u8(f), which = fz_u8(f);
	uint64_t lim = UINT64_C(1) << m.ia_bits, ia = WBASE, size = K4;
	vrm_pa_t pa = UINT64_C(0x100000000);
	uint32_t prot = VRM_PGT_PROT_RW;
	struct vrm_pgt_xlate x;
	struct full fl = { 0, 0 };
	struct vrm_pgt_visitor v = { full_visit, &fl };
	int r = 0;

	switch (how % 9) {
	case 0: ia += 0x800; break;
	case 1: size = 0; break;
	case 2: size = K4 + 0x10; break;
	case 3: ia = lim - K4; size = 2 * K4; break;
	case 4: ia = lim; break;
	case 5: pa = (UINT64_C(1) << 48) - K4; size = 2 * K4; break;
	case 6: ia = UINT64_MAX & ~(K4 - 1); size = 2 * K4; break;
	case 7: size = UINT64_MAX & ~(K4 - 1); break;
	default: prot = bad_prot[(how >> 4) % 4]; break;
	}
	if ((how % 9 == 5 || how % 9 == 8) && which % 7 > 1)
		which = 0; /* pa / prot: only map and remap take them */
	if ((how % 9 == 1 || how % 9 == 2 || how % 9 == 7) && which % 7 >= 5)
		which = 4; /* lookup and hw_walk take no size */
	switch (which % 7) {
	case 0: r = vrm_pgt_map(&pgt, ia, pa, size, prot); break;
	case 1: r = vrm_pgt_remap(&pgt, ia, pa, size, prot); break;
	case 2: r = vrm_pgt_set_prot(&pgt, ia, size, prot); break;
	case 3: r = vrm_pgt_unmap(&pgt, ia, size); break;
	case 4: r = vrm_pgt_walk(&pgt, ia, size, &v, VRM_PGT_VISIT_LEAF); break;
	case 5: r = (how % 9 == 4 || how % 9 == 6) ? vrm_pgt_lookup(&pgt, ia, NULL, NULL, NULL)
						  : -EINVAL; break;
	default: r = (how % 9 == 4 || how % 9 == 6) ? vrm_pgt_hw_walk(&pgt, ia, &x) : -EINVAL; break;
	}
	FZ_REQUIRE(r == -EINVAL, "step %u: bad call %u/%u returned %d", step, how % 9, which % 7, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t cfgb = fz_u8(&f);
	struct vrm_pgt_config cfg = {
		.stage = (cfgb & 1) ? VRM_PGT_EL2_S1 : VRM_PGT_STAGE2,
		.ia_bits = (cfgb & 4) ? 40u : 32u,
		.start_level = -1,
		.vmid = 7,
		.flags = (cfgb & 2) ? VRM_PGT_KERNEL : 0,
	};
	unsigned step;
	uint64_t i;

	tmm_init(&mm);
	vrm_pgt_set_features((cfgb & 8) ? VRM_PGT_FEAT_XNX : 0);
	m.stage = cfg.stage;
	m.kernel = (cfgb & 2) != 0;
	m.ia_bits = cfg.ia_bits;
	FZ_REQUIRE(vrm_pgt_init(&pgt, &cfg, &mm.ops) == 0, "init");
	vrm_check_reset();

	for (step = 1; step <= MAX_OPS && f.left != 0; step++) {
		uint8_t k = fz_u8(&f), sel, szb, pb, qb, fault;
		uint16_t off;
		uint64_t ia, n, sz, hash = 0, nlive = mm.nlive, i0;
		vrm_pa_t pa;
		uint32_t prot;
		int want, got;

		if (k % 8 == 7) {
			op_bad(&f, step);
			continue;
		}
		sel = fz_u8(&f);
		szb = fz_u8(&f);
		pb = fz_u8(&f);
		qb = fz_u8(&f);
		fault = fz_u8(&f);
		off = fz_u16(&f);
		prot = (qb & 0x80) ? xnx_prot[(qb >> 3) % 4] : good_prot[qb % 8];
		switch (sel & 3) {
		case 0: ia = WBASE + (off % WPAGES) * K4; break;
		case 1: ia = WBASE + (off % (WPAGES / 512)) * M2; break;
		case 2: ia = G1 - 2 * M2 + (off % 8) * M2 + (off >> 12) * K4; break;
		default: ia = (off & 1) ? G1 : G1 - M2 * (off % 4); break;
		}
		switch ((sel >> 2) & 3) {
		case 0: n = 1 + szb % 16; break;
		case 1: n = 512 * (1 + szb % 4); break;
		case 2: n = 512 * (szb % 4) + 1 + szb % 7; break;
		default: n = (szb & 1) ? G1 / K4 : G1 / K4 - 512; break;
		}
		i0 = (ia - WBASE) / K4;
		if (i0 + n > WPAGES)
			n = WPAGES - i0;
		/* remap / set_prot may go page by page (one BBM and TLBI each):
		 * 1 GiB runs only for map and unmap, as tests/pgtable does. */
		if ((k % 8 == 2 || k % 8 == 3) && n > 2048)
			n = 2048;
		sz = n * K4;
		pa = (pb & 0x80) ? (UINT64_C(1) + (pb & 7)) * (UINT64_C(1) << 32) + ia
				 : ((uint64_t)(pb & 0x7f) << 20) + ((uint64_t)off << 12) + K4;
		/* Beyond 16 MiB, pa aligned like ia (blocks): a 1 GiB run of
		 * 4 KiB pages costs 2^18 descriptor writes and checker events. */
		if (n > 4096)
			pa = (UINT64_C(1) + (pb & 7)) * (UINT64_C(1) << 32) + ia;
		switch (k % 8) {
		case 0: case 1: want = pm_map(&m, ia, pa, sz, prot, false, false); break;
		case 2: want = pm_map(&m, ia, pa, sz, prot, true, false); break;
		case 3: want = pm_set_prot(&m, ia, sz, prot, false); break;
		case 4: want = pm_unmap(&m, ia, sz, false); break;
		case 5: compare_range(i0, n > 64 ? 64 : n, step); continue;
		default: walk_all(qb % 16, step); continue;
		}
		mm.fail_at = (fault & 0x80) ? 1 + (fault & 7) : 0;
		if (want != 0 || mm.fail_at)
			hash = tmm_hash(&mm);
		switch (k % 8) {
		case 0: case 1: got = vrm_pgt_map(&pgt, ia, pa, sz, prot); break;
		case 2: got = vrm_pgt_remap(&pgt, ia, pa, sz, prot); break;
		case 3: got = vrm_pgt_set_prot(&pgt, ia, sz, prot); break;
		default: got = vrm_pgt_unmap(&pgt, ia, sz); break;
		}
		if (!(want == 0 && got == -ENOMEM && mm.fail_at == 0 && (fault & 0x80)))
			FZ_REQUIRE(got == want, "step %u: op %u(%#llx, %#llx, %#llx, %#x) = %d, model %d",
				   step, k % 8, (unsigned long long)ia, (unsigned long long)pa,
				   (unsigned long long)sz, prot, got, want);
		mm.fail_at = 0;
		if (got != 0) {
			FZ_REQUIRE(tmm_hash(&mm) == hash && mm.nlive == nlive,
				   "step %u: rejected call (%d) changed the tables", step, got);
		} else {
			switch (k % 8) {
			case 0: case 1: pm_map(&m, ia, pa, sz, prot, false, true); break;
			case 2: pm_map(&m, ia, pa, sz, prot, true, true); break;
			case 3: pm_set_prot(&m, ia, sz, prot, true); break;
			default: pm_unmap(&m, ia, sz, true); break;
			}
			if (i0 < dirty_lo)
				dirty_lo = i0;
			if (i0 + n > dirty_hi)
				dirty_hi = i0 + n;
		}
		compare_range(i0, n, step);
		FZ_REQUIRE(vrm_check_total() == 0, "step %u: checker violation", step);
	}
	walk_all(0, step);
	pgt_retire(&pgt);
	FZ_REQUIRE(mm.nlive == 0, "destroy left %zu table pages", mm.nlive);
	FZ_REQUIRE(vrm_check_total() == 0, "checker violation");
	for (i = dirty_lo; i < dirty_hi; i++)
		pages[i] = 0;
	dirty_lo = WPAGES;
	dirty_hi = 0;
	vrm_pgt_set_features(0);
	return 0;
}
