/* SPDX-License-Identifier: MIT */
/* The machine, as the firmware's device tree describes it (platform.c). */
#ifndef HYP_PLATFORM_H
#define HYP_PLATFORM_H

#include "hyp.h"

/* RAM the core will manage: one contiguous bank (QEMU virt has one). */
#define PLATFORM_RAM_MIN   (UINT64_C(64) << 20)
#define PLATFORM_RAM_MAX   (UINT64_C(8) << 30)   /* metadata carve-out stays < 1% */

/* Where QEMU virt leaves the DTB for an ELF kernel, which it enters with
 * x0 = 0: at the RAM base, if the image leaves room (hyp.ld: 2 MiB). */
#define PLATFORM_DTB_ELF   UINT64_C(0x40000000)

struct platform {
	uint64_t dtb_pa, dtb_size;  /* the blob, left in place for the host */
	uint64_t ram_base, ram_size;
	uint32_t nr_cpus;           /* CPUs the core will run: <= HYP_MAX_CPUS */
	uint32_t nr_cpus_dt;        /* CPU nodes in the device tree */
	uint64_t mpidr[HYP_MAX_CPUS]; /* logical CPU i's MPIDR (affinity fields) */
};

extern struct platform platform;

/* Read the DTB at @dtb_pa; 0 or a negative VRM_E* (the message printed). */
int platform_init(uint64_t dtb_pa);

static inline uint64_t platform_ram_end(void)
{
	return platform.ram_base + platform.ram_size;
}

#endif /* HYP_PLATFORM_H */
