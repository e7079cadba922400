/* SPDX-License-Identifier: MIT */
/*
 * What an interrupt taken to EL2 means. Every physical IRQ reaches EL2
 * (HCR_EL2.IMO for host and guests alike); EL2 itself never unmasks them
 * (boot/start.S), so they are taken only from EL1, one per exception.
 *
 *   PPI 26, the core's preemption timer: the running vCPU's slice is over;
 *     it exits to the host with EXIT_PREEMPTED (resumable). With the host
 *     running the tick is stale (the timer is armed only while a vCPU
 *     runs): dropped.
 *   PPI 27, the EL1 virtual timer of whoever runs: a vCPU's is injected
 *     into it (vgic.c, list register with HW = 1). The host takes no
 *     interrupts: its tick is left active, which silences its timer until
 *     it runs a vCPU (the switch parks the active state in its context).
 *   anything else: with the demo host nothing else is enabled; dropped.
 *     A Linux host owns every other interrupt (it has no IMO: it drives the
 *     physical CPU interface itself, and EL2 sees IRQs only while one of
 *     its vCPUs runs). Its interrupt ends the vCPU's turn: EXIT_IRQ, left
 *     pending (not acknowledged), so Linux takes it as soon as the exit
 *     returns to it with its own HCR_EL2. Should the acknowledge race with
 *     a newer interrupt of Linux's, that one is handed back pending too
 *     (gic_repend).
 */
#include "gic.h"
#include "hyp_abi.h"
#include "linux.h"
#include "vm.h"

void irq_cpu_init(uint32_t idx)
{
	struct hyp_cpu *c = &hyp_cpus[idx];

	timer_preempt_disarm();
	if (idx == 0)
		gic_dist_init();
	if (gic_cpu_init(c)) {
		hyp_printf("hyp: cpu %u: no GICv3 redistributor for it\n", idx);
		hyp_exit_failure(3);
	}
}

struct hyp_ctx *hyp_irq(struct hyp_cpu *c, struct hyp_ctx *ctx)
{
	bool linux_vcpu = hyp_linux_host && c->loaded;
	uint32_t intid;

	if (linux_vcpu) {
		intid = gic_peek();
		if (intid < INTID_SPECIAL && intid != INTID_HYP_TIMER && intid != INTID_VTIMER)
			return vcpu_exit(c, EXIT_IRQ, intid);
	}
	intid = gic_ack();
	if (intid >= INTID_SPECIAL)
		return ctx; /* spurious: withdrawn before the acknowledge */
	if (linux_vcpu && intid != INTID_HYP_TIMER && intid != INTID_VTIMER) {
		gic_eoi(intid);
		gic_deactivate(intid);
		gic_repend(c, intid);
		return vcpu_exit(c, EXIT_IRQ, intid);
	}
	if (intid == INTID_HYP_TIMER) {
		timer_preempt_disarm(); /* drop the line before deactivating */
		gic_eoi(intid);
		gic_deactivate(intid);
		return c->loaded ? vcpu_exit(c, EXIT_PREEMPTED, 0) : ctx;
	}
	gic_eoi(intid);
	if (intid == INTID_VTIMER) {
		if (c->loaded)
			vgic_inject_vtimer();
		return ctx; /* left active: the owner's deactivation ends it */
	}
	gic_deactivate(intid);
	return ctx;
}
