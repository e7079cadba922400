/* SPDX-License-Identifier: MIT */
/* The EL2 core's internal interfaces. */
#ifndef HYP_HYP_H
#define HYP_HYP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vrm/check.h>
#include <vrm/env.h>
#include <vrm/ticket.h>

#include "arch.h"

#define HYP_MAX_CPUS    8
#define HYP_STACK_SHIFT 14 /* boot/start.S */
#define HYP_PANIC_STACK_SHIFT 12 /* boot/vectors.S */
#define HYP_MAX_VMS     8
#define HYP_MAX_VCPUS   2  /* per VM */
#define HYP_LINE        160

/* V0-V31, FPSR, FPCR: core/fpsimd.S saves and loads them (offsets fixed). */
struct hyp_fpsimd {
	uint64_t v[64];   /* V0-V31, 128 bits each, little-endian halves */
	uint64_t fpsr, fpcr;
} __attribute__((aligned(16)));
_Static_assert(offsetof(struct hyp_fpsimd, fpsr) == 512, "core/fpsimd.S layout");

/*
 * The GICv3 virtual CPU interface as one EL1 principal left it (core/vgic.c
 * switches it with the EL1 registers). The core injects only the virtual
 * timer, always through list register 0, so LR0 is the only one in use.
 * vtimer_active: the physical PPI 27 was active on this principal's behalf
 * when it was switched out (a vCPU's HW list register still in flight, or
 * the host's own timer silenced); it follows the principal to its next CPU.
 * ctlr: the physical ICC_CTLR_EL1 while it runs. A vCPU needs EOImode = 1
 * (its HW list register deactivates the PPI); a Linux host, which drives
 * the physical interface itself, set its own (EOImode = 0: it booted at
 * EL1), and gets it back at every exit.
 */
struct hyp_vgic {
	uint64_t hcr;       /* ICH_HCR_EL2: En for a vCPU, 0 for the host */
	uint64_t vmcr;      /* ICH_VMCR_EL2: the guest's ICV_PMR, IGRPEN1, BPR... */
	uint64_t lr0;       /* ICH_LR0_EL2 */
	uint32_t ap0r[4], ap1r[4]; /* ICH_AP{0,1}R<n>_EL2: active priorities */
	uint64_t ctlr;      /* ICC_CTLR_EL1 (the physical interface's EOImode) */
	bool vtimer_active;
};

/* Everything EL1 owns while it runs; vectors.S saves x0-x30/pc/pstate. */
struct hyp_ctx {
	uint64_t x[31];
	uint64_t pc;      /* ELR_EL2 */
	uint64_t pstate;  /* SPSR_EL2 */
	uint64_t sys[EL1_NSYSREGS];
	uint64_t hcr, vttbr, vmpidr;
	struct hyp_vgic vgic;
	struct hyp_fpsimd fp;
};
_Static_assert(offsetof(struct hyp_ctx, pc) == 248, "vectors.S CTX_PC");

struct hyp_line {
	char buf[HYP_LINE];
	uint32_t len;
};

struct hyp_vcpu;

/* Per physical CPU; TPIDR_EL2 points here. Only its own CPU touches it. */
struct hyp_cpu {
	struct hyp_ctx *cur;        /* must stay first: vectors.S */
	uint32_t id;
	struct hyp_ctx host;        /* the host kernel's context on this CPU */
	struct hyp_vcpu *loaded;    /* vCPU running here, or NULL */
	uint64_t host_fault_ipa;    /* last blocked host access (HVC_LAST_FAULT) */
	struct hyp_line line;       /* host console line being assembled */
	uintptr_t gicr;             /* this CPU's redistributor (core/gic.c) */
};

/* boot/ */
extern char hyp_stacks[HYP_MAX_CPUS][1UL << HYP_STACK_SHIFT];
void secondary_entry(void);
void hyp_ctx_restore(struct hyp_ctx *ctx) __attribute__((noreturn));
void hyp_first_eret(struct hyp_ctx *ctx, uintptr_t sp) __attribute__((noreturn));

/* core/main.c */
extern struct hyp_cpu hyp_cpus[HYP_MAX_CPUS];
extern uint32_t hyp_cpus_online;
/* HCR_EL2 bits every principal runs with that depend on the CPU (HCR_FWB
 * with FEAT_S2FWB: the page tables encode for it, main.c). */
extern uint64_t hyp_hcr_features;
static inline struct hyp_cpu *this_cpu(void)
{
	return (struct hyp_cpu *)read_tpidr_el2();
}
void hyp_system_off(void) __attribute__((noreturn));
void host_enter(uint32_t idx, uint64_t pc, uint64_t x0, uint64_t hcr) __attribute__((noreturn));

/* core/uart.c, core/console.c */
void uart_putc(char c);
void hyp_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The panic path's: no lock (the panicking CPU may hold it), no atomics. */
void hyp_printf_nolock(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hyp_line_put(struct hyp_line *l, const char *prefix, const char *s, size_t n);

/* core/panic.c: report once on this CPU's panic stack, exit non-zero. */
extern char hyp_panic_stacks[HYP_MAX_CPUS][1UL << HYP_PANIC_STACK_SHIFT];
void hyp_panic(uint64_t kind) __attribute__((noreturn));

/* core/fpsimd.S: the world switch's FP/SIMD half. */
void fpsimd_save(struct hyp_fpsimd *st);
void fpsimd_restore(const struct hyp_fpsimd *st);

/* core/psci.c: the firmware's PSCI (SMC from EL2). */
int64_t psci_fw_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx);
void psci_system_off(void) __attribute__((noreturn));
/* core/semihost.c: ends QEMU with a non-zero exit status (the panic path). */
void hyp_exit_failure(uint64_t status) __attribute__((noreturn));

/* core/lib.c: what the compiler may call even with -fno-builtin. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/*
 * DRF-Kernel: shared objects are touched only under their lock. Checked
 * builds verify it at each access site and count a violation otherwise.
 */
#if VRM_CHECKED
#define HYP_ASSERT_HELD(l)						\
	do {								\
		if (!vrm_ticket_held_by_me(l))				\
			vrm_check_violation(VRM_COND_DRF_KERNEL,	\
					    "shared object without its lock", \
					    (uint64_t)(uintptr_t)(l));	\
	} while (0)
#else
#define HYP_ASSERT_HELD(l) ((void)(l))
#endif

#endif /* HYP_HYP_H */
