/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake_s2.h"

static uint8_t *slot(const struct fake_s2 *f, vrm_principal_t who, uint64_t page)
{
	return &f->mapped[(uint64_t)(who - 1) * f->npages + page];
}

void fake_s2_init(struct fake_s2 *f, vrm_pa_t base, uint64_t npages, uint32_t max_vms)
{
	memset(f, 0, sizeof(*f));
	f->base = base;
	f->npages = npages;
	f->nprinc = 2 + max_vms;
	f->mapped = calloc((size_t)f->nprinc * npages, 1);
	f->vm_dirty = calloc(npages, 1);
	f->mem = aligned_alloc(4096, npages * VRM_PAGE_SIZE);
	memset(f->mem, 0, npages * VRM_PAGE_SIZE);
}

void fake_s2_fini(struct fake_s2 *f)
{
	free(f->mapped);
	free(f->vm_dirty);
	free(f->mem);
}

static int inject(struct fake_s2 *f, int kind)
{
	unsigned long n;

	if (f->fail_kind != 0 && f->fail_kind != kind)
		return 0;
	n = __atomic_add_fetch(&f->calls, 1, __ATOMIC_RELAXED);
	return n == f->fail_at ? -ENOMEM : 0;
}

static bool in_range(const struct fake_s2 *f, vrm_principal_t who, vrm_pa_t pa, uint64_t n)
{
	return who >= 1 && who - 1 < f->nprinc && pa >= f->base &&
	       (pa - f->base) / VRM_PAGE_SIZE + n <= f->npages;
}

static void breach(struct fake_s2 *f)
{
	__atomic_add_fetch(&f->violations, 1, __ATOMIC_RELAXED);
}

static int fake_reserve(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t n)
{
	struct fake_s2 *f = ctx;

	if (!in_range(f, who, pa, n))
		breach(f);
	return inject(f, FAKE_RESERVE);
}

static int fake_map(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t n,
		    enum vrm_pool_state state)
{
	struct fake_s2 *f = ctx;
	uint64_t first = (pa - f->base) / VRM_PAGE_SIZE, i;
	int ret;

	if (!in_range(f, who, pa, n)) {
		breach(f);
		return -EINVAL;
	}
	for (i = first; i < first + n; i++)
		if (*slot(f, who, i)) {
			breach(f); /* the pool maps only what is not mapped */
			return -EEXIST;
		}
	ret = inject(f, FAKE_MAP);
	if (ret != 0)
		return ret;
	for (i = first; i < first + n; i++) {
		uint8_t *page = f->mem + i * VRM_PAGE_SIZE;

		*slot(f, who, i) = 1;
		if (who == VRM_PRINCIPAL_HOST && state == VRM_POOL_OWNED && f->vm_dirty[i]) {
			size_t b;

			for (b = 0; b < VRM_PAGE_SIZE; b++)
				if (page[b] != 0) {
					breach(f); /* VM data reached the host */
					break;
				}
			f->vm_dirty[i] = 0;
		}
		if (VRM_PRINCIPAL_IS_VM(who) && state == VRM_POOL_OWNED) {
			/* The VM writes its secrets at both ends of the page. */
			page[0] = (uint8_t)(0xa0 | (who & 0xf));
			page[VRM_PAGE_SIZE - 1] = 0x5a;
			f->vm_dirty[i] = 1;
		}
	}
	return 0;
}

static int fake_unmap(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t n)
{
	struct fake_s2 *f = ctx;
	uint64_t first = (pa - f->base) / VRM_PAGE_SIZE, i;
	int ret;

	if (!in_range(f, who, pa, n)) {
		breach(f);
		return -EINVAL;
	}
	ret = inject(f, FAKE_UNMAP);
	if (ret != 0)
		return ret;
	for (i = first; i < first + n; i++)
		*slot(f, who, i) = 0;
	return 0;
}

void *fake_s2_va(struct fake_s2 *f, vrm_pa_t pa)
{
	return f->mem + (pa - f->base);
}

static void *fake_pa_to_va(void *ctx, vrm_pa_t pa)
{
	return fake_s2_va(ctx, pa);
}

bool fake_s2_mapped(const struct fake_s2 *f, vrm_principal_t who, vrm_pa_t pa)
{
	return *slot(f, who, (pa - f->base) / VRM_PAGE_SIZE) != 0;
}

static bool fake_is_mapped(void *ctx, vrm_principal_t who, vrm_pa_t pa)
{
	return fake_s2_mapped(ctx, who, pa);
}

struct vrm_pool_ops fake_s2_ops(struct fake_s2 *f)
{
	struct vrm_pool_ops ops = {
		.ctx = f,
		.reserve = fake_reserve,
		.map = fake_map,
		.unmap = fake_unmap,
		.pa_to_va = fake_pa_to_va,
		.is_mapped = fake_is_mapped,
	};
	return ops;
}

void fake_s2_sync(struct fake_s2 *f, struct vrm_pool *pool)
{
	uint64_t i;
	vrm_principal_t p;

	memset(f->mapped, 0, (size_t)f->nprinc * f->npages);
	for (i = 0; i < f->npages; i++)
		for (p = 1; p <= f->nprinc; p++)
			if (vrm_pool_state_of(pool, f->base + i * VRM_PAGE_SIZE, p) !=
			    VRM_POOL_NOPAGE)
				*slot(f, p, i) = 1;
}

uint64_t fake_s2_state_hash(const struct fake_s2 *f, const struct vrm_pool *pool)
{
	uint64_t h = 1469598103934665603ull, i;
	size_t b;

	for (i = 0; i < f->npages; i++) {
		h = (h ^ pool->meta[i].word) * 1099511628211ull;
		h ^= h >> 29;
	}
	for (b = 0; b < (size_t)f->nprinc * f->npages; b++)
		h = (h ^ f->mapped[b]) * 1099511628211ull;
	return h;
}
