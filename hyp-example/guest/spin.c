/* SPDX-License-Identifier: MIT */
/*
 * Guest "spin": never yields, never waits, never makes a hypercall; only
 * the core's preemption timer gets its CPU back. So that a core without
 * preemption (the no-preempt twin) still ends, it gives up at the count in
 * its shared word 0, which the host sets to 30 s ahead before each run
 * (host/sched.c spin_arm): only a run never preempted gets that far, and
 * how long the rest of the boot takes does not matter.
 */
#include "guest.h"

uint64_t guest_main(uint64_t vcpu, uint64_t memsize)
{
	volatile uint64_t *give_up = (volatile uint64_t *)GUEST_SHARED_IPA;

	(void)vcpu, (void)memsize;
	while (gcount() < *give_up)
		;
	return 1; /* ran to its own deadline: nobody took the CPU back */
}
