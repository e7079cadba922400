/* SPDX-License-Identifier: MIT */
/*
 * WP harness: lib/pgtable/map.c's map_visit_op, the decisions of map and
 * remap's visitor (map_visit is only the cast of the walker's `void *arg`
 * to the op, which WP's typed memory model cannot follow; it is not
 * proven). The descriptor writers are given preconditions here that WP
 * must prove at every call:
 *  - pgt_install_table only over an invalid entry;
 *  - pgt_bbm and pgt_split (which replace a valid entry) only in a table
 *    that is not a kernel table (Write-Once-Kernel-Mapping);
 *  - map_run (proven in pgt_map_run.c, contract in pgt_map_spec.h): level
 *    >= 1, pa below 2^48, the walker's context, and a fresh run only over
 *    zeroes (FRESH_ZERO: op.c's guarantee, assumed as WALK_CTX is).
 * and the contract says what each case returns and writes. The writers'
 * bodies and the descriptor helpers are not proven here (their contracts
 * below say only what they read and write): this harness proves the
 * decisions map.c makes, not bbm.c / op.c / desc.c.
 */
#include "../../lib/pgtable/pgt_internal.h"

#include "pgt_map_spec.h"

/*@ requires \valid_read(pgt);
  @ assigns \nothing;
  @ ensures \result <==> (pgt->flags & VRM_PGT_KERNEL) != 0;
  @*/
static inline bool pgt_is_kernel(const struct vrm_pgt *pgt);

/*@ assigns \nothing; */
static inline uint64_t pgt_leaf_attrs(uint64_t desc);
/*@ assigns \nothing; */
uint64_t vrm_pgt_desc_leaf(enum vrm_pgt_stage stage, vrm_pa_t pa, int level, uint32_t prot);
/*@ assigns \nothing; */
vrm_pa_t vrm_pgt_desc_oa(uint64_t desc, int level);
/*@ assigns \nothing; */
uint64_t pgt_fresh_tables(uint64_t lo, uint64_t hi, int level, uint64_t delta);

/*@ requires \valid_read(ctx);
  @ requires over_invalid: (ctx->old & 1) == 0;
  @ assigns *ctx->ptep, op->cache, op->fresh;
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

/* The op as map_common builds it and pgt_op_run walks it: the walk's
 * range is [op->ia, op->ia + op->size) (op.c), map_common refused any pa
 * with pa + size beyond 2^48, and op.attrs are leaf attribute bits (see
 * map_run's `attrs` precondition). */
/*@ requires \valid(op) && \valid_read(op->pgt) && \valid_read(ctx);
  @ requires WALK_CTX(ctx);
  @ requires op_range: ctx->start == op->ia && ctx->end == op->ia + op->size &&
  @   op->pa + op->size <= 0x1000000000000;
  @ requires attrs: op->attrs < 0x8000000000000000;
  @ requires fresh: FRESH_ZERO(op, ctx);
  @ requires \separated(ctx->ptep + (0 .. 511), ctx, op, op->pgt);
  @ requires \separated(op, ctx, op->pgt);
  @ assigns ctx->ptep[0 .. 511], op->cache, op->dead, op->need, op->fresh;
  @ behavior kernel_valid:
  @   assumes (ctx->old & 1) != 0 && (op->pgt->flags & VRM_PGT_KERNEL) != 0;
  @   assigns op->fresh; // the fresh flag is consumed, nothing else
  @   ensures \result == 0 || \result == -VRM_EEXIST || \result == -VRM_EPERM;
  @ behavior map_valid:
  @   assumes (ctx->old & 1) != 0 && !op->replace;
  @   assigns op->fresh;
  @   ensures \result == 0 || \result == -VRM_EEXIST;
  @ behavior plan_invalid:
  @   assumes (ctx->old & 1) == 0 && !op->commit;
  @   ensures 0 <= \result <= 512;
  @*/
static int map_visit_op(struct pgt_op *op, struct vrm_pgt_visit_ctx *ctx);

#include "../../lib/pgtable/map.c"
