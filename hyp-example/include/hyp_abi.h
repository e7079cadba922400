/* SPDX-License-Identifier: MIT */
/*
 * The hypercall ABI between the EL2 core and its EL1 callers (the untrusted
 * host kernel and the guests). HVC #0; x0 = function id, x1..x6 arguments;
 * the core answers in x0 (>= 0 result, or a negative VRM_E* error) and x1.
 * hyp-example/README.md has the table with every argument's validation.
 */
#ifndef HYP_ABI_H
#define HYP_ABI_H

/* Host -> core. */
#define HVC_CREATE_VM      0x01 /* () -> vm handle */
#define HVC_CREATE_VCPU    0x02 /* (vm, entry ipa, arg) -> vcpu index */
#define HVC_DONATE         0x03 /* (vm, pa, ipa, npages) -> 0 */
#define HVC_SHARE          0x04 /* (vm, pa, ipa) -> 0: one page, host keeps it */
#define HVC_UNSHARE        0x05 /* (vm, pa, ipa) -> 0 */
#define HVC_RUN_VCPU       0x06 /* (vm, vcpu, slice us: 0 = 4 ms, <= 1 s) -> exit reason, x1 = detail */
#define HVC_DESTROY_VM     0x07 /* (vm) -> pages reclaimed, x1 = of those, read back all-zero */
#define HVC_CHECK_COUNT    0x08 /* (cond, or HVC_CHECK_TOTAL) -> violations */
#define HVC_PUTS           0x09 /* (x1..x6: up to 48 bytes of text) -> 0 */
#define HVC_LAST_FAULT     0x0a /* () -> ipa of this CPU's last blocked host access */
#define HVC_SYSTEM_OFF     0x0b /* () -> does not return */
#define HVC_CPUS_ONLINE    0x0c /* () -> number of CPUs that came up */
#define HVC_HOST_RAM       0x0d /* () -> first host-owned free pa, x1 = end */
#define HVC_POOL_CHECK     0x0e /* () -> 0 when the pool's invariants hold */
#define HVC_RAM            0x0f /* () -> RAM base, x1 = RAM end (from the DTB) */
#define HVC_HOST_LEAVES    0x10 /* () -> leaves of the host stage-2 over RAM, x1 = its tables
				     * that could be one 2 MiB block */

#define HVC_CHECK_TOTAL    0xffff

/* Guest -> core. */
#define HVC_GUEST_PUTS     HVC_PUTS
#define HVC_GUEST_YIELD    0x20 /* (progress) -> exit to the host, then resumes */
#define HVC_GUEST_DONE     0x21 /* (0 = pass, else failure code) -> never resumes */

/* Exit reasons of HVC_RUN_VCPU (x0), detail in x1. */
#define EXIT_YIELD         1 /* guest yielded: x1 = its progress value */
#define EXIT_DONE          2 /* guest finished: x1 = its result (0 = pass) */
#define EXIT_S2_FAULT      3 /* stage-2 abort: x1 = faulting IPA; VM stopped */
#define EXIT_TRAP          4 /* unhandled trap: x1 = ESR_EL2; VM stopped */
#define EXIT_PREEMPTED     5 /* its time slice ran out (EL2 timer); resumable */
#define EXIT_WFI           6 /* waits in WFI: x1 = virtual count at which its timer
			      * fires (UINT64_MAX: nothing will wake it); resumable */
#define EXIT_IRQ           7 /* an interrupt of a Linux host's arrived: x1 = its
			      * INTID, left pending for Linux; resumable */

/* Guest memory layout (IPA; guests map it 1:1 with their own stage 1). */
#define GUEST_IMAGE_IPA    0x0UL
#define GUEST_SHARED_IPA   0x200000UL  /* one page shared with the host */
/* FP/SIMD leak probe (host/attacks.c, guest/probe.c mode 3). */
#define PROBE_HOST_FP_D0   0x5ec2e7a0f00d0d00UL /* host's d0 before RUN_VCPU */
#define PROBE_HOST_FP_D1   0x5ec2e7a0f00d0d01UL /* host's d1 before RUN_VCPU */
#define PROBE_GUEST_FP     0x9e5709f00dbeef01UL /* what the guest leaves in d0, d1 */
/* Virtual-timer leak probe (guest/probe.c mode 5): CNTV_CVAL_EL0 values. */
#define PROBE_HOST_CVAL    0x00c0ffee00000001UL
#define PROBE_GUEST_CVAL   0x00badcab00000002UL
/* Trap probes (guest/probe.c mode 4, word 1): what the guest touches; the
 * core must stop it with EXIT_TRAP (ESR class in the comment). */
#define PROBE_TRAP_SVE     1 /* RDVL (EC 0x19)                  */
#define PROBE_TRAP_PMU     2 /* MRS PMCCNTR_EL0 (EC 0x18)       */
#define PROBE_TRAP_DEBUG   3 /* MSR DBGBVR0_EL1 (EC 0x18)       */
#define PROBE_TRAP_PTIMER  4 /* MRS CNTP_CVAL_EL0 (EC 0x18)     */
#define PROBE_TRAP_PAUTH   5 /* MRS APIAKEYLO_EL1 (EC 0x18)     */

#endif /* HYP_ABI_H */
