/* SPDX-License-Identifier: MIT */
/*
 * What a caller's code holds when it takes a vrm_ticket_t in an unchecked
 * build: <vrm/ticket.h>'s inline fast paths, compiled outside the library.
 * One noinline function per macro, so tests/tools/ticket_insns.py
 * (--prefix probe_ticket_) can check each inlined copy against the lists
 * of proofs/coq/arm/TicketInsns.v, as it checks the library's functions:
 * the inline path is covered by the same proofs only if it is the same
 * sequence.
 */
#include <vrm/ticket.h>

#if !VRM_TICKET_INLINE
#error "the probe is for unchecked builds, where <vrm/ticket.h> inlines the lock"
#endif

#define PROBE __attribute__((noinline))

PROBE void probe_ticket_lock(vrm_ticket_t *lock);
PROBE void probe_ticket_unlock(vrm_ticket_t *lock);
PROBE bool probe_ticket_trylock(vrm_ticket_t *lock);

PROBE void probe_ticket_lock(vrm_ticket_t *lock) { vrm_ticket_lock(lock); }
PROBE void probe_ticket_unlock(vrm_ticket_t *lock) { vrm_ticket_unlock(lock); }
PROBE bool probe_ticket_trylock(vrm_ticket_t *lock) { return vrm_ticket_trylock(lock); }
