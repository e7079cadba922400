/* SPDX-License-Identifier: MIT */
/*
 * Sequential-TLB-Invalidation: a broken entry stays "pending" until a
 * broadcast TLBI covering it, then a DSB ISH on the CPU that issued the
 * TLBI (Arm ARM D8.13: TLB maintenance completes only at a DSB); the page
 * it mapped may not be reused or handed over before that. Also: a TLBI
 * must follow a DSB that completed this CPU's write of the entry it
 * removes, or the walk it races with can refill the old entry (dirty.c).
 */
#include "state.h"

/* A TLBI by address removes every entry that translates an address in its
 * range, whatever the entry's size (a block included), so overlap suffices. */
static bool overlaps(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + asize;
}

bool tlbi_reaches(enum vrm_check_tlbi_kind kind, uint16_t tvmid, uint64_t taddr,
		  uint64_t tsize, bool el2, uint16_t vmid, uint64_t addr, uint64_t size)
{
	switch (kind) {
	case VRM_TLBI_S2_IPA:
		return !el2 && vmid == tvmid && (tsize == 0 || overlaps(taddr, tsize, addr, size));
	case VRM_TLBI_VMID:
		return !el2 && vmid == tvmid;
	case VRM_TLBI_ALL_EL1:
		return !el2;
	case VRM_TLBI_EL2_VA:
		return el2 && (tsize == 0 || overlaps(taddr, tsize, addr, size));
	case VRM_TLBI_ALL_EL2:
		return el2;
	}
	return false;
}

/* Keep [addr, addr + size) of p as its own record (same state, same issuing
 * CPUs), so that only the part a TLBI covered moves on. No room: the part
 * goes unchecked (counted), never reported as a violation of the caller. */
static void pending_keep_part(const struct check_pending *p, uint64_t addr, uint64_t size)
{
	struct check_state *s = &vrm_check_state;

	if (size == 0)
		return;
	if (s->nlive == s->npending) {
		s->untracked++;
		return;
	}
	s->pending[s->nlive] = *p;
	s->pending[s->nlive].addr = addr;
	s->pending[s->nlive].size = size;
	s->pending[s->nlive].pa = p->pa + (addr - p->addr);
	s->nlive++;
}

/* A covering TLBI from `cpu` over [addr, addr + size) (size 0: the whole
 * regime). An address TLBI that covers a record's entries only in part
 * splits it: a range flush one page short leaves that page pending. */
static void pending_tlbi(struct check_pending *p, uint32_t cpu, enum vrm_check_tlbi_kind kind,
			 uint64_t addr, uint64_t size)
{
	bool by_addr = (kind == VRM_TLBI_S2_IPA || kind == VRM_TLBI_EL2_VA) && size != 0;

	if (by_addr && (p->addr < addr || p->addr + p->size > addr + size)) {
		/* Whole entries: any address of an entry removes all of it. */
		uint64_t lo = p->addr > addr ? p->addr : addr & ~(p->esize - 1);
		uint64_t end = addr + size + p->esize - 1;
		uint64_t hi = end & ~(p->esize - 1);
		struct check_pending whole = *p;

		if (hi > p->addr + p->size)
			hi = p->addr + p->size;
		pending_keep_part(&whole, whole.addr, lo - whole.addr);
		pending_keep_part(&whole, hi, whole.addr + whole.size - hi);
		p->pa += lo - p->addr;
		p->addr = lo;
		p->size = hi - lo;
	}
	p->state = PENDING_TLBI_ISSUED;
	p->tlbi_cpus |= UINT64_C(1) << cpu;
}

void vrm_check_tlbi(enum vrm_check_tlbi_kind kind, uint16_t vmid, uint64_t addr,
		    uint64_t size, bool local)
{
	vrm_check_tlbi_hint(kind, vmid, addr, size, local, -1);
}

void vrm_check_tlbi_hint(enum vrm_check_tlbi_kind kind, uint16_t vmid, uint64_t addr,
			 uint64_t size, bool local, int level)
{
	bool by_addr = kind == VRM_TLBI_S2_IPA || kind == VRM_TLBI_EL2_VA;
	struct check_state *s = &vrm_check_state;
	uint32_t cpu;
	size_t live;

	check_lock();
	cpu = check_cpu_id();
	check_event(VRM_EV_TLBI, (uint16_t)kind, addr, size, vmid);
	if (dirty_covered(&s->cpu[cpu], kind, vmid, addr, size, local))
		check_violation_locked(VRM_COND_SEQUENTIAL_TLB_INVALIDATION,
				       "TLBI issued before a DSB completed the descriptor write",
				       addr, vmid);
	if (!local)
		regime_tlbi(kind, vmid, cpu);
	/* A local TLBI leaves the other CPUs' TLBs: it closes nothing on SMP.
	 * Records split off below are appended past `live`: already decided. */
	live = s->nlive;
	for (size_t i = 0; !local && i < live; i++) {
		struct check_pending *p = &s->pending[i];

		/* A level hint that is not the entry's level may leave it. */
		if (by_addr && level >= 0 && p->esize != level_size((uint32_t)level))
			continue;
		if (tlbi_reaches(kind, vmid, addr, size, p->el2, p->vmid, p->addr, p->size))
			pending_tlbi(p, cpu, kind, addr, size);
	}
	check_unlock();
}

void vrm_check_dsb(int scope)
{
	struct check_state *s = &vrm_check_state;
	uint32_t cpu;
	uint64_t me;

	check_lock();
	cpu = check_cpu_id();
	me = UINT64_C(1) << cpu;
	check_event(VRM_EV_DSB, 0, (uint64_t)scope, 0, 0);
	/* Inner Shareable DSBs complete this CPU's descriptor writes for every
	 * walker; non-shareable ones only for this CPU's own. */
	dirty_complete(&s->cpu[cpu],
		       scope == VRM_CHECK_DSB_ISH || scope == VRM_CHECK_DSB_ISHST);
	/* Only a DSB that waits for everything (ISH) completes a broadcast
	 * TLBI, and only on a CPU that issued one covering the entry; a
	 * completed entry leaves by swapping in the last live one. */
	if (scope == VRM_CHECK_DSB_ISH)
		regime_dsb_ish(cpu);
	for (size_t i = 0; scope == VRM_CHECK_DSB_ISH && i < s->nlive;) {
		struct check_pending *p = &s->pending[i];

		if (p->state == PENDING_TLBI_ISSUED && (p->tlbi_cpus & me))
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
