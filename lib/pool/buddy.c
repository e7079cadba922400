/* SPDX-License-Identifier: MIT */
/*
 * Buddy allocator over a caller-provided per-page array (include/vrm/pool.h
 * says what it promises). Invariants, checked after every step by
 * tests/pool/test_buddy.c against a bitmap of free pages:
 *  - the free lists hold exactly the maximal free blocks: a block of order
 *    k at pfn p (p aligned to 2^k) is on list k iff all its pages are free
 *    and its parent block (order k + 1, at p & ~2^k) is not wholly free or
 *    does not fit in the range (or k is the largest order);
 *  - F_FREE marks exactly the pages of free blocks; F_HEAD the first page
 *    of every free or handed-out block, whose `order` is the block's;
 *  - F_ALLOC marks exactly the pages of blocks alloc handed out that are
 *    still held (head refcount >= 1).
 * Nothing is read from the pages themselves (see pool.h).
 */
#include <vrm/pool.h>

#define B_FREE  0x1u /* in a free block */
#define B_HEAD  0x2u /* first page of a free or handed-out block */
#define B_ALLOC 0x4u /* in a block alloc handed out, still held */

#define NIL UINT32_MAX

static uint64_t pfn_of(const struct vrm_buddy *b, uint64_t idx)
{
	return b->base_pfn + idx;
}

static void list_push(struct vrm_buddy *b, uint64_t idx, uint32_t order)
{
	struct vrm_buddy_page *p = &b->pages[idx];

	p->prev = NIL;
	p->next = b->head[order];
	if (p->next != NIL)
		b->pages[p->next].prev = (uint32_t)idx;
	b->head[order] = (uint32_t)idx;
	p->order = (uint8_t)order;
	p->flags = B_FREE | B_HEAD;
}

static void list_del(struct vrm_buddy *b, uint64_t idx, uint32_t order)
{
	struct vrm_buddy_page *p = &b->pages[idx];

	if (p->prev != NIL)
		b->pages[p->prev].next = p->next;
	else
		b->head[order] = p->next;
	if (p->next != NIL)
		b->pages[p->next].prev = p->prev;
	p->next = p->prev = NIL;
	p->flags &= (uint8_t)~B_HEAD;
}

static void mark(struct vrm_buddy *b, uint64_t idx, uint64_t n, uint8_t flags)
{
	for (uint64_t i = idx; i < idx + n; i++)
		b->pages[i].flags = flags;
}

/*
 * The pages of the 2^order block at idx are marked free (not yet on a
 * list): merge with the buddy while it is a free block of the same order
 * that lies in the range, then put the result on its list.
 */
static void coalesce(struct vrm_buddy *b, uint64_t idx, uint32_t order)
{
	/* The twin (tests/pool: buddy-twin-no-coalesce) leaves free buddies
	 * apart: large allocations then fail with the memory free. */
#ifndef VRM_TWIN_BUDDY_NO_COALESCE
	while (order < VRM_POOL_MAX_ORDER) {
		uint64_t size = UINT64_C(1) << order;
		uint64_t bpfn = pfn_of(b, idx) ^ size;
		uint64_t bidx;

		if (bpfn < b->base_pfn)
			break;
		bidx = bpfn - b->base_pfn;
		if (bidx + size > b->npages)
			break;
		if ((b->pages[bidx].flags & (B_FREE | B_HEAD)) != (B_FREE | B_HEAD) ||
		    b->pages[bidx].order != order)
			break;
		list_del(b, bidx, order);
		if (bidx < idx)
			idx = bidx;
		order++;
	}
#endif
	list_push(b, idx, order);
}

int vrm_buddy_init(struct vrm_buddy *b, uint64_t base_pfn, uint64_t npages,
		   struct vrm_buddy_page *pages)
{
	uint32_t k;

	if (b == NULL || pages == NULL || npages == 0 || npages >= NIL ||
	    base_pfn + npages < base_pfn)
		return -VRM_EINVAL;
	b->pages = pages;
	b->npages = npages;
	b->base_pfn = base_pfn;
	b->nfree = 0;
	for (k = 0; k <= VRM_POOL_MAX_ORDER; k++)
		b->head[k] = NIL;
	for (uint64_t i = 0; i < npages; i++)
		pages[i] = (struct vrm_buddy_page){ NIL, NIL, 0, 0, 0 };
	return 0;
}

int vrm_buddy_alloc(struct vrm_buddy *b, uint32_t order, uint64_t *idx)
{
	uint32_t k;
	uint64_t at;

	if (order > VRM_POOL_MAX_ORDER || idx == NULL)
		return -VRM_EINVAL;
	for (k = order; k <= VRM_POOL_MAX_ORDER && b->head[k] == NIL; k++)
		;
	if (k > VRM_POOL_MAX_ORDER)
		return -VRM_ENOMEM;
	at = b->head[k];
	list_del(b, at, k);
	/* Split: the upper half of each level goes back, still free. */
	while (k > order) {
		k--;
		list_push(b, at + (UINT64_C(1) << k), k);
	}
	mark(b, at, UINT64_C(1) << order, B_ALLOC);
	b->pages[at].flags = B_ALLOC | B_HEAD;
	b->pages[at].order = (uint8_t)order;
	b->pages[at].refcount = 1;
	b->nfree -= UINT64_C(1) << order;
	*idx = at;
	return 0;
}

static bool held_head(const struct vrm_buddy *b, uint64_t idx)
{
	return idx < b->npages &&
	       (b->pages[idx].flags & (B_ALLOC | B_HEAD)) == (B_ALLOC | B_HEAD) &&
	       b->pages[idx].refcount >= 1;
}

int vrm_buddy_get(struct vrm_buddy *b, uint64_t idx)
{
	if (!held_head(b, idx))
		return -VRM_EINVAL;
	if (b->pages[idx].refcount == UINT16_MAX)
		return -VRM_EOVERFLOW;
	b->pages[idx].refcount++;
	return 0;
}

int vrm_buddy_put(struct vrm_buddy *b, uint64_t idx)
{
	uint32_t order;

	if (!held_head(b, idx))
		return -VRM_EINVAL;
	if (--b->pages[idx].refcount != 0)
		return 0;
	order = b->pages[idx].order;
	mark(b, idx, UINT64_C(1) << order, B_FREE);
	b->nfree += UINT64_C(1) << order;
	coalesce(b, idx, order);
	return 0;
}

int vrm_buddy_free_range(struct vrm_buddy *b, uint64_t idx, uint64_t n)
{
	uint64_t i, end;

	if (n == 0 || idx >= b->npages || n > b->npages - idx)
		return -VRM_EINVAL;
	end = idx + n;
	/* Check everything first: a page already free, or inside a block
	 * someone holds, refuses the whole call. */
	for (i = idx; i < end; i++)
		if (b->pages[i].flags & (B_FREE | B_ALLOC))
			return -VRM_EPERM;
	mark(b, idx, n, B_FREE);
	b->nfree += n;
	/* Largest aligned block that starts at i and fits before end. */
	for (i = idx; i < end;) {
		uint32_t k = 0;

		while (k < VRM_POOL_MAX_ORDER &&
		       (pfn_of(b, i) & ((UINT64_C(2) << k) - 1)) == 0 &&
		       i + (UINT64_C(2) << k) <= end)
			k++;
		coalesce(b, i, k);
		i += UINT64_C(1) << k;
	}
	return 0;
}

bool vrm_buddy_is_free(const struct vrm_buddy *b, uint64_t idx)
{
	return idx < b->npages && (b->pages[idx].flags & B_FREE) != 0;
}
