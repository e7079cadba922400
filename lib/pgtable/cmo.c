/* SPDX-License-Identifier: MIT */
/*
 * Cache maintenance for what a stage-2 leaf is about to map (the optional
 * vrm_pgt_mm_ops hooks, as KVM's stage2_map_walker_try_leaf and
 * stage2_attr_walker). Without FEAT_S2FWB a guest whose stage 1 is off
 * (or maps the page Non-cacheable) reads memory past the caches: what the
 * hypervisor or the host wrote through theirs must be cleaned to the point
 * of coherency first. Without FEAT_DIC new instructions need the
 * instruction caches invalidated before they are fetched. Both happen
 * before the descriptor store that lets the guest reach the page, so no
 * guest access can come first (another vCPU of the same guest may run on
 * another PE meanwhile). Only where the mapping is new, becomes cacheable,
 * or becomes executable: permission removal and unmapping need none.
 */
#include "pgt_internal.h"

static bool cacheable(uint32_t prot)
{
	return (prot & VRM_PGT_PROT_MT_MASK) == VRM_PGT_PROT_NORMAL;
}

void pgt_cmo(const struct vrm_pgt *pgt, vrm_pa_t oa, uint64_t size, bool was_mapped,
	     uint32_t was, uint32_t now)
{
	const struct vrm_pgt_mm_ops *mm = pgt->mm;
	/* FEAT_S2FWB: the guest's accesses are forced cacheable, no clean. */
	bool dc = mm->dcache_clean_inval_poc && cacheable(now) && !(was_mapped && cacheable(was)) &&
		  !(vrm_pgt_features() & VRM_PGT_FEAT_FWB);
	bool ic = mm->icache_inval_pou && (now & VRM_PGT_PROT_X_MASK) &&
		  !(was_mapped && (was & VRM_PGT_PROT_X_MASK));
	void *va;

	if (pgt->stage != VRM_PGT_STAGE2 || (!dc && !ic))
		return;
	va = mm->phys_to_virt(mm->ctx, oa);
	/* The D-side first: the I-side refills from the point of
	 * unification, which the clean to PoC has passed. */
	if (dc)
		mm->dcache_clean_inval_poc(mm->ctx, va, size);
	if (ic)
		mm->icache_inval_pou(mm->ctx, va, size);
}
