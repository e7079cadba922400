/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU record of descriptor writes that no DSB has completed yet. Two
 * rules read it: a table lock released with a write under it incomplete
 * (No-Barrier-Misuse), and a TLBI issued over an entry whose write is
 * incomplete, since a walk racing the TLBI may refill the old entry
 * (Sequential-TLB-Invalidation). Only the writes the lock or the TLBI
 * concerns count: an unrelated incomplete write makes neither a violation.
 * A DSB's scope matters: ISH/ISHST complete a write for every CPU's walks;
 * NSH/NSHST only for this CPU's, which is enough before a local TLBI and
 * for nothing else.
 */
#include "state.h"

static bool same_table(const struct check_dirty *d, const struct vrm_check_table *t)
{
	bool el2 = t->el2 || t->kernel;

	return d->lock == t->lock && d->el2 == el2 && (el2 || d->vmid == t->vmid);
}

void dirty_add(struct check_cpu *c, const struct vrm_check_table *t, uint64_t addr,
	       uint64_t size)
{
	struct check_dirty *d;

	for (uint32_t i = 0; i < c->ndirty; i++) {
		d = &c->dirty[i];
		/* A run of writes grows one record (or rewrites inside it). */
		if (same_table(d, t) && addr <= d->addr + d->size && d->addr <= addr + size) {
			uint64_t end = addr + size > d->addr + d->size ? addr + size : d->addr + d->size;

			d->addr = addr < d->addr ? addr : d->addr;
			d->size = end - d->addr;
			d->local_done = 0;
			return;
		}
	}
	if (c->ndirty == CHECK_DIRTY) {
		/* Full: widen the last record to cover this write too. That can
		 * only over-state what is incomplete (a report, never a miss). */
		d = &c->dirty[CHECK_DIRTY - 1];
		if (same_table(d, t)) {
			uint64_t end = addr + size > d->addr + d->size ? addr + size : d->addr + d->size;

			d->addr = addr < d->addr ? addr : d->addr;
			d->size = end - d->addr;
			d->local_done = 0;
			return;
		}
		vrm_check_state.untracked++;
		return;
	}
	c->dirty[c->ndirty++] = (struct check_dirty){
		.lock = t->lock, .addr = addr, .size = size, .vmid = t->vmid,
		.el2 = t->el2 || t->kernel,
	};
}

void dirty_complete(struct check_cpu *c, bool all_cpus)
{
	if (all_cpus) {
		c->ndirty = 0;
		return;
	}
	for (uint32_t i = 0; i < c->ndirty; i++)
		c->dirty[i].local_done = 1;
}

bool dirty_under_lock(const struct check_cpu *c, const void *lock)
{
	for (uint32_t i = 0; i < c->ndirty; i++)
		if (c->dirty[i].lock == lock)
			return true;
	return false;
}

bool dirty_covered(const struct check_cpu *c, enum vrm_check_tlbi_kind kind, uint16_t vmid,
		   uint64_t addr, uint64_t size, bool local)
{
	for (uint32_t i = 0; i < c->ndirty; i++) {
		const struct check_dirty *d = &c->dirty[i];

		if (local && d->local_done)
			continue; /* this CPU's walker sees it: enough for a local TLBI */
		if (tlbi_reaches(kind, vmid, addr, size, d->el2, d->vmid, d->addr, d->size))
			return true;
	}
	return false;
}
