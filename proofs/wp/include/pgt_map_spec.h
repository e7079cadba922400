/* SPDX-License-Identifier: MIT */
/*
 * Shared by the two map.c harnesses: pgt_map_run.c proves the contracts
 * below (map_run, pgt_run_room, pgt_level_shift, pgt_min, pgt_max) and
 * pgt_map.c calls them from map_visit_op, so both see the same text. The
 * contracts of vrm_read_once_64 and pgt_pte_write are used, not proven, by
 * both (the pool harnesses prove the same read contract; pgt_pte_write's
 * body, the store and its checker/trace hooks, is not analysed: its
 * contract is the write-once rule its callers must meet).
 * Include after lib/pgtable/pgt_internal.h.
 *
 * The walker's context (walk.c: walk_table, walk_entry; op.c passes
 * [op->ia, op->ia + op->size) and op itself) is what this directory does
 * not prove; WALK_CTX states what map.c relies on from it, and is a
 * precondition, never an axiom.
 */
#ifndef VRM_WP_PGT_MAP_SPEC_H
#define VRM_WP_PGT_MAP_SPEC_H

/*@ logic integer esize(integer level) =
  @   level == 3 ? 0x1000 : level == 2 ? 0x200000 : level == 1 ? 0x40000000 : 0x8000000000;
  @ // First address after the 512-entry table that holds addr's entry.
  @ logic integer table_end(integer addr, integer level) =
  @   (addr / (512 * esize(level)) + 1) * (512 * esize(level));
  @ // Entries from addr's on, to the end of its table or of the range.
  @ logic integer run_room(integer addr, integer end, integer level) =
  @   ((table_end(addr, level) < end ? table_end(addr, level) : end) - addr) / esize(level);
  @*/

/* The walker's guarantees about an entry it visits: a level 0..3, a
 * non-empty range below 2^48 (pgt_range_ok: ia_bits <= 48), addr inside
 * it, aligned, and the entries from ptep up to the end of the table or the
 * range exist (walk_table's table has 512 entries, or at the start level
 * 2^(ia_bits - shift), and the range ends inside it). */
#define WALK_CTX(c) \
	(0 <= (c)->level <= 3 && (c)->start < (c)->end <= 0x1000000000000 && \
	 (c)->addr < (c)->end && (c)->addr % esize((c)->level) == 0 && \
	 \valid((c)->ptep + (0 .. run_room((c)->addr, (c)->end, (c)->level) - 1)))

/*@ requires \valid_read(p);
  @ assigns \nothing;
  @ ensures \result == *p;
  @*/
static inline uint64_t vrm_read_once_64(const volatile uint64_t *p);

/*@ requires 0 <= level <= 3;
  @ assigns \nothing;
  @ ensures \result == 12 + 9 * (3 - level);
  @*/
static inline unsigned pgt_level_shift(int level);

/*@ assigns \nothing;
  @ ensures \result == (a < b ? a : b);
  @*/
static inline uint64_t pgt_min(uint64_t a, uint64_t b);

/*@ assigns \nothing;
  @ ensures \result == (a > b ? a : b);
  @*/
static inline uint64_t pgt_max(uint64_t a, uint64_t b);

/* The run of entries map_run / unmap_run may take: proven, from the bit
 * trick `(addr | (table size - 1)) + 1` to the arithmetic run_room. */
/*@ requires \valid_read(ctx);
  @ requires WALK_CTX(ctx);
  @ assigns \nothing;
  @ ensures exact: \result == run_room(ctx->addr, ctx->end, ctx->level);
  @ ensures in_table: \result <= 512;
  @ ensures \valid(ctx->ptep + (0 .. (integer)\result - 1));
  @*/
static inline uint64_t pgt_run_room(const struct vrm_pgt_visit_ctx *ctx);

/* Write-once: the entry written is invalid, and is the value just read. */
/*@ requires \valid(ptep);
  @ requires write_once: (old & 1) == 0 && *ptep == old;
  @ assigns *ptep;
  @*/
static inline void pgt_pte_write(const struct vrm_pgt *pgt, uint64_t *ptep, uint64_t old,
				 uint64_t new_desc, int level, uint64_t addr);

/* The op's fresh flag (struct pgt_op, op.c's pgt_install_table sets it):
 * in a commit, the visit right after an install is the first one in the
 * table just linked, all of whose entries are zero (zalloc_page). Like
 * WALK_CTX, what op.c and walk.c guarantee and this directory does not
 * prove: a precondition of map_visit_op, passed on to map_run. */
#define FRESH_ZERO(o, c) \
	((o)->fresh ==> ((o)->commit && \
	  (\forall integer i; 0 <= i < run_room((c)->addr, (c)->end, (c)->level) ==> \
	   (c)->ptep[i] == 0)))

/* pa_range: map_visit_op's pa is below 2^48 (map_common refuses pa >= 2^48
 * and pa + size > 2^48); attrs: map_common's op.attrs are leaf attribute
 * bits, all below bit 55 (desc.c; not proven here), so desc + n * esize
 * cannot wrap. fresh: the writes without reads are write-once only over
 * zeroes. */
/*@ requires \valid_read(op) && \valid_read(ctx) && \valid_read(op->pgt);
  @ requires WALK_CTX(ctx) && 1 <= ctx->level;
  @ requires pa_range: pa < 0x1000000000000;
  @ requires attrs: op->attrs < 0x8000000000000000;
  @ requires fresh: fresh && op->commit ==>
  @   (\forall integer i; 0 <= i < run_room(ctx->addr, ctx->end, ctx->level) ==>
  @    ctx->ptep[i] == 0);
  @ requires \separated(ctx->ptep + (0 .. 511), ctx, op, op->pgt);
  @ assigns ctx->ptep[0 .. 511];
  @ ensures 0 <= \result <= 512;
  @*/
static int map_run(const struct pgt_op *op, const struct vrm_pgt_visit_ctx *ctx, vrm_pa_t pa,
		   bool fresh);

#endif /* VRM_WP_PGT_MAP_SPEC_H */
