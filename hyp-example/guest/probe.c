/* SPDX-License-Identifier: MIT */
/* Guest "probe", the attacker: shared word 0 (64-bit) says what to do.
 * 1: read the address in word 1 (must fault: not mapped for this VM);
 * 2: announce itself in word 2, then spin until the host sets word 3;
 * 3: FP/SIMD leak probe: put d0 as found on entry in word 4 (the host
 *    left a secret there), then leave PROBE_GUEST_FP in d0 and d1. */
#include "guest.h"

#define SH64 ((volatile uint64_t *)GUEST_SHARED_IPA)

uint64_t guest_main(uint64_t vcpu, uint64_t memsize)
{
	(void)vcpu, (void)memsize;
	if (SH64[0] == 1) {
		uint64_t v = *(volatile uint64_t *)SH64[1];

		gprintf("probe: read 0x%lx = 0x%lx (should have faulted)\n",
			(unsigned long)SH64[1], (unsigned long)v);
		return 1;
	}
	if (SH64[0] == 2) {
		__atomic_store_n(&SH64[2], 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&SH64[3], __ATOMIC_ACQUIRE) != 1)
			;
		return 0;
	}
	if (SH64[0] == 3) {
		uint64_t cpacr, d0;

		/* CPACR_EL1.FPEN = 0b11: EL1's own FP enable (not EL2's trap). */
		__asm__ volatile("mrs	%0, cpacr_el1" : "=r"(cpacr));
		__asm__ volatile("msr	cpacr_el1, %0\n\tisb" : : "r"(cpacr | (3UL << 20)) : "memory");
		__asm__ volatile("fmov	%0, d0" : "=r"(d0) : : "memory");
		SH64[4] = d0;
		__asm__ volatile("fmov	d0, %0\n\tfmov	d1, %0" : : "r"(PROBE_GUEST_FP) : "memory");
		return 0;
	}
	return 2;
}
