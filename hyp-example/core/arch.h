/* SPDX-License-Identifier: MIT */
/* System-register accessors for the EL2 core (one MRS/MSR per helper). */
#ifndef HYP_ARCH_H
#define HYP_ARCH_H

#include <stdint.h>

#define SYSREG_RW(name)							\
	static inline uint64_t read_##name(void)			\
	{								\
		uint64_t v;						\
		__asm__ volatile("mrs %0, " #name : "=r"(v));		\
		return v;						\
	}								\
	static inline void write_##name(uint64_t v)			\
	{								\
		__asm__ volatile("msr " #name ", %0" : : "r"(v) : "memory"); \
	}

SYSREG_RW(mpidr_el1)
SYSREG_RW(tpidr_el2)
SYSREG_RW(esr_el2)
SYSREG_RW(elr_el2)
SYSREG_RW(far_el2)
SYSREG_RW(hpfar_el2)
SYSREG_RW(hcr_el2)
SYSREG_RW(vttbr_el2)
SYSREG_RW(vtcr_el2)
SYSREG_RW(vmpidr_el2)
SYSREG_RW(mair_el2)
SYSREG_RW(tcr_el2)
SYSREG_RW(ttbr0_el2)
SYSREG_RW(sctlr_el2)
SYSREG_RW(id_aa64mmfr0_el1)
SYSREG_RW(id_aa64mmfr1_el1)
SYSREG_RW(id_aa64mmfr2_el1)
SYSREG_RW(cnthctl_el2)
SYSREG_RW(cntvoff_el2)
SYSREG_RW(mdcr_el2)
SYSREG_RW(pmcr_el0)
SYSREG_RW(currentel)
SYSREG_RW(cntfrq_el0)
SYSREG_RW(cntvct_el0)
SYSREG_RW(cnthp_ctl_el2)
SYSREG_RW(cnthp_tval_el2)
/* GICv3 CPU interface: at EL2 the ICC_* registers are the physical ones;
 * ICH_* is the virtual interface that EL1 reaches as ICV_* (IMO/FMO). */
SYSREG_RW(icc_sre_el2)
SYSREG_RW(icc_sre_el1)
SYSREG_RW(icc_pmr_el1)
SYSREG_RW(icc_ctlr_el1)
SYSREG_RW(icc_igrpen1_el1)
SYSREG_RW(icc_iar1_el1)
SYSREG_RW(icc_eoir1_el1)
SYSREG_RW(icc_dir_el1)
SYSREG_RW(icc_hppir1_el1)
SYSREG_RW(icc_sgi1r_el1)
SYSREG_RW(ich_hcr_el2)
SYSREG_RW(ich_vtr_el2)
SYSREG_RW(ich_vmcr_el2)
SYSREG_RW(ich_lr0_el2)
SYSREG_RW(ich_ap0r0_el2)
SYSREG_RW(ich_ap0r1_el2)
SYSREG_RW(ich_ap0r2_el2)
SYSREG_RW(ich_ap0r3_el2)
SYSREG_RW(ich_ap1r0_el2)
SYSREG_RW(ich_ap1r1_el2)
SYSREG_RW(ich_ap1r2_el2)
SYSREG_RW(ich_ap1r3_el2)

/* EL1 state that belongs to whoever runs at EL1 (host or a vCPU): the
 * world switch saves and loads all of it (X-macro: one list, two loops). */
#define EL1_SYSREGS(X)							\
	X(sctlr_el1) X(cpacr_el1) X(ttbr0_el1) X(ttbr1_el1) X(tcr_el1)	\
	X(esr_el1) X(afsr0_el1) X(afsr1_el1) X(far_el1) X(mair_el1)	\
	X(vbar_el1) X(contextidr_el1) X(amair_el1) X(cntkctl_el1)	\
	X(par_el1) X(tpidr_el1) X(sp_el1) X(elr_el1) X(spsr_el1)	\
	X(sp_el0) X(tpidr_el0) X(tpidrro_el0) X(csselr_el1) X(mdscr_el1)	\
	EL1_TIMER_SYSREGS(X)

/* The EL1 virtual timer is each principal's own (CNTKCTL_EL1 is above; the
 * physical timer traps, CNTHCTL_EL2). HYP_TWIN_NO_TIMER_SWITCH is the broken
 * twin that leaves it in place (tests/hyp). */
#ifndef HYP_TWIN_NO_TIMER_SWITCH
#define EL1_TIMER_SYSREGS(X) X(cntv_ctl_el0) X(cntv_cval_el0)
#else
#define EL1_TIMER_SYSREGS(X)
#endif

#define X_IDX(r) SYS_##r,
enum { EL1_SYSREGS(X_IDX) EL1_NSYSREGS_ };
#undef X_IDX

#define X_SYSREG_RW(r) SYSREG_RW(r)
EL1_SYSREGS(X_SYSREG_RW)
#undef X_SYSREG_RW

#define EL1_NSYSREGS EL1_NSYSREGS_

static inline void isb(void)
{
	__asm__ volatile("isb" ::: "memory"); /* context sync after MSR */
}

/* Affinity level 0 of MPIDR_EL1: the CPU number on QEMU virt (<= 8 CPUs). */
static inline uint32_t cpu_aff0(void)
{
	return (uint32_t)(read_mpidr_el1() & 0xff);
}

/* ESR_EL2 exception classes the core handles. */
#define ESR_EC(esr)        (((esr) >> 26) & 0x3f)
#define EC_WFX             0x01  /* ISS bit 0: 0 = WFI, 1 = WFE; bit 1: WFxT */
#define EC_HVC64           0x16
#define EC_SMC64           0x17
#define EC_SYSREG          0x18
#define EC_IABT_LOW        0x20
#define EC_DABT_LOW        0x24
#define ESR_FSC(esr)       ((esr) & 0x3f)

/* HCR_EL2 bits. */
#define HCR_VM   (1UL << 0)   /* stage-2 translation on */
#define HCR_SWIO (1UL << 1)   /* set/way invalidate -> clean+invalidate */
#define HCR_FMO  (1UL << 3)
#define HCR_IMO  (1UL << 4)
#define HCR_AMO  (1UL << 5)
#define HCR_DC   (1UL << 12)  /* EL1 MMU off: Normal WB memory, not Device */
#define HCR_TWI  (1UL << 13)  /* WFI at EL1 traps (when it would wait) */
#define HCR_TWE  (1UL << 14)  /* WFE at EL1 traps (when it would wait) */
#define HCR_TSC  (1UL << 19)  /* SMC from EL1 traps: callers never reach firmware */
#define HCR_RW   (1UL << 31)  /* EL1 is AArch64 */
#define HCR_APK  (1UL << 40)  /* set: PAuth key registers not trapped */
#define HCR_FWB  (1UL << 46)  /* FEAT_S2FWB: stage-2 Normal forces write-back */
#define HCR_API  (1UL << 41)  /* set: PAuth instructions not trapped */

/* CNTHCTL_EL2 (E2H = 0): EL1 may read the physical counter; EL1PCEN clear
 * traps the physical timer, which no world switch moves. */
#define CNTHCTL_EL1PCTEN (1UL << 0)
#define CNTHCTL_EL1PCEN  (1UL << 1)

/* MDCR_EL2: PMU (TPM, TPMCR) and debug (TDA, TDOSA, TDRA) registers trap
 * to EL2, so no principal reads another's counters or sets breakpoints on
 * its code; HPMN is PMCR_EL0.N (all counters: none is EL2's). */
#define MDCR_TPMCR (1UL << 5)
#define MDCR_TPM   (1UL << 6)
#define MDCR_TDA   (1UL << 9)
#define MDCR_TDOSA (1UL << 10)
#define MDCR_TDRA  (1UL << 11)

/* Host and guests alike: stage 2 on, their SMCs trapped (nobody but the
 * core talks to firmware); API and APK clear, so PAuth instructions and
 * keys trap (no key switch needed); IMO and FMO set, so every physical
 * interrupt is taken to EL2 and EL1's ICC_* accesses reach the virtual CPU
 * interface (ICV_*, GICv3 spec: "virtual CPU interface"), never the
 * physical one: no principal at EL1 can mask, acknowledge or reprogram
 * what the core's preemption depends on. The host also has DC (it runs
 * with its stage-1 MMU off: Normal WB, not Device). */
#ifndef HYP_TWIN_NO_PAUTH_TRAP
#define HCR_EL1_BASE (HCR_VM | HCR_SWIO | HCR_TSC | HCR_RW | HCR_IMO | HCR_FMO)
#else
#define HCR_EL1_BASE (HCR_VM | HCR_SWIO | HCR_TSC | HCR_RW | HCR_IMO | HCR_FMO | HCR_API | HCR_APK)
#endif
/* HYP_TWIN_NO_HOST_IRQ_TRAP: the broken twin whose host runs without
 * IMO/FMO, on the physical CPU interface (tests/hyp). */
#ifndef HYP_TWIN_NO_HOST_IRQ_TRAP
#define HCR_HOST (HCR_EL1_BASE | HCR_DC)
#else
#define HCR_HOST ((HCR_EL1_BASE | HCR_DC) & ~(HCR_IMO | HCR_FMO))
#endif
/* vCPUs: no DC, they run their own stage-1 MMU (guest/mmu.S) as real
 * guests do; WFI/WFE trap so a waiting vCPU gives its CPU back (vcpu.c).
 * HYP_TWIN_NO_WFI_TRAP is the broken twin without TWI/TWE (tests/hyp). */
#ifndef HYP_TWIN_NO_WFI_TRAP
#define HCR_VCPU (HCR_EL1_BASE | HCR_TWI | HCR_TWE)
#else
#define HCR_VCPU HCR_EL1_BASE
#endif
#define SCTLR_EL1_RES1 0x30d00800UL

/* SPSR for an EL1h entry with all of DAIF masked. */
#define PSTATE_EL1H_DAIF 0x3c5UL

#endif /* HYP_ARCH_H */
