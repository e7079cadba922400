/* SPDX-License-Identifier: MIT */
/*
 * Update walks (vrm_pgt_update): the caller's visitor chooses each entry's
 * new descriptor, the library checks it and writes it by the rules every
 * other operation follows (write-once for invalid entries, in place for
 * permission / AF / SW-bit changes, break-before-make otherwise, one
 * batched flush), so annotate, write-protect, age and dirty-log walks need
 * no fork of lib/pgtable. Plan checks every entry, commit writes: a refused
 * call writes nothing (struct pgt_op).
 */
#include "pgt_internal.h"

/* Bits a valid leaf may change in place (Arm ARM D8.14.1 asks break-
 * before-make only for output address, block size, memory type and
 * shareability): S2AP / AP [7:6], AF [10], XN [54:53] and the software
 * bits. The rest of the leaf must stay. */
#define UPD_INPLACE_BITS                                                                 \
	((UINT64_C(3) << 6) | VRM_PGT_DESC_AF | (UINT64_C(3) << 53) | VRM_PGT_DESC_SW_MASK)

struct update {
	struct pgt_op op;
	const struct vrm_pgt_updater *u;
};

/* A descriptor the visitor may ask for at `level` (see pgtable.h): an
 * invalid one carries nothing but an owner; a valid one is a leaf the
 * library itself would build, give or take AF and the SW bits. */
static bool update_desc_ok(enum vrm_pgt_stage stage, uint64_t desc, int level)
{
	uint64_t esize = vrm_pgt_level_size(level);
	uint64_t mine = VRM_PGT_DESC_AF | VRM_PGT_DESC_SW_MASK;
	vrm_pa_t oa = desc & PGT_OA_MASK;
	uint64_t canon;

	if (!(desc & 1))
		return (desc & ~VRM_PGT_ANNOT_MASK) == 0;
	if (level < 1 || (oa & (esize - 1)))
		return false;
	canon = vrm_pgt_desc_leaf(stage, oa, level, vrm_pgt_desc_prot(stage, desc));
	return canon != 0 && (canon & ~mine) == (desc & ~mine);
}

static void note_flush(struct pgt_op *op, uint64_t addr, uint64_t esize)
{
	if (op->flush_hi <= op->flush_lo) {
		op->flush_lo = addr;
		op->flush_hi = addr + esize;
	} else {
		op->flush_lo = pgt_min(op->flush_lo, addr);
		op->flush_hi = pgt_max(op->flush_hi, addr + esize);
	}
	op->flush = true;
}

/* Ask the visitor about one entry (ctx: a real one, or in the plan of a
 * split a piece it would make, ptep NULL) and check its answer: < 0 the
 * call's error, 0 no change, 1 a change to *new_desc. The visitor sees its
 * own arg; the context is lent, not copied (a struct copy is a memcpy
 * call the freestanding core cannot make). */
static int ask(struct update *up, struct vrm_pgt_visit_ctx *ctx, bool commit, uint64_t *new_desc)
{
	struct vrm_pgt *pgt = up->op.pgt;
	void *mine = ctx->arg;
	int ret;

	*new_desc = ctx->old;
	ctx->arg = up->u->arg;
	ret = up->u->fn(ctx, commit, new_desc);
	ctx->arg = mine;
	if (ret)
		return ret < 0 ? ret : -VRM_EINVAL;
	if (*new_desc == ctx->old)
		return 0;
	if (!update_desc_ok((enum vrm_pgt_stage)pgt->stage, *new_desc, ctx->level))
		return -VRM_EINVAL;
	/* Write-Once-Kernel-Mapping: a valid kernel entry never changes. */
	if ((ctx->old & 1) && pgt_is_kernel(pgt))
		return -VRM_EPERM;
	return 1;
}

/*
 * VRM_PGT_UPDATE_SPLIT, an entry that sticks out of the range: does the
 * visitor change some part of it inside the range? It is asked (plan
 * answers) about the pieces a split would make, pieces that stick out in
 * turn split in thought, so the plan checks every answer before anything
 * is written. 1 when a split is due, *tables then counting its table pages
 * (one per split, this one and those below); 0 none; < 0 the error.
 * O(512 x levels) questions per end of the range.
 */
static int split_plan(struct update *up, const struct vrm_pgt_visit_ctx *ctx, uint64_t *tables)
{
	int child = ctx->level + 1;
	unsigned shift = pgt_level_shift(child);
	uint64_t csize = UINT64_C(1) << shift;
	uint64_t hi = pgt_min(ctx->addr + vrm_pgt_level_size(ctx->level), ctx->end);
	uint64_t a = pgt_max(ctx->addr, ctx->start) & ~(csize - 1);
	uint64_t below = 0, nd;
	bool change = false;
	int ret;

	for (; a < hi; a += csize) {
		struct vrm_pgt_visit_ctx piece = {
			.pgt = ctx->pgt, .ptep = NULL, .addr = a, .start = ctx->start,
			.end = ctx->end, .level = child, .arg = ctx->arg,
			.old = pgt_split_piece(ctx->old, ctx->level, (a - ctx->addr) >> shift),
		};

		/* The range is page aligned: a piece that sticks out is above
		 * level 3. */
		if (a < ctx->start || a + csize > ctx->end)
			ret = split_plan(up, &piece, &below);
		else
			ret = ask(up, &piece, false, &nd);
		if (ret < 0)
			return ret;
		change |= ret > 0;
	}
	if (!change)
		return 0;
	if ((ctx->old & 1) && pgt_is_kernel(up->op.pgt))
		return -VRM_EPERM; /* the split itself changes a valid entry */
	*tables += 1 + below;
	return 1;
}

static int update_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	struct update *up = ctx->arg;
	struct pgt_op *op = &up->op;
	struct vrm_pgt *pgt = op->pgt;
	enum vrm_pgt_stage stage = (enum vrm_pgt_stage)pgt->stage;
	uint64_t esize = vrm_pgt_level_size(ctx->level);
	uint64_t old = ctx->old, new_desc, tables = 0;
	int ret;

	(void)which;
	if ((up->u->flags & VRM_PGT_UPDATE_SPLIT) &&
	    (ctx->addr < ctx->start || ctx->addr + esize > ctx->end)) {
		ret = split_plan(up, ctx, &tables);
		if (ret <= 0)
			return ret;
		if (!op->commit) {
			op->need += tables;
			return 0;
		}
		/* The walker descends into the new table next and visits its
		 * pieces; those inside the range are asked again, to commit. */
		return pgt_split(op, ctx);
	}
	ret = ask(up, ctx, op->commit, &new_desc);
	if (ret <= 0)
		return ret;
	if (!op->commit)
		return 0;
	if (new_desc & 1) {
		vrm_pa_t oa = vrm_pgt_desc_oa(new_desc, ctx->level);
		bool same = (old & 1) && vrm_pgt_desc_oa(old, ctx->level) == oa;

		pgt_cmo(pgt, oa, esize, same, same ? vrm_pgt_desc_prot(stage, old) : 0,
			vrm_pgt_desc_prot(stage, new_desc));
	}
	if (!(old & 1)) {
		/* Nothing to break: no TLB holds an invalid entry. */
		pgt_pte_write(pgt, ctx->ptep, old, new_desc, ctx->level, ctx->addr);
	} else if (!(new_desc & 1)) {
		pgt_pte_write(pgt, ctx->ptep, old, new_desc, ctx->level, ctx->addr);
		note_flush(op, ctx->addr, esize);
	} else if (((old ^ new_desc) & ~UPD_INPLACE_BITS) == 0) {
		uint32_t was = vrm_pgt_desc_prot(stage, old), now = vrm_pgt_desc_prot(stage, new_desc);

		pgt_pte_write(pgt, ctx->ptep, old, new_desc, ctx->level, ctx->addr);
		if (pgt_prot_grants(was) & ~pgt_prot_grants(now))
			note_flush(op, ctx->addr, esize);
	} else {
		pgt_bbm(pgt, ctx->ptep, old, new_desc, ctx->level, ctx->addr);
	}
	return 0;
}

/* need: NULL for the call itself; else the plan only, its page count
 * stored there (vrm_pgt_update_pages_needed). */
static int update_common(struct vrm_pgt *pgt, uint64_t ia, uint64_t size,
			 const struct vrm_pgt_updater *updater, uint64_t *need)
{
	struct update up = { .op = { .pgt = pgt, .ia = ia, .size = size, .plan_only = need != NULL },
			     .u = updater };
	int ret;

	if (!pgt || !updater || !updater->fn || (updater->flags & ~VRM_PGT_UPDATE_SPLIT) ||
	    !pgt_range_ok(pgt, ia, size))
		return -VRM_EINVAL;
	ret = pgt_op_run(&up.op, update_visit, VRM_PGT_VISIT_LEAF);
	if (ret == 0 && need)
		*need = up.op.need;
	return ret;
}

int vrm_pgt_update(struct vrm_pgt *pgt, uint64_t ia, uint64_t size,
		   const struct vrm_pgt_updater *updater)
{
	return update_common(pgt, ia, size, updater, NULL);
}

int vrm_pgt_update_pages_needed(struct vrm_pgt *pgt, uint64_t ia, uint64_t size,
				const struct vrm_pgt_updater *updater, uint64_t *pages)
{
	if (!pages)
		return -VRM_EINVAL;
	return update_common(pgt, ia, size, updater, pages);
}

struct owner_probe {
	uint64_t desc;
};

static int owner_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	struct owner_probe *p = ctx->arg;

	(void)which;
	p->desc = ctx->old;
	return 0;
}

int vrm_pgt_lookup_owner(struct vrm_pgt *pgt, uint64_t ia, uint32_t *owner)
{
	struct owner_probe p = { 0 };
	uint64_t page = ia & ~(VRM_PAGE_SIZE - 1);

	if (!pgt || (ia >> pgt->ia_bits))
		return -VRM_EINVAL;
	vrm_ticket_lock(&pgt->lock);
	pgt_walk_locked(pgt, page, page + VRM_PAGE_SIZE, owner_visit, &p, VRM_PGT_VISIT_LEAF);
	vrm_ticket_unlock(&pgt->lock);
	if (p.desc & 1)
		return -VRM_EEXIST;
	if (!vrm_pgt_desc_owner(p.desc))
		return -VRM_ENOENT;
	if (owner)
		*owner = vrm_pgt_desc_owner(p.desc);
	return 0;
}
