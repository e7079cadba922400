/* SPDX-License-Identifier: MIT */
/* Guest "probe", the attacker: shared word 0 (64-bit) says what to do.
 * 1: read the address in word 1 (must fault: not mapped for this VM);
 * 2: write its own memory, announce itself in word 2, spin until the host
 *    sets word 3, then read its memory back (0 if intact);
 * 3: FP/SIMD leak probe: put d0 as found on entry in word 4 (the host
 *    left a secret there), then leave PROBE_GUEST_FP in d0 and d1;
 * 4: touch the state named by word 1 (PROBE_TRAP_*): the core must trap
 *    it and stop us, so returning at all is the failure;
 * 5: virtual-timer leak probe: CNTV_CVAL_EL0 as found into word 4, then
 *    leave PROBE_GUEST_CVAL there. */
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
		static volatile uint64_t mine;

		mine = PROBE_GUEST_FP;
		__atomic_store_n(&SH64[2], 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&SH64[3], __ATOMIC_ACQUIRE) != 1)
			;
		return mine == PROBE_GUEST_FP ? 0 : 3;
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
	if (SH64[0] == 4) {
		uint64_t x = 0, cpacr;

		switch (SH64[1]) {
		case PROBE_TRAP_SVE:
			/* CPACR_EL1.ZEN and FPEN = 0b11 (SVE needs both), so only EL2
			 * (CPTR_EL2.TZ) can stop it. */
			__asm__ volatile("mrs	%0, cpacr_el1" : "=r"(cpacr));
			__asm__ volatile("msr	cpacr_el1, %0\n\tisb" : : "r"(cpacr | (3UL << 16) | (3UL << 20)) : "memory");
			__asm__ volatile(".inst	0x04bf5020\n\tmov	%0, x0" : "=r"(x) : : "x0", "memory"); /* rdvl x0, #1 */
			break;
		case PROBE_TRAP_PMU:
			__asm__ volatile("mrs	%0, pmccntr_el0" : "=r"(x) : : "memory");
			break;
		case PROBE_TRAP_DEBUG:
			__asm__ volatile("msr	dbgbvr0_el1, %0" : : "r"(x) : "memory");
			break;
		case PROBE_TRAP_PTIMER:
			__asm__ volatile("mrs	%0, cntp_cval_el0" : "=r"(x) : : "memory");
			break;
		case PROBE_TRAP_PAUTH:
			__asm__ volatile("mrs	%0, S3_0_C2_C1_0" : "=r"(x) : : "memory"); /* APIAKeyLo_EL1 */
			break;
		}
		SH64[4] = x;
		return 0; /* reached only if nothing trapped */
	}
	if (SH64[0] == 5) {
		uint64_t cval;

		__asm__ volatile("mrs	%0, cntv_cval_el0" : "=r"(cval) : : "memory");
		SH64[4] = cval;
		__asm__ volatile("msr	cntv_cval_el0, %0\n\tisb" : : "r"(PROBE_GUEST_CVAL) : "memory");
		return 0;
	}
	return 2;
}
