/* SPDX-License-Identifier: MIT */
/*
 * The checker's tracked state (checked builds only): the DRF guard table,
 * the pending-invalidation table of Sequential-TLB-Invalidation, regimes
 * awaiting a flush, and per-CPU state (incomplete descriptor writes, event
 * history). One internal lock guards the shared tables; it is a plain
 * spinlock, not vrm_ticket, so taking it never re-enters the lock hooks.
 * Per-CPU state is touched only by its own CPU.
 */
#ifndef VRM_LIB_CHECK_STATE_H
#define VRM_LIB_CHECK_STATE_H

#include <vrm/check.h>
#include <vrm/env.h>

#define CHECK_RING 16 /* per CPU; >= VRM_CHECK_HISTORY */

struct check_guard {
	const void *obj;
	size_t size;
	const void *lock;
};

enum pending_state { PENDING_FREE = 0, PENDING_INVALIDATED, PENDING_TLBI_ISSUED };

/* An entry that was valid and is now broken: until a TLBI covering it and a
 * DSB ISH on a CPU that issued such a TLBI, some TLB may still hold its
 * translation. A TLBI covering part of a record splits it (the rest stays
 * pending); any issuing CPU's own DSB ISH completes its TLBI. */
struct check_pending {
	uint64_t addr, size;   /* input-address range the old entries covered */
	uint64_t esize;        /* size of each entry (a TLBI by address removes
				  whole entries: records split only at these) */
	vrm_pa_t pa;           /* output range [pa, pa + size) */
	uint16_t vmid;
	uint8_t el2;           /* EL2 stage-1 regime, else stage-2 of vmid */
	uint8_t state;         /* enum pending_state */
	uint64_t tlbi_cpus;    /* bit n: CPU n issued a covering TLBI */
};

/* A descriptor write this CPU has not completed with a DSB ISH/ISHST yet:
 * other CPUs' walkers may not see it (Arm ARM D8.2.5). Adjacent writes of
 * one regime under one lock share a record. */
struct check_dirty {
	const void *lock;      /* table lock it was written under (or NULL) */
	uint64_t addr, size;   /* input-address range of the entries written */
	uint16_t vmid;
	uint8_t el2;
	uint8_t local_done;    /* a DSB NSH(ST) completed it for this CPU's walks */
};

#define CHECK_DIRTY 8

/* A translation regime (a VMID's stage 2, or EL2) that had a valid entry
 * written since its last whole-regime flush completed (TLBI by VMID or
 * ALL, then a DSB ISH on an issuing CPU): TLBs may hold any of its
 * translations, so its tables may not be freed yet (regime.c). */
struct check_regime {
	uint16_t vmid;
	uint8_t el2;
	uint8_t used;
	uint64_t flush_cpus;   /* CPUs that issued a whole-regime TLBI since */
};

#define CHECK_REGIMES 64

/* Per CPU, written only by that CPU: its incomplete descriptor writes and
 * its last events (a report carries the offending CPU's own history).
 * Owning them per CPU lets the lock hooks run without the checker lock. */
struct check_cpu {
	struct check_dirty dirty[CHECK_DIRTY];
	uint32_t ndirty;
	uint32_t seq;                          /* events this CPU logged */
	uint32_t last_regime;                  /* regimes[] slot it used last */
	const void *prefilled;                 /* a split's table, about to be linked */
	struct vrm_check_event ring[CHECK_RING];
};

struct check_state {
	uint32_t lock_word;
	uint32_t lock_owner;       /* cpu + 1 */
	uint32_t lock_depth;       /* re-entries by the owner */
	struct check_guard *guards;
	size_t nguards;
	struct check_pending *pending;
	size_t npending;
	size_t nlive;              /* pending[0, nlive) are in use: loops stop there */
	struct check_cpu cpu[VRM_MAX_CPUS];
	struct check_regime regimes[CHECK_REGIMES]; /* used ones: mapped, not flushed */
	uint64_t untracked;        /* pending entries dropped: table full */
	vrm_check_owner_fn owner_query;
	void *owner_ctx;
};

extern struct check_state vrm_check_state;

void check_lock(void);
void check_unlock(void);
/* Append an event to this CPU's history (no lock needed: only this CPU
 * writes or reads it). */
void check_event(uint8_t kind, uint16_t aux, uint64_t a, uint64_t b, uint64_t c);
/* Report with history; caller holds the checker lock. */
void check_violation_locked(enum vrm_cond cond, const char *rule, uint64_t addr, uint64_t addr2);
uint32_t check_cpu_id(void);

/* lib/check/dirty.c: this CPU's incomplete descriptor writes. */
void dirty_add(struct check_cpu *c, const struct vrm_check_table *t, uint64_t addr,
	       uint64_t size);
/* Complete them: for every CPU's walks (ISH/ISHST) or only this CPU's (NSH). */
void dirty_complete(struct check_cpu *c, bool all_cpus);
bool dirty_under_lock(const struct check_cpu *c, const void *lock);
/* Any write the TLBI covers still incomplete for the CPUs it reaches? */
bool dirty_covered(const struct check_cpu *c, enum vrm_check_tlbi_kind kind, uint16_t vmid,
		   uint64_t addr, uint64_t size, bool local);
/* lib/check/regime.c: regimes mapped since their last whole flush. */
void regime_mapped(const struct vrm_check_table *t);
void regime_tlbi(enum vrm_check_tlbi_kind kind, uint16_t vmid, uint32_t cpu);
void regime_dsb_ish(uint32_t cpu);
bool regime_needs_flush(const struct vrm_check_table *t);
/* lib/check/rules_pte.c */
void pending_open(const struct vrm_check_table *t, uint64_t old, uint32_t level, uint64_t addr);
/* Does a TLBI of this kind reach entries of this regime in [addr, addr+size)? */
bool tlbi_reaches(enum vrm_check_tlbi_kind kind, uint16_t tvmid, uint64_t taddr,
		  uint64_t tsize, bool el2, uint16_t vmid, uint64_t addr, uint64_t size);

/* Architecture-defined descriptor bits shared by stage-1 and stage-2. */
#define DESC_VALID 1ull
#define DESC_TABLE 2ull            /* levels 0-2: table; level 3: page */
#define DESC_OA_MASK 0x0000fffffffff000ull
/* An invalid entry's owner annotation, bits [17:2] (vrm/pgtable.h's
 * VRM_PGT_ANNOT_MASK; the checker does not include the page tables). */
#define DESC_ANNOT_MASK (0xffffull << 2)

static inline uint64_t level_size(uint32_t level)
{
	return level > 3 ? 0 : UINT64_C(1) << (12 + 9 * (3 - level));
}

#endif
