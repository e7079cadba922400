/* SPDX-License-Identifier: MIT */
/*
 * TLB flush cost by instruction count: for unmap-style range flushes of
 * 4 KiB .. 1 GiB, the TLBIs and DSBs one call issues (recording back end),
 * next to Linux arm64's policy for __flush_tlb_range() as documented in
 * arch/arm64/include/asm/tlbflush.h: per page while pages < MAX_TLBI_OPS
 * (= PTRS_PER_PTE = 512 with 4 KiB pages), else flush_tlb_mm() (one TLBI);
 * with FEAT_TLBIRANGE, __flush_tlb_range_op() up to MAX_TLBI_RANGE_PAGES
 * (= __TLBI_RANGE_PAGES(31, 3) = 2^21) pages. Linux issues dsb(ishst)
 * before and dsb(ish) after: 2 DSBs per call (stage 1, no VMALLE1IS step).
 *
 * Usage: bench_tlb            prints the markdown table
 */
#include <stdio.h>

#include <vrm/tlb.h>
#include <vrm/tlb_model.h>

struct counts {
	size_t tlbi, dsb;
};

static struct counts count_trace(void)
{
	struct counts c = { 0, 0 };
	struct vrm_tlb_event ev;
	size_t i;

	for (i = 0; vrm_tlb_trace_get(i, &ev); i++) {
		c.tlbi += vrm_tlb_ev_is_tlbi(ev.kind);
		c.dsb += vrm_tlb_ev_is_dsb(ev.kind);
	}
	return c;
}

static struct counts ours_s2(uint64_t size, uint32_t feats)
{
	vrm_tlb_set_features(feats);
	vrm_tlb_trace_reset();
	if (vrm_tlb_flush_s2_range(vrm_tlb_vttbr(0, 1), 0x40000000, size, VRM_TLB_LEVEL_ANY) != 0)
		fprintf(stderr, "flush failed\n");
	return count_trace();
}

static struct counts ours_el2(uint64_t size, uint32_t feats)
{
	vrm_tlb_set_features(feats);
	vrm_tlb_trace_reset();
	if (vrm_tlb_flush_el2_range(0x40000000, size) != 0)
		fprintf(stderr, "flush failed\n");
	return count_trace();
}

/* Linux's loop (__flush_tlb_range_op, v6.9+ with the fixed
 * __TLBI_RANGE_NUM), counting the TLBIs it issues. */
static size_t linux_range_ops(uint64_t pages)
{
	size_t ops = 0;
	int scale = 3;

	while (pages > 0) {
		uint64_t cap, num_pages;
		int num;

		if (pages % 2 == 1) {
			ops++;
			pages -= 1;
			continue;
		}
		cap = UINT64_C(32) << (5 * scale + 1);
		num = (int)(((pages < cap) ? pages : cap) >> (5 * scale + 1)) - 1;
		if (num >= 0) {
			num_pages = (uint64_t)(num + 1) << (5 * scale + 1);
			ops++;
			pages -= num_pages;
		}
		scale--;
	}
	return ops;
}

static struct counts linux_s1(uint64_t size, int range)
{
	uint64_t pages = size >> 12;
	struct counts c = { 0, 2 };

	if ((!range && pages >= 512) || pages > (UINT64_C(32) << 16))
		c.tlbi = 1; /* flush_tlb_mm */
	else if (!range)
		c.tlbi = pages;
	else
		c.tlbi = linux_range_ops(pages);
	return c;
}

static void human(uint64_t size, char *buf, size_t n)
{
	if (size >= (UINT64_C(1) << 30))
		snprintf(buf, n, "%llu GiB", (unsigned long long)(size >> 30));
	else if (size >= (UINT64_C(1) << 20))
		snprintf(buf, n, "%llu MiB", (unsigned long long)(size >> 20));
	else
		snprintf(buf, n, "%llu KiB", (unsigned long long)(size >> 10));
}

int main(void)
{
	uint64_t size;
	size_t max_dsb = 0;

	printf("| size | pages | libvrm s2_range TLBI/DSB | libvrm s2_range +RANGE TLBI/DSB |"
	       " libvrm el2_range TLBI/DSB | libvrm el2_range +RANGE TLBI/DSB |"
	       " Linux __flush_tlb_range TLBI/DSB | Linux +RANGE TLBI/DSB |\n");
	printf("|---|---|---|---|---|---|---|---|\n");
	for (size = 0x1000; size <= (UINT64_C(1) << 30); size <<= 2) {
		struct counts a = ours_s2(size, 0), b = ours_s2(size, VRM_TLB_FEAT_RANGE);
		struct counts c = ours_el2(size, 0), d = ours_el2(size, VRM_TLB_FEAT_RANGE);
		struct counts l = linux_s1(size, 0), lr = linux_s1(size, 1);
		char h[32];

		human(size, h, sizeof(h));
		printf("| %s | %llu | %zu / %zu | %zu / %zu | %zu / %zu | %zu / %zu | %zu / %zu |"
		       " %zu / %zu |\n", h, (unsigned long long)(size >> 12), a.tlbi, a.dsb,
		       b.tlbi, b.dsb, c.tlbi, c.dsb, d.tlbi, d.dsb, l.tlbi, l.dsb, lr.tlbi, lr.dsb);
		if (a.dsb > max_dsb) max_dsb = a.dsb;
		if (b.dsb > max_dsb) max_dsb = b.dsb;
	}
	printf("\nmax DSB per stage-2 range call: %zu (leading dsb ish, the one before"
	       " TLBI VMALLE1IS, the trailing one)\n", max_dsb);
	return 0;
}
