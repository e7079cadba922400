/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlock: discharges DRF-Kernel (shared kernel data is touched only
 * under a lock) and No-Barrier-Misuse (taking the lock has acquire ordering,
 * passing it on has release ordering).
 *
 * The lock is one 32-bit word {u16 owner, u16 next}, as Linux arm64's ticket
 * era and pKVM's hyp_spinlock: a CPU takes ticket `next` (atomic add of
 * 1 << 16), waits until `owner` equals its ticket, and unlock increments
 * `owner`. Service is FIFO; at most 65535 CPUs may wait at once.
 *
 * Ordering, per back end (include/vrm/arch/<arch>/ticket.h):
 *   aarch64 LSE:   LDADDA takes the ticket; wait SEVL; WFE; LDAXRH;
 *                  unlock STADDLH on the owner half; trylock LDR, CASA.
 *   aarch64 LL/SC: LDAXR/STXR loop; wait as above; unlock STLRH;
 *                  trylock LDR, LDAXR/STXR.
 *   generic:       relaxed fetch-add on next, acquire loads of owner,
 *                  release store of owner.
 * On aarch64, which of LSE and LL/SC runs is chosen at run time by default
 * (vrm_ticket_select_atomics() below), or at build time (-Datomics=lse or
 * llsc).
 * The acquire is on the load that observes owner == ticket, so the critical
 * section cannot be hoisted above it; the release store to owner is the
 * last access of the critical section (Arm ARM B2.3.7, RCsc LDAR/STLR).
 *
 * Checked builds (-Dchecked=true) also record the holder's CPU id
 * (vrm_env_cpu_id()), so vrm_ticket_held_by_me() can back "held by this
 * CPU" assertions, and an unlock by a CPU that does not hold the lock (or
 * of an unlocked lock) is reported to the checker and leaves the lock
 * untouched instead of corrupting the next waiter's hand-off.
 */
#ifndef VRM_TICKET_H
#define VRM_TICKET_H

#include <vrm/types.h>

typedef struct vrm_ticket {
	union {
		uint32_t val;
		struct {
			uint16_t owner; /* ticket now served (low half) */
			uint16_t next;  /* next ticket to hand out (high half) */
		} h;
	} u;
#if VRM_CHECKED
	uint32_t holder; /* cpu id + 1 of the holder, 0 when free */
#endif
} vrm_ticket_t;

#define VRM_TICKET_SHIFT 16

#if VRM_CHECKED
#define VRM_TICKET_INIT { { 0 }, 0 }
#else
#define VRM_TICKET_INIT { { 0 } }
#endif

void vrm_ticket_init(vrm_ticket_t *lock);
void vrm_ticket_lock(vrm_ticket_t *lock);
void vrm_ticket_unlock(vrm_ticket_t *lock);
/* Takes the lock only if it is free right now; true when taken. */
bool vrm_ticket_trylock(vrm_ticket_t *lock);
/* Some CPU holds the lock (a racy snapshot unless the caller holds it). */
bool vrm_ticket_is_locked(const vrm_ticket_t *lock);
/* Number of CPUs holding or waiting for the lock (racy snapshot). */
uint32_t vrm_ticket_waiters(const vrm_ticket_t *lock);

/*
 * Two locks of the same class (e.g. two VMs' stage-2 locks) in address
 * order, so that A+B on one CPU and B+A on another cannot deadlock. a == b
 * takes the lock once. unlock_two releases in reverse order.
 */
void vrm_ticket_lock_two(vrm_ticket_t *a, vrm_ticket_t *b);
void vrm_ticket_unlock_two(vrm_ticket_t *a, vrm_ticket_t *b);

/*
 * LSE or LL/SC, at run time (aarch64, -Datomics=runtime, the default): one
 * image runs on every Armv8 CPU. Until a selection the lock uses LL/SC,
 * which every Armv8-A CPU has; LSE (FEAT_LSE, Armv8.1) is one atomic
 * instruction per ticket and scales better under contention.
 *
 * vrm_ticket_select_atomics(id_aa64isar0) takes the value of the CPU's
 * ID_AA64ISAR0_EL1 (EL1/EL2: vrm_arch_read_id_aa64isar0() from
 * <vrm/arch/aarch64/sysreg.h>) and uses LSE iff its Atomic field, bits
 * [23:20], is >= 0b0010 (FEAT_LSE; 0b0011, FEAT_LSE128, includes it: by
 * the Arm ARM's principles of the ID scheme this field is unsigned and a
 * higher value only adds features). Other bits are ignored. Returns the
 * path now in use, VRM_TICKET_ATOMICS_*, or
 *   -VRM_ENODEV  a -Datomics=lse build and Atomic < 0b0010: this CPU would
 *                take an undefined instruction at the first lock; nothing
 *                changed.
 * -Datomics=llsc builds and the generic back end accept any value and
 * report their one path.
 *
 * Call it once, at boot, on the boot CPU, before any other CPU may take a
 * lock (e.g. before PSCI CPU_ON; the secondaries' start orders the store
 * for them), with a value that holds for every CPU that will take locks.
 * Why once: the Arm-model proofs (proofs/coq/arm/) cover executions in
 * which every CPU runs one flavour's sequences; a lock word taken by LSE on
 * one CPU and LL/SC on another is not what they are about. Calling it again
 * is allowed only while no lock is held or waited for (tests switch paths
 * between runs). Hosted Linux aarch64 builds select from getauxval(AT_HWCAP)
 * & HWCAP_ATOMICS before main() (lib/hosted/ticket_hwcap.c).
 *
 * vrm_ticket_uses_lse(): the lock now uses LSE (false: LL/SC or generic).
 */
#define VRM_ID_AA64ISAR0_ATOMIC_SHIFT 20
#define VRM_ID_AA64ISAR0_ATOMIC_MASK  (UINT64_C(0xf) << VRM_ID_AA64ISAR0_ATOMIC_SHIFT)
#define VRM_ID_AA64ISAR0_ATOMIC_LSE   UINT64_C(2) /* FEAT_LSE: LDADD, CAS, SWP, ... */

enum vrm_ticket_atomics {
	VRM_TICKET_ATOMICS_GENERIC = 0, /* C11 builtins: not aarch64, or -Darch=generic */
	VRM_TICKET_ATOMICS_LLSC = 1,    /* LDAXR/STXR, STLRH */
	VRM_TICKET_ATOMICS_LSE = 2,     /* LDADDA, STADDLH, CASA */
};

int vrm_ticket_select_atomics(uint64_t id_aa64isar0);
bool vrm_ticket_uses_lse(void);

#if VRM_CHECKED
/* This CPU holds the lock. Checked builds only: the unchecked lock word
 * cannot tell who holds it (pKVM can only assert "held by someone"). */
bool vrm_ticket_held_by_me(const vrm_ticket_t *lock);
#endif

/*
 * Inline fast paths. In unchecked builds vrm_ticket_lock / _unlock /
 * _trylock expand to the back end's inline sequences (the same asm blocks
 * the library's exported functions are made of, include/vrm/arch/<arch>/
 * ticket.h), as Linux's arch_spin_lock and ck's ck_spinlock_ticket_lock:
 * an uncontended round trip then costs the lock's atomics and no call.
 * They are function-like macros, so the exported functions stay the ABI:
 * `&vrm_ticket_lock`, `(vrm_ticket_lock)(l)` and any code compiled with
 * VRM_TICKET_OUT_OF_LINE defined (before including this header) call the
 * library, which is what checked builds always do: the checker's holder
 * bookkeeping lives in lib/locks/ticket.c, so a checked build has no
 * inline form. The sequences are the ones the Arm-model proofs are about
 * (proofs/coq/arm/TicketInsns.v); tests/tools/ticket_insns.py checks an
 * inlined copy as well as the library's own functions.
 */
#if !VRM_CHECKED && !defined(VRM_TICKET_OUT_OF_LINE)
#define VRM_TICKET_INLINE 1
#include <vrm/arch/select.h>
#if VRM_ARCH_AARCH64
#include <vrm/arch/aarch64/ticket.h>
#else
#include <vrm/arch/generic/ticket.h>
#endif
#define vrm_ticket_lock(lock) vrm_arch_ticket_lock_inline(lock)
#define vrm_ticket_unlock(lock) vrm_arch_ticket_unlock_inline(lock)
#define vrm_ticket_trylock(lock) vrm_arch_ticket_trylock_inline(lock)
#else
#define VRM_TICKET_INLINE 0
#endif

#endif /* VRM_TICKET_H */
