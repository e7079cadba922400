/* SPDX-License-Identifier: MIT */
/* Guest "shared": exchanges data with the host through the shared page.
 * vCPU 0 sums the host's 256 numbers into word 512; vCPU 1 checks them
 * against the host's formula and answers 0x600dd00d in word 513. */
#include "guest.h"

uint64_t guest_main(uint64_t vcpu, uint64_t memsize)
{
	uint32_t sum = 0, bad = 0;

	(void)memsize;
	for (uint32_t i = 0; i < 256; i++) {
		if (vcpu == 0)
			sum += SHARED[i];
		else if (SHARED[i] != i * 7 + 3)
			bad++;
		if ((i & 63) == 63)
			gyield(i);
	}
	if (vcpu == 0) {
		SHARED[512] = sum;
		gprintf("shared: sum of the host's 256 numbers = %u\n", sum);
	} else {
		SHARED[513] = bad ? 0xbad : 0x600dd00du;
		gprintf("shared: host's numbers checked, %u wrong\n", bad);
	}
	return bad;
}
