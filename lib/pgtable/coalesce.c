/* SPDX-License-Identifier: MIT */
/*
 * Block coalescing (tables made with VRM_PGT_COALESCE): after the commit
 * of a map, remap, set_prot or update, a table that the call's range
 * touches and whose 512 entries now say what one block would (valid
 * leaves, output addresses contiguous from a block-aligned start, equal
 * attributes, SW bits and AF included: pgt_split_piece's inverse) is
 * replaced by that block. A change of block size needs break-before-make
 * (Arm ARM D8.14.1), and every one of the 512 smaller entries may sit in
 * a TLB, so the break is flushed over the whole extent, not one address,
 * before the block is written; the table page is freed only after the
 * call's last flush (Sequential-TLB-Invalidation, pgt_op_run). Deepest
 * first, so 512 coalesced 2 MiB blocks can become one 1 GiB block.
 * Without this, every donate of one page splits a 2 MiB block of the
 * host's stage-2 for good (pKVM rebuilds them the same way, on map).
 */
#include "pgt_internal.h"

/* The entry at `level` translating addr, or NULL where an entry above it
 * is not a table. */
static uint64_t *entry_at(struct vrm_pgt *pgt, uint64_t addr, int level)
{
	const struct vrm_pgt_mm_ops *mm = pgt->mm;
	uint64_t *table = pgt->root;
	int l;

	for (l = pgt->start_level;; l++) {
		uint64_t idx = addr >> pgt_level_shift(l), d;

		if (l > pgt->start_level)
			idx &= PGT_ENTRIES - 1;
		if (l == level)
			return &table[idx];
		d = vrm_read_once_64(&table[idx]);
		if (!pgt_is_table(d, l))
			return NULL;
		table = mm->phys_to_virt(mm->ctx, vrm_pgt_desc_oa(d, l));
	}
}

static void try_coalesce(struct pgt_op *op, uint64_t *ptep, int level, uint64_t addr)
{
	struct vrm_pgt *pgt = op->pgt;
	const struct vrm_pgt_mm_ops *mm = pgt->mm;
	uint64_t esize = vrm_pgt_level_size(level);
	uint64_t desc = vrm_read_once_64(ptep), first, block;
	uint64_t *table;
	uint64_t i;

	if (!pgt_is_table(desc, level))
		return;
	table = mm->phys_to_virt(mm->ctx, vrm_pgt_desc_oa(desc, level));
	first = vrm_read_once_64(&table[0]);
	/* A leaf, block aligned: else this table cannot become a block (the
	 * common case, e.g. a map whose pa is not aligned like its ia, fails
	 * here at its first entry). */
	if (!(first & 1) || pgt_is_table(first, level + 1) ||
	    (vrm_pgt_desc_oa(first, level + 1) & (esize - 1)))
		return;
	block = vrm_pgt_desc_oa(first, level + 1) | pgt_leaf_attrs(first) | 1u;
	for (i = 1; i < PGT_ENTRIES; i++)
		if (vrm_read_once_64(&table[i]) != pgt_split_piece(block, level, i))
			return;
	/* Break, flush the extent (DSB ISHST, TLBIs, DSB ISH: complete), make. */
	pgt_pte_write(pgt, ptep, desc, 0, level, addr);
	pgt_flush_range(pgt, addr, esize);
	pgt_pte_write(pgt, ptep, 0, block, level, addr);
	pgt_defer_free(op, table);
}

void pgt_coalesce(struct pgt_op *op)
{
	struct vrm_pgt *pgt = op->pgt;
	uint64_t end = op->ia + op->size;
	int level;

	/* Level-2 entries (tables of pages), then level 1 (tables of 2 MiB
	 * blocks); level 0 holds no blocks with a 4 KiB granule. */
	for (level = 2; level >= 1 && level >= pgt->start_level; level--) {
		uint64_t esize = vrm_pgt_level_size(level), a;

		for (a = op->ia & ~(esize - 1); a < end; a += esize) {
			uint64_t *ptep = entry_at(pgt, a, level);

			if (ptep)
				try_coalesce(op, ptep, level, a);
		}
	}
}
