/* SPDX-License-Identifier: MIT */
/*
 * Failure exit through Arm semihosting (SYS_EXIT, "Semihosting for AArch32
 * and AArch64", HLT #0xF000). PSCI SYSTEM_OFF makes QEMU exit 0 whatever
 * happened, so a panic that ended that way looked like a passing run; this
 * ends QEMU with a non-zero status instead (scripts/qemu-hyp enables
 * semihosting). Where no debugger or emulator handles HLT, it traps as an
 * undefined instruction at EL2, and hyp_panic() is not re-entered: we spin.
 */
#include "hyp.h"

#define SEMIHOST_SYS_EXIT		0x18
#define ADP_STOPPED_APPLICATION_EXIT	0x20026

void hyp_exit_failure(uint64_t status)
{
	/* AArch64 SYS_EXIT takes a pointer to {reason, subcode}; QEMU exits
	 * with subcode as its status when reason is ApplicationExit. */
	uint64_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, status ? status : 1 };
	register uint64_t x0 __asm__("x0") = SEMIHOST_SYS_EXIT;
	register uint64_t x1 __asm__("x1") = (uint64_t)block;

	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
	for (;;)
		__asm__ volatile("wfe" ::: "memory");
}
