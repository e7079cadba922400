/* SPDX-License-Identifier: MIT */
/*
 * Guest "timer": each vCPU arms its own EL1 virtual timer TICKS times and
 * counts the interrupts its IRQ handler takes (virtual INTID 27, which the
 * core injects through a GICv3 list register; the guest's ICC_* accesses
 * are ICV_* ones under HCR_EL2.IMO). Even ticks are awaited in WFI (which
 * traps: the vCPU blocks and the host may run others), odd ones in a busy
 * loop (the interrupt arrives while the guest's own code runs). Every wait
 * is bounded by one second of its own counter, so a tick that never comes
 * shows as a short count, not a hang.
 */
#include "guest.h"

#define TICKS 20
#define INTID_VTIMER 27

static volatile uint32_t ticks[2], spurious[2], stray[2];

static uint32_t me(void)
{
	uint64_t mpidr;

	__asm__ volatile("mrs	%0, mpidr_el1" : "=r"(mpidr)); /* VMPIDR_EL2: the vCPU index */
	return (uint32_t)(mpidr & 1);
}

/* From guest/start.S's IRQ vector, IRQs masked. */
void guest_irq(void)
{
	uint64_t iar;
	uint32_t intid;

	__asm__ volatile("mrs	%0, icc_iar1_el1" : "=r"(iar) : : "memory");
	intid = (uint32_t)(iar & 0xffffff);
	if (intid >= 1020) {
		spurious[me()]++; /* nothing to end: no EOI */
		return;
	}
	if (intid == INTID_VTIMER) {
		ticks[me()]++;
		/* Timer off first: its level drops before the EOI below
		 * deactivates the interrupt (and, through the list register's
		 * HW bit, the physical PPI), so it does not fire again. */
		__asm__ volatile("msr	cntv_ctl_el0, xzr\n\tisb" : : : "memory");
	} else {
		stray[me()]++;
	}
	/* EOImode 0 (ICH_VMCR_EL2.VEOIM clear): priority drop and deactivate. */
	__asm__ volatile("msr	icc_eoir1_el1, %0\n\tisb" : : "r"(iar) : "memory");
}

uint64_t guest_main(uint64_t vcpu, uint64_t memsize)
{
	uint64_t frq = gfreq(), delta = frq / 2000 ? frq / 2000 : 1; /* 0.5 ms */
	uint32_t v = (uint32_t)(vcpu & 1), wfi = 0, busy = 0;

	(void)memsize;
	/* Its virtual CPU interface: every priority, group 1 on. */
	__asm__ volatile("msr	icc_pmr_el1, %0\n\t"
			 "msr	icc_igrpen1_el1, %1\n\t"
			 "isb" : : "r"(0xffUL), "r"(1UL) : "memory");
	for (uint32_t i = 0; i < TICKS; i++) {
		uint32_t want = ticks[v] + 1;
		uint64_t cval = gcount() + delta, give_up = cval + frq;

		__asm__ volatile("msr	cntv_cval_el0, %0\n\t"
				 "msr	cntv_ctl_el0, %1\n\t"
				 "isb" : : "r"(cval), "r"(1UL) : "memory");
		if (i % 2 == 0) {
			/* IRQs masked around the check: a tick between the
			 * check and the WFI still ends the WFI (a pending
			 * interrupt wakes it whatever PSTATE.I), so no wake-up
			 * is lost; the window after it takes the interrupt. */
			while (ticks[v] < want && gcount() < give_up)
				__asm__ volatile("wfi\n\t"
						 "msr	daifclr, #2\n\t"
						 "isb\n\t"
						 "msr	daifset, #2" : : : "memory");
			wfi++;
		} else {
			__asm__ volatile("msr	daifclr, #2" : : : "memory");
			while (ticks[v] < want && gcount() < give_up)
				;
			__asm__ volatile("msr	daifset, #2" : : : "memory");
			busy++;
		}
	}
	__asm__ volatile("msr	cntv_ctl_el0, xzr\n\tisb" : : : "memory");
	gprintf("timer: %u virtual-timer interrupts taken by its IRQ handler (%u armed: %u in WFI, %u busy; %u spurious, %u other)\n",
		ticks[v], TICKS, wfi, busy, spurious[v], stray[v]);
	return ticks[v] != TICKS || stray[v] != 0;
}
