/* SPDX-License-Identifier: MIT */
/*
 * The frame of every mutating operation: plan, allocate, commit, flush,
 * then free. Because the plan walk validates everything and counts (an
 * upper bound of) the table pages the commit walk will need, and those
 * pages are obtained before the commit's first write, an error of any kind
 * (-EINVAL, -EEXIST, -EPERM, -ENOMEM) leaves the tables byte-for-byte
 * unchanged and issues no TLB maintenance.
 */
#include <vrm/tlb.h>

#include "pgt_internal.h"

uint64_t pgt_fresh_tables(uint64_t lo, uint64_t hi, int level, uint64_t delta)
{
	int child = level + 1;
	uint64_t csize = vrm_pgt_level_size(child);
	uint64_t a = (lo + csize - 1) & ~(csize - 1); /* whole children: [a, b) */
	uint64_t b = hi & ~(csize - 1);
	uint64_t n = 1;

	if (child == 3)
		return 1;
	/* O(levels), not O(entries): a partly covered child at each end, and
	 * whole children that all need the same: a block each when pa is
	 * aligned like ia (the same for every one of them), else one subtree
	 * each of the same size. */
	if (lo < pgt_min(a, hi))
		n += pgt_fresh_tables(lo, pgt_min(a, hi), child, delta);
	if (a < b && (delta & (csize - 1)))
		n += ((b - a) >> pgt_level_shift(child)) * pgt_fresh_tables(a, a + csize, child, delta);
	if (pgt_max(a, b) < hi)
		n += pgt_fresh_tables(pgt_max(a, b), hi, child, delta);
	return n;
}

uint64_t *pgt_cache_pop(struct pgt_op *op)
{
	uint64_t *page = op->cache;

	if (page) {
		/* Unpublished: plain stores are private to this CPU. */
		op->cache = (uint64_t *)(uintptr_t)page[0];
		page[0] = 0;
	}
	return page;
}

void pgt_defer_free(struct pgt_op *op, uint64_t *table)
{
	/* The link is page aligned: bit 0 clear, an invalid descriptor to any
	 * walker still inside this (empty) table until the flush. */
	vrm_write_once_64(table, (uint64_t)(uintptr_t)op->dead);
	op->dead = table;
}

int pgt_install_table(struct pgt_op *op, struct vrm_pgt_visit_ctx *ctx)
{
	const struct vrm_pgt_mm_ops *mm = op->pgt->mm;
	uint64_t *table = pgt_cache_pop(op);

	if (!table)
		return -VRM_ENOMEM; /* unreachable when the plan is right */
	/* The allocator zeroed it; pgt_pte_write publishes with release. */
#if VRM_CHECKED
	{
		struct vrm_check_table t = pgt_check_table(op->pgt);

		vrm_check_table_publish(&t, table);
	}
#endif
	pgt_pte_write(op->pgt, ctx->ptep, ctx->old,
		      vrm_pgt_desc_table(mm->virt_to_phys(mm->ctx, table)),
		      ctx->level, ctx->addr);
	op->fresh = true; /* the walker descends into it next (struct pgt_op) */
	return 0;
}

static int cache_fill(struct pgt_op *op)
{
	const struct vrm_pgt_mm_ops *mm = op->pgt->mm;
	uint64_t i;

	for (i = 0; i < op->need; i++) {
		uint64_t *page = mm->zalloc_page(mm->ctx);

		if (!page)
			return -VRM_ENOMEM;
		page[0] = (uint64_t)(uintptr_t)op->cache;
		op->cache = page;
	}
	return 0;
}

static void cache_drain(struct pgt_op *op)
{
	const struct vrm_pgt_mm_ops *mm = op->pgt->mm;
	uint64_t *page;

	/* Never published: no walker can hold them, no flush needed. */
	while ((page = pgt_cache_pop(op)) != NULL)
		mm->free_page(mm->ctx, page);
}

int pgt_op_run(struct pgt_op *op, vrm_pgt_visitor_fn fn, unsigned flags)
{
	uint64_t *page;
	int ret;

	vrm_ticket_lock(&op->pgt->lock);
	op->commit = false;
	ret = pgt_walk_locked(op->pgt, op->ia, op->ia + op->size, fn, op, flags);
	if (!ret && !op->plan_only)
		ret = cache_fill(op);
	if (!ret && !op->plan_only) {
		/* map / remap (the only ops with leaf attributes): the whole
		 * new range's cache maintenance before any store maps it. */
		if (op->attrs)
			pgt_cmo(op->pgt, op->pa, op->size, false, 0, op->prot);
		op->commit = true;
		ret = pgt_walk_locked(op->pgt, op->ia, op->ia + op->size, fn, op, flags);
		if (!ret && (op->pgt->flags & VRM_PGT_COALESCE) && !op->no_coalesce)
			pgt_coalesce(op);
#ifdef VRM_TWIN_NO_PGT_FLUSH
		/* Broken twin, for hyp-example's attack tests only (never a
		 * build option): the TLB flush that ends a change is skipped,
		 * so a stale translation survives it. */
		op->flush = false;
#endif
		if (op->flush && op->flush_hi > op->flush_lo)
			pgt_flush_range(op->pgt, op->flush_lo, op->flush_hi - op->flush_lo);
		else if (op->flush)
			pgt_flush_range(op->pgt, op->ia, op->size);
		else if (op->pgt->stage == VRM_PGT_EL2_S1)
			/* EL2 stage 1: this PE runs on these tables. DSB ISHST
			 * as below, then an ISB, so the instruction after the
			 * call (this very PE, at EL2) may use the new mapping
			 * (Arm ARM D8.2: a walk of the same PE sees a table
			 * write after a DSB, later instructions after a context
			 * synchronization event; as pKVM's kvm_pgtable_hyp_map:
			 * dsb(ishst); isb()). Once per call. */
			vrm_tlb_sync_el2_map();
		else
			/* No flush to complete the new entries: a DSB ISHST does
			 * before the unlock, so the next lock holder (on any CPU)
			 * cannot act on a mapping other PEs' walks cannot yet see
			 * (No-Barrier-Misuse; Arm ARM D8.2.7, as pKVM's
			 * kvm_pgtable_stage2_map). Once per call, not per entry.
			 * No ISB: stage-2 walks serve EL1/EL0, which a PE only
			 * enters by an ERET, a context synchronization event of
			 * its own (likewise kvm_pgtable_stage2_map has none). */
			vrm_dsb_ishst();
		/* Sequential-TLB-Invalidation: only now, after the flush's
		 * DSB, may unlinked table pages be reused. */
		while ((page = op->dead) != NULL) {
			op->dead = (uint64_t *)(uintptr_t)vrm_read_once_64(page);
			pgt_page_release(op->pgt, page);
		}
	}
	cache_drain(op);
	vrm_ticket_unlock(&op->pgt->lock);
	return ret;
}
