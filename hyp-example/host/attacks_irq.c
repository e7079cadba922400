/* SPDX-License-Identifier: MIT */
/*
 * The host against the core's interrupts: the GIC is EL2's alone (in no
 * stage-2), and the host's ICC_* accesses reach only a virtual CPU
 * interface (HCR_EL2.IMO/FMO), so nothing it does can stop EL2's timer
 * from taking a CPU back from a guest.
 */
#include "host.h"

#define GICD_PA         0x08000000UL
#define GICR_PA         0x080a0000UL /* cpu0's redistributor on virt */
#define GICR_ICENABLER0 (GICR_PA + 0x10000 + 0x180)
#define INTID_HYP_TIMER 26

static uint64_t last_fault(void)
{
	return (uint64_t)hvc_call(HVC_LAST_FAULT, 0, 0, 0, 0).r0;
}

static void set_cpu_interface(uint64_t pmr, uint64_t grpen)
{
	__asm__ volatile("msr	icc_pmr_el1, %0\n\t"
			 "msr	icc_igrpen1_el1, %1\n\t"
			 "isb" : : "r"(pmr), "r"(grpen) : "memory");
}

/* spin: a loaded VM whose vCPU 0 never gives its CPU back by itself. */
void attacks_irq(int64_t spin)
{
	uint64_t v = probe_read(GICD_PA);
	struct hvc_ret r;

	outcome("host reads the GIC distributor", v == PROBE_SENTINEL && last_fault() == GICD_PA,
		"GIC is EL2's");
	probe_write(GICR_ICENABLER0, UINT64_C(1) << INTID_HYP_TIMER);
	outcome("host disables EL2's timer interrupt in its redistributor",
		last_fault() == GICR_ICENABLER0, "GIC is EL2's");
	/* Mask every priority and group 1 at "its" CPU interface, then run
	 * the spinner: only EL2's timer can bring this call back early (the
	 * spinner itself gives up after 30 s: the NOT BLOCKED case). */
	spin_arm();
	set_cpu_interface(0, 0);
	r = hvc_call(HVC_RUN_VCPU, (uint64_t)spin, 0, 2000, 0);
	set_cpu_interface(0xff, 1);
	outcome("host masks its GIC CPU interface (ICC_PMR/IGRPEN1), then runs a guest that never yields",
		r.r0 == EXIT_PREEMPTED, "GIC is EL2's");
}
