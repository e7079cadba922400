/* SPDX-License-Identifier: MIT */
/*
 * Hosted only: software walkers concurrent with unmap (liburcu, memb
 * flavour), the TLB model's MMU walker, and PTE-write tracing.
 *
 * On hardware the TLB flush that follows unlinking a table is the grace
 * period: after TLBI + DSB no MMU walk can still be inside the page. A
 * software walker (vrm_pgt_hw_walk on another thread) ignores TLBI, so a
 * hosted table shared with such walkers takes its pages from an mm_ops
 * wrapped here: free_page defers the inner free through call_rcu, and the
 * walkers read inside an RCU read-side section (vrm_pgt_rcu_walk), so no
 * walker can touch a page after the inner allocator got it back.
 *
 * Threads: every thread that walks (vrm_pgt_rcu_walk / read_lock) or that
 * calls the writers of a wrapped table (whose free goes through call_rcu)
 * registers first with vrm_pgt_rcu_register_thread() and unregisters before
 * it exits.
 */
#ifndef VRM_PGTABLE_RCU_H
#define VRM_PGTABLE_RCU_H

#include <vrm/pgtable.h>

struct vrm_pgt_rcu_mm {
	struct vrm_pgt_mm_ops ops;           /* pass &ops to vrm_pgt_init */
	const struct vrm_pgt_mm_ops *inner;  /* the real allocator */
};

/* ops = inner, except free_page, which frees through inner after an RCU
 * grace period. inner must outlive every deferred free (vrm_pgt_rcu_barrier). */
void vrm_pgt_rcu_mm_init(struct vrm_pgt_rcu_mm *r, const struct vrm_pgt_mm_ops *inner);

void vrm_pgt_rcu_register_thread(void);
void vrm_pgt_rcu_unregister_thread(void);
void vrm_pgt_rcu_read_lock(void);
void vrm_pgt_rcu_read_unlock(void);
/* Wait until every free deferred so far has reached the inner allocator
 * (e.g. before checking a page count or tearing the allocator down). */
void vrm_pgt_rcu_barrier(void);

/* vrm_pgt_hw_walk inside an RCU read-side section. */
int vrm_pgt_rcu_walk(const struct vrm_pgt *pgt, uint64_t ia, struct vrm_pgt_xlate *out);

/*
 * A vrm_tlb_walker_fn (vrm/tlb_model.h) for the software TLB model:
 * ctx = the struct vrm_pgt. Stage-2 tables answer regime == their VMID,
 * EL2 stage-1 tables VRM_TLB_REGIME_EL2; anything else, or a translation
 * fault, is -VRM_ENOENT.
 */
int vrm_pgt_tlb_walker(void *ctx, uint32_t regime, uint64_t addr, vrm_pa_t *pa, int *level);

/* Append a VRM_TLB_EV_PTE_WRITE note to the TLB trace for every
 * descriptor write (and VRM_TLB_EV_PAGE_FREE for every table page given
 * back) while on. Off by default. A test-only hook: only builds with
 * VRM_PTE_TRACE (vrm/config.h; meson -Dpte_trace, on by default where
 * -Ddebug is, i.e. the test builds) have it; elsewhere, release builds
 * included, this call does nothing and descriptor writes carry no hook. */
void vrm_pgt_trace_ptes(bool on);

#endif /* VRM_PGTABLE_RCU_H */
