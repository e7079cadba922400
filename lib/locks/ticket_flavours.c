/* SPDX-License-Identifier: MIT */
/*
 * -Datomics=runtime on aarch64: both flavours of the lock's fast paths, out
 * of line, one function per list of proofs/coq/arm/TicketInsns.v
 * (lse_lock ... llsc_trylock), so tests/tools/ticket_insns.py can check
 * each against its list; vrm_ticket_lock() & co. only dispatch to them.
 * noinline: even with LTO each stays one function with one sequence.
 */
#include <vrm/arch/aarch64/ticket.h>

#define FLAVOUR __attribute__((noinline))

FLAVOUR void vrm__ticket_lock_lse(vrm_ticket_t *lock) { vrm_arch_ticket_lock_lse(lock); }
FLAVOUR void vrm__ticket_lock_llsc(vrm_ticket_t *lock) { vrm_arch_ticket_lock_llsc(lock); }
FLAVOUR void vrm__ticket_unlock_lse(vrm_ticket_t *lock) { vrm_arch_ticket_unlock_lse(lock); }
FLAVOUR void vrm__ticket_unlock_llsc(vrm_ticket_t *lock) { vrm_arch_ticket_unlock_llsc(lock); }
FLAVOUR bool vrm__ticket_trylock_lse(vrm_ticket_t *lock) { return vrm_arch_ticket_trylock_lse(lock); }
FLAVOUR bool vrm__ticket_trylock_llsc(vrm_ticket_t *lock) { return vrm_arch_ticket_trylock_llsc(lock); }
