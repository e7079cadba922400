/* SPDX-License-Identifier: MIT */
/*
 * Ticket lock (DRF-Kernel, No-Barrier-Misuse): the checked-build bookkeeping
 * around the per-architecture fast paths in include/vrm/arch/<arch>/ticket.h.
 * These are the exported functions: the header's inline macros (unchecked
 * builds) must not rename the definitions below.
 */
#ifndef VRM_TICKET_OUT_OF_LINE
#define VRM_TICKET_OUT_OF_LINE 1
#endif
#include <vrm/arch/select.h>
#include <vrm/check.h>
#include <vrm/env.h>
#include <vrm/ticket.h>

#if VRM_ARCH_AARCH64
#include <vrm/arch/aarch64/ticket.h>
#else
#include <vrm/arch/generic/ticket.h>
#endif

void vrm_ticket_init(vrm_ticket_t *lock)
{
	*lock = (vrm_ticket_t)VRM_TICKET_INIT;
}

#if VRM_CHECKED
static uint32_t me(void)
{
	return vrm_env_cpu_id() + 1;
}

bool vrm_ticket_held_by_me(const vrm_ticket_t *lock)
{
	return __atomic_load_n(&lock->holder, __ATOMIC_RELAXED) == me();
}
#endif

void vrm_ticket_lock(vrm_ticket_t *lock)
{
#if VRM_CHECKED
	/* Re-taking a lock this CPU holds would spin forever: report it. */
	if (vrm_ticket_held_by_me(lock))
		vrm_check_violation(VRM_COND_DRF_KERNEL, "recursive lock", (uintptr_t)lock);
#endif
	vrm_arch_ticket_lock(lock);
#if VRM_CHECKED
	__atomic_store_n(&lock->holder, me(), __ATOMIC_RELAXED);
	vrm_check_lock_acquired(lock);
#endif
}

void vrm_ticket_unlock(vrm_ticket_t *lock)
{
#if VRM_CHECKED
	/* An unlock by a non-holder would hand the lock to the next waiter
	 * while the holder is still inside: refuse and report instead. */
	if (!vrm_ticket_held_by_me(lock)) {
		vrm_check_violation(VRM_COND_NO_BARRIER_MISUSE,
				    vrm_ticket_is_locked(lock) ? "unlock by non-holder"
							       : "unlock of unlocked lock",
				    (uintptr_t)lock);
		return;
	}
	vrm_check_lock_released(lock);
	__atomic_store_n(&lock->holder, 0, __ATOMIC_RELAXED);
#endif
	vrm_arch_ticket_unlock(lock);
}

bool vrm_ticket_trylock(vrm_ticket_t *lock)
{
	if (!vrm_arch_ticket_trylock(lock))
		return false;
#if VRM_CHECKED
	__atomic_store_n(&lock->holder, me(), __ATOMIC_RELAXED);
	vrm_check_lock_acquired(lock);
#endif
	return true;
}

bool vrm_ticket_is_locked(const vrm_ticket_t *lock)
{
	return vrm_ticket_waiters(lock) != 0;
}

uint32_t vrm_ticket_waiters(const vrm_ticket_t *lock)
{
	uint16_t owner = __atomic_load_n(&lock->u.h.owner, __ATOMIC_RELAXED);
	uint16_t next = __atomic_load_n(&lock->u.h.next, __ATOMIC_RELAXED);

	return (uint16_t)(next - owner);
}

void vrm_ticket_lock_two(vrm_ticket_t *a, vrm_ticket_t *b)
{
	if (a == b) {
		vrm_ticket_lock(a);
		return;
	}
	if ((uintptr_t)a > (uintptr_t)b) {
		vrm_ticket_t *t = a;
		a = b;
		b = t;
	}
	vrm_ticket_lock(a);
	vrm_ticket_lock(b);
}

void vrm_ticket_unlock_two(vrm_ticket_t *a, vrm_ticket_t *b)
{
	if (a == b) {
		vrm_ticket_unlock(a);
		return;
	}
	if ((uintptr_t)a > (uintptr_t)b) {
		vrm_ticket_t *t = a;
		a = b;
		b = t;
	}
	vrm_ticket_unlock(b);
	vrm_ticket_unlock(a);
}
