/* SPDX-License-Identifier: MIT */
/*
 * liburcu-backed deferred free of page-table pages for hosted software
 * walkers (vrm/pgtable_rcu.h). Unlinked pages reach this free_page only
 * after unmap's TLB flush; the RCU grace period adds what a software
 * walker needs: no reader section that could hold the page is still open.
 */
#define _DEFAULT_SOURCE /* clock_gettime in urcu/arch/generic.h under -std=c11 */
#include <stdlib.h>
#include <urcu/urcu-memb.h>

#include <vrm/pgtable_rcu.h>
#include <vrm/tlb_model.h>

/*
 * ThreadSanitizer cannot see liburcu's ordering (the library is not
 * instrumented; its grace period rests on membarrier and plain volatile
 * accesses). These annotations state the two happens-before edges liburcu
 * guarantees, and nothing more: call_rcu's enqueue -> the callback, and the
 * end of every read-side section -> every callback run after a later grace
 * period. Without them TSan reports the page's free as racing with a
 * walker's (finished) reads.
 */
#if defined(__SANITIZE_THREAD__)
#define PGT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PGT_TSAN 1
#endif
#endif
#ifdef PGT_TSAN
#include <sanitizer/tsan_interface.h>
static char grace_token;
#define TSAN_RELEASE(p) __tsan_release(p)
#define TSAN_ACQUIRE(p) __tsan_acquire(p)
#else
#define TSAN_RELEASE(p) ((void)(p))
#define TSAN_ACQUIRE(p) ((void)(p))
#endif

struct deferred {
	struct rcu_head head;
	const struct vrm_pgt_mm_ops *inner;
	void *va;
};

static void deferred_free(struct rcu_head *head)
{
	struct deferred *d = caa_container_of(head, struct deferred, head);

	TSAN_ACQUIRE(d);
#ifdef PGT_TSAN
	TSAN_ACQUIRE(&grace_token);
#endif

	d->inner->free_page(d->inner->ctx, d->va);
	free(d);
}

static void rcu_free_page(void *ctx, void *va)
{
	struct vrm_pgt_rcu_mm *r = ctx;
	struct deferred *d = malloc(sizeof(*d));

	if (!d) {
		/* No memory for the callback: wait the grace period here. */
		urcu_memb_synchronize_rcu();
#ifdef PGT_TSAN
		TSAN_ACQUIRE(&grace_token);
#endif
		r->inner->free_page(r->inner->ctx, va);
		return;
	}
	d->inner = r->inner;
	d->va = va;
	TSAN_RELEASE(d);
	urcu_memb_call_rcu(&d->head, deferred_free);
}

static void *rcu_zalloc(void *ctx)
{
	struct vrm_pgt_rcu_mm *r = ctx;

	return r->inner->zalloc_page(r->inner->ctx);
}

static vrm_pa_t rcu_v2p(void *ctx, void *va)
{
	struct vrm_pgt_rcu_mm *r = ctx;

	return r->inner->virt_to_phys(r->inner->ctx, va);
}

static void *rcu_p2v(void *ctx, vrm_pa_t pa)
{
	struct vrm_pgt_rcu_mm *r = ctx;

	return r->inner->phys_to_virt(r->inner->ctx, pa);
}

void vrm_pgt_rcu_mm_init(struct vrm_pgt_rcu_mm *r, const struct vrm_pgt_mm_ops *inner)
{
	r->inner = inner;
	r->ops.zalloc_page = rcu_zalloc;
	r->ops.free_page = rcu_free_page;
	r->ops.virt_to_phys = rcu_v2p;
	r->ops.phys_to_virt = rcu_p2v;
	r->ops.ctx = r;
}

void vrm_pgt_rcu_register_thread(void) { urcu_memb_register_thread(); }
void vrm_pgt_rcu_unregister_thread(void) { urcu_memb_unregister_thread(); }
void vrm_pgt_rcu_read_lock(void) { urcu_memb_read_lock(); }
void vrm_pgt_rcu_read_unlock(void)
{
#ifdef PGT_TSAN
	TSAN_RELEASE(&grace_token);
#endif
	urcu_memb_read_unlock();
}
void vrm_pgt_rcu_barrier(void) { urcu_memb_barrier(); }

int vrm_pgt_rcu_walk(const struct vrm_pgt *pgt, uint64_t ia, struct vrm_pgt_xlate *out)
{
	int ret;

	vrm_pgt_rcu_read_lock();
	ret = vrm_pgt_hw_walk(pgt, ia, out);
	vrm_pgt_rcu_read_unlock();
	return ret;
}

int vrm_pgt_tlb_walker(void *ctx, uint32_t regime, uint64_t addr, vrm_pa_t *pa, int *level)
{
	const struct vrm_pgt *pgt = ctx;
	struct vrm_pgt_xlate x;
	uint32_t want = pgt->stage == VRM_PGT_STAGE2 ? pgt->vmid : VRM_TLB_REGIME_EL2;
	int ret;

	if (regime != want)
		return -VRM_ENOENT;
	ret = vrm_pgt_hw_walk(pgt, addr, &x);
	if (ret)
		return ret == -VRM_EINVAL ? -VRM_ENOENT : ret;
	*pa = x.pa;
	*level = x.level;
	return 0;
}

#if VRM_PTE_TRACE
/* Defined by lib/pgtable (bbm.c) in builds with the trace. */
extern bool vrm_pgt__trace_on;
#endif

void vrm_pgt_trace_ptes(bool on)
{
#if VRM_PTE_TRACE
	__atomic_store_n(&vrm_pgt__trace_on, on, __ATOMIC_RELAXED);
#else
	/* Compiled out (-Dpte_trace, config.h): kept so that callers link;
	 * a test that needs the notes checks VRM_PTE_TRACE. */
	(void)on;
#endif
}
