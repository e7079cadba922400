/* SPDX-License-Identifier: MIT */
/*
 * VMID allocator (include/vrm/vmid.h): KVM's arch/arm64/kvm/vmid.c on
 * caller memory. Who touches what:
 *   vm->id          written under a->lock, read lock-free (fast path);
 *   cpus[c].active  swapped by CPU c itself (fast path, put) and, under the
 *                   lock, by get's slow path on c and by any rollover;
 *   cpus[c].reserved, map, next: under a->lock only;
 *   generation      written under a->lock, read lock-free.
 * The fast path's one subtle step: a rollover xchg()s every active slot to
 * 0 after advancing the generation. A get that read a non-zero active and
 * a valid word then cmpxchg()es the slot: either it wins before the
 * rollover's xchg, which then reads the word and reserves its VMID for the
 * new generation, or it finds 0 and takes the lock (KVM's comment on
 * kvm_arm_vmid_update). Only the lock path stores into a slot that is 0,
 * so once a rollover zeroed it this CPU re-reads the generation under the
 * lock before it runs anything again.
 */
#include <vrm/env.h>
#include <vrm/tlb.h>
#include <vrm/vmid.h>

/* put's marker: non-zero, so the next get may take the fast path; VMID 0,
 * so a rollover that finds it reserves only the host's VMID (KVM's
 * VMID_ACTIVE_INVALID). */
#define ACTIVE_INVALID(a) ((uint64_t)1 << (a)->bits)

static uint64_t vmid_mask(const struct vrm_vmid_alloc *a)
{
	return ((uint64_t)1 << a->bits) - 1;
}

static uint32_t nr_vmids(const struct vrm_vmid_alloc *a)
{
	return (uint32_t)1 << a->bits;
}

static bool gen_match(const struct vrm_vmid_alloc *a, uint64_t id)
{
	return (id & ~vmid_mask(a)) == __atomic_load_n(&a->generation, __ATOMIC_ACQUIRE);
}

static bool test_and_set(uint64_t *map, uint32_t v)
{
	uint64_t bit = (uint64_t)1 << (v % 64);
	bool was = (map[v / 64] & bit) != 0;

	map[v / 64] |= bit;
	return was;
}

/* First clear bit at or after `from`, or nr_vmids. */
static uint32_t find_zero(const struct vrm_vmid_alloc *a, uint32_t from)
{
	uint32_t n = nr_vmids(a);

	for (uint32_t v = from; v < n;) {
		uint64_t w = ~a->map[v / 64] >> (v % 64);

		if (w) {
			v += (uint32_t)__builtin_ctzll(w);
			return v < n ? v : n;
		}
		v = (v / 64 + 1) * 64;
	}
	return n;
}

int vrm_vmid_init(struct vrm_vmid_alloc *a, uint32_t bits, uint64_t *map, size_t map_words,
		  struct vrm_vmid_cpu *cpus, uint32_t ncpus)
{
	if (!a || !map || !cpus)
		return -VRM_EINVAL;
	if (bits < VRM_VMID_BITS_MIN || bits > VRM_VMID_BITS_MAX || bits > VRM_TLB_VMID_BITS)
		return -VRM_EINVAL;
	if (ncpus == 0 || ncpus > VRM_MAX_CPUS || ((uint32_t)1 << bits) < ncpus + 2)
		return -VRM_EINVAL;
	if (map_words < VRM_VMID_MAP_WORDS(bits))
		return -VRM_EINVAL;
	vrm_ticket_init(&a->lock);
	a->bits = bits;
	a->ncpus = ncpus;
	a->next = 1;
	a->generation = (uint64_t)1 << bits;
	a->rollovers = 0;
	a->map = map;
	a->cpus = cpus;
	for (size_t i = 0; i < VRM_VMID_MAP_WORDS(bits); i++)
		map[i] = 0;
	map[0] = 1; /* VMID 0: the host's */
	for (uint32_t c = 0; c < ncpus; c++)
		cpus[c] = (struct vrm_vmid_cpu){ 0, 0 };
	return 0;
}

/* Under the lock, no free bit: a new generation. */
static uint64_t rollover(struct vrm_vmid_alloc *a)
{
	uint64_t gen = a->generation + ((uint64_t)1 << a->bits);

	/* Before the slots are taken, so a fast path that lost its slot to
	 * the xchg below and comes to the lock sees the new generation. */
	__atomic_store_n(&a->generation, gen, __ATOMIC_SEQ_CST);
	for (size_t i = 0; i < VRM_VMID_MAP_WORDS(a->bits); i++)
		a->map[i] = 0;
	a->map[0] = 1;
	for (uint32_t c = 0; c < a->ncpus; c++) {
		uint64_t id = __atomic_exchange_n(&a->cpus[c].active, 0, __ATOMIC_SEQ_CST);

		/* 0: no get on c since the last rollover took its slot, so
		 * what c runs is still the VM reserved there then. KVM's
		 * flush_context. */
		if (id == 0)
			id = a->cpus[c].reserved;
		test_and_set(a->map, (uint32_t)(id & vmid_mask(a)));
		a->cpus[c].reserved = id;
	}
	/*
	 * One broadcast flush, here, before the lock is released and so
	 * before any VMID of the old generation is handed to a new owner:
	 * TLBI ALLE1IS invalidates every EL1&0 entry, stage 1 and stage 2, of
	 * every VMID on every PE of the Inner Shareable domain, and is
	 * complete on all of them after the DSB ISH that follows it (Arm ARM
	 * D8.13 "TLB maintenance instructions", "Completion of TLB
	 * maintenance"; tlb.h R2, R6). A per-VMID VMALLS12E1IS for each
	 * reused VMID would cost one TLBI per allocation instead of one per
	 * 2^bits, and per-CPU local flushes before each CPU's next guest
	 * entry (KVM before Linux 5.15) add a check to every vCPU load. CPUs
	 * running reserved VMIDs meanwhile just refill their TLBs.
	 */
	vrm_tlb_flush_all_el1();
	__atomic_store_n(&a->rollovers, a->rollovers + 1, __ATOMIC_RELAXED);
	return gen;
}

/* Under the lock: reserved slots holding `id` are moved to `newid`; true
 * if there was one (KVM's check_update_reserved_vmid). Every slot is
 * visited: the VM may be reserved on several CPUs. */
static bool update_reserved(struct vrm_vmid_alloc *a, uint64_t id, uint64_t newid)
{
	bool hit = false;

	for (uint32_t c = 0; c < a->ncpus; c++) {
		if (a->cpus[c].reserved == id) {
			a->cpus[c].reserved = newid;
			hit = true;
		}
	}
	return hit;
}

/* Under the lock: a VMID of the current generation for a stale word. */
static uint64_t new_vmid(struct vrm_vmid_alloc *a, struct vrm_vmid *vm, uint64_t id,
			 bool *rolled)
{
	uint64_t gen = a->generation;
	uint32_t v;

	if (id != 0) {
		uint64_t newid = gen | (id & vmid_mask(a));

		/* Reserved for it (it ran at the last rollover), or nobody
		 * took its old VMID this generation: keep it, then nothing
		 * naming the VM changes. */
		if (update_reserved(a, id, newid) ||
		    !test_and_set(a->map, (uint32_t)(id & vmid_mask(a)))) {
			__atomic_store_n(&vm->id, newid, __ATOMIC_RELEASE);
			return newid;
		}
	}
	v = find_zero(a, a->next);
	if (v == nr_vmids(a)) {
		gen = rollover(a);
		*rolled = true;
		/* 2^bits >= ncpus + 2 (init): a bit is left. */
		v = find_zero(a, 1);
	}
	test_and_set(a->map, v);
	a->next = v;
	id = gen | v;
	__atomic_store_n(&vm->id, id, __ATOMIC_RELEASE);
	return id;
}

int vrm_vmid_get(struct vrm_vmid_alloc *a, struct vrm_vmid *vm, uint32_t cpu,
		 bool *rolled_over)
{
	uint64_t *active, old, id;
	bool rolled = false;

	if (cpu >= a->ncpus)
		return -VRM_EINVAL;
	active = &a->cpus[cpu].active;
	id = __atomic_load_n(&vm->id, __ATOMIC_ACQUIRE);
	old = __atomic_load_n(active, __ATOMIC_RELAXED);
	/* Fast path. KVM uses a relaxed cmpxchg; acquire/release here keeps
	 * the argument in the file comment free of fence reasoning. */
	if (old != 0 && (id & vmid_mask(a)) != 0 && gen_match(a, id) &&
	    __atomic_compare_exchange_n(active, &old, id, false, __ATOMIC_ACQ_REL,
					__ATOMIC_RELAXED)) {
		if (rolled_over)
			*rolled_over = false;
		return (int)(id & vmid_mask(a));
	}

	vrm_ticket_lock(&a->lock);
	id = __atomic_load_n(&vm->id, __ATOMIC_RELAXED);
	/* A word this allocator cannot have written: a VMID-0 word, or one
	 * from a generation still to come. Refused before anything moves. */
	if (id != 0 && ((id & vmid_mask(a)) == 0 || (id & ~vmid_mask(a)) > a->generation)) {
		vrm_ticket_unlock(&a->lock);
		return -VRM_EINVAL;
	}
	if (!gen_match(a, id))
		id = new_vmid(a, vm, id, &rolled);
	__atomic_store_n(active, id, __ATOMIC_RELEASE);
	vrm_ticket_unlock(&a->lock);
	if (rolled_over)
		*rolled_over = rolled;
	return (int)(id & vmid_mask(a));
}

int vrm_vmid_put(struct vrm_vmid_alloc *a, uint32_t cpu)
{
	uint64_t *active, old;

	if (cpu >= a->ncpus)
		return -VRM_EINVAL;
	active = &a->cpus[cpu].active;
	old = __atomic_load_n(active, __ATOMIC_RELAXED);
	/*
	 * A compare-and-swap, not KVM's plain store of VMID_ACTIVE_INVALID: a
	 * plain store could land after a rollover's xchg to 0 without this
	 * CPU having seen the new generation, and the next get's fast path
	 * would then trust a stale generation (the store-then-load pattern
	 * that needs a full barrier). Leaving the 0 sends that get to the
	 * lock instead, which is always safe.
	 */
	if (old != 0)
		__atomic_compare_exchange_n(active, &old, ACTIVE_INVALID(a), false,
					    __ATOMIC_RELEASE, __ATOMIC_RELAXED);
	return 0;
}

uint64_t vrm_vmid_generation(const struct vrm_vmid_alloc *a)
{
	return __atomic_load_n(&a->generation, __ATOMIC_ACQUIRE) >> a->bits;
}

uint64_t vrm_vmid_rollovers(const struct vrm_vmid_alloc *a)
{
	return __atomic_load_n(&a->rollovers, __ATOMIC_RELAXED);
}
