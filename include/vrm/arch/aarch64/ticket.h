/* SPDX-License-Identifier: MIT */
/*
 * aarch64 ticket-lock fast paths: lib/locks' exported functions, and the
 * inline forms <vrm/ticket.h> expands vrm_ticket_lock() & co. to in
 * unchecked builds (vrm_arch_ticket_*_inline, at the bottom). Not API of
 * their own: include <vrm/ticket.h>.
 * Layout: owner in bits [15:0], next in bits [31:16] of lock->u.val.
 *
 * Each flavour's lock, unlock and trylock is one asm block whose lock-word
 * accesses are exactly a list of proofs/coq/arm/TicketInsns.v (lse_* or
 * llsc_*; tests/tools/ticket_insns.py checks the compiled code). Which one
 * vrm_arch_ticket_lock() & co. run is chosen at the bottom (select.h):
 * compiled in (-Datomics=lse / llsc), or both built and dispatched at run
 * time on the choice vrm_ticket_select_atomics() made (-Datomics=runtime).
 */
#ifndef VRM_ARCH_AARCH64_TICKET_H
#define VRM_ARCH_AARCH64_TICKET_H

#include <vrm/arch/select.h>
#include <vrm/ticket.h>

/*
 * The LSE instructions are assembled whatever -march says: a runtime build
 * is compiled for Armv8.0 (-march=armv8-a) so that no compiler-generated
 * code uses FEAT_LSE, and only these asm blocks, run after the CPU was seen
 * to have it, do. As Linux's __LSE_PREAMBLE.
 */
#define VRM_LSE_PREAMBLE ".arch_extension lse\n"

/* ---- LSE (FEAT_LSE, Armv8.1): lse_lock, lse_unlock, lse_trylock ---- */

static inline void vrm_arch_ticket_lock_lse(vrm_ticket_t *lock)
{
	uint32_t tmp, ticket, cur;
	uint32_t inc = 1u << VRM_TICKET_SHIFT;

	__asm__ volatile(VRM_LSE_PREAMBLE
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
}

static inline void vrm_arch_ticket_unlock_lse(vrm_ticket_t *lock)
{
	/* STADDLH: owner += 1 with release; the unlocking CPU need not read it. */
	__asm__ volatile(VRM_LSE_PREAMBLE
	"	staddlh	%w1, %0\n"
	: "+Q"(lock->u.h.owner)
	: "r"(1)
	: "memory");
}

static inline bool vrm_arch_ticket_trylock_lse(vrm_ticket_t *lock)
{
	uint32_t old, tmp, seen;
	uint32_t inc = 1u << VRM_TICKET_SHIFT;

	/* A plain LDR looks first (a held lock costs no RMW); CASA takes ticket
	 * `next` only if the word still holds that free value: its read is an
	 * acquire, and it writes nothing when the compare fails. */
	__asm__ volatile(VRM_LSE_PREAMBLE
	"	ldr	%w0, %3\n"
	"	eor	%w1, %w0, %w0, ror #16\n" /* non-zero: owner != next, held */
	"	cbnz	%w1, 1f\n"
	"	add	%w1, %w0, %w4\n"          /* the word with our ticket taken */
	"	mov	%w2, %w0\n"
	"	casa	%w2, %w1, %3\n"           /* seen = word; stored only if seen == old */
	"	eor	%w1, %w2, %w0\n"          /* zero: the CAS succeeded */
	"1:"
	: "=&r"(old), "=&r"(tmp), "=&r"(seen), "+Q"(lock->u.val)
	: "r"(inc)
	: "memory");
	return tmp == 0;
}

/* ---- LL/SC (every Armv8 CPU): llsc_lock, llsc_unlock, llsc_trylock ---- */

static inline void vrm_arch_ticket_lock_llsc(vrm_ticket_t *lock)
{
	uint32_t tmp, ticket, cur, fail;

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
}

static inline void vrm_arch_ticket_unlock_llsc(vrm_ticket_t *lock)
{
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
}

static inline bool vrm_arch_ticket_trylock_llsc(vrm_ticket_t *lock)
{
	uint32_t old, tmp, seen, new;

	/* As the LSE trylock, with the CAS as an LDAXR/STXR loop: retried only
	 * when the STXR lost its exclusive with the word unchanged; a changed
	 * word fails the trylock (someone took a ticket). LDAXR: acquire. */
	__asm__ volatile(
	"	ldr	%w0, %4\n"
	"	eor	%w1, %w0, %w0, ror #16\n" /* non-zero: owner != next, held */
	"	cbnz	%w1, 2f\n"
	"	add	%w3, %w0, %5\n"           /* the word with our ticket taken */
	"1:	ldaxr	%w2, %4\n"
	"	eor	%w1, %w2, %w0\n"          /* non-zero: the word changed, fail */
	"	cbnz	%w1, 2f\n"
	"	stxr	%w1, %w3, %4\n"
	"	cbnz	%w1, 1b\n"                /* lost the exclusive: retry */
	"2:"
	: "=&r"(old), "=&r"(tmp), "=&r"(seen), "=&r"(new), "+Q"(lock->u.val)
	: "I"(1 << VRM_TICKET_SHIFT)
	: "memory");
	return tmp == 0;
}

/* ---- the choice ---- */

#if VRM_ARCH_ATOMICS_RUNTIME
/*
 * Both flavours out of line (lib/locks/ticket_flavours.c), one function
 * each, so each compiled function is exactly one TicketInsns.v list, and
 * the public functions only dispatch. vrm__ticket_lse is the boot-time
 * choice (lib/locks/ticket_select.c sets it). It is defined in
 * lib/hosted/ticket_hwcap.c in hosted Linux builds, next to the
 * constructor that sets it before main(), so that any program reading the
 * flag links that constructor in, from a static archive too; in
 * lib/locks/ticket_lse_flag.c otherwise. A relaxed load: it is written
 * before the other CPUs start (see vrm_ticket_select_atomics()), which
 * orders it for them.
 */
#define VRM__HIDDEN __attribute__((visibility("hidden")))
/* Not hidden: the inline forms below read it from the caller's code, which
 * may link libvrm as a shared library. */
extern bool vrm__ticket_lse;
VRM__HIDDEN void vrm__ticket_lock_lse(vrm_ticket_t *lock);
VRM__HIDDEN void vrm__ticket_lock_llsc(vrm_ticket_t *lock);
VRM__HIDDEN void vrm__ticket_unlock_lse(vrm_ticket_t *lock);
VRM__HIDDEN void vrm__ticket_unlock_llsc(vrm_ticket_t *lock);
VRM__HIDDEN bool vrm__ticket_trylock_lse(vrm_ticket_t *lock);
VRM__HIDDEN bool vrm__ticket_trylock_llsc(vrm_ticket_t *lock);

static inline bool vrm_arch_ticket_lse_selected(void)
{
	return __atomic_load_n(&vrm__ticket_lse, __ATOMIC_RELAXED);
}

static inline void vrm_arch_ticket_lock(vrm_ticket_t *lock)
{
	if (vrm_arch_ticket_lse_selected())
		vrm__ticket_lock_lse(lock);
	else
		vrm__ticket_lock_llsc(lock);
}

static inline void vrm_arch_ticket_unlock(vrm_ticket_t *lock)
{
	if (vrm_arch_ticket_lse_selected())
		vrm__ticket_unlock_lse(lock);
	else
		vrm__ticket_unlock_llsc(lock);
}

static inline bool vrm_arch_ticket_trylock(vrm_ticket_t *lock)
{
	return vrm_arch_ticket_lse_selected() ? vrm__ticket_trylock_lse(lock)
					      : vrm__ticket_trylock_llsc(lock);
}
#elif VRM_ARCH_LSE
static inline bool vrm_arch_ticket_lse_selected(void) { return true; }
static inline void vrm_arch_ticket_lock(vrm_ticket_t *lock) { vrm_arch_ticket_lock_lse(lock); }
static inline void vrm_arch_ticket_unlock(vrm_ticket_t *lock) { vrm_arch_ticket_unlock_lse(lock); }
static inline bool vrm_arch_ticket_trylock(vrm_ticket_t *lock) { return vrm_arch_ticket_trylock_lse(lock); }
#else
static inline bool vrm_arch_ticket_lse_selected(void) { return false; }
static inline void vrm_arch_ticket_lock(vrm_ticket_t *lock) { vrm_arch_ticket_lock_llsc(lock); }
static inline void vrm_arch_ticket_unlock(vrm_ticket_t *lock) { vrm_arch_ticket_unlock_llsc(lock); }
static inline bool vrm_arch_ticket_trylock(vrm_ticket_t *lock) { return vrm_arch_ticket_trylock_llsc(lock); }
#endif

/*
 * The inline forms of <vrm/ticket.h> (unchecked builds). In a runtime
 * build the caller's code holds both flavours' asm blocks and branches on
 * the boot-time choice, as the library's dispatch does, but without the
 * calls; with one flavour compiled in they are that flavour's blocks.
 */
#if VRM_ARCH_ATOMICS_RUNTIME
static inline void vrm_arch_ticket_lock_inline(vrm_ticket_t *lock)
{
	if (vrm_arch_ticket_lse_selected())
		vrm_arch_ticket_lock_lse(lock);
	else
		vrm_arch_ticket_lock_llsc(lock);
}

static inline void vrm_arch_ticket_unlock_inline(vrm_ticket_t *lock)
{
	if (vrm_arch_ticket_lse_selected())
		vrm_arch_ticket_unlock_lse(lock);
	else
		vrm_arch_ticket_unlock_llsc(lock);
}

static inline bool vrm_arch_ticket_trylock_inline(vrm_ticket_t *lock)
{
	return vrm_arch_ticket_lse_selected() ? vrm_arch_ticket_trylock_lse(lock)
					      : vrm_arch_ticket_trylock_llsc(lock);
}
#else
static inline void vrm_arch_ticket_lock_inline(vrm_ticket_t *lock) { vrm_arch_ticket_lock(lock); }
static inline void vrm_arch_ticket_unlock_inline(vrm_ticket_t *lock) { vrm_arch_ticket_unlock(lock); }
static inline bool vrm_arch_ticket_trylock_inline(vrm_ticket_t *lock) { return vrm_arch_ticket_trylock(lock); }
#endif

#endif /* VRM_ARCH_AARCH64_TICKET_H */
