/* SPDX-License-Identifier: MIT */
/*
 * The buddy allocator (lib/pool/buddy.c): its contract, and random
 * operations against a reference that keeps one state per page (free,
 * plain allocated, or in a held block): every result must match it, every
 * rejected call must change nothing, and (every CHECK_EVERY steps and at
 * the end) the free lists must hold exactly the maximal free blocks the
 * reference's free pages make (full coalescing). Built a second time with
 * the coalescing removed (VRM_TWIN_BUDDY_NO_COALESCE), where the random
 * test must fail (meson should_fail): the invariant check bites.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vrm/pool.h>

#include "../tools/check_run.h"
#include "../tools/xorshift.h"

#ifndef BUDDY_RANDOM_OPS
#define BUDDY_RANDOM_OPS 100000
#endif
#define CHECK_EVERY 16
#define MAXO VRM_POOL_MAX_ORDER

#define REQUIRE(cond, ...)                        \
	do {                                      \
		if (!(cond))                      \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* ---- reference */
enum { R_PLAIN = 0, R_FREE = 1, R_HELD = 2 };

struct ref {
	uint64_t np, base_pfn;
	uint8_t *st;        /* per page */
	uint32_t *count;    /* held block head: holders */
	uint8_t *order;     /* held block head: order */
	uint32_t *prefix;   /* free pages before i (recomputed by ref_prefix) */
};

static void ref_init(struct ref *r, uint64_t base_pfn, uint64_t np)
{
	r->np = np;
	r->base_pfn = base_pfn;
	r->st = calloc(np, 1);
	r->count = calloc(np, sizeof(*r->count));
	r->order = calloc(np, 1);
	r->prefix = calloc(np + 1, sizeof(*r->prefix));
	ck_assert(r->st && r->count && r->order && r->prefix);
}

static void ref_fini(struct ref *r)
{
	free(r->st);
	free(r->count);
	free(r->order);
	free(r->prefix);
}

static void ref_prefix(struct ref *r)
{
	r->prefix[0] = 0;
	for (uint64_t i = 0; i < r->np; i++)
		r->prefix[i + 1] = r->prefix[i] + (r->st[i] == R_FREE);
}

static bool all_free(const struct ref *r, uint64_t idx, uint64_t n)
{
	return idx + n <= r->np && r->prefix[idx + n] - r->prefix[idx] == n;
}

/* An aligned (in pfn) run of 2^k free pages exists. */
static bool fits(const struct ref *r, uint32_t k)
{
	uint64_t n = UINT64_C(1) << k;
	uint64_t first = (n - (r->base_pfn & (n - 1))) & (n - 1);

	for (uint64_t i = first; i + n <= r->np; i += n)
		if (all_free(r, i, n))
			return true;
	return false;
}

/* The free lists hold exactly the maximal free blocks. */
static void check_lists(const struct vrm_buddy *b, struct ref *r)
{
	uint8_t *seen = calloc(r->np, 1);
	uint64_t nfree = 0, listed = 0;

	ck_assert(seen != NULL);
	ref_prefix(r);
	for (uint64_t i = 0; i < r->np; i++) {
		nfree += r->st[i] == R_FREE;
		REQUIRE(vrm_buddy_is_free(b, i) == (r->st[i] == R_FREE), "page %llu free %d, ref %d",
			(unsigned long long)i, vrm_buddy_is_free(b, i), r->st[i]);
	}
	REQUIRE(b->nfree == nfree, "nfree %llu, ref %llu", (unsigned long long)b->nfree,
		(unsigned long long)nfree);
	for (uint32_t k = 0; k <= MAXO; k++) {
		uint64_t n = UINT64_C(1) << k;

		for (uint32_t at = b->head[k], prev = UINT32_MAX; at != UINT32_MAX;
		     prev = at, at = b->pages[at].next) {
			uint64_t pfn = r->base_pfn + at;
			uint64_t up = (pfn & ~n) - r->base_pfn; /* parent block, if in range */
			bool parent_free = k < MAXO && (pfn & ~n) >= r->base_pfn &&
					   all_free(r, up, 2 * n);

			REQUIRE(b->pages[at].prev == prev, "list %u: broken prev link at %u", k, at);
			REQUIRE((pfn & (n - 1)) == 0, "list %u: block %u misaligned", k, at);
			REQUIRE(all_free(r, at, n), "list %u: block %u not all free", k, at);
			REQUIRE(!parent_free, "list %u: block %u not coalesced with its buddy", k, at);
			REQUIRE(!seen[at], "block %u listed twice", at);
			seen[at] = 1;
			listed += n;
		}
	}
	REQUIRE(listed == nfree, "lists hold %llu pages, %llu free", (unsigned long long)listed,
		(unsigned long long)nfree);
	free(seen);
}

/* ---- contract */
#define NP 1100
#define BASE_PFN 5 /* not aligned: blocks align in pfn, not in index */

static struct vrm_buddy_page pages[NP];

START_TEST(init_rejects_bad_arguments_and_starts_empty)
{
	struct vrm_buddy b, before;
	uint64_t idx = 77;

	memset(&b, 0xa5, sizeof(b));
	before = b;
	ck_assert_int_eq(vrm_buddy_init(&b, 0, 0, pages), -VRM_EINVAL);
	ck_assert_int_eq(vrm_buddy_init(&b, 0, NP, NULL), -VRM_EINVAL);
	ck_assert_int_eq(vrm_buddy_init(&b, UINT64_MAX - 2, NP, pages), -VRM_EINVAL);
	ck_assert_int_eq(vrm_buddy_init(&b, 0, UINT32_MAX, pages), -VRM_EINVAL);
	ck_assert(memcmp(&b, &before, sizeof(b)) == 0);
	ck_assert_int_eq(vrm_buddy_init(&b, BASE_PFN, NP, pages), 0);
	ck_assert_uint_eq(b.nfree, 0);
	ck_assert_int_eq(vrm_buddy_alloc(&b, 0, &idx), -VRM_ENOMEM);
	ck_assert_uint_eq(idx, 77);
	ck_assert_int_eq(vrm_buddy_alloc(&b, MAXO + 1, &idx), -VRM_EINVAL);
	ck_assert_int_eq(vrm_buddy_alloc(&b, 0, NULL), -VRM_EINVAL);
}
END_TEST

START_TEST(free_range_coalesces_into_maximal_aligned_blocks)
{
	struct vrm_buddy b;
	struct ref r;

	ref_init(&r, BASE_PFN, NP);
	ck_assert_int_eq(vrm_buddy_init(&b, BASE_PFN, NP, pages), 0);
	ck_assert_int_eq(vrm_buddy_free_range(&b, 0, NP), 0);
	memset(r.st, R_FREE, NP);
	check_lists(&b, &r);
	/* pfn 5..1104: the largest block is 512 pages at pfn 512 (index 507). */
	ck_assert_uint_eq(b.head[9], 507);
	ck_assert_uint_eq(b.head[10], UINT32_MAX);
	ref_fini(&r);
}
END_TEST

START_TEST(alloc_splits_the_smallest_block_and_put_merges_it_back)
{
	struct vrm_buddy b;
	struct ref r;
	uint64_t a, c;

	ref_init(&r, BASE_PFN, NP);
	ck_assert_int_eq(vrm_buddy_init(&b, BASE_PFN, NP, pages), 0);
	ck_assert_int_eq(vrm_buddy_free_range(&b, 507, 512), 0); /* one 512-page block */
	ck_assert_int_eq(vrm_buddy_alloc(&b, 0, &a), 0);
	ck_assert_uint_eq(a, 507);
	ck_assert_uint_eq(b.nfree, 511);
	for (uint32_t k = 0; k < 9; k++) /* the split left one block of each order */
		ck_assert_uint_eq(b.head[k], 507 + (UINT64_C(1) << k));
	ck_assert_int_eq(vrm_buddy_alloc(&b, 3, &c), 0);
	ck_assert_uint_eq((BASE_PFN + c) % 8, 0);
	ck_assert_int_eq(vrm_buddy_put(&b, a), 0);
	ck_assert_int_eq(vrm_buddy_put(&b, c), 0);
	memset(r.st + 507, R_FREE, 512);
	check_lists(&b, &r);
	ck_assert_uint_eq(b.head[9], 507);
	ref_fini(&r);
}
END_TEST

START_TEST(refcount_frees_only_at_zero_and_rejects_non_heads)
{
	struct vrm_buddy b;
	uint64_t a;

	ck_assert_int_eq(vrm_buddy_init(&b, BASE_PFN, NP, pages), 0);
	ck_assert_int_eq(vrm_buddy_free_range(&b, 3, 16), 0); /* pfn 8..23 */
	ck_assert_int_eq(vrm_buddy_alloc(&b, 2, &a), 0);
	ck_assert_int_eq(vrm_buddy_get(&b, a), 0);
	ck_assert_int_eq(vrm_buddy_get(&b, a + 1), -VRM_EINVAL); /* not the head */
	ck_assert_int_eq(vrm_buddy_put(&b, a + 1), -VRM_EINVAL);
	ck_assert_int_eq(vrm_buddy_get(&b, NP), -VRM_EINVAL);
	ck_assert_int_eq(vrm_buddy_put(&b, a), 0);
	ck_assert(!vrm_buddy_is_free(&b, a));
	ck_assert_int_eq(vrm_buddy_put(&b, a), 0);
	ck_assert(vrm_buddy_is_free(&b, a) && vrm_buddy_is_free(&b, a + 3));
	ck_assert_int_eq(vrm_buddy_put(&b, a), -VRM_EINVAL); /* freed: no holder left */
	for (uint32_t i = 1; i <= UINT16_MAX; i++)
		ck_assert_int_eq(i == 1 ? vrm_buddy_alloc(&b, 0, &a) : vrm_buddy_get(&b, a), 0);
	ck_assert_int_eq(vrm_buddy_get(&b, a), -VRM_EOVERFLOW);
	ck_assert_uint_eq(pages[a].refcount, UINT16_MAX);
}
END_TEST

START_TEST(free_range_refuses_free_and_held_pages_changing_nothing)
{
	static struct vrm_buddy_page snap[NP];
	struct vrm_buddy b, before;
	uint64_t a;

	memset(&b, 0, sizeof(b)); /* defined padding for the memcmp below */
	ck_assert_int_eq(vrm_buddy_init(&b, BASE_PFN, NP, pages), 0);
	ck_assert_int_eq(vrm_buddy_free_range(&b, 100, 10), 0);
	ck_assert_int_eq(vrm_buddy_alloc(&b, 1, &a), 0);
	before = b;
	memcpy(snap, pages, sizeof(pages));
	ck_assert_int_eq(vrm_buddy_free_range(&b, 95, 10), -VRM_EPERM); /* 100.. are free */
	ck_assert_int_eq(vrm_buddy_free_range(&b, a, 1), -VRM_EPERM);   /* held */
	ck_assert_int_eq(vrm_buddy_free_range(&b, 0, 0), -VRM_EINVAL);
	ck_assert_int_eq(vrm_buddy_free_range(&b, NP - 1, 2), -VRM_EINVAL);
	ck_assert_int_eq(vrm_buddy_free_range(&b, NP, 1), -VRM_EINVAL);
	ck_assert(memcmp(&b, &before, sizeof(b)) == 0);
	ck_assert(memcmp(snap, pages, sizeof(pages)) == 0);
}
END_TEST

/* ---- random operations against the reference */
START_TEST(random_ops_match_the_reference)
{
	static struct vrm_buddy_page snap[NP];
	struct vrm_buddy b, before;
	struct ref r;
	uint64_t rng = 0x2545f4914f6cdd1dULL, ops = BUDDY_RANDOM_OPS;
	uint64_t held[NP], nheld = 0, allocs = 0, enomem = 0, eperm = 0, merges = 0;
	const char *env = getenv("VRM_TEST_ROUNDS");

	if (env && atoi(env) > 0 && (uint64_t)atoi(env) < ops)
		ops = (uint64_t)atoi(env);
	ref_init(&r, BASE_PFN, NP);
	memset(&b, 0, sizeof(b)); /* defined padding for the memcmp below */
	ck_assert_int_eq(vrm_buddy_init(&b, BASE_PFN, NP, pages), 0);
	for (uint64_t step = 0; step < ops; step++) {
		uint64_t x = xorshift64(&rng), idx, n;
		int op = (int)(x % 8), ret;

		ref_prefix(&r);
		before = b;
		memcpy(snap, pages, sizeof(pages));
		if (op <= 2) { /* alloc, small orders mostly */
			uint32_t k = (uint32_t)((x >> 8) % 4 == 0 ? (x >> 16) % 9 : (x >> 16) % 3);

			ret = vrm_buddy_alloc(&b, k, &idx);
			if (!fits(&r, k)) {
				REQUIRE(ret == -VRM_ENOMEM, "step %llu: alloc(%u) = %d, ref has no run",
					(unsigned long long)step, k, ret);
				enomem++;
			} else {
				REQUIRE(ret == 0, "step %llu: alloc(%u) = %d, ref has a run",
					(unsigned long long)step, k, ret);
				REQUIRE(((BASE_PFN + idx) & ((UINT64_C(1) << k) - 1)) == 0 &&
						all_free(&r, idx, UINT64_C(1) << k),
					"step %llu: alloc(%u) gave %llu, not a free aligned run",
					(unsigned long long)step, k, (unsigned long long)idx);
				memset(r.st + idx, R_HELD, UINT64_C(1) << k);
				r.count[idx] = 1;
				r.order[idx] = (uint8_t)k;
				held[nheld++] = idx;
				allocs++;
			}
		} else if (op == 3 && nheld) { /* get */
			uint64_t h = held[(x >> 8) % nheld];

			ret = vrm_buddy_get(&b, h);
			REQUIRE(ret == (r.count[h] == UINT16_MAX ? -VRM_EOVERFLOW : 0), "get = %d", ret);
			if (ret == 0)
				r.count[h]++;
		} else if (op <= 5 && nheld) { /* put */
			uint64_t s = (x >> 8) % nheld, h = held[s];

			ret = vrm_buddy_put(&b, h);
			REQUIRE(ret == 0, "step %llu: put(%llu) = %d", (unsigned long long)step,
				(unsigned long long)h, ret);
			if (--r.count[h] == 0) {
				memset(r.st + h, R_FREE, UINT64_C(1) << r.order[h]);
				held[s] = held[--nheld];
				merges++;
			}
		} else if (op == 6) { /* free_range of plain pages, or refused */
			bool plain = true;

			idx = (x >> 8) % NP;
			n = 1 + (x >> 24) % (x & 0x100 ? 64 : 4);
			if (idx + n > NP)
				n = NP - idx;
			for (uint64_t i = idx; i < idx + n; i++)
				plain = plain && r.st[i] == R_PLAIN;
			ret = vrm_buddy_free_range(&b, idx, n);
			REQUIRE(ret == (plain ? 0 : -VRM_EPERM), "step %llu: free_range(%llu, %llu) = %d",
				(unsigned long long)step, (unsigned long long)idx,
				(unsigned long long)n, ret);
			if (ret == 0)
				memset(r.st + idx, R_FREE, n);
			else
				eperm++;
		} else { /* a bad argument or a non-head: refused, nothing changed */
			idx = (x >> 8) % (NP + 2);
			if (idx < NP && r.st[idx] == R_HELD && r.count[idx] > 0)
				continue; /* a real head: not a bad argument */
			ret = (x >> 40) & 1 ? vrm_buddy_put(&b, idx) : vrm_buddy_get(&b, idx);
			REQUIRE(ret == -VRM_EINVAL, "step %llu: get/put(%llu) of a non-head = %d",
				(unsigned long long)step, (unsigned long long)idx, ret);
			REQUIRE(memcmp(&b, &before, sizeof(b)) == 0 &&
					memcmp(snap, pages, sizeof(pages)) == 0,
				"step %llu: a refused call changed the allocator", (unsigned long long)step);
			continue;
		}
		if (step % CHECK_EVERY == 0 || step + 1 == ops)
			check_lists(&b, &r);
	}
	printf("# %llu ops: %llu allocs, %llu -ENOMEM, %llu frees at refcount 0, %llu -EPERM\n",
	       (unsigned long long)ops, (unsigned long long)allocs, (unsigned long long)enomem,
	       (unsigned long long)merges, (unsigned long long)eperm);
	ck_assert_uint_gt(allocs, ops / 10);
	ck_assert_uint_gt(enomem, 0);
	ck_assert_uint_gt(merges, ops / 20);
	ck_assert_uint_gt(eperm, 0);
	ref_fini(&r);
}
END_TEST

static Suite *buddy_suite(void)
{
	Suite *s = suite_create("buddy");
	TCase *tc = tcase_create("contract");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, init_rejects_bad_arguments_and_starts_empty);
	tcase_add_test(tc, free_range_coalesces_into_maximal_aligned_blocks);
	tcase_add_test(tc, alloc_splits_the_smallest_block_and_put_merges_it_back);
	tcase_add_test(tc, refcount_frees_only_at_zero_and_rejects_non_heads);
	tcase_add_test(tc, free_range_refuses_free_and_held_pages_changing_nothing);
	tcase_add_test(tc, random_ops_match_the_reference);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return vrm_test_run(buddy_suite());
}
