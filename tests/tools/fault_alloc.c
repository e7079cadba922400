/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "fault_alloc.h"

bool fault_alloc_tick(struct fault_alloc *fa)
{
	if (++fa->calls != fa->fail_at)
		return false;
	fa->failed++;
	return true;
}

static void *fa_zalloc(void *ctx)
{
	struct fault_alloc *fa = ctx;

	if (fault_alloc_tick(fa))
		return NULL;
	return fa->inner->zalloc_page(fa->inner->ctx);
}

static void fa_free(void *ctx, void *va)
{
	struct fault_alloc *fa = ctx;

	fa->inner->free_page(fa->inner->ctx, va);
}

static vrm_pa_t fa_v2p(void *ctx, void *va)
{
	struct fault_alloc *fa = ctx;

	return fa->inner->virt_to_phys(fa->inner->ctx, va);
}

static void *fa_p2v(void *ctx, vrm_pa_t pa)
{
	struct fault_alloc *fa = ctx;

	return fa->inner->phys_to_virt(fa->inner->ctx, pa);
}

void fault_alloc_init(struct fault_alloc *fa, const struct vrm_pgt_mm_ops *inner)
{
	fa->inner = inner;
	fa->ops.zalloc_page = fa_zalloc;
	fa->ops.free_page = fa_free;
	fa->ops.virt_to_phys = fa_v2p;
	fa->ops.phys_to_virt = fa_p2v;
	fa->ops.ctx = fa;
	fault_alloc_arm(fa, 0);
}

void fault_alloc_arm(struct fault_alloc *fa, unsigned long n)
{
	fa->calls = 0;
	fa->fail_at = n;
	fa->failed = 0;
}
