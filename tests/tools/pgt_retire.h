/* SPDX-License-Identifier: MIT */
/*
 * The end of a test's page table, as vrm_pgt_destroy() requires it: no CPU
 * may hold its translations any more, so a stage-2 table's VMID is flushed
 * first (the checker reports freeing tables of an unflushed regime).
 */
#ifndef VRM_TESTS_PGT_RETIRE_H
#define VRM_TESTS_PGT_RETIRE_H

#include <vrm/pgtable.h>
#include <vrm/tlb.h>

static inline void pgt_retire(struct vrm_pgt *pgt)
{
	if (pgt->stage == VRM_PGT_STAGE2)
		vrm_tlb_flush_vmid(vrm_pgt_vttbr(pgt));
	vrm_pgt_destroy(pgt);
}

#endif
