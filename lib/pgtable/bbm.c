/* SPDX-License-Identifier: MIT */
/*
 * Break-before-make (Arm ARM D8.14.1): a valid entry that changes output
 * address, block size, memory type or shareability must first be made
 * invalid, the invalidation completed (DSB) and every TLB copy removed
 * (TLBI, DSB) before the new entry is written; otherwise two TLB entries
 * for one address may coexist (TLB conflict abort, loss of coherency).
 * The TLB sequences come from lib/tlb (include/vrm/tlb.h); each one
 * starts with DSB ISHST, which completes the invalidating write.
 */
#include <vrm/env.h>
#include <vrm/tlb.h>

#include "pgt_internal.h"

#if VRM_PTE_TRACE
#include <vrm/tlb_model.h>

bool vrm_pgt__trace_on;

void vrm_pgt__trace_pte(const uint64_t *ptep)
{
	vrm_tlb_trace_note(VRM_TLB_EV_PTE_WRITE, (uint64_t)(uintptr_t)ptep);
}
#endif

#if VRM_CHECKED
/* Per CPU: inside map_run, whose writes the checker sees as one run. */
static bool in_run[VRM_MAX_CPUS];

void vrm_pgt__check_pte(const struct vrm_pgt *pgt, const uint64_t *ptep,
			uint64_t old, uint64_t new_desc, int level, uint64_t addr)
{
	/* Every rule on descriptor writes (write-once kernel entries, BBM,
	 * the table lock, ownership of what a stage-2 maps) lives in the
	 * checker; the operations refuse bad writes before making them, so a
	 * report here means a bug in lib/pgtable. */
	struct vrm_check_table t = pgt_check_table(pgt);

	if (in_run[vrm_env_cpu_id() % VRM_MAX_CPUS])
		return; /* reported by vrm_pgt__check_run_end */
	vrm_check_pte_write(&t, ptep, old, new_desc, (uint32_t)level, addr);
}

void vrm_pgt__check_run_begin(void)
{
	in_run[vrm_env_cpu_id() % VRM_MAX_CPUS] = true;
}

void vrm_pgt__check_run_end(const struct vrm_pgt *pgt, const uint64_t *ptep, uint64_t n,
			    uint64_t first_desc, int level, uint64_t addr)
{
	struct vrm_check_table t = pgt_check_table(pgt);

	in_run[vrm_env_cpu_id() % VRM_MAX_CPUS] = false;
	vrm_check_pte_run(&t, ptep, n, first_desc, (uint32_t)level, addr);
}
#endif

/* TLBI for one entry; `level` the entry's level (the TTL hint). */
static void flush_entry(struct vrm_pgt *pgt, uint64_t addr, int level, bool leaf)
{
	if (pgt->stage == VRM_PGT_STAGE2)
		vrm_tlb_flush_s2_ipa(vrm_pgt_vttbr(pgt), addr, leaf ? level : VRM_TLB_LEVEL_ANY);
	else
		vrm_tlb_flush_el2_va(addr, leaf);
}

void pgt_flush_range(struct vrm_pgt *pgt, uint64_t ia, uint64_t size)
{
	/* No level hint: one call may have removed leaves of several sizes and
	 * unlinked tables (walk-cache entries need the non-leaf TLBI forms). */
	if (pgt->stage == VRM_PGT_STAGE2)
		vrm_tlb_flush_s2_range(vrm_pgt_vttbr(pgt), ia, size, VRM_TLB_LEVEL_ANY);
	else
		vrm_tlb_flush_el2_range(ia, size);
}

void pgt_bbm(struct vrm_pgt *pgt, uint64_t *ptep, uint64_t old, uint64_t new_desc,
	     int level, uint64_t addr)
{
	/* Break. */
	pgt_pte_write(pgt, ptep, old, 0, level, addr);
	/* DSB ISHST; TLBI (any address in a block removes the whole block's
	 * TLB entry); DSB ISH; ISB, all inside the TLB module's sequence. */
	flush_entry(pgt, addr, level, !pgt_is_table(old, level));
	/* Make. */
	pgt_pte_write(pgt, ptep, 0, new_desc, level, addr);
}

int pgt_split(struct pgt_op *op, struct vrm_pgt_visit_ctx *ctx)
{
	const struct vrm_pgt_mm_ops *mm = op->pgt->mm;
	uint64_t *table;
	uint64_t i, link;

	if (!ctx->old)
		return pgt_install_table(op, ctx);
	table = pgt_cache_pop(op);
	if (!table)
		return -VRM_ENOMEM; /* unreachable when the plan is right */
	/* Unpublished table: filled before the release store that publishes
	 * it (pgt_pte_write, in pgt_bbm's make step or below), so a walker
	 * sees the full copy or nothing. */
	for (i = 0; i < PGT_ENTRIES; i++)
		vrm_write_once_64(&table[i], pgt_split_piece(ctx->old, ctx->level, i));
#if VRM_CHECKED
	{
		struct vrm_check_table t = pgt_check_table(op->pgt);

		vrm_check_table_prefilled(&t, table); /* its entries are the entry's */
	}
#endif
	link = vrm_pgt_desc_table(mm->virt_to_phys(mm->ctx, table));
	if (ctx->old & 1)
		pgt_bbm(op->pgt, ctx->ptep, ctx->old, link, ctx->level, ctx->addr);
	else
		/* An annotation: no TLB holds an invalid entry, nothing to
		 * break (write-once, as any invalid -> valid store). */
		pgt_pte_write(op->pgt, ctx->ptep, ctx->old, link, ctx->level, ctx->addr);
	return 0;
}

void pgt_page_release(struct vrm_pgt *pgt, uint64_t *page)
{
	const struct vrm_pgt_mm_ops *mm = pgt->mm;

	VRM_CHECK(vrm_check_page_reuse(mm->virt_to_phys(mm->ctx, page)));
#if VRM_PTE_TRACE
	if (__atomic_load_n(&vrm_pgt__trace_on, __ATOMIC_RELAXED))
		vrm_tlb_trace_note(VRM_TLB_EV_PAGE_FREE, mm->virt_to_phys(mm->ctx, page));
#endif
	mm->free_page(mm->ctx, page);
}
