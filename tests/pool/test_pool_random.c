/* SPDX-License-Identifier: MIT */
/*
 * Random operations against the reference model (tests/pool/model.h):
 * every call's result and the full state after it must match the model,
 * and the invariants must hold after every step.
 */
#include <check.h>
#include <stdio.h>

#include <vrm/check.h>

#include "model.h"
#include "pool_test_util.h"
#include "../tools/check_run.h"

#ifndef POOL_RANDOM_OPS
#define POOL_RANDOM_OPS 100000
#endif

#define NP 64
#define NVM 4

/* ck_assert marks every passing check with a write(2); the hot loop only
 * reports failures. */
#define REQUIRE(cond, ...)                        \
	do {                                      \
		if (!(cond))                      \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

static vrm_principal_t any_vm(void)
{
	/* one in 16: an id past max_vms */
	return below(16) == 0 ? VM(NVM + below(3)) : VM(below(NVM));
}

static bool model_owns_or_borrows(const struct model *m, uint64_t i, vrm_principal_t p)
{
	return m->owner[i] == p || (m->count[i] != 0 && m->borrower[i] == p);
}

/* The pool's records and the fake tables agree with the model. */
static void compare(const struct tpool *t, const struct model *m, unsigned long step)
{
	uint64_t i;
	vrm_principal_t o, b, p;
	enum vrm_pool_state st;
	uint32_t c;

	for (i = 0; i < NP; i++) {
		REQUIRE(vrm_pool_owner(&t->pool, PA(i), &o, &st, &c, &b) == 0, "owner query");
		REQUIRE(o == m->owner[i] && c == m->count[i] &&
			      (c == 0 || b == m->borrower[i]),
			      "step %lu page %llu: pool owner %u count %u, model %u %u", step,
			      (unsigned long long)i, o, c, m->owner[i], m->count[i]);
		REQUIRE(st == (c ? VRM_POOL_SHARED_OWNED : VRM_POOL_OWNED), "step %lu state", step);
		for (p = HYP; p <= VM(NVM - 1); p++)
			REQUIRE(fake_s2_mapped(&t->fake, p, PA(i)) ==
					      model_owns_or_borrows(m, i, p),
				      "step %lu page %llu principal %u mapping", step,
				      (unsigned long long)i, p);
	}
}

static void run(uint64_t seed, unsigned long ops)
{
	static struct tpool t;
	static struct model m;
	unsigned long step;
	uint64_t i, n;
	int64_t i0;
	vrm_pa_t pa;
	int want, got;
	vrm_principal_t a, b;
	uint32_t order;
	unsigned long ok[10] = { 0 }, errs[128] = { 0 };
	int kind;

	rng_state = seed;
	tpool_init(&t, NP, NVM);
	memset(&m, 0, sizeof(m));
	m.np = NP;
	m.nvm = NVM;
	for (i = 0; i < NP; i++)
		m.owner[i] = HOST;
	ck_assert_int_eq(vrm_pool_boot_assign(&t.pool, PA(48), 8, HYP), 0);
	ck_assert_int_eq(vrm_pool_boot_assign(&t.pool, PA(60), 4, VRM_PRINCIPAL_NONE), 0);
	for (i = 48; i < 56; i++) {
		m.owner[i] = HYP;
		m.hyp_free[i] = true;
	}
	for (i = 60; i < 64; i++)
		m.owner[i] = VRM_PRINCIPAL_NONE;
	fake_s2_sync(&t.fake, &t.pool);
	vrm_check_reset();

	for (step = 0; step < ops; step++) {
		pa = PA(below(NP));
		n = 1 + below(below(8) == 0 ? 16 : 4);
		if (below(64) == 0)
			pa += 8 * (1 + below(3)); /* misaligned */
		if (below(64) == 0)
			pa = PA(NP + below(4)); /* outside */
		i0 = m_range(&m, T_BASE, pa, n);
		kind = (int)below(10);
		switch (kind) {
		case 0:
		case 1: /* host -> VM */
			a = HOST;
			b = any_vm();
			goto donate;
		case 2: /* host <-> hyp */
			a = below(2) ? HOST : HYP;
			b = a == HOST ? HYP : HOST;
			if (below(32) == 0)
				b = any_vm(); /* unsupported direction */
donate:
			want = m_donate(&m, i0, n, a, b);
			got = vrm_pool_donate(&t.pool, pa, n, a, b);
			break;
		case 3:
		case 4: /* share, either way */
			a = below(3) ? HOST : any_vm();
			b = a == HOST ? any_vm() : HOST;
			want = m_share(&m, i0, n, a, b);
			got = vrm_pool_share(&t.pool, pa, n, a, b);
			break;
		case 5:
		case 6:
			a = below(3) ? HOST : any_vm();
			b = a == HOST ? any_vm() : HOST;
			want = m_unshare(&m, i0, n, a, b);
			got = vrm_pool_unshare(&t.pool, pa, n, a, b);
			break;
		case 7:
			if (below(3) != 0) {
				step--; /* reclaims are rarer, so VMs accumulate pages */
				continue;
			}
			a = below(8) == 0 ? HOST : any_vm();
			want = m_reclaim(&m, a);
			got = vrm_pool_reclaim(&t.pool, a);
			break;
		case 8: /* hyp alloc */
			order = (uint32_t)below(4);
			got = vrm_pool_hyp_alloc(&t.pool, order, &pa);
			want = m_free_run_exists(&m, T_BASE, order) ? 0 : -ENOMEM;
			if (got == 0) {
				uint8_t *p = fake_s2_va(&t.fake, pa);

				n = UINT64_C(1) << order;
				i0 = m_range(&m, T_BASE, pa, n);
				REQUIRE(i0 >= 0 && ((pa / VRM_PAGE_SIZE) & (n - 1)) == 0,
					"step %lu: alloc run misplaced", step);
				for (i = (uint64_t)i0; i < (uint64_t)i0 + n; i++) {
					REQUIRE(m.hyp_free[i], "step %lu: allocated a used page", step);
					m.hyp_free[i] = false;
					/* zeroed, then the hyp's secrets go in */
					REQUIRE(p[(i - (uint64_t)i0) * VRM_PAGE_SIZE + 99] == 0,
						"step %lu: not zeroed", step);
					t.fake.vm_dirty[i] = 1;
				}
				memset(p, 0xc3, n * VRM_PAGE_SIZE);
			}
			break;
		default: /* hyp free */
			order = (uint32_t)below(3);
			want = m_hyp_free(&m, T_BASE, pa, order);
			got = vrm_pool_hyp_free(&t.pool, pa, order);
			break;
		}
		REQUIRE(got == want, "step %lu: got %d, model %d", step, got, want);
		ok[kind] += got == 0;
		errs[-got & 127]++;
		REQUIRE(vrm_pool_check_invariants(&t.pool) == 0, "step %lu: invariants", step);
		REQUIRE(t.fake.violations == 0, "step %lu: stage-2 contract breach", step);
		compare(&t, &m, step);
	}
	ck_assert_uint_eq(vrm_check_count(VRM_COND_MEMORY_ISOLATION), 0);
	/* The walk reached every transition and every kind of refusal. */
	for (kind = 0; kind < 10; kind++)
		ck_assert_msg(ok[kind] > ops / 5000, "kind %d succeeded %lu times", kind, ok[kind]);
	ck_assert_uint_gt(errs[EPERM], ops / 100);
	ck_assert_uint_gt(errs[EBUSY], ops / 1000);
	ck_assert_uint_gt(errs[EINVAL], ops / 100);
	ck_assert_uint_gt(errs[ENOMEM], ops / 1000);
	tpool_fini(&t);
}

START_TEST(random_ops_match_the_reference_model)
{
	run(UINT64_C(0x9e3779b97f4a7c15) + (uint64_t)_i, POOL_RANDOM_OPS / 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pool-random");
	TCase *tc = tcase_create("model");

	tcase_set_timeout(tc, 600);
	/* two seeds, half the operations each */
	tcase_add_loop_test(tc, random_ops_match_the_reference_model, 0, 2);
	suite_add_tcase(s, tc);
	return vrm_test_run(s);
}
