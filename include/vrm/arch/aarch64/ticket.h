/* SPDX-License-Identifier: MIT */
/*
 * aarch64 ticket-lock fast paths, internal to lib/locks (not installed API).
 * Layout: owner in bits [15:0], next in bits [31:16] of lock->u.val.
 */
#ifndef VRM_ARCH_AARCH64_TICKET_H
#define VRM_ARCH_AARCH64_TICKET_H

#include <vrm/arch/select.h>
#include <vrm/ticket.h>

static inline void vrm_arch_ticket_lock(vrm_ticket_t *lock)
{
	uint32_t tmp, ticket, cur;
#if VRM_ARCH_LSE
	uint32_t inc = 1u << VRM_TICKET_SHIFT;

	__asm__ volatile(
	"	ldadda	%w4, %w0, %3\n"       /* ticket = old word; next += 1, acquire */
	"	eor	%w1, %w0, %w0, ror #16\n" /* owner == next in the old word? */
	"	cbz	%w1, 3f\n"                /* yes: the lock was free, ours now */
	"	sevl\n"                       /* make the first WFE fall through */
	"2:	wfe\n"                        /* sleep until our exclusive monitor is cleared */
	"	ldaxrh	%w2, %5\n"            /* owner, acquire; arms the monitor */
	"	eor	%w1, %w2, %w0, lsr #16\n" /* owner == our ticket? */
	"	cbnz	%w1, 2b\n"
	"3:"
	: "=&r"(ticket), "=&r"(tmp), "=&r"(cur), "+Q"(lock->u.val)
	: "r"(inc), "Q"(lock->u.h.owner)
	: "memory");
#else
	uint32_t fail;

	__asm__ volatile(
	"1:	ldaxr	%w0, %4\n"            /* old word, acquire */
	"	add	%w1, %w0, %5\n"           /* next += 1 */
	"	stxr	%w2, %w1, %4\n"
	"	cbnz	%w2, 1b\n"                /* lost the exclusive: retry */
	"	eor	%w1, %w0, %w0, ror #16\n" /* owner == next in the old word? */
	"	cbz	%w1, 3f\n"
	"	sevl\n"
	"2:	wfe\n"
	"	ldaxrh	%w3, %6\n"            /* owner, acquire; arms the monitor */
	"	eor	%w1, %w3, %w0, lsr #16\n"
	"	cbnz	%w1, 2b\n"
	"3:"
	: "=&r"(ticket), "=&r"(tmp), "=&r"(fail), "=&r"(cur), "+Q"(lock->u.val)
	: "I"(1 << VRM_TICKET_SHIFT), "Q"(lock->u.h.owner)
	: "memory");
#endif
}

static inline void vrm_arch_ticket_unlock(vrm_ticket_t *lock)
{
#if VRM_ARCH_LSE
	/* STADDLH: owner += 1 with release; the unlocking CPU need not read it. */
	__asm__ volatile(
	"	staddlh	%w1, %0\n"
	: "+Q"(lock->u.h.owner)
	: "r"(1)
	: "memory");
#else
	uint32_t tmp;

	/* Only the holder writes owner, so a plain read of it is stable; the
	 * STLRH is the release, and clears other CPUs' monitors to wake WFE. */
	__asm__ volatile(
	"	ldrh	%w0, %1\n"
	"	add	%w0, %w0, #1\n"
	"	stlrh	%w0, %1\n"
	: "=&r"(tmp), "+Q"(lock->u.h.owner)
	:
	: "memory");
#endif
}

static inline bool vrm_arch_ticket_trylock(vrm_ticket_t *lock)
{
	uint32_t old = __atomic_load_n(&lock->u.val, __ATOMIC_RELAXED);

	if ((old & 0xffffu) != (old >> VRM_TICKET_SHIFT))
		return false;
	/* CASA (LSE) or LDAXR/STXR: acquire on success only. */
	return __atomic_compare_exchange_n(&lock->u.val, &old,
					   old + (1u << VRM_TICKET_SHIFT), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

#endif /* VRM_ARCH_AARCH64_TICKET_H */
