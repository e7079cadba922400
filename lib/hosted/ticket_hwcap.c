/* SPDX-License-Identifier: MIT */
/*
 * Hosted Linux aarch64, -Datomics=runtime: the ticket lock's LSE/LL-SC
 * choice, made before main() from what the kernel says every CPU has.
 *
 * The flag the lock reads is defined here, not in the core, so that any
 * program that links the lock (ticket.o references the flag) also links
 * this object and so its constructor, a static archive included; a
 * constructor in an object nothing references would be left out.
 */
#include <sys/auxv.h>

#include <vrm/arch/aarch64/ticket.h>

#ifndef HWCAP_ATOMICS
#define HWCAP_ATOMICS (1UL << 8) /* Linux arch/arm64 uapi hwcap.h */
#endif

bool vrm__ticket_lse = false; /* LL/SC until the constructor runs */

/* HWCAP_ATOMICS is Linux's FEAT_LSE bit (ID_AA64ISAR0_EL1.Atomic >= 2),
 * set only when every CPU has it (the kernel's sanitised ID registers), as
 * vrm_ticket_select_atomics() requires. Priority 101, the first one a
 * program may use: before other constructors, which may take locks. */
__attribute__((constructor(101))) static void select_from_hwcap(void)
{
	bool lse = (getauxval(AT_HWCAP) & HWCAP_ATOMICS) != 0;

	(void)vrm_ticket_select_atomics(lse ? VRM_ID_AA64ISAR0_ATOMIC_LSE << VRM_ID_AA64ISAR0_ATOMIC_SHIFT
					    : 0);
}
