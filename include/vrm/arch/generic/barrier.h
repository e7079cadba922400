/* SPDX-License-Identifier: MIT */
/*
 * Portable back end of vrm/barrier.h on the C11 memory model (GCC/Clang
 * __atomic builtins, which TSan understands). C11 has no DSB or ISB: they
 * become seq_cst fences, the strongest ordering C can express. Completion of
 * TLB maintenance is modelled by the software TLB (lib/hosted), not here.
 */
#ifndef VRM_ARCH_GENERIC_BARRIER_H
#define VRM_ARCH_GENERIC_BARRIER_H

#include <vrm/types.h>

/*
 * GCC's ThreadSanitizer rejects __atomic_thread_fence (-Wtsan: fences are
 * not modelled). Under TSan a seq_cst read-modify-write of a private dummy
 * stands in: it is a full barrier on real hardware and an operation TSan
 * does understand. Other builds use the plain fence.
 */
#if defined(__SANITIZE_THREAD__)
static inline void vrm_generic_fence(int order)
{
	static int dummy;

	(void)order;
	__atomic_fetch_add(&dummy, 0, __ATOMIC_SEQ_CST);
}
#else
#define vrm_generic_fence(order) __atomic_thread_fence(order)
#endif

static inline void vrm_arch_dmb_ish(void)   { vrm_generic_fence(__ATOMIC_SEQ_CST); }
static inline void vrm_arch_dmb_ishst(void) { vrm_generic_fence(__ATOMIC_RELEASE); }
static inline void vrm_arch_dmb_ishld(void) { vrm_generic_fence(__ATOMIC_ACQUIRE); }
static inline void vrm_arch_dsb_ish(void)   { vrm_generic_fence(__ATOMIC_SEQ_CST); }
static inline void vrm_arch_dsb_ishst(void) { vrm_generic_fence(__ATOMIC_SEQ_CST); }
static inline void vrm_arch_dsb_nsh(void)   { vrm_generic_fence(__ATOMIC_SEQ_CST); }
static inline void vrm_arch_isb(void)       { __atomic_signal_fence(__ATOMIC_SEQ_CST); }

static inline uint16_t vrm_load_acquire_16(const volatile uint16_t *p)
{ return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline uint32_t vrm_load_acquire_32(const volatile uint32_t *p)
{ return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline uint64_t vrm_load_acquire_64(const volatile uint64_t *p)
{ return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

static inline void vrm_store_release_16(volatile uint16_t *p, uint16_t v)
{ __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline void vrm_store_release_32(volatile uint32_t *p, uint32_t v)
{ __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline void vrm_store_release_64(volatile uint64_t *p, uint64_t v)
{ __atomic_store_n(p, v, __ATOMIC_RELEASE); }

static inline uint64_t vrm_read_once_64(const volatile uint64_t *p)
{ return __atomic_load_n(p, __ATOMIC_RELAXED); }
static inline void vrm_write_once_64(volatile uint64_t *p, uint64_t v)
{ __atomic_store_n(p, v, __ATOMIC_RELAXED); }

static inline void vrm_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

#endif /* VRM_ARCH_GENERIC_BARRIER_H */
