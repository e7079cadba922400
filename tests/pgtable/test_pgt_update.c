/* SPDX-License-Identifier: MIT */
/*
 * Update walks (vrm_pgt_update), annotated invalid entries and the public
 * leaf-run walk: what each kind of change writes and flushes (counted in
 * the TLB model's trace and seen through its MMU walker), what is refused
 * and that a refusal changes nothing (table hash, no TLB maintenance), the
 * kernel table's write-once rule, whole-entry visits of blocks, and unmap
 * keeping tables that hold annotations.
 */
#include <check.h>
#include <stdlib.h>

#include <vrm/pgtable.h>
#include <vrm/pgtable_rcu.h>
#include <vrm/tlb_model.h>

#include "pgt_test_mm.h"
#include "../tools/check_run.h"
#include "../tools/pgt_retire.h"

#define K4 UINT64_C(0x1000)
#define M2 UINT64_C(0x200000)
#define G1_T UINT64_C(0x40000000)
#define RW VRM_PGT_PROT_RW
#define VMID 11
#define AF VRM_PGT_DESC_AF

static struct tmm m;
static struct vrm_pgt pgt;

static void setup_stage(enum vrm_pgt_stage stage, uint32_t flags)
{
	tmm_init(&m);
	ck_assert_int_eq(vrm_pgt_init(&pgt, &(struct vrm_pgt_config){ stage, 39, -1, VMID, flags },
				      &m.ops), 0);
	vrm_tlb_model_reset();
	vrm_tlb_model_set_walker(vrm_pgt_tlb_walker, &pgt);
}
static void setup_s2(void) { setup_stage(VRM_PGT_STAGE2, 0); }
static void setup_el2(void) { setup_stage(VRM_PGT_EL2_S1, 0); }
static void setup_kernel(void) { setup_stage(VRM_PGT_EL2_S1, VRM_PGT_KERNEL); }

static void teardown(void)
{
	vrm_tlb_model_set_walker(NULL, NULL);
	pgt_retire(&pgt);
	ck_assert_uint_eq(m.nlive, 0);
}

static uint32_t regime(void)
{
	return pgt.stage == VRM_PGT_STAGE2 ? VMID : VRM_TLB_REGIME_EL2;
}

static size_t tlbis(void)
{
	size_t n = 0;
	uint32_t k;

	for (k = 0; k <= VRM_TLB_EV_LAST_TLBI; k++)
		if (vrm_tlb_ev_is_tlbi(k))
			n += vrm_tlb_trace_count(k);
	return n;
}

static uint64_t desc_at(uint64_t ia)
{
	struct vrm_pgt_xlate x;

	ck_assert_int_eq(vrm_pgt_hw_walk(&pgt, ia, &x), 0);
	return x.desc;
}

/* The visitors: each is a function of the entry (plan and commit agree),
 * commit visits counted. */
struct upd {
	uint64_t set, clear;   /* bits to set / clear in valid leaves */
	uint32_t prot;         /* != 0: rebuild valid leaves with this prot */
	uint64_t to;           /* with mode 1: descriptor for every entry */
	int mode;              /* 0 bits, 1 "to", 2 fail at `fail_at`, 3 annotate holes */
	uint64_t fail_at;
	unsigned plans, commits;
	uint64_t seen_addr[8];
	int seen_level[8];
};

static int upd_fn(const struct vrm_pgt_visit_ctx *ctx, bool commit, uint64_t *nd)
{
	struct upd *u = ctx->arg;
	enum vrm_pgt_stage st = (enum vrm_pgt_stage)ctx->pgt->stage;

	if (commit) {
		if (u->commits < 8) {
			u->seen_addr[u->commits] = ctx->addr;
			u->seen_level[u->commits] = ctx->level;
		}
		u->commits++;
	} else {
		u->plans++;
	}
	switch (u->mode) {
	case 1:
		*nd = u->to;
		return 0;
	case 2:
		if (ctx->addr == u->fail_at)
			return -VRM_EBUSY;
		break;
	case 3:
		if (!(ctx->old & 1) && ctx->level == 3)
			*nd = vrm_pgt_desc_annot((uint32_t)(ctx->addr >> 12) & 0xff);
		return 0;
	default:
		break;
	}
	if (!(ctx->old & 1))
		return 0;
	if (u->prot)
		*nd = vrm_pgt_desc_leaf(st, vrm_pgt_desc_oa(ctx->old, ctx->level), ctx->level,
					u->prot) |
		      (ctx->old & VRM_PGT_DESC_SW_MASK);
	*nd = (*nd | u->set) & ~u->clear;
	return 0;
}

static int run(uint64_t ia, uint64_t size, struct upd *u)
{
	struct vrm_pgt_updater up = { upd_fn, u, 0 };

	return vrm_pgt_update(&pgt, ia, size, &up);
}

START_TEST(age_walk_clears_and_sets_af_in_place_without_a_flush)
{
	struct upd u = { .clear = AF };
	vrm_pa_t pa;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x10000, 0x800000, 4 * K4, RW), 0);
	ck_assert_int_eq(vrm_pgt_map(&pgt, M2, 0x1000000, M2, RW), 0);
	vrm_tlb_trace_reset();
	ck_assert_int_eq(run(0, 2 * M2, &u), 0);
	ck_assert_uint_eq(u.commits, u.plans); /* every entry twice */
	ck_assert_uint_eq(tlbis(), 0);
	ck_assert_uint_eq(desc_at(0x10000) & AF, 0);
	ck_assert_uint_eq(desc_at(M2 + 0x5000) & AF, 0);
	/* Still the same translation: only AF moved. */
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, M2 + 0x5000, &pa, NULL, NULL), 0);
	ck_assert_uint_eq(pa, 0x1005000);
	u = (struct upd){ .set = AF };
	ck_assert_int_eq(run(0, 2 * M2, &u), 0);
	ck_assert_uint_eq(desc_at(0x13000), vrm_pgt_desc_leaf(pgt.stage, 0x803000, 3, RW));
	ck_assert_uint_eq(tlbis(), 0);
}
END_TEST

START_TEST(sw_bits_are_the_visitors_and_map_sees_them_as_a_difference)
{
	struct upd u = { .set = VRM_PGT_DESC_SW(0) | VRM_PGT_DESC_SW(3) };
	uint32_t prot;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x20000, 0x900000, K4, RW), 0);
	vrm_tlb_trace_reset();
	ck_assert_int_eq(run(0x20000, K4, &u), 0);
	ck_assert_uint_eq(tlbis(), 0);
	ck_assert_uint_eq(desc_at(0x20000) & VRM_PGT_DESC_SW_MASK,
			  VRM_PGT_DESC_SW(0) | VRM_PGT_DESC_SW(3));
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 0x20000, NULL, &prot, NULL), 0);
	ck_assert_uint_eq(prot, RW);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x20000, 0x900000, K4, RW), -VRM_EEXIST);
	/* set_prot rebuilds the leaf the library's way: SW bits dropped. */
	ck_assert_int_eq(vrm_pgt_set_prot(&pgt, 0x20000, K4, RW), 0);
	ck_assert_uint_eq(desc_at(0x20000) & VRM_PGT_DESC_SW_MASK, 0);
}
END_TEST

START_TEST(write_protect_walk_is_in_place_with_one_flush_over_the_blocks)
{
	struct upd u = { .prot = VRM_PGT_PROT_R };
	vrm_pa_t pa;
	uint32_t prot;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0, 0x40000000, 2 * M2, RW), 0);
	/* Cached: the flush must remove it. */
	ck_assert_int_eq(vrm_tlb_model_translate(0, regime(), M2 + 0x3000, &pa), 0);
	vrm_tlb_trace_reset();
	/* One page of each block in the range: the blocks are visited whole. */
	ck_assert_int_eq(run(M2 - K4, 2 * K4, &u), 0);
	ck_assert_uint_eq(u.commits, 2);
	ck_assert_uint_eq(u.seen_addr[0], 0);
	ck_assert_int_eq(u.seen_level[0], 2);
	ck_assert_uint_eq(u.seen_addr[1], M2);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, M2 + 0x100000, NULL, &prot, NULL), 0);
	ck_assert_uint_eq(prot, VRM_PGT_PROT_R);
	ck_assert_uint_ge(tlbis(), 1);
	/* The flush covered the whole second block, not only the range. */
	ck_assert_int_eq(vrm_tlb_model_lookup(0, regime(), M2 + 0x3000, &pa), -VRM_ENOENT);
	/* Adding the permission back: in place, no flush. */
	vrm_tlb_trace_reset();
	u = (struct upd){ .prot = RW };
	ck_assert_int_eq(run(0, 2 * M2, &u), 0);
	ck_assert_uint_eq(tlbis(), 0);
}
END_TEST

START_TEST(new_output_address_goes_through_break_before_make)
{
	struct upd u = { .mode = 1 };
	vrm_pa_t pa;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x30000, 0xa00000, K4, RW), 0);
	ck_assert_int_eq(vrm_tlb_model_translate(0, regime(), 0x30000, &pa), 0);
	u.to = vrm_pgt_desc_leaf(pgt.stage, 0xb00000, 3, RW);
	vrm_tlb_trace_reset();
	ck_assert_int_eq(run(0x30000, K4, &u), 0);
	ck_assert_uint_ge(tlbis(), 1);
	ck_assert(!vrm_tlb_model_caches_pa(0xa00000));
	ck_assert_int_eq(vrm_tlb_model_translate(0, regime(), 0x30000, &pa), 0);
	ck_assert_uint_eq(pa, 0xb00000);
}
END_TEST

START_TEST(annotations_name_an_owner_fault_and_survive_unmap_of_neighbours)
{
	struct upd u = { .mode = 3 };
	size_t live;
	uint32_t owner = 0;
	struct vrm_pgt_xlate x;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x40000, 0xc00000, K4, RW), 0);
	live = m.nlive;
	vrm_tlb_trace_reset();
	ck_assert_int_eq(run(0x41000, 2 * K4, &u), 0); /* two holes beside the page */
	ck_assert_uint_eq(tlbis(), 0);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 0x41000, &owner), 0);
	ck_assert_uint_eq(owner, 0x41);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 0x42fff, &owner), 0);
	ck_assert_uint_eq(owner, 0x42);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 0x40000, NULL), -VRM_EEXIST);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 0x43000, NULL), -VRM_ENOENT);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 0x41000, NULL, NULL, NULL), -VRM_ENOENT);
	ck_assert_int_eq(vrm_pgt_hw_walk(&pgt, 0x41000, &x), -VRM_ENOENT);
	/* map writes over an annotation (it is an invalid entry). */
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x41000, 0xd00000, K4, RW), 0);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 0x41000, NULL), -VRM_EEXIST);
	/* Unmapping both valid pages keeps their table: it holds 0x42. */
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, 0x40000, 2 * K4), 0);
	ck_assert_uint_eq(m.nlive, live);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 0x42000, &owner), 0);
	ck_assert_uint_eq(owner, 0x42);
	/* Unmapping it clears it (no flush), and the table, empty, goes. */
	vrm_tlb_trace_reset();
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, 0x42000, K4), 0);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 0x42000, NULL), -VRM_ENOENT);
	ck_assert_uint_lt(m.nlive, live);
}
END_TEST

START_TEST(valid_to_annotation_is_an_unmap_with_its_flush)
{
	struct upd u = { .mode = 1, .to = vrm_pgt_desc_annot(7) };
	vrm_pa_t pa;
	uint32_t owner;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x50000, 0xe00000, K4, RW), 0);
	ck_assert_int_eq(vrm_tlb_model_translate(0, regime(), 0x50000, &pa), 0);
	vrm_tlb_trace_reset();
	ck_assert_int_eq(run(0x50000, K4, &u), 0);
	ck_assert_uint_ge(tlbis(), 1);
	ck_assert(!vrm_tlb_model_caches_pa(0xe00000));
	ck_assert_int_eq(vrm_tlb_model_translate(0, regime(), 0x50000, &pa), -VRM_ENOENT);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 0x50000, &owner), 0);
	ck_assert_uint_eq(owner, 7);
}
END_TEST

/* Each must be refused with -EINVAL by the plan: nothing written, no TLB
 * maintenance. */
START_TEST(malformed_descriptors_are_refused_and_change_nothing)
{
	enum vrm_pgt_stage st = (enum vrm_pgt_stage)pgt.stage;
	uint64_t leaf = vrm_pgt_desc_leaf(st, 0xf00000, 3, RW);
	const uint64_t bad[] = {
		UINT64_C(0x2),              /* invalid, a bit outside the owner field */
		UINT64_C(1) << 40,          /* invalid, high garbage */
		leaf | (UINT64_C(1) << 52), /* Contiguous */
		leaf | (UINT64_C(1) << 11), /* nG */
		(leaf & ~UINT64_C(3)) | 1,  /* block type at level 3 */
		leaf | (UINT64_C(1) << 48), /* OA beyond 48 bits */
	};
	struct upd u = { .mode = 1 };
	uint64_t h;
	size_t i;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x60000, 0xf00000, K4, RW), 0);
	h = tmm_hash(&m);
	vrm_tlb_trace_reset();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		u.to = bad[i];
		ck_assert_int_eq(run(0x60000, K4, &u), -VRM_EINVAL);
	}
	/* Device memory with execute: vrm_pgt_prot_valid refuses the prot. */
	u.to = (vrm_pgt_desc_leaf(st, 0xf00000, 3, VRM_PGT_PROT_RW | VRM_PGT_PROT_DEVICE)) &
	       ~(UINT64_C(3) << 53) & ~(UINT64_C(1) << 54);
	ck_assert_int_eq(run(0x60000, K4, &u), -VRM_EINVAL);
	/* W+X at EL2 (stage 2 allows it). */
	u.to = (leaf & ~(UINT64_C(1) << 54)) & ~(UINT64_C(1) << 53);
	ck_assert_int_eq(run(0x60000, K4, &u), st == VRM_PGT_EL2_S1 ? -VRM_EINVAL : 0);
	if (st == VRM_PGT_STAGE2) {
		h = tmm_hash(&m); /* that one was allowed: back to RW */
		u.to = leaf;
		ck_assert_int_eq(run(0x60000, K4, &u), 0);
		ck_assert_uint_ne(tmm_hash(&m), h);
		h = tmm_hash(&m);
		vrm_tlb_trace_reset();
	}
	/* A misaligned block and a table descriptor, over a 2 MiB hole. */
	u.to = vrm_pgt_desc_leaf(st, 0x1000000, 2, RW) | 0x1000;
	ck_assert_int_eq(run(4 * M2, K4, &u), -VRM_EINVAL);
	u.to = vrm_pgt_desc_table(0x7000000);
	ck_assert_int_eq(run(4 * M2, K4, &u), -VRM_EINVAL);
	/* A block at level 2 is fine there. */
	ck_assert_uint_eq(tmm_hash(&m), h);
	ck_assert_uint_eq(tlbis(), 0);
	u.to = vrm_pgt_desc_leaf(st, 0x1000000, 2, RW);
	ck_assert_int_eq(run(4 * M2, K4, &u), 0);
	ck_assert_uint_eq(desc_at(4 * M2 + 0x1234), u.to);
}
END_TEST

START_TEST(a_visitor_error_in_the_plan_changes_nothing)
{
	struct upd u = { .mode = 2, .fail_at = 0x72000, .clear = AF };
	struct upd clr = { .clear = AF };
	uint64_t h;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x70000, 0x1100000, 4 * K4, RW), 0);
	h = tmm_hash(&m);
	ck_assert_int_eq(run(0x70000, 4 * K4, &u), -VRM_EBUSY);
	ck_assert_uint_eq(u.commits, 0);
	ck_assert_uint_eq(tmm_hash(&m), h);
	/* The entries before the failing one would have changed. */
	ck_assert_int_eq(run(0x70000, 2 * K4, &clr), 0);
	ck_assert_uint_ne(tmm_hash(&m), h);
	ck_assert_int_eq(vrm_pgt_update(&pgt, 0x70000, 0, &(struct vrm_pgt_updater){ upd_fn, &u, 0 }),
			 -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_update(&pgt, 0x70000, K4, NULL), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_update(&pgt, 0x70000, K4, &(struct vrm_pgt_updater){ NULL, &u, 0 }),
			 -VRM_EINVAL);
}
END_TEST

START_TEST(kernel_table_entries_once_valid_stay)
{
	struct upd u = { .clear = AF };
	struct upd fill = { .mode = 1 };
	uint64_t h;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x80000, 0x1200000, K4, RW), 0);
	h = tmm_hash(&m);
	ck_assert_int_eq(run(0x80000, K4, &u), -VRM_EPERM);
	ck_assert_uint_eq(tmm_hash(&m), h);
	/* An invalid entry may become valid: write-once. */
	fill.to = vrm_pgt_desc_leaf(pgt.stage, 0x1300000, 3, VRM_PGT_PROT_R);
	ck_assert_int_eq(run(0x81000, K4, &fill), 0);
	ck_assert_uint_eq(desc_at(0x81000), fill.to);
	ck_assert_int_eq(run(0x81000, K4, &fill), 0); /* the same: no change */
}
END_TEST

/* ---- VRM_PGT_UPDATE_SPLIT: the visitor sees only what lies inside the
 * range; entries sticking out are split, and only where it changes some
 * part inside. */
struct sv {
	int mode;              /* 0 annotate everything, 1 write-protect, 2 no change */
	uint32_t owner;
	unsigned commits, outside, pieces;
};

static int split_fn(const struct vrm_pgt_visit_ctx *ctx, bool commit, uint64_t *nd)
{
	struct sv *v = ctx->arg;
	uint64_t esize = vrm_pgt_level_size(ctx->level);
	enum vrm_pgt_stage st = (enum vrm_pgt_stage)ctx->pgt->stage;

	if (ctx->addr < ctx->start || ctx->addr + esize > ctx->end)
		v->outside++; /* must never happen in split mode */
	v->commits += commit;
	v->pieces += !ctx->ptep;
	if (v->mode == 0)
		*nd = vrm_pgt_desc_annot(v->owner);
	else if (v->mode == 1 && (ctx->old & 1))
		*nd = vrm_pgt_desc_leaf(st, vrm_pgt_desc_oa(ctx->old, ctx->level), ctx->level,
					VRM_PGT_PROT_R);
	return 0;
}

static int run_split(uint64_t ia, uint64_t size, struct sv *v)
{
	struct vrm_pgt_updater up = { split_fn, v, VRM_PGT_UPDATE_SPLIT };

	return vrm_pgt_update(&pgt, ia, size, &up);
}

START_TEST(split_mode_annotates_one_page_of_a_block_and_keeps_the_rest)
{
	struct sv v = { .owner = 9 };
	vrm_pa_t pa;
	uint32_t owner = 0, prot;
	int level;
	size_t live;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 2 * M2, 0x4000000, M2, RW), 0);
	live = m.nlive;
	ck_assert_int_eq(vrm_tlb_model_translate(0, regime(), 2 * M2 + 0x5000, &pa), 0);
	vrm_tlb_trace_reset();
	ck_assert_int_eq(run_split(2 * M2 + 0x5000, K4, &v), 0);
	ck_assert_uint_eq(v.outside, 0);
	ck_assert_uint_eq(v.commits, 1);
	ck_assert_uint_gt(v.pieces, 0); /* the plan asked about the split's pieces */
	ck_assert_uint_eq(m.nlive, live + 1); /* one table: the split's */
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 2 * M2 + 0x5000, &owner), 0);
	ck_assert_uint_eq(owner, 9);
	/* The stale block translation is gone (the split's BBM flushed it). */
	ck_assert_int_eq(vrm_tlb_model_lookup(0, regime(), 2 * M2 + 0x5000, &pa), -VRM_ENOENT);
	ck_assert_int_eq(vrm_tlb_model_translate(0, regime(), 2 * M2 + 0x5000, &pa), -VRM_ENOENT);
	ck_assert_uint_ge(tlbis(), 1);
	/* Its neighbours: the same pa and prot, now as pages. */
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 2 * M2 + 0x4000, &pa, &prot, &level), 0);
	ck_assert_uint_eq(pa, 0x4004000);
	ck_assert_uint_eq(prot, RW);
	ck_assert_int_eq(level, 3);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 3 * M2 - K4, &pa, NULL, NULL), 0);
	ck_assert_uint_eq(pa, 0x4000000 + M2 - K4);
	/* Default mode: the same call sees the (now split) page alone; on a
	 * block it would take all of it (write_protect_walk_... above). */
}
END_TEST

START_TEST(split_mode_write_protects_part_of_a_block)
{
	struct sv v = { .mode = 1 };
	uint32_t prot;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 2 * M2, 0x4000000, M2, RW), 0);
	ck_assert_int_eq(run_split(2 * M2 + M2 / 2, 2 * K4, &v), 0);
	ck_assert_uint_eq(v.outside, 0);
	ck_assert_uint_eq(v.commits, 2);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 2 * M2 + M2 / 2 + K4, NULL, &prot, NULL), 0);
	ck_assert_uint_eq(prot, VRM_PGT_PROT_R);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 2 * M2 + M2 / 2 - K4, NULL, &prot, NULL), 0);
	ck_assert_uint_eq(prot, RW);
	ck_assert_int_eq(vrm_pgt_lookup(&pgt, 2 * M2 + M2 / 2 + 2 * K4, NULL, &prot, NULL), 0);
	ck_assert_uint_eq(prot, RW);
}
END_TEST

START_TEST(split_mode_without_a_change_splits_nothing)
{
	struct sv v = { .mode = 2 };
	uint64_t h;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 2 * M2, 0x4000000, M2, RW), 0);
	h = tmm_hash(&m);
	vrm_tlb_trace_reset();
	ck_assert_int_eq(run_split(2 * M2 + K4, 3 * K4, &v), 0);
	ck_assert_uint_eq(tmm_hash(&m), h);
	ck_assert_uint_eq(tlbis(), 0);
	ck_assert_uint_eq(v.commits, 0); /* nothing inside the range but pieces */
	ck_assert_uint_eq(v.outside, 0);
	/* Holes too: a 1 GiB hole split only in thought. */
	ck_assert_int_eq(run_split(5 * G1_T + 7 * K4, 9 * K4, &v), 0);
	ck_assert_uint_eq(tmm_hash(&m), h);
}
END_TEST

START_TEST(split_mode_annotates_holes_with_blocks_where_they_fit)
{
	struct sv v = { .owner = 0x1234 };
	size_t live = m.nlive;
	uint32_t owner = 0;
	uint64_t lo = 4 * M2 - K4, size = M2 + 2 * K4;

	vrm_tlb_trace_reset();
	ck_assert_int_eq(run_split(lo, size, &v), 0);
	ck_assert_uint_eq(v.outside, 0);
	ck_assert_uint_eq(tlbis(), 0); /* only invalid entries changed */
	/* Three tables: the 1 GiB hole below the level-1 root is split (a
	 * level-2 table), then the 2 MiB holes at both ends (page tables);
	 * the middle 2 MiB gets one block-sized annotation. */
	ck_assert_uint_eq(v.commits, 1 + 1 + 1); /* page, 2 MiB annotation, page */
	ck_assert_uint_eq(m.nlive, live + 3);
	for (uint64_t a = lo; a < lo + size; a += 0x7000) {
		ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, a, &owner), 0);
		ck_assert_uint_eq(owner, 0x1234);
	}
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, lo + size, &owner), -VRM_ENOENT);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, lo - K4, &owner), -VRM_ENOENT);
	/* unmap of one page inside the 2 MiB annotation splits it: that page
	 * is cleared, the rest keeps its owner. */
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, 4 * M2 + 0x10000, K4), 0);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 4 * M2 + 0x10000, &owner), -VRM_ENOENT);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 4 * M2 + 0x11000, &owner), 0);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 4 * M2 + 0xf000, &owner), 0);
	ck_assert_uint_eq(tlbis(), 0);
	/* Clearing it all frees every table the annotations held. */
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, lo, size), 0);
	ck_assert_uint_eq(m.nlive, live);
}
END_TEST

START_TEST(split_mode_refusals_change_nothing)
{
	struct sv v = { .owner = 3 };
	struct vrm_pgt_updater bad = { split_fn, &v, 0x2 };
	uint64_t h;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 2 * M2, 0x4000000, M2, RW), 0);
	h = tmm_hash(&m);
	vrm_tlb_trace_reset();
	ck_assert_int_eq(vrm_pgt_update(&pgt, 2 * M2, K4, &bad), -VRM_EINVAL);
	m.fail_at = 1;
	ck_assert_int_eq(run_split(2 * M2 + K4, K4, &v), -VRM_ENOMEM);
	m.fail_at = 0;
	ck_assert_uint_eq(v.commits, 0);
	ck_assert_uint_eq(tmm_hash(&m), h);
	ck_assert_uint_eq(tlbis(), 0);
}
END_TEST

/* vrm_pgt_update_pages_needed: exactly the pages the call then takes. */
START_TEST(pages_needed_is_what_the_split_call_takes)
{
	static const struct { uint64_t ia, size; } r[] = {
		{ 2 * M2 + K4, K4 },            /* one split of the block */
		{ 2 * M2 - K4, 2 * K4 },        /* across it and the hole before */
		{ 6 * M2 - K4, M2 + 2 * K4 },   /* holes: two page tables, a block inside */
		{ G1_T * 3 + 5 * K4, 3 * K4 },  /* a 1 GiB hole: two levels */
		{ 2 * M2 + K4, K4 },            /* again: already split, nothing */
	};
	struct sv v = { .owner = 6 };
	struct vrm_pgt_updater up = { split_fn, &v, VRM_PGT_UPDATE_SPLIT };
	uint64_t pages, h, before;
	size_t i;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 2 * M2, 0x4000000, M2, RW), 0);
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		pages = 12345;
		h = tmm_hash(&m);
		ck_assert_int_eq(vrm_pgt_update_pages_needed(&pgt, r[i].ia, r[i].size, &up, &pages), 0);
		ck_assert_uint_eq(tmm_hash(&m), h); /* the query writes nothing */
		ck_assert_uint_eq(v.commits, 0);
		before = m.allocs;
		ck_assert_int_eq(run_split(r[i].ia, r[i].size, &v), 0);
		ck_assert_uint_eq(m.allocs - before, pages);
		ck_assert_uint_eq(pages, i == 4 ? 0 : i >= 2 ? 2 : 1);
		v.commits = 0;
	}
	/* Whole entries: never a page. Errors: the call's, *pages untouched. */
	up.flags = 0;
	ck_assert_int_eq(vrm_pgt_update_pages_needed(&pgt, 8 * M2 + K4, K4, &up, &pages), 0);
	ck_assert_uint_eq(pages, 0);
	pages = 77;
	ck_assert_int_eq(vrm_pgt_update_pages_needed(&pgt, 8 * M2, 0, &up, &pages), -VRM_EINVAL);
	ck_assert_int_eq(vrm_pgt_update_pages_needed(&pgt, 8 * M2, K4, &up, NULL), -VRM_EINVAL);
	ck_assert_uint_eq(pages, 77);
}
END_TEST

START_TEST(kernel_split_of_a_valid_block_is_refused_of_a_hole_allowed)
{
	struct sv v = { .owner = 5 };
	uint64_t h;
	uint32_t owner = 0;

	ck_assert_int_eq(vrm_pgt_map(&pgt, 2 * M2, 0x4000000, M2, RW), 0);
	h = tmm_hash(&m);
	ck_assert_int_eq(run_split(2 * M2 + K4, K4, &v), -VRM_EPERM);
	ck_assert_uint_eq(tmm_hash(&m), h);
	ck_assert_int_eq(run_split(4 * M2 + K4, K4, &v), 0);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 4 * M2 + K4, &owner), 0);
	ck_assert_uint_eq(owner, 5);
	/* unmap of a kernel table clears annotations (invalid -> invalid). */
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, 4 * M2, M2), 0);
	ck_assert_int_eq(vrm_pgt_lookup_owner(&pgt, 4 * M2 + K4, &owner), -VRM_ENOENT);
}
END_TEST

/* The public leaf-run fast path: one visit per run of leaves. */
struct runs {
	unsigned visits;
	uint64_t entries;
	uint64_t ask; /* 0: the room; else that many */
};

static int run_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	struct runs *r = ctx->arg;
	uint64_t room = vrm_pgt_visit_run_room(ctx);
	uint64_t n = r->ask ? r->ask : (room ? room : 1);

	(void)which;
	r->visits++;
	r->entries += n < room ? n : (room ? room : 1);
	return (int)n;
}

START_TEST(leaf_run_walk_visits_once_per_run)
{
	struct runs r = { 0 };
	struct vrm_pgt_visitor v = { run_visit, &r };

	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x100000, 0x1400000, 16 * K4, RW), 0);
	ck_assert_int_eq(vrm_pgt_walk(&pgt, 0x100000, 16 * K4, &v,
				      VRM_PGT_VISIT_LEAF | VRM_PGT_VISIT_LEAF_RUN), 0);
	ck_assert_uint_eq(r.visits, 1);
	ck_assert_uint_eq(r.entries, 16);
	/* Asking for more than the table holds stops at the table's end. */
	r = (struct runs){ .ask = 100000 };
	ck_assert_int_eq(vrm_pgt_walk(&pgt, M2 - 2 * K4, 4 * K4, &v,
				      VRM_PGT_VISIT_LEAF | VRM_PGT_VISIT_LEAF_RUN), 0);
	ck_assert_uint_eq(r.visits, 2); /* the table's last two, then the hole */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pgtable-update");
	TCase *s2 = tcase_create("stage2"), *e = tcase_create("el2"), *k = tcase_create("kernel");

	tcase_add_checked_fixture(s2, setup_s2, teardown);
	tcase_add_checked_fixture(e, setup_el2, teardown);
	tcase_add_checked_fixture(k, setup_kernel, teardown);
	for (int i = 0; i < 2; i++) {
		TCase *tc = i ? e : s2;

		tcase_add_test(tc, age_walk_clears_and_sets_af_in_place_without_a_flush);
		tcase_add_test(tc, sw_bits_are_the_visitors_and_map_sees_them_as_a_difference);
		tcase_add_test(tc, write_protect_walk_is_in_place_with_one_flush_over_the_blocks);
		tcase_add_test(tc, new_output_address_goes_through_break_before_make);
		tcase_add_test(tc, annotations_name_an_owner_fault_and_survive_unmap_of_neighbours);
		tcase_add_test(tc, valid_to_annotation_is_an_unmap_with_its_flush);
		tcase_add_test(tc, malformed_descriptors_are_refused_and_change_nothing);
		tcase_add_test(tc, a_visitor_error_in_the_plan_changes_nothing);
		tcase_add_test(tc, leaf_run_walk_visits_once_per_run);
		tcase_add_test(tc, split_mode_annotates_one_page_of_a_block_and_keeps_the_rest);
		tcase_add_test(tc, split_mode_write_protects_part_of_a_block);
		tcase_add_test(tc, split_mode_without_a_change_splits_nothing);
		tcase_add_test(tc, split_mode_annotates_holes_with_blocks_where_they_fit);
		tcase_add_test(tc, split_mode_refusals_change_nothing);
		tcase_add_test(tc, pages_needed_is_what_the_split_call_takes);
	}
	tcase_add_test(k, kernel_table_entries_once_valid_stay);
	tcase_add_test(k, kernel_split_of_a_valid_block_is_refused_of_a_hole_allowed);
	suite_add_tcase(s, s2);
	suite_add_tcase(s, e);
	suite_add_tcase(s, k);
	return vrm_test_run(s);
}
