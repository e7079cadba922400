/* SPDX-License-Identifier: MIT */
/*
 * EL2 TLB maintenance instructions (the EL2 back end of lib/tlb; usable only
 * at EL2: every TLBI here is UNDEFINED at EL0 and EL1). One instruction per
 * asm block, each with a "memory" clobber so the compiler cannot move the
 * page-table stores that a TLBI is about across it.
 *
 * The FEAT_TLBIRANGE forms are written as their SYS encodings so that a
 * kernel built for -march=armv8.0/8.1 still assembles them; they run only
 * when the environment reported the feature (vrm_tlb_set_features).
 */
#ifndef VRM_ARCH_AARCH64_TLB_H
#define VRM_ARCH_AARCH64_TLB_H

#include <vrm/types.h>

static inline void vrm_arch_dsb_nshst(void)
{
	__asm__ volatile("dsb nshst" ::: "memory"); /* local stores complete */
}

static inline void vrm_arch_tlbi_ipas2e1is(uint64_t op)
{
	__asm__ volatile("tlbi ipas2e1is, %0" :: "r"(op) : "memory"); /* S2 by IPA, IS */
}

static inline void vrm_arch_tlbi_ipas2e1(uint64_t op)
{
	__asm__ volatile("tlbi ipas2e1, %0" :: "r"(op) : "memory"); /* S2 by IPA, this PE */
}

static inline void vrm_arch_tlbi_ripas2e1is(uint64_t op)
{
	__asm__ volatile("sys #4, c8, c0, #2, %0" :: "r"(op) : "memory"); /* tlbi ripas2e1is */
}

static inline void vrm_arch_tlbi_vmalle1is(void)
{
	__asm__ volatile("tlbi vmalle1is" ::: "memory"); /* S1(+S2) of VMID, IS */
}

static inline void vrm_arch_tlbi_vmalle1(void)
{
	__asm__ volatile("tlbi vmalle1" ::: "memory"); /* S1(+S2) of VMID, this PE */
}

static inline void vrm_arch_tlbi_vmalls12e1is(void)
{
	__asm__ volatile("tlbi vmalls12e1is" ::: "memory"); /* all of VMID, IS */
}

static inline void vrm_arch_tlbi_vmalls12e1(void)
{
	__asm__ volatile("tlbi vmalls12e1" ::: "memory"); /* all of VMID, this PE */
}

static inline void vrm_arch_tlbi_vae2is(uint64_t op)
{
	__asm__ volatile("tlbi vae2is, %0" :: "r"(op) : "memory"); /* EL2 VA, all levels */
}

static inline void vrm_arch_tlbi_vale2is(uint64_t op)
{
	__asm__ volatile("tlbi vale2is, %0" :: "r"(op) : "memory"); /* EL2 VA, leaf only */
}

static inline void vrm_arch_tlbi_rvae2is(uint64_t op)
{
	__asm__ volatile("sys #4, c8, c2, #1, %0" :: "r"(op) : "memory"); /* tlbi rvae2is */
}

static inline void vrm_arch_tlbi_alle2is(void)
{
	__asm__ volatile("tlbi alle2is" ::: "memory"); /* every EL2 entry, IS */
}

static inline void vrm_arch_tlbi_alle1is(void)
{
	__asm__ volatile("tlbi alle1is" ::: "memory"); /* every EL1&0 entry, IS */
}

static inline uint64_t vrm_arch_read_vttbr_el2(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, vttbr_el2" : "=r"(v) :: "memory"); /* VMID in [63:48] */
	return v;
}

static inline void vrm_arch_write_vttbr_el2(uint64_t v)
{
	__asm__ volatile("msr vttbr_el2, %0" :: "r"(v) : "memory"); /* needs ISB (R4) */
}

/* EL1 translation controls, touched only by the speculative-AT erratum
 * workaround around a VTTBR_EL2 switch (tlb.h R8). Writes need an ISB. */
static inline uint64_t vrm_arch_read_tcr_el1(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, tcr_el1" : "=r"(v) :: "memory");
	return v;
}

static inline void vrm_arch_write_tcr_el1(uint64_t v)
{
	__asm__ volatile("msr tcr_el1, %0" :: "r"(v) : "memory");
}

static inline uint64_t vrm_arch_read_sctlr_el1(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(v) :: "memory");
	return v;
}

static inline void vrm_arch_write_sctlr_el1(uint64_t v)
{
	__asm__ volatile("msr sctlr_el1, %0" :: "r"(v) : "memory");
}

#endif /* VRM_ARCH_AARCH64_TLB_H */
