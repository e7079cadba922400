/* SPDX-License-Identifier: MIT */
/*
 * Linux as the host (pKVM's shape): an unmodified arm64 kernel runs at EL1
 * under the host stage-2, entered with the arm64 boot protocol (x0 = DTB).
 *
 * The boot loader (QEMU's generic loader, scripts/run-demo --linux) puts a
 * raw arm64 Image and a newc initramfs at fixed offsets from the RAM base;
 * an Image header there selects this mode at boot, otherwise the built-in
 * demo host runs (one image for both). Files, by concern (as pKVM's nvhe):
 *   linux_boot.c   the Image and initramfs, the host's DTB, CPU entry at EL1
 *   psci_relay.c   the host's PSCI calls (its CPUs come up through the core)
 *   host_fault.c   the host's stage-2 faults (devices mapped on demand,
 *                  everything else an abort injected into the host) and its
 *                  trapped system registers
 *   fdt_host.c     the DTB edit itself (libfdt)
 */
#ifndef HYP_LINUX_H
#define HYP_LINUX_H

#include "hyp.h"

/* Offsets from the RAM base (scripts/qemu-hyp --linux loads them there). */
#define LINUX_IMAGE_OFF   (UINT64_C(64) << 20)  /* 2 MiB aligned, as the Image asks */
#define LINUX_INITRD_OFF  (UINT64_C(128) << 20)
#define LINUX_IMAGE_MAX   (LINUX_INITRD_OFF - LINUX_IMAGE_OFF)
#define LINUX_INITRD_MAX  (UINT64_C(64) << 20)
#define LINUX_RAM_MIN     (UINT64_C(256) << 20)

/* HCR_EL2 for a Linux host: stage 2 on, SMCs trapped (PSCI is relayed),
 * AArch64 EL1, set/way ops upgraded. No IMO/FMO: the host owns the GIC and
 * takes its interrupts itself. API/APK: Linux keys its own PAuth (vCPUs
 * keep both clear, so their key accesses trap and no host key is seen).
 * No DC: Linux runs its own stage-1 MMU. */
#define HCR_LINUX (HCR_VM | HCR_SWIO | HCR_TSC | HCR_RW | HCR_API | HCR_APK)

/* Set once on the boot CPU, before any other CPU leaves EL2. */
extern bool hyp_linux_host;

/* linux_boot.c. detect: an Image header at RAM base + LINUX_IMAGE_OFF
 * (after mem_init); prepare: check the Image and initramfs, write the
 * host's DTB (0 or -VRM_EINVAL, the reason printed); enter: this CPU into
 * the host at EL1, fresh, at entry with x0 = arg; boot_cpu: CPU 0 into the
 * Image with x0 = the DTB. */
bool linux_detect(void);
int linux_prepare(void);
void linux_enter(uint32_t idx, uint64_t entry, uint64_t arg) __attribute__((noreturn));
void linux_boot_cpu(void) __attribute__((noreturn));

/* psci_relay.c. relay: one PSCI call of the host (its pc already past the
 * SMC); is_smccc: a PSCI/SMCCC function ID rather than a core hypercall;
 * boot_cpu_on: CPU 0 counts as on; park: wait at EL2 for this CPU's
 * CPU_ON, then enter the host there. */
struct hyp_ctx *psci_relay(struct hyp_cpu *c, struct hyp_ctx *ctx);
bool psci_is_smccc(uint64_t fn);
void psci_relay_boot_cpu_on(void);
void linux_cpu_park(uint32_t idx) __attribute__((noreturn));

/* host_fault.c */
struct hyp_ctx *linux_host_trap(struct hyp_cpu *c, struct hyp_ctx *ctx, uint64_t esr);
uint64_t host_fault_device_maps(void);
uint64_t host_fault_aborts(void);
uint64_t host_fault_transient(void);

/* fdt_host.c (built with libfdt): rewrite the DTB at dtb_pa in place, with
 * room bytes for it to grow: /memory lists exactly banks[0..nbanks), /chosen
 * names the initramfs and gets bootargs (the firmware's, or dflt when it has
 * none) followed by extra. 0 or a negative libfdt error. */
struct fdt_bank { uint64_t base, size; };
int fdt_host_prepare(uint64_t dtb_pa, uint64_t room, const struct fdt_bank *banks, int nbanks,
		     uint64_t initrd_start, uint64_t initrd_end, const char *dflt,
		     const char *extra);
const char *fdt_host_strerror(int err);

#endif /* HYP_LINUX_H */
