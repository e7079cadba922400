/* SPDX-License-Identifier: MIT */
/* Pool contract: one test per promise of include/vrm/pool.h. */
#include <check.h>
#include <errno.h>

#include <vrm/check.h>

#include "pool_test_util.h"
#include "../tools/check_run.h"

#define NP 64
#define NVM 4

static struct tpool t;

static void setup(void)
{
	tpool_init(&t, NP, NVM);
	/* pages 48..55 the hypervisor's, 56..63 an MMIO hole */
	ck_assert_int_eq(vrm_pool_boot_assign(&t.pool, PA(48), 8, HYP), 0);
	ck_assert_int_eq(vrm_pool_boot_assign(&t.pool, PA(56), 8, VRM_PRINCIPAL_NONE), 0);
	fake_s2_sync(&t.fake, &t.pool);
	vrm_check_reset();
}

static void teardown(void)
{
	ck_assert_int_eq(vrm_pool_check_invariants(&t.pool), 0);
	ck_assert_uint_eq(t.fake.violations, 0);
	ck_assert_uint_eq(vrm_check_count(VRM_COND_MEMORY_ISOLATION), 0);
	tpool_fini(&t);
}

static vrm_principal_t owner_of(uint64_t i)
{
	vrm_principal_t o;

	ck_assert_int_eq(vrm_pool_owner(&t.pool, PA(i), &o, NULL, NULL, NULL), 0);
	return o;
}

/* Runs call, expects err, and checks that nothing changed. */
#define REJECTS(call, err)                                          \
	do {                                                        \
		struct tsnap s_ = tsnap_take(&t);                   \
		ck_assert_int_eq((call), -(err));                   \
		ck_assert(tsnap_same(&t, &s_));                     \
		ck_assert_int_eq(vrm_pool_check_invariants(&t.pool), 0); \
		tsnap_free(&s_);                                    \
	} while (0)

START_TEST(record_is_8_bytes)
{
	ck_assert_uint_eq(sizeof(struct vrm_pool_page), 8);
}
END_TEST

START_TEST(init_gives_every_page_to_the_host_unshared)
{
	struct tpool u;
	enum vrm_pool_state st;
	uint32_t c;
	vrm_principal_t o, b;
	uint64_t i;

	tpool_init(&u, 16, 2);
	for (i = 0; i < 16; i++) {
		ck_assert_int_eq(vrm_pool_owner(&u.pool, PA(i), &o, &st, &c, &b), 0);
		ck_assert_uint_eq(o, HOST);
		ck_assert_int_eq(st, VRM_POOL_OWNED);
		ck_assert_uint_eq(c, 0);
		ck_assert_uint_eq(b, VRM_PRINCIPAL_NONE);
	}
	ck_assert_int_eq(vrm_pool_check_invariants(&u.pool), 0);
	tpool_fini(&u);
}
END_TEST

START_TEST(init_rejects_malformed_arguments)
{
	struct vrm_pool p;
	struct vrm_pool_page m[4];
	struct vrm_pool_ops ops = fake_s2_ops(&t.fake), noop = ops;

	noop.map = NULL;
	ck_assert_int_eq(vrm_pool_init(&p, T_BASE + 1, 4, m, 1, &ops), -EINVAL);
	ck_assert_int_eq(vrm_pool_init(&p, T_BASE, 0, m, 1, &ops), -EINVAL);
	ck_assert_int_eq(vrm_pool_init(&p, T_BASE, 4, NULL, 1, &ops), -EINVAL);
	ck_assert_int_eq(vrm_pool_init(&p, T_BASE, 4, m, VRM_POOL_MAX_VMS + 1, &ops), -EINVAL);
	ck_assert_int_eq(vrm_pool_init(&p, T_BASE, 4, m, 1, &noop), -EINVAL);
	ck_assert_int_eq(vrm_pool_init(&p, UINT64_MAX & ~UINT64_C(0xfff), 4, m, 1, &ops), -EINVAL);
}
END_TEST

START_TEST(boot_assign_marks_hyp_pages_and_holes)
{
	ck_assert_uint_eq(owner_of(47), HOST);
	ck_assert_uint_eq(owner_of(48), HYP);
	ck_assert_uint_eq(owner_of(56), VRM_PRINCIPAL_NONE);
	ck_assert(!fake_s2_mapped(&t.fake, HOST, PA(48)));
	ck_assert_int_eq(vrm_pool_boot_assign(&t.pool, PA(0), 1, VM(0)), -EINVAL);
}
END_TEST

START_TEST(donate_host_to_vm_moves_owner_and_mapping)
{
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(4), 3, HOST, VM(1)), 0);
	for (int i = 4; i < 7; i++) {
		ck_assert_uint_eq(owner_of(i), VM(1));
		ck_assert(!fake_s2_mapped(&t.fake, HOST, PA(i)));
		ck_assert(fake_s2_mapped(&t.fake, VM(1), PA(i)));
	}
	ck_assert_uint_eq(owner_of(7), HOST);
}
END_TEST

START_TEST(donate_host_to_hyp_unmaps_host)
{
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(0), 2, HOST, HYP), 0);
	ck_assert_uint_eq(owner_of(1), HYP);
	ck_assert(!fake_s2_mapped(&t.fake, HOST, PA(1)));
	ck_assert(fake_s2_mapped(&t.fake, HYP, PA(1)));
}
END_TEST

START_TEST(donate_hyp_to_host_scrubs)
{
	uint8_t *p = fake_s2_va(&t.fake, PA(0));

	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(0), 1, HOST, HYP), 0);
	memset(p, 0x77, VRM_PAGE_SIZE);
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(0), 1, HYP, HOST), 0);
	ck_assert_uint_eq(owner_of(0), HOST);
	for (size_t b = 0; b < VRM_PAGE_SIZE; b++)
		ck_assert_uint_eq(p[b], 0);
}
END_TEST

START_TEST(donate_of_page_not_owned_by_from_is_eperm)
{
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(4), 1, HOST, VM(0)), 0);
	REJECTS(vrm_pool_donate(&t.pool, PA(3), 2, HOST, VM(1)), EPERM);
	REJECTS(vrm_pool_donate(&t.pool, PA(56), 1, HOST, VM(1)), EPERM);
	REJECTS(vrm_pool_donate(&t.pool, PA(0), 1, HYP, HOST), EPERM);
}
END_TEST

START_TEST(double_donate_is_eperm)
{
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(8), 2, HOST, VM(2)), 0);
	REJECTS(vrm_pool_donate(&t.pool, PA(8), 2, HOST, VM(2)), EPERM);
}
END_TEST

START_TEST(free_hyp_pages_cannot_be_donated)
{
	REJECTS(vrm_pool_donate(&t.pool, PA(48), 1, HYP, HOST), EPERM);
}
END_TEST

START_TEST(misaligned_or_outside_range_is_einval)
{
	REJECTS(vrm_pool_donate(&t.pool, PA(1) + 8, 1, HOST, VM(0)), EINVAL);
	REJECTS(vrm_pool_donate(&t.pool, T_BASE - VRM_PAGE_SIZE, 1, HOST, VM(0)), EINVAL);
	REJECTS(vrm_pool_donate(&t.pool, PA(60), 5, HOST, VM(0)), EINVAL);
	REJECTS(vrm_pool_donate(&t.pool, PA(0), 0, HOST, VM(0)), EINVAL);
	REJECTS(vrm_pool_donate(&t.pool, PA(2), UINT64_MAX, HOST, VM(0)), EINVAL);
	REJECTS(vrm_pool_share(&t.pool, PA(NP), 1, HOST, VM(0)), EINVAL);
	REJECTS(vrm_pool_unshare(&t.pool, PA(0) + 1, 1, HOST, VM(0)), EINVAL);
	ck_assert_int_eq(vrm_pool_owner(&t.pool, PA(NP), NULL, NULL, NULL, NULL), -EINVAL);
	REJECTS(vrm_pool_hyp_free(&t.pool, PA(NP), 0), EINVAL);
}
END_TEST

START_TEST(vm_id_out_of_range_is_einval)
{
	REJECTS(vrm_pool_donate(&t.pool, PA(0), 1, HOST, VM(NVM)), EINVAL);
	REJECTS(vrm_pool_share(&t.pool, PA(0), 1, HOST, VM(NVM)), EINVAL);
	REJECTS(vrm_pool_unshare(&t.pool, PA(0), 1, VM(NVM), HOST), EINVAL);
	REJECTS(vrm_pool_reclaim(&t.pool, VM(NVM)), EINVAL);
	REJECTS(vrm_pool_reclaim(&t.pool, HOST), EINVAL);
}
END_TEST

START_TEST(unsupported_direction_is_einval)
{
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(0), 1, HOST, VM(0)), 0);
	REJECTS(vrm_pool_donate(&t.pool, PA(0), 1, VM(0), HOST), EINVAL);
	REJECTS(vrm_pool_donate(&t.pool, PA(1), 1, HOST, HOST), EINVAL);
	REJECTS(vrm_pool_share(&t.pool, PA(0), 1, VM(0), VM(1)), EINVAL);
	REJECTS(vrm_pool_share(&t.pool, PA(1), 1, HOST, HYP), EINVAL);
}
END_TEST

START_TEST(share_maps_borrower_and_keeps_owner)
{
	enum vrm_pool_state st;
	uint32_t c;
	vrm_principal_t b;

	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(10), 2, HOST, VM(3)), 0);
	ck_assert_int_eq(vrm_pool_owner(&t.pool, PA(11), NULL, &st, &c, &b), 0);
	ck_assert_int_eq(st, VRM_POOL_SHARED_OWNED);
	ck_assert_uint_eq(c, 1);
	ck_assert_uint_eq(b, VM(3));
	ck_assert_int_eq(vrm_pool_state_of(&t.pool, PA(11), VM(3)), VRM_POOL_SHARED_BORROWED);
	ck_assert_int_eq(vrm_pool_state_of(&t.pool, PA(11), HOST), VRM_POOL_SHARED_OWNED);
	ck_assert_int_eq(vrm_pool_state_of(&t.pool, PA(11), VM(2)), VRM_POOL_NOPAGE);
	ck_assert(fake_s2_mapped(&t.fake, HOST, PA(11)));
	ck_assert(fake_s2_mapped(&t.fake, VM(3), PA(11)));
}
END_TEST

START_TEST(vm_can_share_with_host)
{
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(20), 2, HOST, VM(0)), 0);
	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(20), 2, VM(0), HOST), 0);
	ck_assert(fake_s2_mapped(&t.fake, HOST, PA(21)));
	ck_assert_int_eq(vrm_pool_unshare(&t.pool, PA(20), 2, VM(0), HOST), 0);
	ck_assert(!fake_s2_mapped(&t.fake, HOST, PA(21)));
	ck_assert(fake_s2_mapped(&t.fake, VM(0), PA(21)));
}
END_TEST

START_TEST(share_count_counts_grants_and_last_unshare_unmaps)
{
	uint32_t c;

	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(10), 1, HOST, VM(0)), 0);
	/* An overlapping second grant: page 10 gets 2, page 11 gets 1. */
	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(10), 2, HOST, VM(0)), 0);
	ck_assert_int_eq(vrm_pool_owner(&t.pool, PA(10), NULL, NULL, &c, NULL), 0);
	ck_assert_uint_eq(c, 2);
	ck_assert_int_eq(vrm_pool_owner(&t.pool, PA(11), NULL, NULL, &c, NULL), 0);
	ck_assert_uint_eq(c, 1);
	ck_assert_int_eq(vrm_pool_unshare(&t.pool, PA(10), 2, HOST, VM(0)), 0);
	ck_assert(fake_s2_mapped(&t.fake, VM(0), PA(10)));
	ck_assert(!fake_s2_mapped(&t.fake, VM(0), PA(11)));
	ck_assert_int_eq(vrm_pool_state_of(&t.pool, PA(11), HOST), VRM_POOL_OWNED);
	ck_assert_int_eq(vrm_pool_unshare(&t.pool, PA(10), 1, HOST, VM(0)), 0);
	ck_assert(!fake_s2_mapped(&t.fake, VM(0), PA(10)));
	ck_assert_int_eq(vrm_pool_state_of(&t.pool, PA(10), HOST), VRM_POOL_OWNED);
}
END_TEST

START_TEST(share_with_a_second_borrower_is_ebusy)
{
	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(10), 1, HOST, VM(0)), 0);
	REJECTS(vrm_pool_share(&t.pool, PA(9), 2, HOST, VM(1)), EBUSY);
}
END_TEST

START_TEST(share_count_overflow_is_eoverflow)
{
	uint32_t i;

	for (i = 0; i < VRM_POOL_SHARE_MAX; i++)
		ck_assert_int_eq(vrm_pool_share(&t.pool, PA(12), 1, HOST, VM(0)), 0);
	REJECTS(vrm_pool_share(&t.pool, PA(11), 2, HOST, VM(0)), EOVERFLOW);
	for (i = 0; i < VRM_POOL_SHARE_MAX; i++)
		ck_assert_int_eq(vrm_pool_unshare(&t.pool, PA(12), 1, HOST, VM(0)), 0);
	ck_assert(!fake_s2_mapped(&t.fake, VM(0), PA(12)));
}
END_TEST

START_TEST(unshare_without_a_grant_is_eperm)
{
	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(10), 1, HOST, VM(0)), 0);
	REJECTS(vrm_pool_unshare(&t.pool, PA(10), 2, HOST, VM(0)), EPERM);
	REJECTS(vrm_pool_unshare(&t.pool, PA(10), 1, HOST, VM(1)), EPERM);
	REJECTS(vrm_pool_unshare(&t.pool, PA(10), 1, VM(0), HOST), EPERM);
}
END_TEST

START_TEST(donating_a_lent_page_is_ebusy)
{
	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(10), 1, HOST, VM(0)), 0);
	REJECTS(vrm_pool_donate(&t.pool, PA(9), 2, HOST, VM(1)), EBUSY);
	REJECTS(vrm_pool_donate(&t.pool, PA(10), 1, HOST, HYP), EBUSY);
}
END_TEST

START_TEST(reclaim_with_live_share_to_host_is_ebusy)
{
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(0), 4, HOST, VM(1)), 0);
	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(2), 1, VM(1), HOST), 0);
	REJECTS(vrm_pool_reclaim(&t.pool, VM(1)), EBUSY);
	ck_assert_int_eq(vrm_pool_unshare(&t.pool, PA(2), 1, VM(1), HOST), 0);
	ck_assert_int_eq(vrm_pool_reclaim(&t.pool, VM(1)), 0);
}
END_TEST

START_TEST(reclaim_scrubs_and_returns_every_page_to_the_host)
{
	uint8_t *p = fake_s2_va(&t.fake, PA(5));

	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(5), 3, HOST, VM(2)), 0);
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(30), 1, HOST, VM(2)), 0);
	memset(p, 0xee, 3 * VRM_PAGE_SIZE); /* the VM's data */
	ck_assert_int_eq(vrm_pool_reclaim(&t.pool, VM(2)), 0);
	for (size_t b = 0; b < 3 * VRM_PAGE_SIZE; b++)
		ck_assert_uint_eq(p[b], 0);
	for (int i = 5; i < 8; i++) {
		ck_assert_uint_eq(owner_of(i), HOST);
		ck_assert(fake_s2_mapped(&t.fake, HOST, PA(i)));
		ck_assert(!fake_s2_mapped(&t.fake, VM(2), PA(i)));
	}
	ck_assert_uint_eq(owner_of(30), HOST);
}
END_TEST

START_TEST(reclaim_drops_the_vms_borrowed_pages)
{
	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(10), 2, HOST, VM(2)), 0);
	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(10), 1, HOST, VM(2)), 0);
	ck_assert_int_eq(vrm_pool_reclaim(&t.pool, VM(2)), 0);
	ck_assert_int_eq(vrm_pool_state_of(&t.pool, PA(10), HOST), VRM_POOL_OWNED);
	ck_assert(!fake_s2_mapped(&t.fake, VM(2), PA(10)));
	ck_assert(!fake_s2_mapped(&t.fake, VM(2), PA(11)));
	ck_assert(fake_s2_mapped(&t.fake, HOST, PA(10)));
}
END_TEST

START_TEST(hyp_alloc_returns_zeroed_aligned_runs)
{
	vrm_pa_t pa, pb;
	uint8_t *p;

	ck_assert_int_eq(vrm_pool_hyp_alloc(&t.pool, 2, &pa), 0);
	ck_assert_uint_eq((pa >> VRM_PAGE_SHIFT) & 3, 0);
	ck_assert_uint_eq(owner_of((pa - T_BASE) / VRM_PAGE_SIZE), HYP);
	p = fake_s2_va(&t.fake, pa);
	memset(p, 0x33, 4 * VRM_PAGE_SIZE);
	ck_assert_int_eq(vrm_pool_hyp_free(&t.pool, pa, 2), 0);
	ck_assert_int_eq(vrm_pool_hyp_alloc(&t.pool, 3, &pb), 0);
	p = fake_s2_va(&t.fake, pb);
	for (size_t b = 0; b < 8 * VRM_PAGE_SIZE; b++)
		ck_assert_uint_eq(p[b], 0);
	ck_assert_int_eq(vrm_pool_hyp_free(&t.pool, pb, 3), 0);
}
END_TEST

START_TEST(hyp_alloc_without_a_free_run_is_enomem)
{
	vrm_pa_t pa;

	ck_assert_int_eq(vrm_pool_hyp_alloc(&t.pool, 3, &pa), 0);
	ck_assert_int_eq(vrm_pool_hyp_alloc(&t.pool, 0, &pa), -ENOMEM);
	ck_assert_int_eq(vrm_pool_hyp_alloc(&t.pool, 4, &pa), -ENOMEM);
	ck_assert_int_eq(vrm_pool_hyp_alloc(&t.pool, VRM_POOL_MAX_ORDER + 1, &pa), -EINVAL);
}
END_TEST

START_TEST(hyp_free_of_pages_not_allocated_is_eperm)
{
	vrm_pa_t pa;

	REJECTS(vrm_pool_hyp_free(&t.pool, PA(48), 0), EPERM); /* free already */
	REJECTS(vrm_pool_hyp_free(&t.pool, PA(0), 0), EPERM);  /* the host's */
	ck_assert_int_eq(vrm_pool_hyp_alloc(&t.pool, 1, &pa), 0);
	REJECTS(vrm_pool_hyp_free(&t.pool, pa + VRM_PAGE_SIZE, 1), EINVAL); /* misaligned */
	ck_assert_int_eq(vrm_pool_hyp_free(&t.pool, pa, 1), 0);
	REJECTS(vrm_pool_hyp_free(&t.pool, pa, 1), EPERM); /* double free */
}
END_TEST

START_TEST(donated_hyp_pages_can_join_the_allocator)
{
	vrm_pa_t pa;
	int i;

	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(0), 8, HOST, HYP), 0);
	ck_assert_int_eq(vrm_pool_hyp_free(&t.pool, PA(0), 3), 0);
	for (i = 0; i < 16; i++)
		ck_assert_int_eq(vrm_pool_hyp_alloc(&t.pool, 0, &pa), 0);
	ck_assert_int_eq(vrm_pool_hyp_alloc(&t.pool, 0, &pa), -ENOMEM);
}
END_TEST

struct runs {
	int n;
	vrm_pa_t pa[8];
	uint64_t len[8];
	enum vrm_pool_state st[8];
};

static int record_run(void *arg, vrm_pa_t pa, uint64_t n, enum vrm_pool_state st)
{
	struct runs *r = arg;

	r->pa[r->n] = pa;
	r->len[r->n] = n;
	r->st[r->n] = st;
	r->n++;
	return r->n == 8;
}

START_TEST(for_each_visits_a_principals_runs_in_order)
{
	struct runs r = { 0 };

	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(2), 2, HOST, VM(1)), 0);
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(7), 1, HOST, VM(1)), 0);
	ck_assert_int_eq(vrm_pool_share(&t.pool, PA(8), 2, HOST, VM(1)), 0);
	ck_assert_int_eq(vrm_pool_for_each(&t.pool, VM(1), record_run, &r), 0);
	ck_assert_int_eq(r.n, 3);
	ck_assert_uint_eq(r.pa[0], PA(2));
	ck_assert_uint_eq(r.len[0], 2);
	ck_assert_uint_eq(r.pa[1], PA(7));
	ck_assert_uint_eq(r.len[1], 1);
	ck_assert_int_eq(r.st[1], VRM_POOL_OWNED);
	ck_assert_uint_eq(r.pa[2], PA(8));
	ck_assert_uint_eq(r.len[2], 2);
	ck_assert_int_eq(r.st[2], VRM_POOL_SHARED_BORROWED);
	ck_assert_int_eq(vrm_pool_for_each(&t.pool, VM(NVM), record_run, &r), -EINVAL);
}
END_TEST

START_TEST(check_invariants_catches_a_mapping_of_a_page_not_owned)
{
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(3), 1, HOST, VM(0)), 0);
	t.fake.mapped[(HOST - 1) * NP + 3] = 1; /* the host keeps a mapping */
	ck_assert_int_eq(vrm_pool_check_invariants(&t.pool), -EPERM);
	ck_assert_uint_eq(t.pool.bad_pa, PA(3));
	t.fake.mapped[(HOST - 1) * NP + 3] = 0;
	t.fake.mapped[(VM(1) - 1) * NP + 50] = 1; /* a VM maps a hyp page */
	ck_assert_int_eq(vrm_pool_check_invariants(&t.pool), -EPERM);
	ck_assert_uint_eq(t.pool.bad_pa, PA(50));
	t.fake.mapped[(VM(1) - 1) * NP + 50] = 0;
}
END_TEST

START_TEST(check_invariants_catches_a_malformed_record)
{
	uint64_t w = t.meta[9].word;

	t.meta[9].word = w | (UINT64_C(3) << 32); /* OWNED with a count */
	ck_assert_int_eq(vrm_pool_check_invariants(&t.pool), -EINVAL);
	ck_assert_uint_eq(t.pool.bad_pa, PA(9));
	t.meta[9].word = (w & ~UINT64_C(0xffff)) | VM(NVM); /* unknown owner */
	ck_assert_int_eq(vrm_pool_check_invariants(&t.pool), -EINVAL);
	t.meta[9].word = w;
}
END_TEST

struct events {
	int n;
	vrm_principal_t old_owner, new_owner;
	uint64_t npages;
};

static void on_event(void *arg, vrm_pa_t pa, uint64_t n, vrm_principal_t o,
		     vrm_principal_t nw, vrm_principal_t b, enum vrm_pool_state st)
{
	struct events *e = arg;

	(void)pa;
	(void)b;
	(void)st;
	e->n++;
	e->old_owner = o;
	e->new_owner = nw;
	e->npages = n;
}

START_TEST(every_ownership_change_passes_the_transition_hook)
{
	struct events e = { 0 };

	t.pool.on_transition = on_event;
	t.pool.on_transition_arg = &e;
	ck_assert_int_eq(vrm_pool_donate(&t.pool, PA(0), 3, HOST, VM(0)), 0);
	ck_assert_int_eq(e.n, 1);
	ck_assert_uint_eq(e.old_owner, HOST);
	ck_assert_uint_eq(e.new_owner, VM(0));
	ck_assert_uint_eq(e.npages, 3);
	ck_assert_int_eq(vrm_pool_reclaim(&t.pool, VM(0)), 0);
	ck_assert_int_eq(e.n, 2);
	ck_assert_uint_eq(e.old_owner, VM(0));
	ck_assert_uint_eq(e.new_owner, HOST);
	t.pool.on_transition = NULL;
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("contract");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, record_is_8_bytes);
	tcase_add_test(tc, init_gives_every_page_to_the_host_unshared);
	tcase_add_test(tc, init_rejects_malformed_arguments);
	tcase_add_test(tc, boot_assign_marks_hyp_pages_and_holes);
	tcase_add_test(tc, donate_host_to_vm_moves_owner_and_mapping);
	tcase_add_test(tc, donate_host_to_hyp_unmaps_host);
	tcase_add_test(tc, donate_hyp_to_host_scrubs);
	tcase_add_test(tc, donate_of_page_not_owned_by_from_is_eperm);
	tcase_add_test(tc, double_donate_is_eperm);
	tcase_add_test(tc, free_hyp_pages_cannot_be_donated);
	tcase_add_test(tc, misaligned_or_outside_range_is_einval);
	tcase_add_test(tc, vm_id_out_of_range_is_einval);
	tcase_add_test(tc, unsupported_direction_is_einval);
	tcase_add_test(tc, share_maps_borrower_and_keeps_owner);
	tcase_add_test(tc, vm_can_share_with_host);
	tcase_add_test(tc, share_count_counts_grants_and_last_unshare_unmaps);
	tcase_add_test(tc, share_with_a_second_borrower_is_ebusy);
	tcase_add_test(tc, share_count_overflow_is_eoverflow);
	tcase_add_test(tc, unshare_without_a_grant_is_eperm);
	tcase_add_test(tc, donating_a_lent_page_is_ebusy);
	tcase_add_test(tc, reclaim_with_live_share_to_host_is_ebusy);
	tcase_add_test(tc, reclaim_scrubs_and_returns_every_page_to_the_host);
	tcase_add_test(tc, reclaim_drops_the_vms_borrowed_pages);
	tcase_add_test(tc, hyp_alloc_returns_zeroed_aligned_runs);
	tcase_add_test(tc, hyp_alloc_without_a_free_run_is_enomem);
	tcase_add_test(tc, hyp_free_of_pages_not_allocated_is_eperm);
	tcase_add_test(tc, donated_hyp_pages_can_join_the_allocator);
	tcase_add_test(tc, for_each_visits_a_principals_runs_in_order);
	tcase_add_test(tc, check_invariants_catches_a_mapping_of_a_page_not_owned);
	tcase_add_test(tc, check_invariants_catches_a_malformed_record);
	tcase_add_test(tc, every_ownership_change_passes_the_transition_hook);
	suite_add_tcase(s, tc);
	return vrm_test_run(s);
}
