/* SPDX-License-Identifier: MIT */
/*
 * The VMID allocator (include/vrm/vmid.h): its contract, then long random
 * get/put sequences on tiny VMID spaces (thousands of rollovers) checked
 * against a plain model of KVM's algorithm and against the invariants the
 * header promises, with the flushes observed in the TLB trace of the
 * hosted back end.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vrm/hosted.h>
#include <vrm/pgtable.h>
#include <vrm/tlb.h>
#include <vrm/tlb_model.h>
#include <vrm/vmid.h>

#include "../pgtable/pgt_test_mm.h"
#include "../tools/check_run.h"

#define MAXC 8
#define MAXVM 512

static struct vrm_vmid_alloc A;
static uint64_t map[VRM_VMID_MAP_WORDS(16)];
static struct vrm_vmid_cpu cpus[MAXC];

static void setup(uint32_t bits, uint32_t ncpus)
{
	ck_assert_int_eq(vrm_vmid_init(&A, bits, map, VRM_VMID_MAP_WORDS(bits), cpus, ncpus), 0);
	vrm_tlb_trace_reset();
}

/* TLBIs in the trace since the last reset, and how many were ALLE1IS. */
static size_t tlbis_from(size_t from, size_t *alle1)
{
	struct vrm_tlb_event ev;
	size_t n = 0;

	*alle1 = 0;
	for (size_t i = from; vrm_tlb_trace_get(i, &ev); i++) {
		if (vrm_tlb_ev_is_tlbi(ev.kind))
			n++;
		if (ev.kind == VRM_TLB_EV_TLBI_ALLE1IS)
			(*alle1)++;
	}
	return n;
}

static size_t tlbis(size_t *alle1)
{
	return tlbis_from(0, alle1);
}

/* Check's ck_assert reports every passed check to its parent over a pipe
 * (one write each); the long loops check with this instead. */
#define REQUIRE(cond, ...)                         \
	do {                                       \
		if (!(cond))                       \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

static int get(struct vrm_vmid *vm, uint32_t cpu, bool *rolled)
{
	bool r = true;
	int v = vrm_vmid_get(&A, vm, cpu, &r);

	if (rolled)
		*rolled = r;
	return v;
}

/* ---- contract ------------------------------------------------------- */

START_TEST(init_rejects_bad_arguments_and_touches_nothing)
{
	static const struct {
		uint32_t bits, ncpus;
		size_t words;
		int null;
	} bad[] = {
		{ 1, 1, 1, 0 },    /* below VRM_VMID_BITS_MIN */
		{ 17, 1, 2048, 0 }, /* above VRM_VMID_BITS_MAX */
		{ 0, 1, 1, 0 },
		{ 4, 0, 1, 0 },    /* no CPU */
		{ 16, VRM_MAX_CPUS + 1, 1024, 0 },
		{ 2, 3, 1, 0 },    /* 4 VMIDs < 3 CPUs + 2 */
		{ 3, 7, 1, 0 },    /* 8 < 9 */
		{ 16, 1, 1023, 0 }, /* map too small */
		{ 7, 1, 1, 0 },    /* 128 VMIDs need 2 words */
		{ 4, 1, 1, 1 },    /* NULL alloc */
		{ 4, 1, 1, 2 },    /* NULL map */
		{ 4, 1, 1, 3 },    /* NULL cpus */
	};
	struct vrm_vmid_alloc a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&a, 0xa5, sizeof(a));
		memset(map, 0x5a, sizeof(map));
		memset(cpus, 0x3c, sizeof(cpus));
		ck_assert_int_eq(vrm_vmid_init(bad[i].null == 1 ? NULL : &a, bad[i].bits,
					       bad[i].null == 2 ? NULL : map, bad[i].words,
					       bad[i].null == 3 ? NULL : cpus, bad[i].ncpus),
				 -VRM_EINVAL);
		for (size_t b = 0; b < sizeof(a); b++)
			ck_assert_uint_eq(((uint8_t *)&a)[b], 0xa5);
		for (size_t w = 0; w < sizeof(map) / 8; w++)
			ck_assert_uint_eq(map[w], UINT64_C(0x5a5a5a5a5a5a5a5a));
		for (size_t c = 0; c < MAXC; c++)
			ck_assert_uint_eq(cpus[c].active, UINT64_C(0x3c3c3c3c3c3c3c3c));
	}
	/* the edges that are fine */
	ck_assert_int_eq(vrm_vmid_init(&a, 2, map, 1, cpus, 2), 0);
	ck_assert_int_eq(vrm_vmid_init(&a, 8, map, 4, cpus, MAXC), 0);
	ck_assert_int_eq(vrm_vmid_init(&a, 16, map, 1024, cpus, MAXC), 0);
}
END_TEST

START_TEST(vmids_count_up_from_one_and_a_loaded_vm_keeps_its_own)
{
	struct vrm_vmid vm[3] = { VRM_VMID_INIT, VRM_VMID_INIT, VRM_VMID_INIT };
	bool rolled;
	size_t alle1;

	setup(8, 2);
	ck_assert_int_eq(get(&vm[0], 0, &rolled), 1);
	ck_assert(!rolled);
	ck_assert_int_eq(get(&vm[1], 1, NULL), 2);
	ck_assert_int_eq(vrm_vmid_put(&A, 0), 0);
	ck_assert_int_eq(get(&vm[2], 0, NULL), 3);
	/* again, on either CPU: the fast path, same VMID */
	ck_assert_int_eq(get(&vm[0], 1, NULL), 1);
	ck_assert_int_eq(get(&vm[0], 0, &rolled), 1);
	ck_assert(!rolled);
	ck_assert_uint_eq(vrm_vmid_generation(&A), 1);
	ck_assert_uint_eq(vrm_vmid_rollovers(&A), 0);
	ck_assert_uint_eq(tlbis(&alle1), 0);
}
END_TEST

START_TEST(get_and_put_reject_a_bad_cpu_or_word_and_change_nothing)
{
	struct vrm_vmid vm = VRM_VMID_INIT, host = { UINT64_C(1) << 4 }, future = { UINT64_C(5) << 4 | 1 };
	struct vrm_vmid_alloc before;
	struct vrm_vmid_cpu cbefore[2];
	uint64_t mbefore = 0;
	size_t alle1;

	setup(4, 2);
	ck_assert_int_eq(get(&vm, 0, NULL), 1);
	before = A;
	memcpy(cbefore, cpus, sizeof(cbefore));
	mbefore = map[0];
	ck_assert_int_eq(get(&vm, 2, NULL), -VRM_EINVAL);
	ck_assert_int_eq(get(&host, 1, NULL), -VRM_EINVAL);   /* VMID 0 */
	ck_assert_int_eq(get(&future, 1, NULL), -VRM_EINVAL); /* generation 5 of 1 */
	ck_assert_int_eq(vrm_vmid_put(&A, 2), -VRM_EINVAL);
	ck_assert_int_eq(vrm_vmid_put(&A, UINT32_MAX), -VRM_EINVAL);
	/* everything but the lock's ticket counters */
	ck_assert(before.bits == A.bits && before.ncpus == A.ncpus && before.next == A.next &&
		  before.generation == A.generation && before.rollovers == A.rollovers);
	ck_assert(memcmp(cbefore, cpus, sizeof(cbefore)) == 0);
	ck_assert_uint_eq(map[0], mbefore);
	ck_assert_uint_eq(host.id, UINT64_C(1) << 4);
	ck_assert_uint_eq(future.id, (UINT64_C(5) << 4) | 1);
	ck_assert_uint_eq(tlbis(&alle1), 0);
}
END_TEST

START_TEST(rollover_issues_one_broadcast_flush_with_its_barriers)
{
	struct vrm_vmid vm[4] = { VRM_VMID_INIT, VRM_VMID_INIT, VRM_VMID_INIT, VRM_VMID_INIT };
	static const uint32_t want[] = { VRM_TLB_EV_DSB_ISHST, VRM_TLB_EV_TLBI_ALLE1IS,
					 VRM_TLB_EV_DSB_ISH, VRM_TLB_EV_ISB };
	struct vrm_tlb_event ev;
	bool rolled;

	setup(2, 1); /* VMIDs 1..3 */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(get(&vm[i], 0, NULL), i + 1);
	ck_assert_uint_eq(vrm_tlb_trace_len(), 0);
	ck_assert_int_eq(vrm_vmid_put(&A, 0), 0);
	ck_assert_int_eq(get(&vm[3], 0, &rolled), 1);
	ck_assert(rolled);
	ck_assert_uint_eq(vrm_tlb_trace_len(), 4);
	for (size_t i = 0; i < 4; i++) {
		ck_assert(vrm_tlb_trace_get(i, &ev));
		ck_assert_uint_eq(ev.kind, want[i]);
	}
	ck_assert_uint_eq(vrm_vmid_generation(&A), 2);
	ck_assert_uint_eq(vrm_vmid_rollovers(&A), 1);
}
END_TEST

START_TEST(a_vm_loaded_at_rollover_keeps_its_vmid_a_put_one_may_not)
{
	struct vrm_vmid vm[6];
	bool rolled;

	memset(vm, 0, sizeof(vm));
	setup(3, 2); /* VMIDs 1..7 */
	ck_assert_int_eq(get(&vm[0], 1, NULL), 1); /* stays loaded on CPU 1 */
	ck_assert_int_eq(get(&vm[1], 0, NULL), 2); /* put below */
	ck_assert_int_eq(vrm_vmid_put(&A, 0), 0);
	for (int i = 2; i < 6; i++) { /* VMIDs 3..6 on CPU 0, then 7 */
		ck_assert_int_eq(get(&vm[i], 0, NULL), i + 1);
		ck_assert_int_eq(vrm_vmid_put(&A, 0), 0);
	}
	{
		struct vrm_vmid x = VRM_VMID_INIT;

		ck_assert_int_eq(get(&x, 0, NULL), 7);
		ck_assert_int_eq(vrm_vmid_put(&A, 0), 0);
		/* full: vm[1] asks again; its VMID 2 is still taken this
		 * generation, so it keeps it (fast path). Then a new VM rolls. */
		ck_assert_int_eq(get(&vm[1], 0, NULL), 2);
		ck_assert_int_eq(vrm_vmid_put(&A, 0), 0);
		x.id = 0;
		ck_assert_int_eq(get(&x, 0, &rolled), 2);
		ck_assert(rolled);
		/* new generation: only CPU 1's VM 0 (VMID 1) was reserved, so
		 * the new VM took the first free VMID, 2, from vm[1]. */
		ck_assert_int_eq(vrm_vmid_put(&A, 0), 0);
	}
	/* vm[0] on CPU 0 too: the same VMID, though its word is stale */
	ck_assert_int_eq(get(&vm[0], 0, &rolled), 1);
	ck_assert(!rolled);
	ck_assert_int_eq(get(&vm[0], 1, NULL), 1);
	/* vm[1] lost 2 (it was put at the rollover): a new one */
	ck_assert_int_eq(vrm_vmid_put(&A, 0), 0);
	ck_assert_int_eq(get(&vm[1], 0, NULL), 3);
	/* vm[3]'s old VMID 4 is free in this generation: kept (KVM) */
	ck_assert_int_eq(vrm_vmid_put(&A, 0), 0);
	ck_assert_int_eq(get(&vm[3], 0, NULL), 4);
}
END_TEST

START_TEST(a_16_bit_space_hands_out_every_vmid_once_then_rolls_once)
{
	static struct vrm_vmid vm[65536];
	static uint8_t seen[65536];
	bool rolled;
	size_t alle1;

	memset(vm, 0, sizeof(vm));
	memset(seen, 0, sizeof(seen));
	setup(16, 4);
	for (uint32_t i = 0; i < 65535; i++) {
		int v = get(&vm[i], i % 4, &rolled);

		ck_assert(!rolled);
		ck_assert_int_ge(v, 1);
		ck_assert_int_le(v, 65535);
		ck_assert(!seen[v]);
		seen[v] = 1;
	}
	ck_assert_uint_eq(tlbis(&alle1), 0);
	/* CPUs 0-3 still have the last four loaded: those are reserved */
	ck_assert_int_eq(get(&vm[65535], 0, &rolled), 1);
	ck_assert(rolled);
	ck_assert_uint_eq(tlbis(&alle1), 1);
	ck_assert_uint_eq(alle1, 1);
	for (uint32_t i = 65531; i < 65535; i++)
		ck_assert_int_eq(get(&vm[i], 1, NULL), (int)i + 1);
}
END_TEST

/* The checker's rule for destroying a stage-2 table (lib/check/regime.c)
 * holds through VMID changes: the rollover's ALLE1IS + DSB ISH counts as
 * a flush of every regime, and the table's flushes follow its new VMID. */
START_TEST(a_table_whose_vm_changed_vmid_is_destroyed_without_a_report)
{
	struct vrm_pgt_config c2 = { .stage = VRM_PGT_STAGE2, .ia_bits = 40, .start_level = -1 };
	struct vrm_vmid vm = VRM_VMID_INIT, other[4];
	static struct tmm tm;
	struct vrm_pgt pgt;
	uint64_t checks = vrm_check_total();
	bool rolled = false;
	int v;

	memset(other, 0, sizeof(other));
	setup(2, 1);
	tmm_init(&tm);
	v = get(&vm, 0, NULL);
	c2.vmid = (uint16_t)v;
	ck_assert_int_eq(vrm_pgt_init(&pgt, &c2, &tm.ops), 0);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0, 0x80000000, 0x1000, VRM_PGT_PROT_RW), 0);
	ck_assert_int_eq(vrm_vmid_put(&A, 0), 0);
	for (int i = 0; i < 4 && !rolled; i++) {
		get(&other[i], 0, &rolled);
		ck_assert_int_eq(vrm_vmid_put(&A, 0), 0);
	}
	ck_assert(rolled);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x1000, 0x80001000, 0x1000, VRM_PGT_PROT_RW), 0);
	v = get(&vm, 0, NULL);
	ck_assert_int_ne(v, (int)pgt.vmid); /* VMID 1 went to another VM */
	ck_assert_int_eq(vrm_pgt_set_vmid(&pgt, (uint16_t)v), 0);
	ck_assert_uint_eq(pgt.vmid, (uint16_t)v);
	ck_assert_int_eq(vrm_pgt_map(&pgt, 0x2000, 0x80002000, 0x1000, VRM_PGT_PROT_RW), 0);
	ck_assert_int_eq(vrm_vmid_put(&A, 0), 0);
	ck_assert_int_eq(vrm_pgt_unmap(&pgt, 0, 0x3000), 0);
	ck_assert_int_eq(vrm_tlb_flush_vmid(vrm_pgt_vttbr(&pgt)), 0);
	vrm_pgt_destroy(&pgt);
	ck_assert_uint_eq(vrm_check_total(), checks);
}
END_TEST

/* ---- random sequences against a model ------------------------------- */

/* KVM's algorithm, written plainly: the reference the library must match
 * call for call (VMID returned, rollover or not). */
struct model {
	uint32_t bits, ncpus, next;
	uint64_t gen;
	bool taken[1u << 8];
	uint64_t active[MAXC], reserved[MAXC];
};

static uint64_t m_mask(const struct model *m)
{
	return ((uint64_t)1 << m->bits) - 1;
}

static void m_init(struct model *m, uint32_t bits, uint32_t ncpus)
{
	memset(m, 0, sizeof(*m));
	m->bits = bits;
	m->ncpus = ncpus;
	m->next = 1;
	m->gen = (uint64_t)1 << bits;
	m->taken[0] = true;
}

static uint32_t m_free(const struct model *m, uint32_t from)
{
	for (uint32_t v = from; v < (1u << m->bits); v++)
		if (!m->taken[v])
			return v;
	return 1u << m->bits;
}

static uint64_t m_get(struct model *m, uint64_t *word, uint32_t cpu, bool *rolled)
{
	uint64_t id = *word, mask = m_mask(m);
	uint32_t v;

	*rolled = false;
	if (m->active[cpu] != 0 && (id & mask) && (id & ~mask) == m->gen) {
		m->active[cpu] = id;
		return id & mask;
	}
	if ((id & ~mask) != m->gen) {
		bool kept = false;

		if (id) {
			uint64_t nid = m->gen | (id & mask);

			for (uint32_t c = 0; c < m->ncpus; c++)
				if (m->reserved[c] == id) {
					m->reserved[c] = nid;
					kept = true;
				}
			if (!kept && !m->taken[id & mask]) {
				m->taken[id & mask] = true;
				kept = true;
			}
			if (kept)
				id = nid;
		}
		if (!kept) {
			v = m_free(m, m->next);
			if (v == (1u << m->bits)) {
				m->gen += (uint64_t)1 << m->bits;
				memset(m->taken, 0, sizeof(m->taken));
				m->taken[0] = true;
				for (uint32_t c = 0; c < m->ncpus; c++) {
					uint64_t a = m->active[c] ? m->active[c] : m->reserved[c];

					m->active[c] = 0;
					m->taken[a & mask] = true;
					m->reserved[c] = a;
				}
				*rolled = true;
				v = m_free(m, 1);
			}
			m->taken[v] = true;
			m->next = v;
			id = m->gen | v;
		}
		*word = id;
	}
	m->active[cpu] = id;
	return id & mask;
}

static void m_put(struct model *m, uint32_t cpu)
{
	if (m->active[cpu])
		m->active[cpu] = (uint64_t)1 << m->bits;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const struct {
	uint32_t bits, ncpus, nvms, ops;
} seqs[] = {
	{ 2, 2, 5, 100000 },
	{ 3, 4, 10, 200000 },
	{ 4, 8, 24, 200000 },
	{ 8, 8, 400, 200000 },
};

START_TEST(random_sequences_match_the_model_and_keep_the_invariants)
{
	uint32_t bits = seqs[_i].bits, ncpus = seqs[_i].ncpus, nvms = seqs[_i].nvms;
	static struct vrm_vmid vm[MAXVM];
	static uint64_t mword[MAXVM];
	static struct model m;
	/* harness state: what each CPU has loaded (VM + 1, 0 none) */
	int32_t loaded[MAXC] = { 0 }, slot_vm[MAXC] = { 0 };
	/* per VMID: the VM it was last handed to, and when that VM last used
	 * it (op index of its last get, or of its put) */
	int32_t owner[256];
	uint64_t last_use[256], last_roll = 0, rollovers = 0, kept_checks = 0;
	int32_t must_keep[MAXVM];
	int cur[MAXVM];

	rng = 0x9e3779b97f4a7c15ull + _i;
	memset(vm, 0, sizeof(vm));
	memset(mword, 0, sizeof(mword));
	for (int v = 0; v < 256; v++) {
		owner[v] = -1;
		last_use[v] = 0;
	}
	for (uint32_t i = 0; i < MAXVM; i++) {
		must_keep[i] = -1;
		cur[i] = 0;
	}
	setup(bits, ncpus);
	m_init(&m, bits, ncpus);
	for (uint64_t op = 1; op <= seqs[_i].ops; op++) {
		uint32_t c = rnd(ncpus), r = rnd(16);

		if (r < 5 && loaded[c]) {
			/* vCPU put */
			int x = loaded[c] - 1;

			last_use[cur[x]] = op;
			REQUIRE(vrm_vmid_put(&A, c) == 0, "put");
			m_put(&m, c);
			loaded[c] = 0;
			slot_vm[c] = 0;
		} else if (r == 5) {
			/* a VM dies and its slot is reused: only if it runs nowhere */
			uint32_t x = rnd(nvms);
			bool busy = false;

			for (uint32_t k = 0; k < ncpus; k++)
				busy |= loaded[k] == (int32_t)x + 1 || slot_vm[k] == (int32_t)x + 1;
			if (!busy) {
				/* its VMIDs' next holder is another VM */
				for (int v = 0; v < 256; v++)
					if (owner[v] == (int32_t)x)
						owner[v] = -2;
				vm[x].id = 0;
				mword[x] = 0;
				must_keep[x] = -1;
			}
		} else {
			/* vCPU load of VM x on c (with or without a put first) */
			uint32_t x = rnd(nvms);
			bool rolled, mrolled;
			size_t alle1, n, from;
			int v, mv;

			if (vrm_tlb_trace_len() > VRM_TLB_TRACE_CAP / 2)
				vrm_tlb_trace_reset();
			from = vrm_tlb_trace_len();
			v = get(&vm[x], c, &rolled);
			mv = (int)m_get(&m, &mword[x], c, &mrolled);
			REQUIRE(v == mv && rolled == mrolled,
				      "op %llu: cpu %u vm %u: got %d%s, model %d%s", (unsigned long long)op,
				      c, x, v, rolled ? " (rolled)" : "", mv, mrolled ? " (rolled)" : "");
			REQUIRE(vm[x].id == mword[x], "op %llu: word", (unsigned long long)op);
			REQUIRE(v >= 1 && v < (1 << bits), "op %llu: VMID %d", (unsigned long long)op, v);
			/* exactly one flush per rollover, none otherwise */
			n = tlbis_from(from, &alle1);
			REQUIRE(n == (rolled ? 1u : 0u) && alle1 == n, "op %llu: %zu TLBIs, %zu ALLE1IS", (unsigned long long)op, n, alle1);
			if (rolled) {
				/* who was loaded (or not yet put) at the rollover keeps
				 * its VMID at its next get */
				for (uint32_t k = 0; k < MAXVM; k++)
					must_keep[k] = -1;
				for (uint32_t k = 0; k < ncpus; k++)
					if (slot_vm[k])
						must_keep[slot_vm[k] - 1] = cur[slot_vm[k] - 1];
				rollovers++;
				last_roll = op;
			}
			if (must_keep[x] >= 0) {
				REQUIRE(v == must_keep[x], "op %llu: vm %u lost VMID %d over a rollover (got %d)",
					      (unsigned long long)op, x, must_keep[x], v);
				kept_checks++;
			}
			must_keep[x] = -1;
			/* a VMID changes hands only across a rollover after its
			 * last owner's last use */
			if (owner[v] != (int32_t)x && owner[v] != -1)
				REQUIRE(last_roll > last_use[v],
					      "op %llu: VMID %d passed from vm %d to vm %u with no flush since its use at op %llu",
					      (unsigned long long)op, v, owner[v], x,
					      (unsigned long long)last_use[v]);
			owner[v] = (int32_t)x;
			last_use[v] = op;
			/* the CPU's previous VM (switch without put) stops using it */
			if (loaded[c] && loaded[c] != (int32_t)x + 1)
				last_use[cur[loaded[c] - 1]] = op;
			cur[x] = v;
			loaded[c] = (int32_t)x + 1;
			slot_vm[c] = (int32_t)x + 1;
			/* no two VMs loaded now share a VMID; one VM has one */
			for (uint32_t k = 0; k < ncpus; k++)
				for (uint32_t j = 0; j < ncpus; j++)
					if (loaded[k] && loaded[j])
						REQUIRE((loaded[k] == loaded[j]) ==
							(cur[loaded[k] - 1] == cur[loaded[j] - 1]),
							"op %llu: cpus %u and %u", (unsigned long long)op, k, j);
		}
	}
	ck_assert_uint_eq(vrm_vmid_rollovers(&A), rollovers);
	ck_assert_uint_eq(vrm_vmid_generation(&A), rollovers + 1);
	if (bits <= 4)
		ck_assert_uint_ge(rollovers, 1000);
	printf("# %u-bit VMIDs, %u CPUs, %u VMs: %u ops, %llu rollovers, %llu keeps checked\n", bits,
	       ncpus, nvms, seqs[_i].ops, (unsigned long long)rollovers,
	       (unsigned long long)kept_checks);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vmid");
	TCase *tc = tcase_create("contract");
	TCase *tr = tcase_create("random");

	vrm_hosted_set_cpu_id(0);
	tcase_add_test(tc, init_rejects_bad_arguments_and_touches_nothing);
	tcase_add_test(tc, vmids_count_up_from_one_and_a_loaded_vm_keeps_its_own);
	tcase_add_test(tc, get_and_put_reject_a_bad_cpu_or_word_and_change_nothing);
	tcase_add_test(tc, rollover_issues_one_broadcast_flush_with_its_barriers);
	tcase_add_test(tc, a_vm_loaded_at_rollover_keeps_its_vmid_a_put_one_may_not);
	tcase_add_test(tc, a_16_bit_space_hands_out_every_vmid_once_then_rolls_once);
	tcase_add_test(tc, a_table_whose_vm_changed_vmid_is_destroyed_without_a_report);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(tr, random_sequences_match_the_model_and_keep_the_invariants, 0,
			    (int)(sizeof(seqs) / sizeof(seqs[0])));
	tcase_set_timeout(tr, 120);
	suite_add_tcase(s, tr);
	return vrm_test_run(s);
}
