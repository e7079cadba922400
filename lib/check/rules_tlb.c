/* SPDX-License-Identifier: MIT */
/*
 * Sequential-TLB-Invalidation: a broken entry stays "pending" until a
 * broadcast TLBI covering it, then a DSB ISH on the CPU that issued the
 * TLBI (Arm ARM D8.13: TLB maintenance completes only at a DSB); the page
 * it mapped may not be reused or handed over before that. Also: a TLBI
 * must follow a DSB that completed this CPU's descriptor writes, or the
 * walk it races with can refill the old entry.
 */
#include "state.h"

/* A TLBI by address removes every entry that translates an address in its
 * range, whatever the entry's size (a block included), so overlap suffices. */
static bool overlaps(const struct check_pending *p, uint64_t addr, uint64_t size)
{
	return size == 0 || (p->addr < addr + size && addr < p->addr + p->size);
}

static bool tlbi_covers(const struct check_pending *p, enum vrm_check_tlbi_kind kind,
			uint16_t vmid, uint64_t addr, uint64_t size)
{
	switch (kind) {
	case VRM_TLBI_S2_IPA:
		return !p->el2 && p->vmid == vmid && overlaps(p, addr, size);
	case VRM_TLBI_VMID:
		return !p->el2 && p->vmid == vmid;
	case VRM_TLBI_ALL_EL1:
		return !p->el2;
	case VRM_TLBI_EL2_VA:
		return p->el2 && overlaps(p, addr, size);
	case VRM_TLBI_ALL_EL2:
		return p->el2;
	}
	return false;
}

void vrm_check_tlbi(enum vrm_check_tlbi_kind kind, uint16_t vmid, uint64_t addr,
		    uint64_t size, bool local)
{
	struct check_state *s = &vrm_check_state;
	uint32_t cpu;

	check_lock();
	cpu = check_cpu_id();
	check_event(VRM_EV_TLBI, (uint16_t)kind, addr, size, vmid);
	if (s->cpu[cpu].pte_dirty)
		check_violation_locked(VRM_COND_SEQUENTIAL_TLB_INVALIDATION,
				       "TLBI issued before a DSB completed the descriptor write",
				       addr, vmid);
	/* A local TLBI leaves the other CPUs' TLBs: it closes nothing on SMP. */
	for (size_t i = 0; !local && i < s->nlive; i++) {
		struct check_pending *p = &s->pending[i];

		if (tlbi_covers(p, kind, vmid, addr, size)) {
			p->state = PENDING_TLBI_ISSUED;
			p->tlbi_cpu = cpu;
		}
	}
	check_unlock();
}

void vrm_check_dsb(int scope)
{
	struct check_state *s = &vrm_check_state;
	uint32_t cpu;

	check_lock();
	cpu = check_cpu_id();
	check_event(VRM_EV_DSB, 0, (uint64_t)scope, 0, 0);
	s->cpu[cpu].pte_dirty = false;
	s->cpu[cpu].dirty_lock = NULL;
	/* Only a DSB that waits for everything (ISH) completes broadcast TLBI;
	 * a completed entry leaves by swapping in the last live one. */
	for (size_t i = 0; scope == 1 && i < s->nlive;) {
		struct check_pending *p = &s->pending[i];

		if (p->state == PENDING_TLBI_ISSUED && p->tlbi_cpu == cpu)
			*p = s->pending[--s->nlive];
		else
			i++;
	}
	check_unlock();
}

void vrm_check_isb(void)
{
	check_lock();
	check_event(VRM_EV_ISB, 0, 0, 0, 0);
	check_unlock();
}

static void reuse_locked(vrm_pa_t pa)
{
	struct check_state *s = &vrm_check_state;

	for (size_t i = 0; i < s->nlive; i++) {
		struct check_pending *p = &s->pending[i];

		if (pa >= p->pa && pa - p->pa < p->size) {
			check_violation_locked(VRM_COND_SEQUENTIAL_TLB_INVALIDATION,
					       p->state == PENDING_INVALIDATED
						       ? "page reused after valid->invalid but before a TLBI"
						       : "page reused after TLBI but before DSB ISH completed it",
					       pa, p->addr);
			return;
		}
	}
}

void vrm_check_page_reuse(vrm_pa_t pa)
{
	check_lock();
	check_event(VRM_EV_PAGE_REUSE, 0, pa, 0, 0);
	reuse_locked(pa);
	check_unlock();
}

void vrm_check_owner_change(vrm_pa_t pa, uint32_t from, uint32_t to)
{
	check_lock();
	check_event(VRM_EV_OWNER, 0, pa, from, to);
	reuse_locked(pa);
	check_unlock();
}

void vrm_check_page_scrubbed(vrm_pa_t pa, const void *va)
{
	const uint64_t *w = va;

	check_lock();
	for (size_t i = 0; i < VRM_PAGE_SIZE / sizeof(*w); i++) {
		if (w[i]) {
			check_violation_locked(VRM_COND_MEMORY_ISOLATION,
					       "reclaimed page handed over unscrubbed", pa, i * sizeof(*w));
			break;
		}
	}
	check_unlock();
}
