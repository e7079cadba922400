/* SPDX-License-Identifier: MIT */
/*
 * Portable ticket-lock fast paths (C11 memory model): lib/locks/ticket.c's
 * exported functions, and the inline forms <vrm/ticket.h> expands
 * vrm_ticket_lock() & co. to in unchecked builds (the same functions).
 * The halves are accessed with 16-bit atomics only, never mixed with the
 * 32-bit word, so TSan and the C11 model see one atomic object per half.
 */
#ifndef VRM_ARCH_GENERIC_TICKET_H
#define VRM_ARCH_GENERIC_TICKET_H

#include <vrm/barrier.h>
#include <vrm/ticket.h>

/* No LSE/LL-SC choice here: the compiler picks the instructions. */
static inline bool vrm_arch_ticket_lse_selected(void) { return false; }

static inline void vrm_arch_ticket_lock(vrm_ticket_t *lock)
{
	/* Relaxed: taking a ticket orders nothing; the acquire is the load
	 * that sees our turn. */
	uint16_t ticket = __atomic_fetch_add(&lock->u.h.next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&lock->u.h.owner, __ATOMIC_ACQUIRE) != ticket)
		vrm_cpu_relax();
}

static inline void vrm_arch_ticket_unlock(vrm_ticket_t *lock)
{
	/* Only the holder writes owner: a relaxed read of it is stable. */
	uint16_t owner = __atomic_load_n(&lock->u.h.owner, __ATOMIC_RELAXED);

	__atomic_store_n(&lock->u.h.owner, (uint16_t)(owner + 1), __ATOMIC_RELEASE);
}

static inline bool vrm_arch_ticket_trylock(vrm_ticket_t *lock)
{
	/* Acquire pairs with the last unlock's release of this owner value. If
	 * the CAS then finds next == owner, nobody held or waited at that
	 * instant (owner only grows up to next), so ticket `owner` is ours. */
	uint16_t owner = __atomic_load_n(&lock->u.h.owner, __ATOMIC_ACQUIRE);
	uint16_t expect = owner;

	return __atomic_compare_exchange_n(&lock->u.h.next, &expect,
					   (uint16_t)(owner + 1), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* The inline forms of <vrm/ticket.h>: no dispatch on this back end. */
static inline void vrm_arch_ticket_lock_inline(vrm_ticket_t *lock) { vrm_arch_ticket_lock(lock); }
static inline void vrm_arch_ticket_unlock_inline(vrm_ticket_t *lock) { vrm_arch_ticket_unlock(lock); }
static inline bool vrm_arch_ticket_trylock_inline(vrm_ticket_t *lock) { return vrm_arch_ticket_trylock(lock); }

#endif /* VRM_ARCH_GENERIC_TICKET_H */
