/* SPDX-License-Identifier: MIT */
/*
 * WP harness: lib/pgtable/map.c, the write-once rule of map and the
 * Write-Once-Kernel-Mapping refusal of remap. The descriptor writers
 * (pgt_pte_write, pgt_install_table, pgt_bbm, pgt_split) are given
 * preconditions here that WP must prove at every call in map_run and
 * map_visit:
 *  - map_run writes an entry only right after reading it as invalid (its
 *    value is the `old` passed to the write);
 *  - map_visit installs a table only over an invalid entry, and replaces
 *    or splits a valid entry (BBM) only in a table that is not a kernel
 *    table.
 * The writers' bodies and the descriptor helpers are not proven here
 * (their contracts below say only what they read and write): this harness
 * proves the decisions map.c makes, not bbm.c / op.c.
 */
#include "../../lib/pgtable/pgt_internal.h"

/*@ requires \valid_read(p);
  @ assigns \nothing;
  @ ensures \result == *p;
  @*/
static inline uint64_t vrm_read_once_64(const volatile uint64_t *p);

/*@ requires \valid_read(pgt);
  @ assigns \nothing;
  @ ensures \result <==> (pgt->flags & VRM_PGT_KERNEL) != 0;
  @*/
static inline bool pgt_is_kernel(const struct vrm_pgt *pgt);

/*@ requires 0 <= level <= 3;
  @ assigns \nothing;
  @ ensures \result == 12 + 9 * (3 - level);
  @*/
static inline unsigned pgt_level_shift(int level);

/*@ assigns \nothing; */
static inline uint64_t pgt_min(uint64_t a, uint64_t b);
/*@ assigns \nothing; */
static inline uint64_t pgt_max(uint64_t a, uint64_t b);
/*@ assigns \nothing; */
static inline uint64_t pgt_leaf_attrs(uint64_t desc);
/*@ assigns \nothing; */
uint64_t vrm_pgt_desc_leaf(enum vrm_pgt_stage stage, vrm_pa_t pa, int level, uint32_t prot);
/*@ assigns \nothing; */
vrm_pa_t vrm_pgt_desc_oa(uint64_t desc, int level);
/*@ assigns \nothing; */
uint64_t pgt_fresh_tables(uint64_t lo, uint64_t hi, int level, uint64_t delta);

/* Assumed (not proven here): the run fits in the visited table. */
/*@ requires \valid_read(ctx);
  @ assigns \nothing;
  @ ensures \result <= 512;
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

/*@ requires \valid_read(ctx);
  @ requires over_invalid: (ctx->old & 1) == 0;
  @ assigns *ctx->ptep, op->cache;
  @*/
int pgt_install_table(struct pgt_op *op, struct vrm_pgt_visit_ctx *ctx);

/*@ requires not_kernel: (pgt->flags & VRM_PGT_KERNEL) == 0;
  @ assigns *ptep;
  @*/
void pgt_bbm(struct vrm_pgt *pgt, uint64_t *ptep, uint64_t old, uint64_t new_desc,
	     int level, uint64_t addr);

/*@ requires \valid_read(op) && \valid_read(op->pgt);
  @ requires not_kernel: (op->pgt->flags & VRM_PGT_KERNEL) == 0;
  @ assigns *ctx->ptep, op->cache, op->dead;
  @*/
int pgt_split(struct pgt_op *op, struct vrm_pgt_visit_ctx *ctx);

/*@ requires \valid_read(op) && \valid_read(ctx) && \valid_read(op->pgt);
  @ requires 1 <= ctx->level <= 3;
  @ requires \separated(ctx->ptep + (0 .. 511), ctx, op, op->pgt);
  @ ensures 0 <= \result <= 512;
  @*/
static int map_run(const struct pgt_op *op, const struct vrm_pgt_visit_ctx *ctx, vrm_pa_t pa);

#include "../../lib/pgtable/map.c"
