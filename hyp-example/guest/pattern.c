/* SPDX-License-Identifier: MIT */
/* Guest "pattern": each vCPU fills its half of the VM's free memory with an
 * address-keyed pattern, yielding as it goes, then checks every word. */
#include "guest.h"

static uint64_t pat(uint64_t a, uint64_t seed)
{
	uint64_t x = a * 0x9e3779b97f4a7c15UL ^ seed;

	return x ^ (x >> 29);
}

uint64_t guest_main(uint64_t vcpu, uint64_t memsize)
{
	uint64_t stacks = 2UL << 14;
	uint64_t half = ((memsize - stacks - DATA_START) / 2) & ~0xfffUL;
	uint64_t lo = DATA_START + vcpu * half, hi = lo + half;
	uint64_t seed = 0x5eed0000 + vcpu, bad = 0;

	for (uint64_t a = lo; a < hi; a += 8) {
		*(volatile uint64_t *)a = pat(a, seed);
		if ((a & 0x3fff) == 0)
			gyield(a);
	}
	for (uint64_t a = lo; a < hi; a += 8)
		if (*(volatile uint64_t *)a != pat(a, seed))
			bad++;
	gprintf("pattern: %lu pages written and verified, %lu bad words\n",
		(unsigned long)(half >> 12), (unsigned long)bad);
	return bad;
}
