/* SPDX-License-Identifier: MIT */
/*
 * set_prot. Arm ARM D8.14.1 lists what needs break-before-make: a change
 * of output address, block size, memory type or shareability. A change of
 * permissions alone (S2AP / AP, XN) may be written over the live entry,
 * but a TLB may keep the old permissions until a TLBI: when any permission
 * is removed, one flush over the range ends the call. Memory-type changes
 * go through BBM; partly covered blocks are split (BBM) first.
 */
#include "pgt_internal.h"

static int prot_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	struct pgt_op *op = ctx->arg;
	struct vrm_pgt *pgt = op->pgt;
	enum vrm_pgt_stage stage = (enum vrm_pgt_stage)pgt->stage;
	int level = ctx->level;
	uint64_t esize = vrm_pgt_level_size(level);
	vrm_pa_t oa = vrm_pgt_desc_oa(ctx->old, level);
	uint32_t old_prot;
	uint64_t want;

	(void)which;
	if (!(ctx->old & 1))
		return 0; /* hole */
	want = vrm_pgt_desc_leaf(stage, oa, level, op->prot);
	if (pgt_leaf_attrs(want) == pgt_leaf_attrs(ctx->old))
		return 0;
	if (pgt_is_kernel(pgt))
		return -VRM_EPERM;
	if (ctx->addr < ctx->start || ctx->addr + esize > ctx->end) {
		if (!op->commit)
			op->need += pgt_fresh_tables(pgt_max(ctx->addr, ctx->start),
						     pgt_min(ctx->addr + esize, ctx->end), level, 0);
		return op->commit ? pgt_split(op, ctx) : 0;
	}
	if (!op->commit)
		return 0;
	old_prot = vrm_pgt_desc_prot(stage, ctx->old);
	pgt_cmo(pgt, oa, esize, true, old_prot, op->prot); /* became executable / cacheable */
	if ((old_prot ^ op->prot) & VRM_PGT_PROT_MT_MASK) {
		pgt_bbm(pgt, ctx->ptep, ctx->old, want, level, ctx->addr);
		return 0;
	}
	pgt_pte_write(pgt, ctx->ptep, ctx->old, want, level, ctx->addr);
	if (pgt_prot_grants(old_prot) & ~pgt_prot_grants(op->prot))
		op->flush = true;
	return 0;
}

int vrm_pgt_set_prot(struct vrm_pgt *pgt, uint64_t ia, uint64_t size, uint32_t prot)
{
	struct pgt_op op = { .pgt = pgt, .ia = ia, .size = size, .prot = prot };

	if (!pgt_range_ok(pgt, ia, size) ||
	    !vrm_pgt_prot_valid((enum vrm_pgt_stage)pgt->stage, prot))
		return -VRM_EINVAL;
	return pgt_op_run(&op, prot_visit, VRM_PGT_VISIT_LEAF);
}
