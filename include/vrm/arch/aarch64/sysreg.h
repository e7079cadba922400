/* SPDX-License-Identifier: MIT */
/*
 * aarch64 ID-register reads for EL1/EL2 users (an EL0 read traps; hosted
 * Linux code asks getauxval() instead). Not used by the core itself.
 *
 *   vrm_arch_read_id_aa64isar0()  ID_AA64ISAR0_EL1, whose Atomic field
 *                                 vrm_ticket_select_atomics() reads
 */
#ifndef VRM_ARCH_AARCH64_SYSREG_H
#define VRM_ARCH_AARCH64_SYSREG_H

#include <vrm/types.h>

static inline uint64_t vrm_arch_read_id_aa64isar0(void)
{
	uint64_t v;

	/* An ID register read orders no memory access and needs no ISB; the
	 * "memory" clobber is not needed for it, only harmless. */
	__asm__ volatile("mrs	%0, id_aa64isar0_el1" : "=r"(v) : : "memory");
	return v;
}

#endif /* VRM_ARCH_AARCH64_SYSREG_H */
