/* SPDX-License-Identifier: MIT */
/*
 * Guest "spin": never yields, never waits, never makes a hypercall; only
 * the core's preemption timer gets its CPU back. It gives up after 30
 * seconds of its own counter, a stand-in for "forever" far longer than the
 * run needs (the host stops running it once the others have finished; the
 * other guests take under 4 s even at -smp 8 on a loaded 2-core machine),
 * so that a core without preemption (the no-preempt twin) still ends.
 */
#include "guest.h"

uint64_t guest_main(uint64_t vcpu, uint64_t memsize)
{
	uint64_t end = gcount() + 30 * gfreq();

	(void)vcpu, (void)memsize;
	while (gcount() < end)
		;
	return 1; /* ran to its own deadline: nobody took the CPU back */
}
