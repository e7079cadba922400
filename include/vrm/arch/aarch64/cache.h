/* SPDX-License-Identifier: MIT */
/*
 * aarch64 cache maintenance by VA for EL1/EL2 users: what a hypervisor
 * hands to vrm_pgt_mm_ops.dcache_clean_inval_poc / icache_inval_pou for a
 * guest's stage-2 when the hardware lacks FEAT_S2FWB and FEAT_DIC (as
 * KVM's clean_dcache_guest_page / invalidate_icache_guest_page). Not used
 * by the core itself (an EL0 `dc civac` may trap, SCTLR_EL1.UCI).
 *
 *   vrm_arch_dcache_clean_inval_poc(va, size)
 *       dc civac over every CTR_EL0.DminLine line of [va, va + size),
 *       then dsb sy: the data reaches the point of coherency before any
 *       later access, so an observer with its MMU or caches off (a guest
 *       before it enables its stage 1, a DMA master) reads it (Arm ARM
 *       D7.5.9, "Data cache maintenance").
 *   vrm_arch_icache_inval_pou(va, size)
 *       what is needed for instructions written at [va, va + size) to be
 *       fetched (Arm ARM D7.5.9.2, self-modifying code): nothing for the
 *       I-side with CTR_EL0.DIC; else `ic ivau` by CTR_EL0.IminLine when
 *       the instruction cache is PIPT (CTR_EL0.L1Ip == 0b11), or `ic
 *       ialluis` otherwise (an aliasing cache is indexed by a VA the guest
 *       chooses, not ours); then dsb ish, isb. The data must already be
 *       clean to the point of unification: call the D-side first, or
 *       rely on CTR_EL0.IDC.
 */
#ifndef VRM_ARCH_AARCH64_CACHE_H
#define VRM_ARCH_AARCH64_CACHE_H

#include <vrm/types.h>

static inline uint64_t vrm_arch_read_ctr(void)
{
	uint64_t ctr;

	__asm__ volatile("mrs	%0, ctr_el0" : "=r"(ctr) : : "memory");
	return ctr;
}

static inline void vrm_arch_dcache_clean_inval_poc(const void *va, uint64_t size)
{
	uint64_t line = UINT64_C(4) << ((vrm_arch_read_ctr() >> 16) & 0xf); /* DminLine */
	uintptr_t a = (uintptr_t)va & ~(uintptr_t)(line - 1);
	uintptr_t end = (uintptr_t)va + size;

	for (; a < end; a += line)
		__asm__ volatile("dc	civac, %0" : : "r"(a) : "memory");
	/* Full system: complete to PoC before any later access. */
	__asm__ volatile("dsb	sy" : : : "memory");
}

static inline void vrm_arch_icache_inval_pou(const void *va, uint64_t size)
{
	uint64_t ctr = vrm_arch_read_ctr();

	if (!(ctr & (UINT64_C(1) << 29))) { /* no DIC: the I-side needs invalidating */
		if (((ctr >> 14) & 3) == 3) { /* PIPT */
			uint64_t line = UINT64_C(4) << (ctr & 0xf); /* IminLine */
			uintptr_t a = (uintptr_t)va & ~(uintptr_t)(line - 1);
			uintptr_t end = (uintptr_t)va + size;

			for (; a < end; a += line)
				__asm__ volatile("ic	ivau, %0" : : "r"(a) : "memory");
		} else {
			__asm__ volatile("ic	ialluis" : : : "memory");
		}
	}
	/* Invalidation complete (every PE: the IS forms broadcast), then a
	 * context synchronization event before new code may run here. */
	__asm__ volatile("dsb	ish\n\tisb" : : : "memory");
}

#endif /* VRM_ARCH_AARCH64_CACHE_H */
