/* SPDX-License-Identifier: MIT */
/*
 * A VM's memory: its stage-2 table, pages donated or shared by the host,
 * and reclaim (scrub and return) at destruction. Each transition is one
 * libvrm pool call; mem.c's pool callbacks apply it to the tables.
 */
#include <vrm/tlb.h>

#include "mem_internal.h"

int mem_vm_init(struct vrm_pgt *pgt, uint16_t vmid, uint32_t slot)
{
	/* The principal lets a checked build verify every page this table
	 * maps is owned or borrowed by the VM (Memory-Isolation). */
	struct vrm_pgt_config s2 = { VRM_PGT_STAGE2, S2_IA_BITS, -1, vmid, 0 };
	int ret = mem_topup();

	if (!ret)
		ret = vrm_pgt_init(pgt, &s2, &mem_vm_mm_ops);
	if (!ret)
		vrm_pgt_set_principal(pgt, VRM_PRINCIPAL_VM(slot));
	return ret;
}

int mem_donate(uint32_t slot, struct vrm_pgt *pgt, uint64_t pa, uint64_t ipa, uint64_t n)
{
	int ret = mem_pool_call_begin(pgt, pa, ipa, VRM_PRINCIPAL_VM(slot), false);

	if (!ret)
		ret = vrm_pool_donate(&hyp_pool, pa, n, VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_VM(slot));
	mem_pool_call_end();
	return ret; /* the VM's map cleaned the pages first (mem_vm_mm_ops) */
}

int mem_share(uint32_t slot, struct vrm_pgt *pgt, uint64_t pa, uint64_t ipa)
{
	int ret = mem_pool_call_begin(pgt, pa, ipa, VRM_PRINCIPAL_NONE, false);

	if (!ret)
		ret = vrm_pool_share(&hyp_pool, pa, 1, VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_VM(slot));
	mem_pool_call_end();
	return ret;
}

int mem_unshare(uint32_t slot, struct vrm_pgt *pgt, uint64_t pa, uint64_t ipa)
{
	vrm_pa_t got;
	int ret;

	/* The pool checks pa is lent to the VM; the table must agree that ipa
	 * is where it is, or the unmap would hit another page. */
	if (vrm_pgt_lookup(pgt, ipa, &got, NULL, NULL) || got != pa)
		return -VRM_EINVAL;
	ret = mem_pool_call_begin(pgt, pa, ipa, VRM_PRINCIPAL_NONE, false);
	if (!ret)
		ret = vrm_pool_unshare(&hyp_pool, pa, 1, VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_VM(slot));
	mem_pool_call_end();
	return ret;
}
/* What a dying VM owns, recorded before reclaim so that the scrub can be
 * measured afterwards (pages read back), not inferred from the count. */
#define RECLAIM_RUNS 32
struct reclaim_runs {
	uint64_t owned, borrowed;
	uint32_t n;
	struct { uint64_t pa, pages; } run[RECLAIM_RUNS];
};

static int count_run(void *arg, vrm_pa_t pa, uint64_t n, enum vrm_pool_state st)
{
	struct reclaim_runs *r = arg;

	if (st == VRM_POOL_SHARED_BORROWED) {
		r->borrowed += n;
		return 0;
	}
	r->owned += n;
	if (r->n < RECLAIM_RUNS) {
		r->run[r->n].pa = pa;
		r->run[r->n++].pages = n;
	}
	return 0;
}

/* Pages of the recorded runs that read back as all zeroes (EL2 maps all
 * of RAM). Runs past RECLAIM_RUNS are not read, so not counted; the pages
 * are the host's already, so a host CPU writing them meanwhile can only
 * lower the count, never raise it. */
static uint64_t count_zero_pages(const struct reclaim_runs *r)
{
	uint64_t zero = 0;

	for (uint32_t k = 0; k < r->n; k++)
		for (uint64_t p = 0; p < r->run[k].pages; p++) {
			const volatile uint64_t *w = (const volatile uint64_t *)(uintptr_t)
				(r->run[k].pa + p * VRM_PAGE_SIZE);
			uint64_t any = 0;

			for (uint32_t i = 0; i < VRM_PAGE_SIZE / 8; i++)
				any |= w[i];
			zero += any == 0;
		}
	return zero;
}

/* The VM can no longer run anywhere (caller's guarantee): empty its table
 * with one flush, so the pool may scrub and hand pages on at once. */
int mem_reclaim(uint32_t slot, struct vrm_pgt *pgt, uint64_t *reclaimed, uint64_t *scrubbed)
{
	struct reclaim_runs runs = { 0 };
	int ret;

	ret = vrm_pgt_unmap(pgt, 0, UINT64_C(1) << S2_IA_BITS);
	if (!ret)
		ret = vrm_tlb_flush_vmid(vrm_pgt_vttbr(pgt));
	if (!ret)
		ret = vrm_pool_for_each(&hyp_pool, VRM_PRINCIPAL_VM(slot), count_run, &runs);
	if (!ret)
		ret = mem_pool_call_begin(pgt, 0, 0, VRM_PRINCIPAL_NONE, true);
	if (!ret)
		ret = vrm_pool_reclaim(&hyp_pool, VRM_PRINCIPAL_VM(slot));
	mem_pool_call_end();
	if (ret)
		return ret;
	vrm_pgt_destroy(pgt);
	*reclaimed = runs.owned + runs.borrowed;
	*scrubbed = count_zero_pages(&runs);
	return 0;
}
