/* SPDX-License-Identifier: MIT */
/*
 * TLBI-range operand encoder (FEAT_TLBIRANGE, Arm ARM "TLBI RIPAS2E1IS"):
 * one range TLBI covers (NUM + 1) << (5 * SCALE + 1) pages, NUM 0..31,
 * SCALE 0..3, so every range is an even number of pages and the largest is
 * 32 << 16 = 2^21 pages (8 GiB of 4 KiB pages).
 *
 * Split: an odd page count first takes one single-page op; the remaining
 * even count n <= 2^21 is written in base 2^5 above a factor of 2, from the
 * largest scale down: at scale s the op covers k = min(n >> (5s+1), 32)
 * units. k == 32 only when n == 2^21 exactly (scale 3, NUM 31): the case
 * Linux's old __TLBI_RANGE_NUM got wrong (it masked k to 5 bits, made NUM
 * -1 and skipped the range; fixed in 2024, "arm64: tlb: Fix TLBI RANGE
 * operand"). After scale s+1 is done the rest is below 32 << (5s+1), so
 * k <= 31 at every lower scale: NUM never needs more than its 5 bits.
 */
#include <vrm/tlb.h>

#define RANGE_TG_4K   UINT64_C(1)

/* The fields are disjoint for scale <= 3, num <= 31 and addr < 2^49 (so
 * addr >> 12 fits BaseADDR's 37 bits): what vrm_tlb_range_encode passes,
 * proven by WP as this function's precondition. Adding disjoint fields is
 * OR-ing them; WP reasons about the sum (proofs/wp/tlb_range.c). */
static uint64_t range_operand(uint64_t addr, unsigned scale, uint64_t num, int level)
{
	uint64_t ttl = (level >= 1 && level <= 3) ? (uint64_t)level : 0;

	return (addr >> VRM_PAGE_SHIFT) + (ttl << 37) + (num << 39) + ((uint64_t)scale << 44) +
	       (RANGE_TG_4K << 46);
}

int vrm_tlb_range_encode(uint64_t addr, uint64_t pages, int level,
			 struct vrm_tlb_range_op out[VRM_TLB_RANGE_MAX_OPS])
{
	const uint64_t limit = UINT64_C(1) << VRM_TLB_RANGE_ADDR_BITS;
	int n = 0;
	unsigned scale;

	if (pages == 0 || pages > VRM_TLB_RANGE_MAX_PAGES || (addr & (VRM_PAGE_SIZE - 1)) ||
	    addr >= limit || pages > ((limit - addr) >> VRM_PAGE_SHIFT) ||
	    level < VRM_TLB_LEVEL_ANY || level > 3)
		return -VRM_EINVAL;

	if (pages % 2) { /* odd count: one single-page op first */
		out[n].operand = addr >> VRM_PAGE_SHIFT;
		out[n].addr = addr;
		out[n].pages = 1;
		out[n].range = false;
		n++;
		addr += VRM_PAGE_SIZE;
		pages--;
	}
	/* ACSL (Frama-C WP, proofs/wp/tlb_range.c): the ops emitted so far tile
	 * [addr at entry, addr) and what is left is below the current scale's
	 * reach (so NUM fits 5 bits and pages is 0 after scale 0). */
	/*@ loop invariant 0 <= n && scale <= 4 && n + scale <= 5;
	  @ loop invariant pages % 2 == 0;
	  @ loop invariant addr + pages * 4096 == \at(addr, Pre) + \at(pages, Pre) * 4096;
	  @ loop invariant addr + pages * 4096 <= 562949953421312;
	  @ loop invariant scale == 4 ==> pages <= VRM_TLB_RANGE_MAX_PAGES;
	  @ loop invariant scale == 3 ==> pages < 65536;
	  @ loop invariant scale == 2 ==> pages < 2048;
	  @ loop invariant scale == 1 ==> pages < 64;
	  @ loop invariant scale == 0 ==> pages == 0;
	  @ loop invariant n == 0 ==> addr == \at(addr, Pre);
	  @ loop invariant n >= 1 ==> out[0].addr == \at(addr, Pre);
	  @ loop invariant n >= 1 ==> out[n - 1].addr + out[n - 1].pages * 4096 == addr;
	  @ loop invariant nonempty: (n > 0 ==> 1 <= out[0].pages) &&
	  @   (n > 1 ==> 1 <= out[1].pages) && (n > 2 ==> 1 <= out[2].pages) &&
	  @   (n > 3 ==> 1 <= out[3].pages) && (n > 4 ==> 1 <= out[4].pages);
	  @ loop invariant contiguous_1: n > 1 ==> out[1].addr == out[0].addr + out[0].pages * 4096;
	  @ loop invariant contiguous_2: n > 2 ==> out[2].addr == out[1].addr + out[1].pages * 4096;
	  @ loop invariant contiguous_3: n > 3 ==> out[3].addr == out[2].addr + out[2].pages * 4096;
	  @ loop invariant contiguous_4: n > 4 ==> out[4].addr == out[3].addr + out[3].pages * 4096;
	  @ loop assigns scale, n, addr, pages, out[0 .. VRM_TLB_RANGE_MAX_OPS - 1];
	  @ loop variant scale;
	  @*/
	for (scale = 4; scale-- > 0 && pages;) {
		unsigned shift = 5 * scale + 1;
		uint64_t k = pages >> shift;

		/*@ assert k_div: (scale == 3 && shift == 16 && k == pages / 65536) ||
		  @   (scale == 2 && shift == 11 && k == pages / 2048) ||
		  @   (scale == 1 && shift == 6 && k == pages / 64) ||
		  @   (scale == 0 && shift == 1 && k == pages / 2);
		  @*/
		if (k == 0)
			continue;
		if (k > 32)
			k = 32; /* unreachable for pages <= 2^21; keeps NUM in 5 bits */
		/*@ assert k_mul: 1 <= k <= 32 &&
		  @   ((scale == 3 && (k << shift) == k * 65536) ||
		  @    (scale == 2 && (k << shift) == k * 2048) ||
		  @    (scale == 1 && (k << shift) == k * 64) ||
		  @    (scale == 0 && (k << shift) == k * 2));
		  @*/
		out[n].operand = range_operand(addr, scale, k - 1, level);
		out[n].addr = addr;
		out[n].pages = k << shift;
		out[n].range = true;
		/*@ assert out[n].addr == addr && 1 <= out[n].pages && out[n].pages == (k << shift); */
		n++;
		addr += (k << shift) << VRM_PAGE_SHIFT;
		pages -= k << shift;
	}
	return n;
}
