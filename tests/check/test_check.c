/* SPDX-License-Identifier: MIT */
/*
 * The checker catches planted violations of each VRM condition, naming the
 * right condition, and stays silent for the matching correct use. The
 * "kernel" here is the test itself calling the hooks, as a kernel that
 * writes its own descriptors would (docs/checker.md).
 */
#define _DEFAULT_SOURCE
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <vrm/barrier.h>
#include <vrm/check.h>
#include <vrm/hosted.h>
#include <vrm/ticket.h>
#include <vrm/tlb.h>
#include "../tools/check_run.h"

#include "check_fixture.h"

/* Descriptors: valid page at level 3 = bits[1:0] = 0b11. */
#define PAGE_DESC(pa) ((uint64_t)(pa) | 3u)
#define PERM_BIT (1ull << 6)

static vrm_ticket_t tbl_lock = VRM_TICKET_INIT;
static uint64_t entry;

static const struct vrm_check_table s2 = { .kernel = false, .vmid = 5, .principal = 7,
					   .lock = &tbl_lock };
static const struct vrm_check_table kern = { .kernel = true, .lock = &tbl_lock };

/* ---- DRF-Kernel */
static vrm_ticket_t obj_lock = VRM_TICKET_INIT;
static int guarded_obj[4];

START_TEST(drf_access_without_lock_is_reported)
{
	ck_assert_int_eq(vrm_check_guard(guarded_obj, sizeof(guarded_obj), &obj_lock), 0);
	vrm_check_access(&guarded_obj[2]);
	ONLY(VRM_COND_DRF_KERNEL, 1);
	ck_assert_uint_eq(last.addr, (uintptr_t)&guarded_obj[2]);
	ck_assert_uint_eq(last.cpu, vrm_env_cpu_id());
	vrm_check_unguard(guarded_obj);
}
END_TEST

static void *hold_lock(void *arg)
{
	vrm_ticket_lock(arg);
	return NULL;
}

START_TEST(drf_access_while_another_cpu_holds_the_lock_is_reported)
{
	vrm_ticket_t l = VRM_TICKET_INIT;
	pthread_t t;

	ck_assert_int_eq(vrm_check_guard(guarded_obj, sizeof(guarded_obj), &l), 0);
	pthread_create(&t, NULL, hold_lock, &l);
	pthread_join(t, NULL);
	vrm_check_access(guarded_obj); /* held, but not by me: pKVM could not tell */
	ONLY(VRM_COND_DRF_KERNEL, 1);
	vrm_check_unguard(guarded_obj);
}
END_TEST

START_TEST(drf_access_under_own_lock_is_silent)
{
	ck_assert_int_eq(vrm_check_guard(guarded_obj, sizeof(guarded_obj), &obj_lock), 0);
	vrm_ticket_lock(&obj_lock);
	vrm_check_access(&guarded_obj[3]);
	vrm_ticket_unlock(&obj_lock);
	vrm_check_access(&entry); /* not guarded: nothing to say */
	ONLY(VRM_COND_DRF_KERNEL, 0);
	vrm_check_unguard(guarded_obj);
}
END_TEST

/* ---- No-Barrier-Misuse */
START_TEST(nbm_unlock_by_non_holder_is_reported)
{
	vrm_ticket_t l = VRM_TICKET_INIT;
	pthread_t t;

	pthread_create(&t, NULL, hold_lock, &l);
	pthread_join(t, NULL);
	vrm_ticket_unlock(&l);
	ONLY(VRM_COND_NO_BARRIER_MISUSE, 1);
	ck_assert_uint_eq(last.addr, (uintptr_t)&l);
}
END_TEST

START_TEST(nbm_table_unlock_before_dsb_is_reported)
{
	vrm_ticket_lock(&tbl_lock);
	vrm_check_pte_write(&s2, &entry, 0, PAGE_DESC(0x1000), 3, 0x5000);
	vrm_ticket_unlock(&tbl_lock); /* no DSB: another CPU's MMU may not see it */
	ONLY(VRM_COND_NO_BARRIER_MISUSE, 1);
	ck_assert_uint_eq(last.addr, (uintptr_t)&tbl_lock);
	ck_assert_uint_ge(last.nhistory, 2);
	ck_assert_uint_eq(last.history[last.nhistory - 1].kind, VRM_EV_UNLOCK);
}
END_TEST

START_TEST(nbm_table_unlock_after_dsb_is_silent)
{
	vrm_ticket_lock(&tbl_lock);
	vrm_check_pte_write(&s2, &entry, 0, PAGE_DESC(0x1000), 3, 0x5000);
	vrm_dsb_ishst();
	vrm_ticket_unlock(&tbl_lock);
	vrm_ticket_lock(&obj_lock);
	vrm_ticket_unlock(&obj_lock);
	ONLY(VRM_COND_NO_BARRIER_MISUSE, 0);
}
END_TEST

/* ---- Write-Once-Kernel-Mapping */
START_TEST(wo_kernel_entry_remapped_is_reported)
{
	vrm_ticket_lock(&tbl_lock);
	vrm_check_pte_write(&kern, &entry, 0, PAGE_DESC(0x2000), 3, 0x2000);
	vrm_check_pte_write(&kern, &entry, PAGE_DESC(0x2000), PAGE_DESC(0x3000), 3, 0x2000);
	vrm_dsb_ish();
	vrm_ticket_unlock(&tbl_lock);
	ck_assert_uint_eq(vrm_check_count(VRM_COND_WRITE_ONCE_KERNEL_MAPPING), 1);
	ck_assert_uint_eq(last.addr, (uintptr_t)&entry);
}
END_TEST

START_TEST(wo_kernel_entry_unmapped_or_reprotected_is_reported)
{
	vrm_ticket_lock(&tbl_lock);
	vrm_check_pte_write(&kern, &entry, PAGE_DESC(0x2000), PAGE_DESC(0x2000) | PERM_BIT, 3, 0x2000);
	vrm_check_pte_write(&kern, &entry, PAGE_DESC(0x2000), 0, 3, 0x2000);
	vrm_dsb_ish();
	vrm_ticket_unlock(&tbl_lock);
	ck_assert_uint_eq(vrm_check_count(VRM_COND_WRITE_ONCE_KERNEL_MAPPING), 2);
}
END_TEST

START_TEST(wo_kernel_entries_written_once_are_silent)
{
	uint64_t e2 = 0;

	vrm_ticket_lock(&tbl_lock);
	vrm_check_pte_write(&kern, &entry, 0, PAGE_DESC(0x2000), 3, 0x2000);
	vrm_check_pte_write(&kern, &e2, 0, PAGE_DESC(0x3000), 3, 0x3000);
	vrm_dsb_ish();
	vrm_ticket_unlock(&tbl_lock);
	ck_assert_uint_eq(vrm_check_total(), 0);
}
END_TEST

/* ---- Transactional-Page-Table */
START_TEST(tpt_valid_to_valid_without_bbm_is_reported)
{
	vrm_ticket_lock(&tbl_lock);
	vrm_check_pte_write(&s2, &entry, PAGE_DESC(0x1000), PAGE_DESC(0x9000), 3, 0x5000);
	vrm_dsb_ish();
	vrm_ticket_unlock(&tbl_lock);
	ONLY(VRM_COND_TRANSACTIONAL_PAGE_TABLE, 1);
	ck_assert_uint_eq(last.addr2, 0x5000);
}
END_TEST

START_TEST(tpt_new_entry_before_tlbi_completes_is_reported)
{
	vrm_ticket_lock(&tbl_lock);
	vrm_check_pte_write(&s2, &entry, PAGE_DESC(0x1000), 0, 3, 0x5000);
	vrm_dsb_ishst();
	vrm_check_tlbi(VRM_TLBI_S2_IPA, 5, 0x5000, 0x1000, false);
	/* missing: dsb ish */
	vrm_check_pte_write(&s2, &entry, 0, PAGE_DESC(0x9000), 3, 0x5000);
	vrm_dsb_ish();
	vrm_ticket_unlock(&tbl_lock);
	ONLY(VRM_COND_TRANSACTIONAL_PAGE_TABLE, 1);
}
END_TEST

START_TEST(tpt_unzeroed_table_published_is_reported)
{
	static uint64_t table[512];

	table[17] = 0xdead;
	vrm_check_table_publish(&s2, table);
	ONLY(VRM_COND_TRANSACTIONAL_PAGE_TABLE, 1);
	table[17] = 0;
	vrm_check_table_publish(&s2, table);
	ONLY(VRM_COND_TRANSACTIONAL_PAGE_TABLE, 1);
}
END_TEST

START_TEST(tpt_write_without_table_lock_is_reported)
{
	vrm_check_pte_write(&s2, &entry, 0, PAGE_DESC(0x1000), 3, 0x5000);
	vrm_dsb_ishst();
	ONLY(VRM_COND_TRANSACTIONAL_PAGE_TABLE, 1);
}
END_TEST

START_TEST(tpt_full_break_before_make_is_silent)
{
	vrm_ticket_lock(&tbl_lock);
	vrm_check_pte_write(&s2, &entry, PAGE_DESC(0x1000), 0, 3, 0x5000);
	vrm_dsb_ishst();
	vrm_check_tlbi(VRM_TLBI_S2_IPA, 5, 0x5000, 0x1000, false);
	vrm_dsb_ish();
	vrm_check_pte_write(&s2, &entry, 0, PAGE_DESC(0x9000), 3, 0x5000);
	/* permission-only change: no BBM needed (Arm ARM D8.14) */
	vrm_check_pte_write(&s2, &entry, PAGE_DESC(0x9000), PAGE_DESC(0x9000) | PERM_BIT, 3, 0x5000);
	vrm_dsb_ishst();
	vrm_ticket_unlock(&tbl_lock);
	ck_assert_uint_eq(vrm_check_total(), 0);
}
END_TEST

/* ---- Sequential-TLB-Invalidation */
static void unmap_page(uint64_t pa, uint64_t ipa)
{
	vrm_ticket_lock(&tbl_lock);
	vrm_check_pte_write(&s2, &entry, PAGE_DESC(pa), 0, 3, ipa);
	vrm_dsb_ishst();
	vrm_ticket_unlock(&tbl_lock);
}

START_TEST(stlbi_page_reused_before_tlbi_is_reported)
{
	unmap_page(0x7000, 0x5000);
	vrm_check_owner_change(0x7000, 1, 2);
	ONLY(VRM_COND_SEQUENTIAL_TLB_INVALIDATION, 1);
	ck_assert_uint_eq(last.addr, 0x7000);
}
END_TEST

START_TEST(stlbi_page_reused_after_tlbi_before_dsb_is_reported)
{
	unmap_page(0x7000, 0x5000);
	vrm_check_tlbi(VRM_TLBI_S2_IPA, 5, 0x5000, 0x1000, false);
	vrm_check_page_reuse(0x7000);
	ONLY(VRM_COND_SEQUENTIAL_TLB_INVALIDATION, 1);
}
END_TEST

START_TEST(stlbi_local_or_wrong_vmid_tlbi_does_not_count)
{
	unmap_page(0x7000, 0x5000);
	vrm_check_tlbi(VRM_TLBI_S2_IPA, 5, 0x5000, 0x1000, true);  /* local only */
	vrm_check_tlbi(VRM_TLBI_VMID, 6, 0, 0, false);              /* other VM */
	vrm_dsb_ish();
	vrm_check_page_reuse(0x7000);
	ONLY(VRM_COND_SEQUENTIAL_TLB_INVALIDATION, 1);
}
END_TEST

START_TEST(stlbi_tlbi_before_dsb_of_entry_write_is_reported)
{
	vrm_ticket_lock(&tbl_lock);
	vrm_check_pte_write(&s2, &entry, PAGE_DESC(0x7000), 0, 3, 0x5000);
	vrm_check_tlbi(VRM_TLBI_S2_IPA, 5, 0x5000, 0x1000, false);
	vrm_dsb_ish();
	vrm_ticket_unlock(&tbl_lock);
	ONLY(VRM_COND_SEQUENTIAL_TLB_INVALIDATION, 1);
}
END_TEST

START_TEST(stlbi_reuse_after_tlbi_and_dsb_is_silent)
{
	unmap_page(0x7000, 0x5000);
	vrm_check_tlbi(VRM_TLBI_VMID, 5, 0, 0, false);
	vrm_dsb_ish();
	vrm_check_page_reuse(0x7000);
	unmap_page(0x8000, 0x6000);
	vrm_check_tlbi(VRM_TLBI_ALL_EL1, 0, 0, 0, false);
	vrm_dsb_ish();
	vrm_check_owner_change(0x8000, 1, 2);
	ck_assert_uint_eq(vrm_check_total(), 0);
}
END_TEST

START_TEST(stlbi_library_broadcast_flush_completes_the_invalidation)
{
	unmap_page(0x7000, 0x5000);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(vrm_tlb_vttbr(0, 5), 0x5000, VRM_TLB_LEVEL_ANY), 0);
	vrm_check_page_reuse(0x7000);
	unmap_page(0x8000, 0x200000);
	ck_assert_int_eq(vrm_tlb_flush_s2_range(vrm_tlb_vttbr(0, 5), 0x1ff000, 0x3000, VRM_TLB_LEVEL_ANY), 0);
	vrm_check_owner_change(0x8000, 1, 2);
	ck_assert_uint_eq(vrm_check_total(), 0);
}
END_TEST

START_TEST(stlbi_library_local_flush_does_not_complete_it)
{
	unmap_page(0x7000, 0x5000);
	ck_assert_int_eq(vrm_tlb_flush_vmid_local(vrm_tlb_vttbr(0, 5)), 0); /* this CPU only */
	vrm_check_page_reuse(0x7000);
	ONLY(VRM_COND_SEQUENTIAL_TLB_INVALIDATION, 1);
}
END_TEST

/* ---- Memory-Isolation */
static bool owner_query(void *ctx, vrm_pa_t pa, uint32_t principal, bool *is_hyp)
{
	(void)ctx;
	*is_hyp = pa >= 0xf0000;              /* hyp owns the top */
	return principal == 7 && pa < 0x10000; /* principal 7 owns the bottom */
}

START_TEST(mi_page_of_another_principal_mapped_is_reported)
{
	vrm_check_set_owner_query(owner_query, NULL);
	vrm_ticket_lock(&tbl_lock);
	vrm_check_pte_write(&s2, &entry, 0, PAGE_DESC(0x20000), 3, 0x5000);
	vrm_dsb_ishst();
	vrm_ticket_unlock(&tbl_lock);
	ONLY(VRM_COND_MEMORY_ISOLATION, 1);
	ck_assert_uint_eq(last.addr, 0x20000);
}
END_TEST

START_TEST(mi_hyp_page_mapped_is_reported)
{
	vrm_check_set_owner_query(owner_query, NULL);
	vrm_ticket_lock(&tbl_lock);
	vrm_check_pte_write(&s2, &entry, 0, PAGE_DESC(0xf1000), 3, 0x5000);
	vrm_dsb_ishst();
	vrm_ticket_unlock(&tbl_lock);
	ONLY(VRM_COND_MEMORY_ISOLATION, 1);
	ck_assert_str_eq(last.rule, "hyp page mapped in a host/VM stage-2");
}
END_TEST

START_TEST(mi_unscrubbed_reclaim_is_reported_and_scrubbed_is_silent)
{
	static uint64_t page[512];

	page[100] = 1;
	vrm_check_page_scrubbed(0x3000, page);
	ONLY(VRM_COND_MEMORY_ISOLATION, 1);
	page[100] = 0;
	vrm_check_page_scrubbed(0x3000, page);
	ONLY(VRM_COND_MEMORY_ISOLATION, 1);
}
END_TEST

START_TEST(mi_owned_page_mapped_is_silent)
{
	vrm_check_set_owner_query(owner_query, NULL);
	vrm_ticket_lock(&tbl_lock);
	vrm_check_pte_write(&s2, &entry, 0, PAGE_DESC(0x4000), 3, 0x5000);
	vrm_dsb_ishst();
	vrm_ticket_unlock(&tbl_lock);
	ck_assert_uint_eq(vrm_check_total(), 0);
}
END_TEST

/* ---- the checker itself */
START_TEST(init_rejects_unusable_memory_and_accepts_a_buffer)
{
	static uint64_t mem[1024];

	ck_assert_int_eq(vrm_check_init(NULL, 4096), -VRM_EINVAL);
	ck_assert_int_eq(vrm_check_init((char *)mem + 1, 4096), -VRM_EINVAL);
	ck_assert_int_eq(vrm_check_init(mem, 8), -VRM_EINVAL);
	ck_assert_int_eq(vrm_check_init(mem, sizeof(mem)), 0);
	unmap_page(0x7000, 0x5000);
	vrm_check_page_reuse(0x7000);
	ONLY(VRM_COND_SEQUENTIAL_TLB_INVALIDATION, 1);
}
END_TEST

START_TEST(full_pending_table_counts_untracked_not_a_violation)
{
	static uint64_t mem[32]; /* room for 1 guard and 4 pending entries */
	uint64_t e[5] = { 0 };

	ck_assert_int_eq(vrm_check_init(mem, sizeof(mem)), 0);
	vrm_ticket_lock(&tbl_lock);
	for (int i = 0; i < 5; i++) /* far apart: no coalescing */
		vrm_check_pte_write(&s2, &e[i], PAGE_DESC(0x100000 * (i + 1)), 0, 3,
				    0x10000000 * (uint64_t)(i + 1));
	vrm_dsb_ishst();
	vrm_ticket_unlock(&tbl_lock);
	ck_assert_uint_eq(vrm_check_untracked(), 1);
	ck_assert_uint_eq(vrm_check_total(), 0);
}
END_TEST

START_TEST(unmap_of_a_contiguous_run_takes_one_pending_slot)
{
	static uint64_t mem[32];
	uint64_t e[64] = { 0 };

	ck_assert_int_eq(vrm_check_init(mem, sizeof(mem)), 0);
	vrm_ticket_lock(&tbl_lock);
	for (int i = 0; i < 64; i++)
		vrm_check_pte_write(&s2, &e[i], PAGE_DESC(0x100000 + 0x1000 * i), 0, 3,
				    0x40000000 + 0x1000 * (uint64_t)i);
	vrm_dsb_ishst();
	vrm_ticket_unlock(&tbl_lock);
	ck_assert_uint_eq(vrm_check_untracked(), 0);
	vrm_check_page_reuse(0x100000 + 0x1000 * 63); /* last page still tracked */
	ONLY(VRM_COND_SEQUENTIAL_TLB_INVALIDATION, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("rules");

	vrm_hosted_set_cpu_id(0);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, drf_access_without_lock_is_reported);
	tcase_add_test(tc, drf_access_while_another_cpu_holds_the_lock_is_reported);
	tcase_add_test(tc, drf_access_under_own_lock_is_silent);
	tcase_add_test(tc, nbm_unlock_by_non_holder_is_reported);
	tcase_add_test(tc, nbm_table_unlock_before_dsb_is_reported);
	tcase_add_test(tc, nbm_table_unlock_after_dsb_is_silent);
	tcase_add_test(tc, wo_kernel_entry_remapped_is_reported);
	tcase_add_test(tc, wo_kernel_entry_unmapped_or_reprotected_is_reported);
	tcase_add_test(tc, wo_kernel_entries_written_once_are_silent);
	tcase_add_test(tc, tpt_valid_to_valid_without_bbm_is_reported);
	tcase_add_test(tc, tpt_new_entry_before_tlbi_completes_is_reported);
	tcase_add_test(tc, tpt_unzeroed_table_published_is_reported);
	tcase_add_test(tc, tpt_write_without_table_lock_is_reported);
	tcase_add_test(tc, tpt_full_break_before_make_is_silent);
	tcase_add_test(tc, stlbi_page_reused_before_tlbi_is_reported);
	tcase_add_test(tc, stlbi_page_reused_after_tlbi_before_dsb_is_reported);
	tcase_add_test(tc, stlbi_local_or_wrong_vmid_tlbi_does_not_count);
	tcase_add_test(tc, stlbi_tlbi_before_dsb_of_entry_write_is_reported);
	tcase_add_test(tc, stlbi_reuse_after_tlbi_and_dsb_is_silent);
	tcase_add_test(tc, stlbi_library_broadcast_flush_completes_the_invalidation);
	tcase_add_test(tc, stlbi_library_local_flush_does_not_complete_it);
	tcase_add_test(tc, mi_page_of_another_principal_mapped_is_reported);
	tcase_add_test(tc, mi_hyp_page_mapped_is_reported);
	tcase_add_test(tc, mi_unscrubbed_reclaim_is_reported_and_scrubbed_is_silent);
	tcase_add_test(tc, mi_owned_page_mapped_is_silent);
	tcase_add_test(tc, init_rejects_unusable_memory_and_accepts_a_buffer);
	tcase_add_test(tc, full_pending_table_counts_untracked_not_a_violation);
	tcase_add_test(tc, unmap_of_a_contiguous_run_takes_one_pending_slot);
	suite_add_tcase(s, tc);
	return vrm_test_run(s);
}
