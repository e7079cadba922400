/* SPDX-License-Identifier: MIT */
/*
 * Which translation regimes may still have translations in some TLB with
 * no pending record to say so: a valid entry was written and no
 * whole-regime flush (TLBI VMALLS12E1IS / VMALLE1IS / ALLE2IS, then a DSB
 * ISH on an issuing CPU) has completed since. Freeing such a regime's
 * tables (vrm_pgt_destroy), or dropping its still-valid entries with them,
 * leaves TLBs and walk caches pointing at pages that may be reused
 * (Sequential-TLB-Invalidation). Bounded: CHECK_REGIMES at once; a regime
 * that finds no slot is counted untracked and then looks flushed (a miss,
 * never a false report). Stage 2 only (the EL2 regime is not followed).
 */
#include "state.h"

static bool is_el2(const struct vrm_check_table *t)
{
	return t->el2 || t->kernel;
}

static bool regime_is(const struct check_regime *r, const struct vrm_check_table *t)
{
	return r->used && r->el2 == is_el2(t) && (r->el2 || r->vmid == t->vmid);
}

static struct check_regime *regime_find(const struct vrm_check_table *t)
{
	struct check_state *s = &vrm_check_state;
	uint32_t *last = &s->cpu[check_cpu_id()].last_regime;

	/* A run of writes to one table: the slot of the last one, first. */
	if (regime_is(&s->regimes[*last % CHECK_REGIMES], t))
		return &s->regimes[*last % CHECK_REGIMES];
	for (size_t i = 0; i < CHECK_REGIMES; i++) {
		if (regime_is(&s->regimes[i], t)) {
			*last = (uint32_t)i;
			return &s->regimes[i];
		}
	}
	return NULL;
}

void regime_mapped(const struct vrm_check_table *t)
{
	struct check_state *s = &vrm_check_state;
	struct check_regime *r;

	/* Stage-2 regimes only: libvrm has no whole-EL2 flush sequence, and
	 * the EL2 regime is shared by every EL2 table (not checked here). */
	if (is_el2(t))
		return;
	r = regime_find(t);
	if (r && !r->flush_cpus)
		return; /* already awaiting a flush: nothing changes */
	for (size_t i = 0; !r && i < CHECK_REGIMES; i++)
		if (!s->regimes[i].used)
			r = &s->regimes[i];
	if (!r) {
		s->untracked++;
		return;
	}
	*r = (struct check_regime){ .vmid = t->vmid, .el2 = is_el2(t), .used = 1 };
}

void regime_tlbi(enum vrm_check_tlbi_kind kind, uint16_t vmid, uint32_t cpu)
{
	struct check_state *s = &vrm_check_state;

	for (size_t i = 0; i < CHECK_REGIMES; i++) {
		struct check_regime *r = &s->regimes[i];
		bool whole = (kind == VRM_TLBI_VMID && !r->el2 && r->vmid == vmid) ||
			     (kind == VRM_TLBI_ALL_EL1 && !r->el2) ||
			     (kind == VRM_TLBI_ALL_EL2 && r->el2);

		if (r->used && whole)
			r->flush_cpus |= UINT64_C(1) << cpu;
	}
}

void regime_dsb_ish(uint32_t cpu)
{
	struct check_state *s = &vrm_check_state;

	for (size_t i = 0; i < CHECK_REGIMES; i++)
		if (s->regimes[i].used && (s->regimes[i].flush_cpus & (UINT64_C(1) << cpu)))
			s->regimes[i] = (struct check_regime){ 0 };
}

bool regime_needs_flush(const struct vrm_check_table *t)
{
	return regime_find(t) != NULL;
}

void vrm_check_entry_dropped(const struct vrm_check_table *t, uint64_t old, uint32_t level,
			     uint64_t addr)
{
	check_lock();
	/* Its table is going away with the entry still valid: unless the
	 * regime was flushed since, its translation may sit in a TLB until
	 * one, as if it had been broken (valid -> invalid) just now. */
	if ((old & DESC_VALID) && regime_needs_flush(t))
		pending_open(t, old, level, addr);
	check_unlock();
}

void vrm_check_table_freed(const struct vrm_check_table *t, vrm_pa_t table)
{
	check_lock();
	check_event(VRM_EV_PAGE_REUSE, 1, table, 0, 0);
	if (regime_needs_flush(t))
		check_violation_locked(VRM_COND_SEQUENTIAL_TLB_INVALIDATION,
				       "table page freed before its regime's TLBI and DSB completed",
				       table, t->vmid);
	check_unlock();
}
