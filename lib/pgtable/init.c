/* SPDX-License-Identifier: MIT */
/* Life cycle of a table: configuration checks, root page, teardown. */
#include <vrm/tlb.h>

#include "pgt_internal.h"

int vrm_pgt_init(struct vrm_pgt *pgt, const struct vrm_pgt_config *cfg,
		 const struct vrm_pgt_mm_ops *mm)
{
	int sl = cfg->start_level;
	uint64_t *root;

	if (cfg->stage != VRM_PGT_STAGE2 && cfg->stage != VRM_PGT_EL2_S1)
		return -VRM_EINVAL;
	/* A kernel table's valid entries never change: nothing to coalesce. */
	if ((cfg->flags & ~(VRM_PGT_KERNEL | VRM_PGT_COALESCE)) ||
	    (cfg->flags & VRM_PGT_KERNEL && cfg->flags & VRM_PGT_COALESCE) || !mm || !mm->zalloc_page || !mm->free_page ||
	    !mm->virt_to_phys || !mm->phys_to_virt)
		return -VRM_EINVAL;
	if (sl == -1)
		sl = cfg->ia_bits > 39 ? 0 : 1;
	/* 4 KiB granule without concatenated root tables: a level-0 root
	 * resolves 40-48 bits, a level-1 root 32-39 (VTCR_EL2.SL0/T0SZ). */
	if (!(sl == 0 && cfg->ia_bits >= 40 && cfg->ia_bits <= 48) &&
	    !(sl == 1 && cfg->ia_bits >= 32 && cfg->ia_bits <= 39))
		return -VRM_EINVAL;
	root = mm->zalloc_page(mm->ctx);
	if (!root)
		return -VRM_ENOMEM;
#if VRM_CHECKED
	{
		/* The root is published too (to VTTBR/TTBR): all invalid. */
		struct vrm_check_table t = { .kernel = (cfg->flags & VRM_PGT_KERNEL) != 0,
					     .el2 = cfg->stage == VRM_PGT_EL2_S1, .vmid = cfg->vmid };

		vrm_check_table_publish(&t, root);
	}
#endif
	vrm_ticket_init(&pgt->lock);
	pgt->stage = (uint8_t)cfg->stage;
	pgt->start_level = (uint8_t)sl;
	pgt->ia_bits = (uint8_t)cfg->ia_bits;
	pgt->flags = (uint8_t)cfg->flags;
	pgt->vmid = cfg->vmid;
	pgt->principal = 0;
	pgt->root = root;
	pgt->root_pa = mm->virt_to_phys(mm->ctx, root);
	pgt->mm = mm;
	return 0;
}

static int destroy_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	const struct vrm_pgt_mm_ops *mm = ctx->pgt->mm;
	vrm_pa_t oa = vrm_pgt_desc_oa(ctx->old, ctx->level);

#if VRM_CHECKED
	/* Sequential-TLB-Invalidation: tables and entries go without a
	 * write; the checker asks whether the regime was flushed since. */
	{
		struct vrm_check_table t = pgt_check_table(ctx->pgt);

		vrm_check_entry_dropped(&t, ctx->old, (uint32_t)ctx->level, ctx->addr);
		if (which == VRM_PGT_VISIT_TABLE_POST)
			vrm_check_table_freed(&t, oa);
	}
#endif
	if (which != VRM_PGT_VISIT_TABLE_POST)
		return 0; /* a leaf: only checked builds visit them */
	/* No walker may be left (precondition), so no BBM and no flush. */
	mm->free_page(mm->ctx, mm->phys_to_virt(mm->ctx, oa));
	return 0;
}

void vrm_pgt_destroy(struct vrm_pgt *pgt)
{
	const struct vrm_pgt_mm_ops *mm = pgt->mm;

	vrm_ticket_lock(&pgt->lock);
	pgt_walk_locked(pgt, 0, UINT64_C(1) << pgt->ia_bits, destroy_visit, NULL,
			VRM_PGT_VISIT_TABLE_POST | (VRM_CHECKED ? VRM_PGT_VISIT_LEAF : 0));
#if VRM_CHECKED
	{
		struct vrm_check_table t = pgt_check_table(pgt);

		vrm_check_table_freed(&t, pgt->root_pa);
	}
#endif
	mm->free_page(mm->ctx, pgt->root);
	pgt->root = NULL;
	vrm_ticket_unlock(&pgt->lock);
}

uint64_t vrm_pgt_vtcr(const struct vrm_pgt *pgt)
{
	uint64_t t0sz = 64u - pgt->ia_bits;
	/* SL0 with TG0 = 4 KiB: 0b10 starts at level 0, 0b01 at level 1. */
	uint64_t sl0 = pgt->start_level == 0 ? 2 : 1;

	return t0sz | (sl0 << 6) | (UINT64_C(1) << 8) /* IRGN0 WBWA */ |
	       (UINT64_C(1) << 10) /* ORGN0 WBWA */ | (UINT64_C(3) << 12) /* SH0 IS */;
}

void vrm_pgt_set_principal(struct vrm_pgt *pgt, uint32_t principal)
{
	pgt->principal = principal;
}

int vrm_pgt_set_vmid(struct vrm_pgt *pgt, uint16_t vmid)
{
	if (pgt->stage != VRM_PGT_STAGE2 || ((uint32_t)vmid >> VRM_TLB_VMID_BITS) != 0)
		return -VRM_EINVAL;
	/* Under the lock: every operation reads pgt->vmid inside it (its
	 * TLBIs, the checker's view of the regime), one value per operation. */
	vrm_ticket_lock(&pgt->lock);
	pgt->vmid = vmid;
	vrm_ticket_unlock(&pgt->lock);
	return 0;
}
