/* SPDX-License-Identifier: MIT */
/* The software TLB model (include/vrm/tlb_model.h) shows the hazard that
 * Sequential-TLB-Invalidation forbids, and the library's sequences remove
 * it. The page table is a toy the test controls through the walker. */
#define _DEFAULT_SOURCE /* sysconf under -std=c11 */
#include <check.h>
#include <pthread.h>
#include <unistd.h>

#include <vrm/hosted.h>
#include <vrm/tlb.h>
#include <vrm/tlb_model.h>
#include "../tools/check_run.h"

#define NPAGES 64
#define VM 1
#define PA_A UINT64_C(0x800000000)
#define PA_B UINT64_C(0x900000000)

/* toy[regime][page] = PA of the page, 0 = not mapped; level 3 unless
 * block2m is set, then every page maps into one 2 MiB block at PA_A. */
struct toy {
	uint64_t pa[2][NPAGES]; /* [0]: stage 2 of VM, [1]: EL2 */
	int block2m;
};
static struct toy toy;

static int walk(void *ctx, uint32_t regime, uint64_t addr, vrm_pa_t *pa, int *level)
{
	struct toy *t = ctx;
	unsigned r = regime == VRM_TLB_REGIME_EL2 ? 1 : 0;
	uint64_t page = addr >> 12, v;

	if ((regime != VM && !r) || page >= NPAGES)
		return -VRM_ENOENT;
	if (__atomic_load_n(&t->block2m, __ATOMIC_ACQUIRE)) {
		*pa = PA_A + addr;
		*level = 2;
		return 0;
	}
	v = __atomic_load_n(&t->pa[r][page], __ATOMIC_ACQUIRE);
	if (!v)
		return -VRM_ENOENT;
	*pa = v + (addr & 0xfff);
	*level = 3;
	return 0;
}

static void set_pte(unsigned r, uint64_t page, uint64_t pa)
{
	__atomic_store_n(&toy.pa[r][page], pa, __ATOMIC_RELEASE);
}

static void setup(void)
{
	unsigned i;

	vrm_hosted_set_cpu_id(0);
	vrm_tlb_set_features(0);
	for (i = 0; i < NPAGES; i++) {
		toy.pa[0][i] = PA_A + i * 0x1000;
		toy.pa[1][i] = PA_B + i * 0x1000;
	}
	toy.block2m = 0;
	vrm_tlb_model_set_walker(walk, &toy);
	vrm_tlb_model_reset();
}

static uint64_t xlate(uint32_t cpu, uint32_t regime, uint64_t addr)
{
	vrm_pa_t pa = 0;

	ck_assert_int_eq(vrm_tlb_model_translate(cpu, regime, addr, &pa), 0);
	return pa;
}

START_TEST(remap_without_tlbi_leaves_the_old_translation)
{
	ck_assert_uint_eq(xlate(0, VM, 0x3000), PA_A + 0x3000);
	set_pte(0, 3, PA_B);
	ck_assert_uint_eq(xlate(0, VM, 0x3000), PA_A + 0x3000); /* stale */
}
END_TEST

START_TEST(library_sequence_removes_the_old_translation_on_every_cpu)
{
	ck_assert_uint_eq(xlate(0, VM, 0x3000), PA_A + 0x3000);
	ck_assert_uint_eq(xlate(5, VM, 0x3000), PA_A + 0x3000);
	set_pte(0, 3, PA_B);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(vrm_tlb_vttbr(0, VM), 0x3000, 3), 0);
	ck_assert_uint_eq(xlate(0, VM, 0x3000), PA_B);
	ck_assert_uint_eq(xlate(5, VM, 0x3000), PA_B);
}
END_TEST

START_TEST(tlbi_is_complete_only_after_dsb_ish)
{
	vrm_pa_t pa;

	ck_assert_uint_eq(xlate(1, VM, 0x2000), PA_A + 0x2000);
	vrm_tlb_hosted_swap_vttbr(vrm_tlb_vttbr(0, VM));
	vrm_tlb_model_insn(VRM_TLB_EV_TLBI_IPAS2E1IS, 0x2);
	ck_assert_int_eq(vrm_tlb_model_lookup(1, VM, 0x2000, &pa), 0); /* still there */
	vrm_tlb_model_insn(VRM_TLB_EV_DSB_ISHST, 0);
	ck_assert_int_eq(vrm_tlb_model_lookup(1, VM, 0x2000, &pa), 0); /* ST form: no */
	vrm_tlb_model_insn(VRM_TLB_EV_DSB_ISH, 0);
	ck_assert_int_eq(vrm_tlb_model_lookup(1, VM, 0x2000, &pa), -VRM_ENOENT);
	vrm_tlb_hosted_swap_vttbr(0);
}
END_TEST

START_TEST(unmap_then_reuse_before_flush_is_detectable)
{
	ck_assert_uint_eq(xlate(2, VM, 0x5000), PA_A + 0x5000);
	set_pte(0, 5, 0); /* unmap in the table only */
	ck_assert(vrm_tlb_model_caches_pa(PA_A + 0x5000)); /* reuse now = bug */
	ck_assert_int_eq(vrm_tlb_flush_s2_range(vrm_tlb_vttbr(0, VM), 0x5000, 0x1000, 3), 0);
	ck_assert(!vrm_tlb_model_caches_pa(PA_A + 0x5000));
	ck_assert_int_eq(vrm_tlb_model_translate(2, VM, 0x5000, &(vrm_pa_t){ 0 }), -VRM_ENOENT);
}
END_TEST

START_TEST(local_flush_reaches_only_the_calling_cpu)
{
	vrm_pa_t pa;

	xlate(0, VM, 0x1000);
	xlate(1, VM, 0x1000);
	vrm_hosted_set_cpu_id(0);
	ck_assert_int_eq(vrm_tlb_flush_vmid_local(vrm_tlb_vttbr(0, VM)), 0);
	ck_assert_int_eq(vrm_tlb_model_lookup(0, VM, 0x1000, &pa), -VRM_ENOENT);
	ck_assert_int_eq(vrm_tlb_model_lookup(1, VM, 0x1000, &pa), 0);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa_local(vrm_tlb_vttbr(0, VM), 0x1000, -1), 0);
	ck_assert_int_eq(vrm_tlb_model_lookup(1, VM, 0x1000, &pa), 0);
	ck_assert_int_eq(vrm_tlb_flush_vmid(vrm_tlb_vttbr(0, VM)), 0);
	ck_assert_int_eq(vrm_tlb_model_lookup(1, VM, 0x1000, &pa), -VRM_ENOENT);
}
END_TEST

START_TEST(wrong_level_hint_leaves_a_block_entry)
{
	vrm_pa_t pa;

	__atomic_store_n(&toy.block2m, 1, __ATOMIC_RELEASE);
	vrm_tlb_set_features(VRM_TLB_FEAT_TTL);
	ck_assert_uint_eq(xlate(0, VM, 0x7000), PA_A + 0x7000);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(vrm_tlb_vttbr(0, VM), 0, 3), 0); /* wrong: it is level 2 */
	ck_assert_int_eq(vrm_tlb_model_lookup(0, VM, 0x7000, &pa), 0);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(vrm_tlb_vttbr(0, VM), 0, 2), 0);
	ck_assert_int_eq(vrm_tlb_model_lookup(0, VM, 0x7000, &pa), -VRM_ENOENT);
}
END_TEST

START_TEST(block_entry_goes_with_a_flush_of_any_address_inside)
{
	vrm_pa_t pa;

	__atomic_store_n(&toy.block2m, 1, __ATOMIC_RELEASE);
	ck_assert_uint_eq(xlate(0, VM, 0x1000), PA_A + 0x1000);
	ck_assert_int_eq(vrm_tlb_model_lookup(0, VM, 0x1ff000, &pa), 0); /* whole block */
	ck_assert_uint_eq(pa, PA_A + 0x1ff000);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(vrm_tlb_vttbr(0, VM), 0x100000, -1), 0);
	ck_assert(!vrm_tlb_model_caches_pa(PA_A + 0x1000));
}
END_TEST

START_TEST(range_flush_removes_exactly_the_range)
{
	vrm_pa_t pa;
	uint64_t p;
	uint32_t f;

	for (f = 0; f <= VRM_TLB_FEAT_RANGE; f += VRM_TLB_FEAT_RANGE) {
		vrm_tlb_set_features(f);
		for (p = 0; p < 16; p++)
			xlate(3, VM, p << 12);
		ck_assert_int_eq(vrm_tlb_flush_s2_range(vrm_tlb_vttbr(0, VM), 0x3000, 11 << 12, -1), 0);
		for (p = 0; p < 16; p++)
			ck_assert_int_eq(vrm_tlb_model_lookup(3, VM, p << 12, &pa),
					 (p >= 3 && p < 14) ? -VRM_ENOENT : 0);
		vrm_tlb_model_reset();
	}
}
END_TEST

START_TEST(vmid_flush_spares_el2_and_all_el1_spares_el2)
{
	vrm_pa_t pa;

	xlate(0, VM, 0x1000);
	xlate(0, VRM_TLB_REGIME_EL2, 0x1000);
	ck_assert_int_eq(vrm_tlb_flush_vmid(vrm_tlb_vttbr(0, VM + 1)), 0); /* another VM */
	ck_assert_int_eq(vrm_tlb_model_lookup(0, VM, 0x1000, &pa), 0);
	vrm_tlb_flush_all_el1();
	ck_assert_int_eq(vrm_tlb_model_lookup(0, VM, 0x1000, &pa), -VRM_ENOENT);
	ck_assert_int_eq(vrm_tlb_model_lookup(0, VRM_TLB_REGIME_EL2, 0x1000, &pa), 0);
}
END_TEST

START_TEST(el2_flushes_act_on_el2_entries)
{
	vrm_pa_t pa;
	uint64_t p;

	for (p = 0; p < 8; p++)
		xlate(0, VRM_TLB_REGIME_EL2, p << 12);
	ck_assert_int_eq(vrm_tlb_flush_el2_va(0x2000, true), 0);
	ck_assert_int_eq(vrm_tlb_model_lookup(0, VRM_TLB_REGIME_EL2, 0x2000, &pa), -VRM_ENOENT);
	vrm_tlb_set_features(VRM_TLB_FEAT_RANGE);
	ck_assert_int_eq(vrm_tlb_flush_el2_range(0x4000, 0x3000), 0);
	for (p = 0; p < 8; p++)
		ck_assert_int_eq(vrm_tlb_model_lookup(0, VRM_TLB_REGIME_EL2, p << 12, &pa),
				 (p == 2 || (p >= 4 && p < 7)) ? -VRM_ENOENT : 0);
}
END_TEST

START_TEST(walker_faults_are_returned_and_not_cached)
{
	vrm_pa_t pa;

	ck_assert_int_eq(vrm_tlb_model_translate(0, VM, NPAGES << 12, &pa), -VRM_ENOENT);
	ck_assert_uint_eq(vrm_tlb_model_entries(0), 0);
	ck_assert_int_eq(vrm_tlb_model_translate(VRM_MAX_CPUS, VM, 0, &pa), -VRM_EINVAL);
}
END_TEST

/* Readers translate on their own CPUs while a writer remaps pages and
 * flushes: after each flush returns no CPU translates to the old page. */
#define ROUNDS 2000
static int stop;

static void *reader(void *arg)
{
	uint32_t cpu = (uint32_t)(uintptr_t)arg;
	vrm_pa_t pa;
	uint64_t p = 0;

	vrm_hosted_set_cpu_id(cpu);
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		(void)vrm_tlb_model_translate(cpu, VM, (p % 8) << 12, &pa);
		p++;
	}
	return NULL;
}

START_TEST(concurrent_walks_never_see_a_flushed_page)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned nreaders = ncpu > 1 ? (unsigned)ncpu : 2, i, r;
	pthread_t th[8];

	if (nreaders > 8)
		nreaders = 8;
	__atomic_store_n(&stop, 0, __ATOMIC_RELEASE);
	for (i = 0; i < nreaders; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, reader, (void *)(uintptr_t)(i + 1)), 0);
	vrm_hosted_set_cpu_id(0);
	for (r = 0; r < ROUNDS; r++) {
		uint64_t page = r % 8, old = __atomic_load_n(&toy.pa[0][page], __ATOMIC_ACQUIRE);
		uint64_t new_pa = PA_B + ((uint64_t)(r + 1) << 12); /* never used before */

		set_pte(0, page, new_pa);
		ck_assert_int_eq(vrm_tlb_flush_s2_ipa(vrm_tlb_vttbr(0, VM), page << 12, 3), 0);
		ck_assert(!vrm_tlb_model_caches_pa(old));
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < nreaders; i++)
		pthread_join(th[i], NULL);
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("tlb_model");
	TCase *tc = tcase_create("model");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 0);
	tcase_add_test(tc, remap_without_tlbi_leaves_the_old_translation);
	tcase_add_test(tc, library_sequence_removes_the_old_translation_on_every_cpu);
	tcase_add_test(tc, tlbi_is_complete_only_after_dsb_ish);
	tcase_add_test(tc, unmap_then_reuse_before_flush_is_detectable);
	tcase_add_test(tc, local_flush_reaches_only_the_calling_cpu);
	tcase_add_test(tc, wrong_level_hint_leaves_a_block_entry);
	tcase_add_test(tc, block_entry_goes_with_a_flush_of_any_address_inside);
	tcase_add_test(tc, range_flush_removes_exactly_the_range);
	tcase_add_test(tc, vmid_flush_spares_el2_and_all_el1_spares_el2);
	tcase_add_test(tc, el2_flushes_act_on_el2_entries);
	tcase_add_test(tc, walker_faults_are_returned_and_not_cached);
	tcase_add_test(tc, concurrent_walks_never_see_a_flushed_page);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return vrm_test_run(model_suite());
}
