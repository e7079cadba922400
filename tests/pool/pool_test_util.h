/* SPDX-License-Identifier: MIT */
/* Shared set-up for the pool tests: a pool over a fake stage-2. */
#ifndef POOL_TEST_UTIL_H
#define POOL_TEST_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "fake_s2.h"

#define T_BASE UINT64_C(0x80000000)
#define PA(i) (T_BASE + (uint64_t)(i) * VRM_PAGE_SIZE)
#define HOST VRM_PRINCIPAL_HOST
#define HYP VRM_PRINCIPAL_HYP
#define VM(n) VRM_PRINCIPAL_VM(n)

struct tpool {
	struct vrm_pool pool;
	struct fake_s2 fake;
	struct vrm_pool_page *meta;
};

static inline void tpool_init(struct tpool *t, uint64_t npages, uint32_t max_vms)
{
	struct vrm_pool_ops ops;

	fake_s2_init(&t->fake, T_BASE, npages, max_vms);
	ops = fake_s2_ops(&t->fake);
	t->meta = calloc(npages, sizeof(*t->meta));
	if (vrm_pool_init(&t->pool, T_BASE, npages, t->meta, max_vms, &ops) != 0)
		abort();
	fake_s2_sync(&t->fake, &t->pool);
}

static inline void tpool_fini(struct tpool *t)
{
	fake_s2_fini(&t->fake);
	free(t->meta);
}

/* Full state: every record and every mapping, copied for comparison. */
struct tsnap {
	uint64_t *words;
	uint8_t *mapped;
	size_t nwords, nmapped;
};

static inline struct tsnap tsnap_take(const struct tpool *t)
{
	struct tsnap s;
	uint64_t i;

	s.nwords = t->pool.npages;
	s.nmapped = (size_t)t->fake.nprinc * t->fake.npages;
	s.words = malloc(s.nwords * sizeof(uint64_t));
	s.mapped = malloc(s.nmapped);
	for (i = 0; i < s.nwords; i++)
		s.words[i] = t->meta[i].word;
	memcpy(s.mapped, t->fake.mapped, s.nmapped);
	return s;
}

static inline bool tsnap_same(const struct tpool *t, const struct tsnap *s)
{
	uint64_t i;

	for (i = 0; i < s->nwords; i++)
		if (s->words[i] != t->meta[i].word)
			return false;
	return memcmp(s->mapped, t->fake.mapped, s->nmapped) == 0;
}

static inline void tsnap_free(struct tsnap *s)
{
	free(s->words);
	free(s->mapped);
}

#endif
