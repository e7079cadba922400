/* SPDX-License-Identifier: MIT */
/*
 * Pool fuzz harness. The input is a program: a boot layout, then a list of
 * operations -- donate, share, unshare, reclaim, hyp alloc/free, queries,
 * for_each -- with arguments that are often bad (misaligned, outside the
 * pool, zero or huge page counts, principals that are not actors, VM ids
 * past max_vms, orders past VRM_POOL_MAX_ORDER, a NULL out pointer), and
 * optionally a stage-2 callback that fails. Each call runs against the pool
 * (over the fake stage-2 of tests/pool) and the reference model of
 * tests/pool/model.h; after every step:
 *   - the result equals the model's (or, with a callback failure injected
 *     into a call the model accepts, -ENOMEM and no change at all);
 *   - every record and every mapping equals the model's;
 *   - vrm_pool_check_invariants() passes, the fake saw no contract breach
 *     (a map of a mapped page, VM data reaching the host unscrubbed), and
 *     the checker (checked builds) counted no violation.
 */
#include <errno.h>
#include <string.h>

#include <vrm/check.h>

#include "../pool/fake_s2.h"
#include "../pool/model.h"
#include "fuzz_util.h"

#define NP 64
#define NVM 4
#define T_BASE0 UINT64_C(0x80000000)
#define MAX_OPS 512

static struct vrm_pool pool;
static struct fake_s2 fake;
static struct vrm_pool_page meta[NP];
static struct model m;
static vrm_pa_t base;

static vrm_pa_t pa_of(uint64_t i)
{
	return base + i * VRM_PAGE_SIZE;
}

/* Principals, most of them actors, some not. */
static vrm_principal_t principal(uint8_t sel)
{
	static const vrm_principal_t odd[] = {
		VRM_PRINCIPAL_NONE, VRM_PRINCIPAL_VM(NVM), VRM_PRINCIPAL_VM(NVM + 100),
		VRM_PRINCIPAL_VM(VRM_POOL_MAX_VMS), UINT32_C(0xffffffff),
		VRM_PRINCIPAL_HOST + UINT32_C(0x10000), /* HOST in the low 16 bits */
	};

	sel &= 15;
	if (sel < 4)
		return VRM_PRINCIPAL_VM(sel);
	if (sel < 7)
		return VRM_PRINCIPAL_HOST;
	if (sel < 10)
		return VRM_PRINCIPAL_HYP;
	return odd[sel - 10];
}

/* A page range: mostly inside, sometimes crossing the end, misaligned,
 * below the base, of zero or of enormous length. */
static void range(struct fz *f, vrm_pa_t *pa, uint64_t *n)
{
	uint8_t a = fz_u8(f), b = fz_u8(f), d = fz_u8(f);

	*pa = pa_of(a % (NP + 8));
	*n = 1 + (b & 0x0f);
	if (b & 0x10)
		*n += (uint64_t)(b >> 5) * 8;
	switch (d & 7) {
	case 1:
		*pa += 8u << (d >> 5); /* misaligned */
		break;
	case 2:
		*n = (d & 0x80) ? UINT64_MAX : 0;
		break;
	case 3:
		*pa = base - VRM_PAGE_SIZE * (1 + (d >> 4)); /* below the pool */
		break;
	case 4:
		*pa = UINT64_MAX & ~(VRM_PAGE_SIZE - 1); /* wraps with any n > 1 */
		break;
	default:
		break;
	}
}

static enum vrm_pool_state m_view(uint64_t i, vrm_principal_t who)
{
	if (m.owner[i] == who)
		return m.count[i] ? VRM_POOL_SHARED_OWNED : VRM_POOL_OWNED;
	if (m.count[i] != 0 && m.borrower[i] == who)
		return VRM_POOL_SHARED_BORROWED;
	return VRM_POOL_NOPAGE;
}

static void compare(unsigned step)
{
	uint64_t i;
	vrm_principal_t o, b, p;
	enum vrm_pool_state st;
	uint32_t c;

	for (i = 0; i < NP; i++) {
		FZ_REQUIRE(vrm_pool_owner(&pool, pa_of(i), &o, &st, &c, &b) == 0, "step %u", step);
		FZ_REQUIRE(o == m.owner[i] && c == m.count[i] && b == m.borrower[i],
			   "step %u page %u: pool owner %u count %u borrower %u, model %u %u %u",
			   step, (unsigned)i, o, c, b, m.owner[i], m.count[i], m.borrower[i]);
		FZ_REQUIRE(st == (c ? VRM_POOL_SHARED_OWNED : VRM_POOL_OWNED), "step %u", step);
		for (p = VRM_PRINCIPAL_HYP; p <= VRM_PRINCIPAL_VM(NVM - 1); p++)
			FZ_REQUIRE(fake_s2_mapped(&fake, p, pa_of(i)) ==
					   (m_view(i, p) != VRM_POOL_NOPAGE),
				   "step %u page %u principal %u: mapping", step, (unsigned)i, p);
	}
	FZ_REQUIRE(vrm_pool_check_invariants(&pool) == 0, "step %u: invariants at %#llx", step,
		   (unsigned long long)pool.bad_pa);
	FZ_REQUIRE(fake.violations == 0, "step %u: stage-2 contract breach", step);
	FZ_REQUIRE(vrm_check_total() == 0, "step %u: checker violation", step);
}

/* hyp alloc: the model says whether a run exists; a run we get must be
 * aligned, model-free and zeroed. Then the hyp writes into it. */
static void op_alloc(struct fz *f, unsigned step)
{
	uint8_t c = fz_u8(f);
	uint32_t order = (c & 0x80) ? (uint32_t)(c & 0x3f) : (uint32_t)(c & 3);
	bool null_out = (c & 0x7c) == 0x7c;
	vrm_pa_t pa = 0;
	uint64_t n, i, i0;
	int want, got;

	if (order > VRM_POOL_MAX_ORDER || null_out)
		want = -EINVAL;
	else
		want = m_free_run_exists(&m, base, order) ? 0 : -ENOMEM;
	got = vrm_pool_hyp_alloc(&pool, order, null_out ? NULL : &pa);
	FZ_REQUIRE(got == want, "step %u: hyp_alloc(%u) = %d, model %d", step, order, got, want);
	if (got != 0)
		return;
	n = UINT64_C(1) << order;
	FZ_REQUIRE(m_range(&m, base, pa, n) >= 0 && ((pa / VRM_PAGE_SIZE) & (n - 1)) == 0,
		   "step %u: run misplaced", step);
	i0 = (uint64_t)m_range(&m, base, pa, n);
	for (i = i0; i < i0 + n; i++) {
		const uint8_t *page = (const uint8_t *)fake_s2_va(&fake, pa_of(i));
		size_t k;

		FZ_REQUIRE(m.hyp_free[i], "step %u: allocated a used page", step);
		for (k = 0; k < VRM_PAGE_SIZE; k++)
			FZ_REQUIRE(page[k] == 0, "step %u: allocated page not zeroed", step);
		m.hyp_free[i] = false;
		fake.vm_dirty[i] = 1; /* hyp secrets: must be scrubbed before the host */
	}
	memset(fake_s2_va(&fake, pa), 0xc3, n * VRM_PAGE_SIZE);
}

struct runs {
	unsigned seen, stop_after;
	uint64_t page; /* next page index the walk must not skip past */
	vrm_principal_t who;
	unsigned step;
};

/* for_each: runs are maximal, in order, and agree with the model page by page. */
static int visit(void *arg, vrm_pa_t pa, uint64_t n, enum vrm_pool_state st)
{
	struct runs *r = arg;
	uint64_t i0 = (pa - base) / VRM_PAGE_SIZE, i;

	FZ_REQUIRE(n >= 1 && i0 >= r->page && i0 + n <= NP, "step %u: run out of order", r->step);
	for (i = r->page; i < i0; i++)
		FZ_REQUIRE(m_view(i, r->who) == VRM_POOL_NOPAGE, "step %u: for_each skipped page %u",
			   r->step, (unsigned)i);
	for (i = i0; i < i0 + n; i++)
		FZ_REQUIRE(m_view(i, r->who) == st, "step %u: for_each state of page %u", r->step,
			   (unsigned)i);
	FZ_REQUIRE(i0 + n == NP || m_view(i0 + n, r->who) != st, "step %u: run not maximal",
		   r->step);
	r->page = i0 + n;
	return ++r->seen == r->stop_after ? 7 : 0;
}

static void op_query(struct fz *f, unsigned step)
{
	vrm_pa_t pa;
	uint64_t n;
	int64_t i0;
	vrm_principal_t who = principal(fz_u8(f)), o;
	enum vrm_pool_state st, want_st;
	int got;

	range(f, &pa, &n);
	i0 = m_range(&m, base, pa, 1);
	got = vrm_pool_owner(&pool, pa, &o, NULL, NULL, NULL);
	FZ_REQUIRE(got == (i0 < 0 ? -EINVAL : 0), "step %u: owner() = %d", step, got);
	FZ_REQUIRE(i0 < 0 || o == m.owner[i0], "step %u: owner()", step);
	st = vrm_pool_state_of(&pool, pa, who);
	want_st = i0 < 0 ? VRM_POOL_NOPAGE : m_view((uint64_t)i0, who);
	FZ_REQUIRE(st == want_st, "step %u: state_of(%u) = %d, model %d", step, who, st, want_st);
}

static void op_for_each(struct fz *f, unsigned step)
{
	struct runs r = { 0, 0, 0, 0, step };
	uint8_t c = fz_u8(f);
	bool actor;
	uint64_t i;
	int got, want;

	r.who = principal(c);
	r.stop_after = c >> 5; /* 0: never stop */
	actor = r.who == VRM_PRINCIPAL_NONE || m_actor(&m, r.who);
	got = vrm_pool_for_each(&pool, r.who, visit, &r);
	want = !actor ? -EINVAL : (r.stop_after != 0 && r.seen == r.stop_after) ? 7 : 0;
	FZ_REQUIRE(got == want, "step %u: for_each(%u) = %d, want %d", step, r.who, got, want);
	if (got == 0)
		for (i = r.page; i < NP; i++)
			FZ_REQUIRE(m_view(i, r.who) == VRM_POOL_NOPAGE, "step %u: walk ended early",
				   step);
}

/* donate/share/unshare/reclaim: the model on a copy; with an injected
 * callback failure a call the model accepts may instead fail with -ENOMEM,
 * and then nothing may have changed. */
static void op_transition(struct fz *f, unsigned kind, unsigned step)
{
	static struct model next;
	uint8_t c = fz_u8(f), fault = fz_u8(f);
	vrm_principal_t a = principal(c), b = principal((uint8_t)(c >> 4));
	vrm_pa_t pa;
	uint64_t n;
	int64_t i0;
	int want, got;

	range(f, &pa, &n);
	i0 = m_range(&m, base, pa, n);
	next = m;
	fake.calls = 0;
	fake.fail_kind = 0;
	fake.fail_at = (fault & 0x80) ? 1 + (fault & 0x0f) : 0;
	switch (kind) {
	case 0:
		want = m_donate(&next, i0, n, a, b);
		got = vrm_pool_donate(&pool, pa, n, a, b);
		break;
	case 1:
		want = m_share(&next, i0, n, a, b);
		got = vrm_pool_share(&pool, pa, n, a, b);
		break;
	case 2:
		want = m_unshare(&next, i0, n, a, b);
		got = vrm_pool_unshare(&pool, pa, n, a, b);
		break;
	default:
		want = m_reclaim(&next, a);
		got = vrm_pool_reclaim(&pool, a);
		break;
	}
	fake.fail_at = 0;
	if (want == 0 && got == -ENOMEM && fake.calls >= (fault & 0x0fu) + 1 && (fault & 0x80))
		return; /* injected failure: compare() shows nothing changed */
	FZ_REQUIRE(got == want, "step %u: op %u(%#llx, %llu, %u, %u) = %d, model %d", step, kind,
		   (unsigned long long)pa, (unsigned long long)n, a, b, got, want);
	if (got == 0)
		m = next;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct vrm_pool_ops ops;
	uint8_t hs, hn, ns, nn;
	unsigned step;
	uint64_t i;

	base = T_BASE0 + (uint64_t)(fz_u8(&f) & 7) * VRM_PAGE_SIZE;
	hs = fz_u8(&f) % NP;
	hn = fz_u8(&f) % 17;
	ns = fz_u8(&f) % NP;
	nn = fz_u8(&f) % 5;
	/* The fake's buffers live across inputs (allocating 256 KiB per input
	 * was most of the run time); everything a check reads is reset. Page
	 * contents are not: every check on them follows a scrub. */
	if (fake.mem == NULL) {
		fake_s2_init(&fake, base, NP, NVM);
		/* the host's own data: never zero, as in a real host */
		memset(fake.mem, 0x5c, NP * VRM_PAGE_SIZE);
	}
	fake.base = base;
	memset(fake.mapped, 0, (size_t)fake.nprinc * NP);
	memset(fake.vm_dirty, 0, NP);
	fake.calls = fake.fail_at = 0;
	fake.fail_kind = 0;
	fake.violations = 0;
	ops = fake_s2_ops(&fake);
	FZ_REQUIRE(vrm_pool_init(&pool, base, NP, meta, NVM, &ops) == 0, "init");
	memset(&m, 0, sizeof(m));
	m.np = NP;
	m.nvm = NVM;
	for (i = 0; i < NP; i++)
		m.owner[i] = VRM_PRINCIPAL_HOST;
	/* Boot layout: a hyp region (free in the allocator), then a hole
	 * (NONE) that may overlap it. */
	if (hn != 0 && hs + hn <= NP) {
		FZ_REQUIRE(vrm_pool_boot_assign(&pool, pa_of(hs), hn, VRM_PRINCIPAL_HYP) == 0, "boot");
		for (i = hs; i < (uint64_t)hs + hn; i++) {
			m.owner[i] = VRM_PRINCIPAL_HYP;
			m.hyp_free[i] = true;
		}
	}
	if (nn != 0 && ns + nn <= NP) {
		FZ_REQUIRE(vrm_pool_boot_assign(&pool, pa_of(ns), nn, VRM_PRINCIPAL_NONE) == 0, "boot");
		for (i = ns; i < (uint64_t)ns + nn; i++) {
			m.owner[i] = VRM_PRINCIPAL_NONE;
			m.hyp_free[i] = false;
		}
	}
	fake_s2_sync(&fake, &pool);
	vrm_check_reset();
	compare(0);

	for (step = 1; step <= MAX_OPS && f.left != 0; step++) {
		uint8_t k = fz_u8(&f);

		switch (k % 8) {
		case 0:
		case 1:
		case 2:
		case 3:
			op_transition(&f, k % 4, step);
			break;
		case 4:
			op_alloc(&f, step);
			break;
		case 5: {
			uint8_t c = fz_u8(&f);
			uint32_t order = (c & 0x80) ? (uint32_t)(c & 0x3f) : (uint32_t)(c & 3);
			vrm_pa_t pa;
			uint64_t n;
			int want, got;

			range(&f, &pa, &n);
			want = m_hyp_free(&m, base, pa, order);
			got = vrm_pool_hyp_free(&pool, pa, order);
			FZ_REQUIRE(got == want, "step %u: hyp_free(%#llx, %u) = %d, model %d", step,
				   (unsigned long long)pa, order, got, want);
			break;
		}
		case 6:
			op_query(&f, step);
			break;
		default:
			op_for_each(&f, step);
			break;
		}
		compare(step);
	}
	return 0;
}
