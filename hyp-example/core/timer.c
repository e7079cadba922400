/* SPDX-License-Identifier: MIT */
/*
 * Time at EL2. The EL2 physical timer (CNTHP_*_EL2, PPI 26) is the core's
 * own: armed with the host's time slice at every vCPU entry and disarmed
 * at every exit, it takes the CPU back from a guest that never gives it
 * up (HCR_EL2.IMO routes its interrupt to EL2 whatever the guest's
 * PSTATE.I). No EL1 principal can reach it: the EL2 timer registers are
 * not accessible from EL1 at all. HYP_TWIN_NO_PREEMPT is the broken twin
 * that never arms it (tests/hyp: its spinning guest keeps its CPU).
 *
 * The EL1 virtual timer is each principal's (switched with the EL1
 * registers, CNTVOFF_EL2 = 0 for all); here it is only read, to know when
 * a vCPU waiting in WFI wants its CPU back.
 */
#include "gic.h"

#define CNT_ENABLE   (UINT64_C(1) << 0)
#define CNT_IMASK    (UINT64_C(1) << 1)
#define SLICE_DEFAULT_US 4000     /* RUN_VCPU's x3 = 0: 4 ms (250 Hz) */
#define SLICE_MAX_US     1000000  /* 1 s: the host cannot ask for longer */

uint64_t timer_now(void)
{
	isb(); /* the counter is read here, not earlier (Arm ARM: CNTVCT reads may be speculated) */
	return read_cntvct_el0();
}

/* A host-given slice in microseconds (0 = default) in counter ticks, or
 * -EINVAL; never 0 ticks. */
int64_t timer_slice_ticks(uint64_t us)
{
	uint64_t t;

	if (us > SLICE_MAX_US)
		return -VRM_EINVAL;
	if (!us)
		us = SLICE_DEFAULT_US;
	t = us * (read_cntfrq_el0() & 0xffffffff) / 1000000; /* <= 2^32 * 10^6: no overflow */
	return (int64_t)(t ? t : 1);
}

void timer_preempt_arm(uint64_t ticks)
{
#ifndef HYP_TWIN_NO_PREEMPT
	write_cnthp_tval_el2(ticks);
	write_cnthp_ctl_el2(CNT_ENABLE);
	isb();
#else
	(void)ticks;
#endif
}

/* The timer's interrupt is level-sensitive: disabling it drops the line,
 * so a tick that lost the race with another exit stays not pending. */
void timer_preempt_disarm(void)
{
	write_cnthp_ctl_el2(0);
	isb();
}

/* When the running vCPU's virtual timer fires (virtual count), or
 * UINT64_MAX if it is off or masked (it waits for nothing then). */
uint64_t timer_vtimer_deadline(void)
{
	uint64_t ctl, cval;

	__asm__ volatile("mrs	%0, cntv_ctl_el0" : "=r"(ctl));
	__asm__ volatile("mrs	%0, cntv_cval_el0" : "=r"(cval));
	if ((ctl & (CNT_ENABLE | CNT_IMASK)) != CNT_ENABLE)
		return UINT64_MAX;
	return cval;
}
