/* SPDX-License-Identifier: MIT */
/*
 * Internal to lib/pgtable: the one descriptor-write function, the walker
 * every operation shares, and the plan/commit operation frame.
 */
#ifndef VRM_PGT_INTERNAL_H
#define VRM_PGT_INTERNAL_H

#include <vrm/barrier.h>
#include <vrm/check.h>
#include <vrm/pgtable.h>

#define PGT_ENTRIES 512u
#define PGT_OA_MASK UINT64_C(0x0000fffffffff000) /* OA[47:12] */
#define PGT_TYPE_MASK UINT64_C(3)
#define PGT_PA_LIMIT (UINT64_C(1) << 48)

static inline unsigned pgt_level_shift(int level)
{
	return 12u + 9u * (unsigned)(3 - level);
}

static inline uint64_t pgt_min(uint64_t a, uint64_t b) { return a < b ? a : b; }
static inline uint64_t pgt_max(uint64_t a, uint64_t b) { return a > b ? a : b; }

static inline bool pgt_is_table(uint64_t desc, int level)
{
	return level < 3 && (desc & PGT_TYPE_MASK) == 3;
}

static inline bool pgt_is_kernel(const struct vrm_pgt *pgt)
{
	return (pgt->flags & VRM_PGT_KERNEL) != 0;
}

#if VRM_PTE_TRACE
/* Test builds (meson -Dpte_trace, config.h): PTE-write notes into the TLB
 * trace, on only while a test asks (vrm_pgt_trace_ptes in pgtable_rcu.h).
 * Production builds compile the hook out, as they do the checker's: the
 * flag's load and branch per descriptor were a third of map's cost. */
extern bool vrm_pgt__trace_on;
void vrm_pgt__trace_pte(const uint64_t *ptep);
#endif

#if VRM_CHECKED
/* The table as the checker's rules see it (vrm/check.h). */
static inline struct vrm_check_table pgt_check_table(const struct vrm_pgt *pgt)
{
	struct vrm_check_table t = {
		.kernel = (pgt->flags & VRM_PGT_KERNEL) != 0,
		.el2 = pgt->stage == VRM_PGT_EL2_S1,
		.vmid = pgt->vmid,
		.principal = pgt->principal,
		.lock = &pgt->lock,
		.phys_to_virt = pgt->mm->phys_to_virt,
		.mm_ctx = pgt->mm->ctx,
	};

	return t;
}

void vrm_pgt__check_pte(const struct vrm_pgt *pgt, const uint64_t *ptep,
			uint64_t old, uint64_t new_desc, int level, uint64_t addr);
/* map_run's leaf writes, checked as one run (the checker's cost per page
 * was one lock round trip per entry). */
void vrm_pgt__check_run_begin(void);
void vrm_pgt__check_run_end(const struct vrm_pgt *pgt, const uint64_t *ptep, uint64_t n,
			    uint64_t first_desc, int level, uint64_t addr);
#endif

/*
 * THE descriptor write: every entry libvrm changes goes through here (the
 * checker's and the trace's hook point). A table descriptor is stored with
 * release order so the zeroes (or the split's entries) written into the
 * new table are visible to any walker that sees the descriptor
 * (Transactional-Page-Table); a leaf or an invalidation only needs to be
 * single-copy atomic, so that a walker never reads a torn descriptor.
 */
static inline void pgt_pte_write(const struct vrm_pgt *pgt, uint64_t *ptep, uint64_t old,
				 uint64_t new_desc, int level, uint64_t addr)
{
	VRM_CHECK(vrm_pgt__check_pte(pgt, ptep, old, new_desc, level, addr));
#if VRM_PTE_TRACE
	if (__builtin_expect(__atomic_load_n(&vrm_pgt__trace_on, __ATOMIC_RELAXED), 0))
		vrm_pgt__trace_pte(ptep);
#endif
	(void)pgt;
	(void)old;
	(void)addr;
	if (pgt_is_table(new_desc, level))
		vrm_store_release_64(ptep, new_desc);
	else
		vrm_write_once_64(ptep, new_desc);
}

/* The shared walker (walk.c), caller holds pgt->lock. */
int pgt_walk_locked(struct vrm_pgt *pgt, uint64_t start, uint64_t end,
		    vrm_pgt_visitor_fn fn, void *arg, unsigned flags);
/*
 * The leaf-run walk flag (public as VRM_PGT_VISIT_LEAF_RUN): a LEAF visit
 * may return n > 0, meaning it handled this entry and the n - 1 that
 * follow it in the same table (at most pgt_run_room of them), so the walker
 * neither re-reads nor descends them and sets up one visit per run instead
 * of one per entry. A commit's run leaves them non-table; unmap's plan may
 * also skip covered tables unvisited (nothing below them needs planning,
 * unmap_run).
 */
#define PGT_VISIT_RUN VRM_PGT_VISIT_LEAF_RUN

/* Entries from ctx->ptep on that lie in its table and wholly inside
 * [ctx->start, ctx->end) (ctx->addr >= ctx->start assumed). At the start
 * level the table may hold fewer than 512 entries, but then the range
 * ends inside it (pgt_range_ok), so ctx->end bounds the run. */
static inline uint64_t pgt_run_room(const struct vrm_pgt_visit_ctx *ctx)
{
	unsigned shift = pgt_level_shift(ctx->level);
	/* Shifts rather than `(addr | (size - 1)) + 1` (the same value, modulo
	 * 2^64): WP proves a shift by a constant as a division
	 * (proofs/wp/pgt_map_run.c), an OR with a mask it cannot. */
	uint64_t table_end = ((ctx->addr >> (shift + 9)) + 1) << (shift + 9);

	return (pgt_min(table_end, ctx->end) - ctx->addr) >> shift;
}
/* [ia, ia + size) inside the input range, aligned, non-empty, no wrap. */
bool pgt_range_ok(const struct vrm_pgt *pgt, uint64_t ia, uint64_t size);

/*
 * One mutating operation. The same visitor runs twice under the lock:
 * plan (commit false: validate, count the table pages needed, write
 * nothing) and commit (write, taking pages from `cache`). Pages are chained
 * through their first word while unpublished (cache) and while awaiting
 * the flush (dead; see pgtable.h for why that is safe for walkers).
 */
struct pgt_op {
	struct vrm_pgt *pgt;
	bool commit;
	bool plan_only;      /* vrm_pgt_pages_needed: stop after the plan */
	bool replace;        /* remap: valid entries may be replaced */
	bool flush;          /* commit: a batched flush over the range is due */
	/* Commit: when flush_hi > flush_lo the flush covers [flush_lo,
	 * flush_hi) instead of the range (update: whole blocks that stick out
	 * of it). */
	uint64_t flush_lo, flush_hi;
	uint64_t need;       /* plan: upper bound of table pages needed */
	uint64_t *cache;     /* pre-allocated zeroed pages */
	uint64_t *dead;      /* unlinked table pages, freed after the flush */
	uint64_t ia, size;
	vrm_pa_t pa;
	uint32_t prot;
	uint64_t attrs;      /* map/remap: leaf attributes of prot */
	/* Commit: pgt_install_table has just linked a table from `cache`, so
	 * the walker's next visit is that table's first entry in range, and
	 * every entry of it is zero (zalloc_page; checked builds report a
	 * non-zero one at publication: vrm_check_table_publish). The visit
	 * consumes it (map_visit_op): map_run then writes its run without
	 * reading each entry back, which is still write-once, and the loads
	 * were most of map's cost (the cache's pages, zeroed in cache_fill,
	 * have left the L1/L2 cache by then). */
	bool fresh;
	/* unmap: no block coalescing after the commit (it only removes). */
	bool no_coalesce;
};

/* cmo.c: the mm_ops cache-maintenance hooks for a stage-2 leaf about to
 * map [oa, oa + size) with prot `now` (was_mapped: it mapped the same oa
 * with prot `was` before); nothing at EL2 stage 1 or without hooks. */
void pgt_cmo(const struct vrm_pgt *pgt, vrm_pa_t oa, uint64_t size, bool was_mapped,
	     uint32_t was, uint32_t now);
/* coalesce.c: with VRM_PGT_COALESCE, after a commit, the tables in op's
 * range that now map one block's worth uniformly become that block. */
void pgt_coalesce(struct pgt_op *op);
/* Run plan, allocate, commit; then the batched flush if op->flush and
 * the deferred frees (op.c). Takes and releases pgt->lock. With
 * op->plan_only the plan alone (op->need is its result). */
int pgt_op_run(struct pgt_op *op, vrm_pgt_visitor_fn fn, unsigned flags);
/* Table pages to map [lo, hi) below an invalid entry at `level` (one table
 * at level + 1 and what it needs); delta = pa - ia decides block use. */
uint64_t pgt_fresh_tables(uint64_t lo, uint64_t hi, int level, uint64_t delta);
/* Take a pre-allocated zeroed page; NULL only on a planning bug. */
uint64_t *pgt_cache_pop(struct pgt_op *op);
/* Queue an unlinked table page for after the flush. */
void pgt_defer_free(struct pgt_op *op, uint64_t *table);
/* Link a fresh zeroed table at *ptep (was invalid). */
int pgt_install_table(struct pgt_op *op, struct vrm_pgt_visit_ctx *ctx);

/* bbm.c: break-before-make of one entry: invalid, DSB, TLBI, DSB, new. */
void pgt_bbm(struct vrm_pgt *pgt, uint64_t *ptep, uint64_t old, uint64_t new_desc,
	     int level, uint64_t addr);
/* Replace the non-table entry at ctx->ptep by a table of 512 entries that
 * together say what it said (pgt_split_piece): a valid block through BBM;
 * an annotated invalid entry by a single store (nothing to break); a plain
 * 0 gets a zeroed table (pgt_install_table). One page from op's cache. */
int pgt_split(struct pgt_op *op, struct vrm_pgt_visit_ctx *ctx);
/* The one batched flush of an operation over [ia, ia + size). */
void pgt_flush_range(struct vrm_pgt *pgt, uint64_t ia, uint64_t size);
/* Hand a page back to mm (checker/trace note first). */
void pgt_page_release(struct vrm_pgt *pgt, uint64_t *page);

/* What a prot grants, one bit per access: read, write, execute at EL1 (or
 * at EL2, for the EL2 stage 1), execute at EL0. X grants both executes;
 * X_EL1 / X_EL0 one each (stage 2, FEAT_XNX), so X -> X_EL0 removes one
 * and X_EL0 -> X removes none. A change that removes a grant needs a TLB
 * flush (a TLB may keep the wider entry); one that only adds does not. */
static inline uint32_t pgt_prot_grants(uint32_t prot)
{
	uint32_t g = prot & (VRM_PGT_PROT_R | VRM_PGT_PROT_W);

	if (prot & (VRM_PGT_PROT_X | VRM_PGT_PROT_X_EL1))
		g |= 1u << 2;
	if (prot & (VRM_PGT_PROT_X | VRM_PGT_PROT_X_EL0))
		g |= 1u << 3;
	return g;
}

/* Leaf attributes without output address and type bits, for comparing. */
static inline uint64_t pgt_leaf_attrs(uint64_t desc)
{
	return desc & ~(PGT_OA_MASK | PGT_TYPE_MASK);
}

/* Entry i of the table that splitting `old` (a non-table entry at `level`
 * < 3) makes: for a block, the block's i-th piece with its attributes, SW
 * bits and AF; for an invalid entry, the same annotation (or 0) again. */
static inline uint64_t pgt_split_piece(uint64_t old, int level, uint64_t i)
{
	int child = level + 1;

	if (!(old & 1))
		return old;
	return (vrm_pgt_desc_oa(old, level) + (i << pgt_level_shift(child))) |
	       pgt_leaf_attrs(old) | (child == 3 ? 3u : 1u);
}

#endif /* VRM_PGT_INTERNAL_H */
