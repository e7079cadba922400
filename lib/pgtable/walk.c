/* SPDX-License-Identifier: MIT */
/*
 * The visitor walker: the only loop over table entries that the writers
 * use (map, remap, set_prot, unmap and lookup are visitors), after Linux's
 * kvm_pgtable_walk. The lock-free hardware-like walk is in xlate.c.
 */
#include "pgt_internal.h"

struct walk {
	struct vrm_pgt *pgt;
	uint64_t start, end;
	vrm_pgt_visitor_fn fn;
	void *arg;
	unsigned flags;
};

static int walk_table(const struct walk *w, uint64_t *table, int level, uint64_t base);

/* Visit one entry; descend when it is (or the leaf visit made it) a table. */
static int walk_entry(const struct walk *w, uint64_t *ptep, int level, uint64_t addr)
{
	struct vrm_pgt_visit_ctx ctx = {
		.pgt = w->pgt, .ptep = ptep, .old = vrm_read_once_64(ptep), .addr = addr,
		.start = w->start, .end = w->end, .level = level, .arg = w->arg,
	};
	const struct vrm_pgt_mm_ops *mm = w->pgt->mm;
	int ret;

	if (!pgt_is_table(ctx.old, level)) {
		if (!(w->flags & VRM_PGT_VISIT_LEAF))
			return 0;
		ret = w->fn(&ctx, VRM_PGT_VISIT_LEAF);
		if (ret)
			return ret;
		/* map installs tables and split replaces blocks: follow them. */
		ctx.old = vrm_read_once_64(ptep);
		if (!pgt_is_table(ctx.old, level))
			return 0;
	} else if (w->flags & VRM_PGT_VISIT_TABLE_PRE) {
		ret = w->fn(&ctx, VRM_PGT_VISIT_TABLE_PRE);
		if (ret)
			return ret;
		ctx.old = vrm_read_once_64(ptep);
		if (!pgt_is_table(ctx.old, level))
			return 0;
	}
	ret = walk_table(w, mm->phys_to_virt(mm->ctx, vrm_pgt_desc_oa(ctx.old, level)),
			 level + 1, addr);
	if (ret || !(w->flags & VRM_PGT_VISIT_TABLE_POST))
		return ret;
	ctx.old = vrm_read_once_64(ptep);
	return w->fn(&ctx, VRM_PGT_VISIT_TABLE_POST);
}

static int walk_table(const struct walk *w, uint64_t *table, int level, uint64_t base)
{
	unsigned shift = pgt_level_shift(level);
	uint64_t esize = UINT64_C(1) << shift;
	uint64_t addr = pgt_max(w->start, base) & ~(esize - 1);
	uint64_t idx = (addr - base) >> shift;
	uint64_t n = PGT_ENTRIES, step;
	int ret;

	if (level == w->pgt->start_level)
		n = UINT64_C(1) << (w->pgt->ia_bits - shift);
	for (; idx < n && addr < w->end; idx += step, addr += step * esize) {
		ret = walk_entry(w, &table[idx], level, addr);
		step = 1;
		if (ret > 0 && (w->flags & PGT_VISIT_RUN))
			/* A run of leaves, handled; never past the table. */
			step = pgt_min((uint64_t)ret, n - idx);
		else if (ret)
			return ret;
	}
	return 0;
}

int pgt_walk_locked(struct vrm_pgt *pgt, uint64_t start, uint64_t end,
		    vrm_pgt_visitor_fn fn, void *arg, unsigned flags)
{
	struct walk w = { pgt, start, end, fn, arg, flags };

	return walk_table(&w, pgt->root, pgt->start_level, 0);
}

bool pgt_range_ok(const struct vrm_pgt *pgt, uint64_t ia, uint64_t size)
{
	uint64_t limit = UINT64_C(1) << pgt->ia_bits;

	if (size == 0 || ((ia | size) & (VRM_PAGE_SIZE - 1)))
		return false;
	return ia < limit && size <= limit - ia;
}

int vrm_pgt_walk(struct vrm_pgt *pgt, uint64_t start, uint64_t size,
		 const struct vrm_pgt_visitor *visitor, unsigned flags)
{
	unsigned all = VRM_PGT_VISIT_LEAF | VRM_PGT_VISIT_TABLE_PRE | VRM_PGT_VISIT_TABLE_POST |
		       VRM_PGT_VISIT_LEAF_RUN;
	int ret;

	if (!visitor || !visitor->fn || (flags & ~all) || !pgt_range_ok(pgt, start, size))
		return -VRM_EINVAL;
	vrm_ticket_lock(&pgt->lock);
	ret = pgt_walk_locked(pgt, start, start + size, visitor->fn, visitor->arg, flags);
	vrm_ticket_unlock(&pgt->lock);
	return ret;
}

uint64_t vrm_pgt_visit_run_room(const struct vrm_pgt_visit_ctx *ctx)
{
	if (!ctx || ctx->addr < ctx->start)
		return 0;
	return pgt_run_room(ctx);
}
