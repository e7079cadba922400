/* SPDX-License-Identifier: MIT */
/*
 * Which atomics the ticket lock uses: vrm_ticket_select_atomics() and
 * vrm_ticket_uses_lse() (include/vrm/ticket.h says when to call them).
 */
#include <vrm/arch/select.h>
#include <vrm/ticket.h>

#if VRM_ARCH_AARCH64
#include <vrm/arch/aarch64/ticket.h>
#else
#include <vrm/arch/generic/ticket.h>
#endif

int vrm_ticket_select_atomics(uint64_t id_aa64isar0)
{
	/* ID_AA64ISAR0_EL1.Atomic: 0b0010 FEAT_LSE, 0b0011 FEAT_LSE128 (which
	 * has FEAT_LSE); an unsigned ID field, so any higher value has it too. */
	uint64_t atomic = (id_aa64isar0 & VRM_ID_AA64ISAR0_ATOMIC_MASK) >> VRM_ID_AA64ISAR0_ATOMIC_SHIFT;
	bool lse = atomic >= VRM_ID_AA64ISAR0_ATOMIC_LSE;

#if VRM_ARCH_ATOMICS_RUNTIME
	/* Relaxed: the caller orders it for the other CPUs (their start). */
	__atomic_store_n(&vrm__ticket_lse, lse, __ATOMIC_RELAXED);
	return lse ? VRM_TICKET_ATOMICS_LSE : VRM_TICKET_ATOMICS_LLSC;
#elif VRM_ARCH_LSE
	/* The only path is LSE: without FEAT_LSE its first LDADDA would be an
	 * undefined instruction. Say so now, while the caller can still panic
	 * with a reason. */
	return lse ? VRM_TICKET_ATOMICS_LSE : -VRM_ENODEV;
#elif VRM_ARCH_AARCH64
	(void)lse;
	return VRM_TICKET_ATOMICS_LLSC;
#else
	(void)lse;
	return VRM_TICKET_ATOMICS_GENERIC;
#endif
}

bool vrm_ticket_uses_lse(void)
{
	return vrm_arch_ticket_lse_selected();
}
