/* SPDX-License-Identifier: MIT */
/*
 * map (write-once) and remap (break-before-make), one leaf visitor.
 * An invalid entry gets the largest leaf that fits (1 GiB / 2 MiB block
 * when the entry is fully covered and pa is aligned like ia, else a fresh
 * table to descend into); a valid leaf is left alone when it already maps
 * the same pa with the same attributes, refused (-EEXIST) by map, and
 * replaced through BBM (split first if only partly covered or misaligned)
 * by remap, which a kernel table refuses (-EPERM, Write-Once-Kernel-Mapping).
 */
#include "pgt_internal.h"

/*
 * From an invalid entry wholly covered with pa aligned to its size: it and
 * the invalid entries after it in the same table and range (each also
 * wholly covered, pa aligned alike) get leaves, in one visit, stopping at
 * the first valid entry (the walker visits it next, so plan still checks
 * every entry before commit writes any). Write-once: each slot is read
 * just before its write and written only if invalid; or, `fresh` (the
 * commit's first visit of a table it has just linked, struct pgt_op), all
 * of the run is known zero and is written without the reads.
 */
static int map_run(const struct pgt_op *op, const struct vrm_pgt_visit_ctx *ctx, vrm_pa_t pa,
		   bool fresh)
{
	unsigned shift = pgt_level_shift(ctx->level);
	uint64_t room = pgt_run_room(ctx), n, old;
	uint64_t desc = pa | op->attrs | (ctx->level == 3 ? 3u : 1u);
	/* Locals: the descriptor stores are volatile, so fields read through
	 * op and ctx would be re-loaded for every entry. */
	uint64_t *ptep = ctx->ptep;
	uint64_t addr = ctx->addr;
	int level = ctx->level;
	bool commit = op->commit;

	/* Checked builds: the run's writes are checked in one pass (below). */
	VRM_CHECK(vrm_pgt__check_run_begin());
	if (fresh && commit) {
		/*@ loop invariant 0 <= n <= room;
		  @ loop invariant \forall integer i; n <= i < room ==> ptep[i] == 0;
		  @ loop assigns n, ptep[0 .. room - 1];
		  @ loop variant room - n;
		  @*/
		for (n = 0; n < room; n++)
			pgt_pte_write(op->pgt, &ptep[n], 0, desc + (n << shift), level,
				      addr + (n << shift));
	} else {
		/* ACSL (Frama-C WP, proofs/wp/pgt_map_run.c): pgt_pte_write's
		 * contract there requires the entry to be invalid and equal to
		 * `old`. */
		/*@ loop invariant 0 <= n <= room;
		  @ loop assigns n, old, ptep[0 .. room - 1];
		  @ loop variant room - n;
		  @*/
		for (n = 0; n < room; n++) {
			old = vrm_read_once_64(&ptep[n]);
			if (old & 1)
				break;
			if (commit)
				pgt_pte_write(op->pgt, &ptep[n], old, desc + (n << shift), level,
					      addr + (n << shift));
		}
	}
	VRM_CHECK(vrm_pgt__check_run_end(op->pgt, ptep, commit ? n : 0, desc, level, addr));
	return (int)n;
}

/* map_visit's decisions, on a typed op (the walker's `void *arg` is cast
 * in map_visit below, so Frama-C WP's typed memory model can follow op:
 * proofs/wp/pgt_map.c proves this function's contract). */
static int map_visit_op(struct pgt_op *op, struct vrm_pgt_visit_ctx *ctx)
{
	struct vrm_pgt *pgt = op->pgt;
	int level = ctx->level;
	uint64_t esize = UINT64_C(1) << pgt_level_shift(level);
	uint64_t lo = pgt_max(ctx->addr, ctx->start);
	uint64_t hi = pgt_min(ctx->addr + esize, ctx->end);
	vrm_pa_t pa = op->pa + (lo - op->ia);
	bool whole = lo == ctx->addr && hi == ctx->addr + esize && !(pa & (esize - 1));
	enum vrm_pgt_stage stage = (enum vrm_pgt_stage)pgt->stage;
	bool fresh = op->fresh;
	uint64_t want;

	op->fresh = false; /* true only for the visit right after an install */
	if (!(ctx->old & 1)) {
		if (whole && level >= 1)
			return map_run(op, ctx, pa, fresh);
		if (!op->commit) {
			op->need += pgt_fresh_tables(lo, hi, level, op->pa - op->ia);
			return 0;
		}
		return pgt_install_table(op, ctx);
	}
	/* A valid leaf (tables are descended by the walker, not visited). */
	want = vrm_pgt_desc_leaf(stage, pa & ~(esize - 1), level, op->prot);
	if (vrm_pgt_desc_oa(ctx->old, level) + (lo - ctx->addr) == pa &&
	    pgt_leaf_attrs(ctx->old) == pgt_leaf_attrs(want))
		return 0; /* identical: nothing to write */
	if (!op->replace)
		return -VRM_EEXIST;
#ifndef VRM_TWIN_KERNEL_REMAP
	/* Broken twin VRM_TWIN_KERNEL_REMAP (tests/model/pgt only, never a
	 * build option): without this check a remap replaces valid entries
	 * of a kernel table, breaking Write-Once-Kernel-Mapping. */
	if (pgt_is_kernel(pgt))
		return -VRM_EPERM;
#endif
	if (whole) {
		if (op->commit)
			pgt_bbm(pgt, ctx->ptep, ctx->old, want, level, ctx->addr);
		return 0;
	}
	if (!op->commit) {
		/* Worst case: every child block needs a split too. */
		op->need += pgt_fresh_tables(lo, hi, level, VRM_PAGE_SIZE);
		return 0;
	}
	return pgt_split(op, ctx);
}

static int map_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	(void)which;
	return map_visit_op(ctx->arg, ctx);
}

/* need: NULL for the call itself; else the plan only, its page count
 * stored there (vrm_pgt_pages_needed). */
static int map_common(struct vrm_pgt *pgt, uint64_t ia, vrm_pa_t pa, uint64_t size,
		      uint32_t prot, bool replace, uint64_t *need)
{
	struct pgt_op op = { .pgt = pgt, .replace = replace, .plan_only = need != NULL,
			     .ia = ia, .size = size, .pa = pa, .prot = prot };
	int ret;

	if (!pgt_range_ok(pgt, ia, size) || (pa & (VRM_PAGE_SIZE - 1)) ||
	    pa >= PGT_PA_LIMIT || size > PGT_PA_LIMIT - pa ||
	    !vrm_pgt_prot_valid((enum vrm_pgt_stage)pgt->stage, prot))
		return -VRM_EINVAL;
	op.attrs = pgt_leaf_attrs(vrm_pgt_desc_leaf((enum vrm_pgt_stage)pgt->stage, 0, 3, prot));
	ret = pgt_op_run(&op, map_visit, VRM_PGT_VISIT_LEAF | PGT_VISIT_RUN);
	if (ret == 0 && need)
		*need = op.need;
	return ret;
}

int vrm_pgt_map(struct vrm_pgt *pgt, uint64_t ia, vrm_pa_t pa, uint64_t size, uint32_t prot)
{
	return map_common(pgt, ia, pa, size, prot, false, NULL);
}

int vrm_pgt_remap(struct vrm_pgt *pgt, uint64_t ia, vrm_pa_t pa, uint64_t size, uint32_t prot)
{
	return map_common(pgt, ia, pa, size, prot, true, NULL);
}

int vrm_pgt_pages_needed(struct vrm_pgt *pgt, uint64_t ia, vrm_pa_t pa, uint64_t size,
			 uint32_t prot, bool remap, uint64_t *pages)
{
	if (!pages)
		return -VRM_EINVAL;
	return map_common(pgt, ia, pa, size, prot, remap, pages);
}
