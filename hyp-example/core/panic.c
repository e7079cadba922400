/* SPDX-License-Identifier: MIT */
/*
 * The panic path: report once, end QEMU with a non-zero status, never
 * recurse. It runs on its own per-CPU stack (boot/vectors.S switches to it,
 * so a corrupt SP_EL2 cannot stop the report), takes no lock that the
 * panicking CPU may already hold (the console lock: the old path re-took it
 * and faulted forever), and uses no LSE atomics, so it also works where the
 * fault was an LSE instruction on a CPU without FEAT_LSE (-cpu cortex-a57).
 */
#include "hyp.h"

char hyp_panic_stacks[HYP_MAX_CPUS][1UL << HYP_PANIC_STACK_SHIFT] __attribute__((aligned(16)));

/* 0 while no CPU has panicked, else the reporter's aff0 + 1. */
static uint32_t panic_reporter;
/* Per CPU: how often it entered the panic path (> 1: a fault while panicking). */
static uint32_t panic_depth[HYP_MAX_CPUS];

/* First CPU to panic owns the UART for good (LDAXR/STXR: valid on every
 * Armv8-A CPU, unlike the LSE atomics the compiler would emit). */
static bool panic_claim(uint32_t me)
{
	uint32_t old, fail;

	__asm__ volatile(
	"1:	ldaxr	%w0, %2\n"            /* current reporter, acquire */
	"	cbnz	%w0, 2f\n"                /* someone else reports */
	"	stxr	%w1, %w3, %2\n"           /* claim it */
	"	cbnz	%w1, 1b\n"                /* lost the exclusive: retry */
	"2:"
	: "=&r"(old), "=&r"(fail), "+Q"(panic_reporter)
	: "r"(me)
	: "memory");
	return old == 0;
}

void hyp_panic(uint64_t kind)
{
	uint32_t cpu = cpu_aff0();

	if (cpu >= HYP_MAX_CPUS)
		cpu = HYP_MAX_CPUS - 1;
	if (panic_depth[cpu]++ != 0)
		hyp_exit_failure(4); /* faulted while panicking: no second report */
	if (!panic_claim(cpu + 1))
		for (;;)
			__asm__ volatile("wfe" ::: "memory"); /* the first reporter exits */
	hyp_printf_nolock("hyp: PANIC kind %lu cpu %u esr 0x%lx elr 0x%lx far 0x%lx\n",
			  (unsigned long)kind, cpu, (unsigned long)read_esr_el2(),
			  (unsigned long)read_elr_el2(), (unsigned long)read_far_el2());
	/* Never PSCI SYSTEM_OFF: QEMU would exit 0 and the run would pass. */
	hyp_exit_failure(2);
}
