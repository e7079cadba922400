/* SPDX-License-Identifier: MIT */
/*
 * The table-page memcache of <vrm/pgtable.h>: a LIFO of zeroed pages
 * linked through their first word, so it needs no memory of its own (as
 * pKVM's kvm_hyp_memcache, which links host-donated pages the same way).
 * The link is a plain store: the page is private until pop hands it to a
 * table operation, which publishes it with release (pgt_pte_write).
 */
#include <vrm/pgtable.h>

int vrm_pgt_memcache_push(struct vrm_pgt_memcache *mc, void *page)
{
	uint64_t *p = page;

	if (!mc || !p || ((uintptr_t)p & (VRM_PAGE_SIZE - 1)))
		return -VRM_EINVAL;
	p[0] = (uint64_t)(uintptr_t)mc->head;
	mc->head = p;
	mc->nr++;
	return 0;
}

void *vrm_pgt_memcache_pop(struct vrm_pgt_memcache *mc)
{
	uint64_t *p;

	if (!mc || !mc->head)
		return NULL;
	p = mc->head;
	mc->head = (uint64_t *)(uintptr_t)p[0];
	mc->nr--;
	p[0] = 0; /* zeroed again, as pushed */
	return p;
}
