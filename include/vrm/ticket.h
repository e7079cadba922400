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
 *                  unlock STADDLH on the owner half.
 *   aarch64 LL/SC: LDAXR/STXR loop; wait as above; unlock STLRH.
 *   generic:       relaxed fetch-add on next, acquire loads of owner,
 *                  release store of owner.
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

#if VRM_CHECKED
/* This CPU holds the lock. Checked builds only: the unchecked lock word
 * cannot tell who holds it (pKVM can only assert "held by someone"). */
bool vrm_ticket_held_by_me(const vrm_ticket_t *lock);
#endif

#endif /* VRM_TICKET_H */
