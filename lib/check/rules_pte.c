/* SPDX-License-Identifier: MIT */
/*
 * Descriptor-write rules: Write-Once-Kernel-Mapping, Transactional-Page-
 * Table (break-before-make, zeroed tables, writes under the table lock,
 * invalid entries holding nothing but an owner annotation) and
 * Memory-Isolation (a stage-2 maps only what its principal owns or borrows).
 * A valid -> invalid write opens a pending invalidation that rules_tlb.c
 * closes at TLBI + DSB ISH.
 */
#include <vrm/ticket.h>

#include "state.h"

static bool is_valid(uint64_t d)
{
	return d & DESC_VALID;
}

static bool is_table(uint64_t d, uint32_t level)
{
	return level < 3 && (d & DESC_TABLE);
}

/* Bits whose change needs break-before-make even at the same output
 * address (Arm ARM D8.14.1): memory type (stage-1 AttrIndx and NS, stage-2
 * MemAttr: bits [5:2]), shareability [9:8], nG [11] and Contiguous [52].
 * Permissions (AP/S2AP, XN/PXN), AF and DBM may change in place. */
#define DESC_BBM_ATTRS ((0xfull << 2) | (3ull << 8) | (1ull << 11) | (1ull << 52))

/* Same output address, same kind of entry, same memory type and
 * shareability: a change software may write over the live entry. */
static bool same_translation(uint64_t a, uint64_t b, uint32_t level)
{
	return (a & DESC_OA_MASK) == (b & DESC_OA_MASK) && is_table(a, level) == is_table(b, level) &&
	       (is_table(a, level) || ((a ^ b) & DESC_BBM_ATTRS) == 0);
}

static bool is_el2(const struct vrm_check_table *t)
{
	return t->el2 || t->kernel;
}

static bool same_regime(const struct check_pending *p, const struct vrm_check_table *t)
{
	return p->el2 == is_el2(t) && (is_el2(t) || p->vmid == t->vmid);
}

static struct check_pending *pending_find(const struct vrm_check_table *t, uint64_t addr,
					  uint64_t size)
{
	struct check_state *s = &vrm_check_state;

	for (size_t i = 0; i < s->nlive; i++) {
		struct check_pending *p = &s->pending[i];

		if (!same_regime(p, t))
			continue;
		if (addr < p->addr + p->size && p->addr < addr + size)
			return p;
	}
	return NULL;
}

void pending_open(const struct vrm_check_table *t, uint64_t old, uint32_t level, uint64_t addr)
{
	struct check_state *s = &vrm_check_state;
	uint64_t size = level_size(level);
	uint64_t base = addr & ~(size - 1), pa = old & DESC_OA_MASK;

	for (size_t i = 0; i < s->nlive; i++) {
		struct check_pending *p = &s->pending[i];

		/* An unmap of a run breaks contiguous entries one by one:
		 * grow the neighbour rather than take a slot per page. */
		if (p->state == PENDING_INVALIDATED && same_regime(p, t) && p->esize == size &&
		    p->addr + p->size == base && p->pa + p->size == pa) {
			p->size += size;
			return;
		}
	}
	if (s->nlive < s->npending) {
		s->pending[s->nlive++] = (struct check_pending){
			.addr = base, .size = size, .esize = size, .pa = pa,
			.vmid = t->vmid, .el2 = is_el2(t), .state = PENDING_INVALIDATED,
		};
		return;
	}
	/* Full: this entry goes unchecked; counted, not called a violation
	 * of the caller (vrm_check_init() gives the checker more room). */
	s->untracked++;
}

static void check_isolation(const struct vrm_check_table *t, uint64_t desc, uint32_t level)
{
	struct check_state *s = &vrm_check_state;
	vrm_pa_t pa = desc & DESC_OA_MASK;
	uint64_t size = level_size(level);

	if (!s->owner_query || t->kernel || t->principal == 0 || is_table(desc, level))
		return;
	for (uint64_t off = 0; off < size; off += VRM_PAGE_SIZE) {
		bool is_hyp = false;
		bool ok = s->owner_query(s->owner_ctx, pa + off, t->principal, &is_hyp);

		if (is_hyp) {
			check_violation_locked(VRM_COND_MEMORY_ISOLATION,
					       "hyp page mapped in a host/VM stage-2", pa + off, t->principal);
			return;
		}
		if (!ok) {
			check_violation_locked(VRM_COND_MEMORY_ISOLATION,
					       "page mapped for a principal that neither owns nor borrows it",
					       pa + off, t->principal);
			return;
		}
	}
}

/* Transactional-Page-Table: a new table descriptor must point at a table
 * of invalid entries (zeroed, then published), unless it is the table a
 * split just filled. Checked at the link itself, so a table linked without
 * any publish (zero check) is caught too. */
static void check_link(const struct vrm_check_table *t, uint64_t desc, uintptr_t where)
{
	struct check_cpu *c = &vrm_check_state.cpu[check_cpu_id()];
	const uint64_t *table;

	if (!t->phys_to_virt)
		return;
	table = t->phys_to_virt(t->mm_ctx, desc & DESC_OA_MASK);
	if (table == c->prefilled) {
		c->prefilled = NULL;
		return;
	}
	for (unsigned int i = 0; i < 512; i++) {
		if (table[i] & DESC_VALID) {
			check_violation_locked(VRM_COND_TRANSACTIONAL_PAGE_TABLE,
					       "table linked with valid entries (not zeroed and published)",
					       where, (uintptr_t)table);
			return;
		}
	}
}

void vrm_check_table_prefilled(const struct vrm_check_table *t, const uint64_t *table)
{
	(void)t;
	check_lock();
	vrm_check_state.cpu[check_cpu_id()].prefilled = table;
	check_unlock();
}

void vrm_check_pte_write(const struct vrm_check_table *t, const volatile uint64_t *ptep,
			 uint64_t old, uint64_t new_desc, uint32_t level, uint64_t addr)
{
	struct check_cpu *c;
	uint64_t size = level_size(level);
	uintptr_t where = (uintptr_t)ptep;

	check_lock();
	c = &vrm_check_state.cpu[check_cpu_id()];
	check_event(VRM_EV_PTE_WRITE, (uint16_t)level, where, old, new_desc);
	dirty_add(c, t, addr & ~(size - 1), size);

	if (t->lock && !vrm_ticket_held_by_me(t->lock))
		check_violation_locked(VRM_COND_TRANSACTIONAL_PAGE_TABLE,
				       "descriptor written without the table's lock held by this CPU",
				       where, addr);

	/* An invalid entry holds 0 or an owner annotation, nothing else
	 * (vrm/pgtable.h). An output address left behind by clearing bit 0
	 * alone would read as an owner (bits [17:12] of it lie in the owner
	 * field: vrm_pgt_lookup_owner, a fault handler telling "donated"
	 * from "never mapped") and marks a half-done unmap. */
	if (!is_valid(new_desc) && (new_desc & ~DESC_ANNOT_MASK))
		check_violation_locked(VRM_COND_TRANSACTIONAL_PAGE_TABLE,
				       "invalid entry written with bits outside the owner annotation",
				       where, addr);

	if (t->kernel && is_valid(old) && old != new_desc) {
		check_violation_locked(VRM_COND_WRITE_ONCE_KERNEL_MAPPING,
				       "valid entry of a kernel table changed", where, addr);
	} else if (is_valid(old) && is_valid(new_desc) && !same_translation(old, new_desc, level)) {
		check_violation_locked(VRM_COND_TRANSACTIONAL_PAGE_TABLE,
				       "valid entry replaced without break-before-make", where, addr);
	}

	if (is_valid(old) && !is_valid(new_desc))
		pending_open(t, old, level, addr);
	if (is_valid(new_desc))
		regime_mapped(t);
	if (!is_valid(old) && is_valid(new_desc)) {
		if (pending_find(t, addr & ~(size - 1), size))
			check_violation_locked(VRM_COND_TRANSACTIONAL_PAGE_TABLE,
					       "new entry written before the broken entry's TLBI and DSB completed",
					       where, addr);
		if (is_table(new_desc, level))
			check_link(t, new_desc, where);
		check_isolation(t, new_desc, level);
	}
	check_unlock();
}

void vrm_check_pte_run(const struct vrm_check_table *t, const volatile uint64_t *ptep,
		       uint64_t n, uint64_t first_desc, uint32_t level, uint64_t addr)
{
	uint64_t size = level_size(level), base = addr & ~(size - 1);
	uintptr_t where = (uintptr_t)ptep;

	if (n == 0)
		return;
	check_lock();
	check_event(VRM_EV_PTE_WRITE, (uint16_t)level, where, 0, first_desc);
	dirty_add(&vrm_check_state.cpu[check_cpu_id()], t, base, n * size);
	if (t->lock && !vrm_ticket_held_by_me(t->lock))
		check_violation_locked(VRM_COND_TRANSACTIONAL_PAGE_TABLE,
				       "descriptor written without the table's lock held by this CPU",
				       where, addr);
	/* invalid -> valid only: no write-once or BBM case can arise */
	if (is_valid(first_desc)) {
		regime_mapped(t);
		if (pending_find(t, base, n * size))
			check_violation_locked(VRM_COND_TRANSACTIONAL_PAGE_TABLE,
					       "new entry written before the broken entry's TLBI and DSB completed",
					       where, addr);
		for (uint64_t i = 0; i < n; i++)
			check_isolation(t, first_desc + i * size, level);
	}
	check_unlock();
}

void vrm_check_table_publish(const struct vrm_check_table *t, const uint64_t *table)
{
	(void)t;
	check_lock();
	check_event(VRM_EV_TABLE_PUBLISH, 0, (uintptr_t)table, 0, 0);
	for (unsigned int i = 0; i < 512; i++) {
		if (table[i]) {
			check_violation_locked(VRM_COND_TRANSACTIONAL_PAGE_TABLE,
					       "table published before it was zeroed",
					       (uintptr_t)table, i);
			break;
		}
	}
	check_unlock();
}
