/* SPDX-License-Identifier: MIT */
/*
 * unmap: invalidate the leaves, ONE batched flush over the range, and
 * only after it the table pages that became empty go back to the
 * allocator (Sequential-TLB-Invalidation: an MMU may still walk an
 * unlinked table until the TLBI that removes its walk-cache entry has
 * completed). Kernel tables refuse any valid entry (-EPERM).
 */
#include "pgt_internal.h"

/* All 512 entries zero: the test for freeing a partly covered table. Not
 * only "no valid entry" (bit 0, Arm ARM D8.3): an annotated invalid entry
 * (vrm_pgt_desc_annot) is information its table must keep. Eight entries (one 64-byte cache line) per test:
 * one branch per line instead of per entry, and the loads of a line do not
 * wait on each other's branches. */
static bool table_empty(const uint64_t *table)
{
	unsigned i, j;

	for (i = 0; i < PGT_ENTRIES; i += 8) {
		uint64_t any = 0;

		for (j = 0; j < 8; j++)
			any |= vrm_read_once_64(&table[i + j]);
		if (any)
			return false;
	}
	return true;
}

/*
 * From a wholly covered non-table entry: it and the entries after it in
 * the same table and range, up to the first table (which the walker
 * descends next), in one visit. Holes are skipped; a kernel table refuses
 * the first valid one (plan finds it before commit writes anything).
 *
 * Plan of a non-kernel table: nothing in a wholly covered entry can fail
 * or need a page (a table below it is wholly covered too: no split, and
 * only kernel tables refuse valid entries), so the plan skips the run
 * unread, tables included (PGT_VISIT_RUN: the walker does not descend
 * them); commit still reads every entry before writing it.
 */
static int unmap_run(struct pgt_op *op, const struct vrm_pgt_visit_ctx *ctx)
{
	unsigned shift = pgt_level_shift(ctx->level);
	uint64_t room = pgt_run_room(ctx), n, old;
	uint64_t *ptep = ctx->ptep;
	int level = ctx->level;
	bool wrote = false;

	if (pgt_is_kernel(op->pgt)) {
		/* Write-Once-Kernel-Mapping: any valid entry is -EPERM, found by
		 * the plan; a commit here therefore only skips holes and
		 * clears annotations (invalid -> invalid, no flush). */
		for (n = 0; n < room; n++) {
			old = vrm_read_once_64(&ptep[n]);
			if (pgt_is_table(old, level))
				break;
			if (old & 1)
				return -VRM_EPERM;
			if (old && op->commit)
				pgt_pte_write(op->pgt, &ptep[n], old, 0, level,
					      ctx->addr + (n << shift));
		}
		return (int)n;
	}
	if (!op->commit)
		return (int)room;
	/* Per entry only the load, the type tests and the store: the op and
	 * ctx fields are in locals and the flush is noted once per run. */
	for (n = 0; n < room; n++) {
		old = vrm_read_once_64(&ptep[n]);
		if (pgt_is_table(old, level))
			break;
		if (!old)
			continue; /* hole */
		pgt_pte_write(op->pgt, &ptep[n], old, 0, level, ctx->addr + (n << shift));
		/* An annotation's clearing needs no flush: the Arm ARM does
		 * not let a TLB cache an entry that gives a Translation
		 * fault. */
		wrote |= (old & 1) != 0;
	}
	if (wrote)
		op->flush = true; /* one batched flush, after the commit walk */
	return (int)n;
}

static int unmap_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	struct pgt_op *op = ctx->arg;
	struct vrm_pgt *pgt = op->pgt;
	const struct vrm_pgt_mm_ops *mm = pgt->mm;
	uint64_t esize = UINT64_C(1) << pgt_level_shift(ctx->level);
	bool covered = ctx->addr >= ctx->start && ctx->addr + esize <= ctx->end;
	uint64_t *child;

	if (which == VRM_PGT_VISIT_TABLE_POST) {
		if (!op->commit || pgt_is_kernel(pgt))
			return 0;
		child = mm->phys_to_virt(mm->ctx, vrm_pgt_desc_oa(ctx->old, ctx->level));
		/* Fully covered: every child was invalidated or unlinked. */
		if (!covered && !table_empty(child))
			return 0;
		pgt_pte_write(pgt, ctx->ptep, ctx->old, 0, ctx->level, ctx->addr);
		pgt_defer_free(op, child);
		op->flush = true; /* walk caches may hold the table entry */
		return 0;
	}
	if (covered)
		return unmap_run(op, ctx);
	if (!ctx->old)
		return 0; /* hole */
	if ((ctx->old & 1) && pgt_is_kernel(pgt))
		return -VRM_EPERM;
	/* A valid block (BBM) or a block-sized annotation only partly
	 * covered: split it first, then the walker clears the covered part. */
	if (!op->commit)
		op->need += pgt_fresh_tables(pgt_max(ctx->addr, ctx->start),
					     pgt_min(ctx->addr + esize, ctx->end), ctx->level, 0);
	return op->commit ? pgt_split(op, ctx) : 0;
}

int vrm_pgt_unmap(struct vrm_pgt *pgt, uint64_t ia, uint64_t size)
{
	struct pgt_op op = { .pgt = pgt, .ia = ia, .size = size, .no_coalesce = true };

	if (!pgt_range_ok(pgt, ia, size))
		return -VRM_EINVAL;
	return pgt_op_run(&op, unmap_visit,
			  VRM_PGT_VISIT_LEAF | VRM_PGT_VISIT_TABLE_POST | PGT_VISIT_RUN);
}
