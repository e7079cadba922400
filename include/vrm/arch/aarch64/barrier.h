/* SPDX-License-Identifier: MIT */
/*
 * aarch64 barriers and acquire/release accessors (include via vrm/barrier.h).
 * One instruction per asm block, each with a "memory" clobber: the clobber
 * is what stops the compiler from caching or moving memory accesses across
 * the barrier; the instruction only orders the hardware.
 */
#ifndef VRM_ARCH_AARCH64_BARRIER_H
#define VRM_ARCH_AARCH64_BARRIER_H

#include <vrm/types.h>

static inline void vrm_arch_dmb_ish(void)   { __asm__ volatile("dmb ish" ::: "memory"); }
static inline void vrm_arch_dmb_ishst(void) { __asm__ volatile("dmb ishst" ::: "memory"); }
static inline void vrm_arch_dmb_ishld(void) { __asm__ volatile("dmb ishld" ::: "memory"); }
static inline void vrm_arch_dsb_ish(void)   { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void vrm_arch_dsb_ishst(void) { __asm__ volatile("dsb ishst" ::: "memory"); }
static inline void vrm_arch_dsb_nsh(void)   { __asm__ volatile("dsb nsh" ::: "memory"); }
static inline void vrm_arch_isb(void)       { __asm__ volatile("isb" ::: "memory"); }

/* LDAR/STLR: RCsc acquire/release (Arm ARM B2.3.7); no separate DMB needed. */
static inline uint16_t vrm_load_acquire_16(const volatile uint16_t *p)
{
	uint16_t v;
	__asm__ volatile("ldarh %w0, %1" : "=r"(v) : "Q"(*p) : "memory");
	return v;
}

static inline uint32_t vrm_load_acquire_32(const volatile uint32_t *p)
{
	uint32_t v;
	__asm__ volatile("ldar %w0, %1" : "=r"(v) : "Q"(*p) : "memory");
	return v;
}

static inline uint64_t vrm_load_acquire_64(const volatile uint64_t *p)
{
	uint64_t v;
	__asm__ volatile("ldar %0, %1" : "=r"(v) : "Q"(*p) : "memory");
	return v;
}

static inline void vrm_store_release_16(volatile uint16_t *p, uint16_t v)
{
	__asm__ volatile("stlrh %w1, %0" : "=Q"(*p) : "r"(v) : "memory");
}

static inline void vrm_store_release_32(volatile uint32_t *p, uint32_t v)
{
	__asm__ volatile("stlr %w1, %0" : "=Q"(*p) : "r"(v) : "memory");
}

static inline void vrm_store_release_64(volatile uint64_t *p, uint64_t v)
{
	__asm__ volatile("stlr %1, %0" : "=Q"(*p) : "r"(v) : "memory");
}

/* Aligned 64-bit LDR/STR are single-copy atomic (B2.2.1): a racing MMU walk
 * or reader sees the old or the new descriptor, never a mix. */
static inline uint64_t vrm_read_once_64(const volatile uint64_t *p) { return *p; }
static inline void vrm_write_once_64(volatile uint64_t *p, uint64_t v) { *p = v; }

/* Spin-wait hint for loops that cannot use WFE. */
static inline void vrm_cpu_relax(void) { __asm__ volatile("yield" ::: "memory"); }

#endif /* VRM_ARCH_AARCH64_BARRIER_H */
