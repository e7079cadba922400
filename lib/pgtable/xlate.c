/* SPDX-License-Identifier: MIT */
/*
 * Translation: the lock-free, hardware-like walk (what an MMU does, and
 * what the hosted TLB model and concurrent software walkers call), and
 * lookup, a visitor on the shared walker under the lock.
 */
#include "pgt_internal.h"

int vrm_pgt_hw_walk(const struct vrm_pgt *pgt, uint64_t ia, struct vrm_pgt_xlate *out)
{
	const struct vrm_pgt_mm_ops *mm = pgt->mm;
	const uint64_t *table = pgt->root;
	int level = pgt->start_level;

	if (ia >> pgt->ia_bits)
		return -VRM_EINVAL;
	for (;;) {
		unsigned shift = pgt_level_shift(level);
		uint64_t idx = (ia >> shift) & (PGT_ENTRIES - 1);
		uint64_t desc, size;

		/* One single-copy-atomic read per level. Acquire pairs with the
		 * release that published a table: the walker then reads the
		 * zeroed (or split-filled) contents, never older memory. */
		desc = vrm_load_acquire_64(&table[idx]);
		out->level = level;
		out->desc = desc;
		switch (vrm_pgt_desc_type(desc, level)) {
		case VRM_PGT_DESC_TABLE:
			table = mm->phys_to_virt(mm->ctx, vrm_pgt_desc_oa(desc, level));
			level++;
			continue;
		case VRM_PGT_DESC_BLOCK:
		case VRM_PGT_DESC_PAGE:
			size = UINT64_C(1) << shift;
			out->pa = vrm_pgt_desc_oa(desc, level) | (ia & (size - 1));
			out->prot = vrm_pgt_desc_prot((enum vrm_pgt_stage)pgt->stage, desc);
			return 0;
		default:
			return -VRM_ENOENT;
		}
	}
}

struct lookup {
	uint64_t ia;
	uint64_t desc;
	int level;
};

static int lookup_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	struct lookup *l = ctx->arg;

	(void)which;
	l->desc = ctx->old;
	l->level = ctx->level;
	return 0;
}

int vrm_pgt_lookup(struct vrm_pgt *pgt, uint64_t ia, vrm_pa_t *pa, uint32_t *prot, int *level)
{
	struct lookup l = { ia, 0, 0 };
	uint64_t page = ia & ~(VRM_PAGE_SIZE - 1);

	if (ia >> pgt->ia_bits)
		return -VRM_EINVAL;
	vrm_ticket_lock(&pgt->lock);
	pgt_walk_locked(pgt, page, page + VRM_PAGE_SIZE, lookup_visit, &l, VRM_PGT_VISIT_LEAF);
	vrm_ticket_unlock(&pgt->lock);
	if (vrm_pgt_desc_type(l.desc, l.level) == VRM_PGT_DESC_INVALID)
		return -VRM_ENOENT;
	if (pa)
		*pa = vrm_pgt_desc_oa(l.desc, l.level) |
		      (ia & (vrm_pgt_level_size(l.level) - 1));
	if (prot)
		*prot = vrm_pgt_desc_prot((enum vrm_pgt_stage)pgt->stage, l.desc);
	if (level)
		*level = l.level;
	return 0;
}
