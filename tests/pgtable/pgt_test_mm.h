/* SPDX-License-Identifier: MIT */
/*
 * A test allocator for page tables: identity pa <-> va, a count of live
 * pages, failure injection (fail the Nth allocation from now), and a hash
 * over every live table page so a test can prove "tables unchanged".
 * Not thread-safe except through the pgt lock (all writers hold it).
 */
#ifndef PGT_TEST_MM_H
#define PGT_TEST_MM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vrm/pgtable.h>

#define TMM_MAX_PAGES 65536

struct tmm {
	void *live[TMM_MAX_PAGES];
	size_t nlive;
	uint64_t allocs, frees;
	long fail_at;     /* > 0: the fail_at-th allocation from now fails */
	struct vrm_pgt_mm_ops ops;
};

static void *tmm_zalloc(void *ctx)
{
	struct tmm *m = ctx;
	void *p;

	if (m->fail_at > 0 && --m->fail_at == 0)
		return NULL;
	if (m->nlive == TMM_MAX_PAGES)
		return NULL;
	p = aligned_alloc(4096, 4096);
	if (!p)
		return NULL;
	memset(p, 0, 4096);
	m->live[m->nlive++] = p;
	m->allocs++;
	return p;
}

static void tmm_free(void *ctx, void *va)
{
	struct tmm *m = ctx;
	size_t i;

	for (i = m->nlive; i-- > 0;) {
		if (m->live[i] == va) {
			m->live[i] = m->live[--m->nlive];
			m->frees++;
			free(va);
			return;
		}
	}
	abort(); /* freeing a page this allocator does not own */
}

static vrm_pa_t tmm_v2p(void *ctx, void *va) { (void)ctx; return (vrm_pa_t)(uintptr_t)va; }
static void *tmm_p2v(void *ctx, vrm_pa_t pa) { (void)ctx; return (void *)(uintptr_t)pa; }

static inline void tmm_init(struct tmm *m)
{
	memset(m, 0, sizeof(*m));
	m->ops.zalloc_page = tmm_zalloc;
	m->ops.free_page = tmm_free;
	m->ops.virt_to_phys = tmm_v2p;
	m->ops.phys_to_virt = tmm_p2v;
	m->ops.ctx = m;
}

/* Order-independent hash of (address, contents) of every live page. */
static inline uint64_t tmm_hash(const struct tmm *m)
{
	uint64_t sum = 0;
	size_t i, j;

	for (i = 0; i < m->nlive; i++) {
		const uint64_t *p = m->live[i];
		uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;

		for (j = 0; j < 512; j++)
			h = (h ^ p[j]) * 0x100000001b3ull + j;
		sum += h ^ (h >> 29);
	}
	return sum ^ (uint64_t)m->nlive;
}

#endif /* PGT_TEST_MM_H */
