/* SPDX-License-Identifier: MIT */
/* Golden sequences: each function of include/vrm/tlb.h issues exactly the
 * barriers, TLBIs and VTTBR_EL2 (TCR_EL1, SCTLR_EL1) writes its comment
 * documents, in that order. Built against the model back end (libvrm) and
 * the recording back end (vrm_tlb_record), plus record variants with the
 * repeat-TLBI and speculative-AT errata workarounds and 8-bit VMIDs. */
#include "tlb_expect.h"

#include <vrm/tlb.h>
#include "../tools/check_run.h"

#define TTL(level) ((UINT64_C(4) | (level)) << 44)
#define P(addr) ((uint64_t)(addr) >> 12)
/* The VMs' VTTBR_EL2 values: root table (BADDR) and VMID. */
#define BADDR UINT64_C(0x80040000)
#define VT(vmid) vrm_tlb_vttbr(BADDR, (vmid))
/* What this thread has loaded before each test: VTTBR 0 (the host's stage
 * 2 at BADDR 0, VMID 0) and the host's EL1 registers (MMU on). */
#define LOADED UINT64_C(0)
static const struct expect_el1 host_el1 = { UINT64_C(0x80803510), UINT64_C(0x30d01805) };

static void setup(void)
{
	vrm_tlb_set_features(0);
	vrm_tlb_hosted_swap_vttbr(LOADED);
	vrm_tlb_hosted_set_el1(host_el1.tcr, host_el1.sctlr);
	vrm_tlb_trace_reset();
}

/* dsb ish; [switch]; tlbi ipas2e1is; dsb ish; tlbi vmalle1is; dsb ish; isb;
 * [restore], loaded with LOADED / host_el1 */
static void expect_s2_ipa(struct expect *e, uint64_t vttbr, uint64_t op)
{
	expect_ev(e, VRM_TLB_EV_DSB_ISH, 0);
	expect_enter(e, vttbr, host_el1);
	expect_tlbi(e, VRM_TLB_EV_TLBI_IPAS2E1IS, op);
	expect_ev(e, VRM_TLB_EV_DSB_ISH, 0);
	expect_tlbi(e, VRM_TLB_EV_TLBI_VMALLE1IS, 0);
	expect_sync_ish(e);
	expect_ev(e, VRM_TLB_EV_ISB, 0);
	expect_exit(e, LOADED, host_el1);
}

/* The stage-2 range head: dsb ish; [switch] */
static void expect_s2_head(struct expect *e, uint64_t vttbr)
{
	expect_ev(e, VRM_TLB_EV_DSB_ISH, 0);
	expect_enter(e, vttbr, host_el1);
}

/* The stage-2 range tail: dsb ish; tlbi vmalle1is; dsb ish; isb; [restore] */
static void expect_s2_tail(struct expect *e)
{
	expect_ev(e, VRM_TLB_EV_DSB_ISH, 0);
	expect_tlbi(e, VRM_TLB_EV_TLBI_VMALLE1IS, 0);
	expect_sync_ish(e);
	expect_ev(e, VRM_TLB_EV_ISB, 0);
	expect_exit(e, LOADED, host_el1);
}

/* The whole-VMID flush of `vttbr` with `loaded` and `el1` loaded before */
static void expect_whole_vmid_from(struct expect *e, uint64_t vttbr, uint64_t loaded,
				   struct expect_el1 el1)
{
	expect_ev(e, VRM_TLB_EV_DSB_ISH, 0);
	expect_enter(e, vttbr, el1);
	expect_tlbi(e, VRM_TLB_EV_TLBI_VMALLS12E1IS, 0);
	expect_sync_ish(e);
	expect_ev(e, VRM_TLB_EV_ISB, 0);
	expect_exit(e, loaded, el1);
}

static void expect_whole_vmid(struct expect *e, uint64_t vttbr)
{
	expect_whole_vmid_from(e, vttbr, LOADED, host_el1);
}

/* EL2 stage 1: dsb ishst; TLBIs; dsb ish; isb (no VTTBR involved) */
static void expect_el2_tail(struct expect *e)
{
	expect_sync_ish(e);
	expect_ev(e, VRM_TLB_EV_ISB, 0);
}

START_TEST(s2_ipa_without_level_hint)
{
	static struct expect e;

	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(VT(7), 0x12345000, VRM_TLB_LEVEL_ANY), 0);
	expect_s2_ipa(&e, VT(7), P(0x12345000));
	expect_trace(&e, 7);
}
END_TEST

START_TEST(s2_ipa_level_hint_is_ttl_only_with_feat_ttl)
{
	static struct expect e;
	int level;

	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(VT(3), 0x40000000, 3), 0); /* no FEAT_TTL */
	expect_s2_ipa(&e, VT(3), P(0x40000000));
	vrm_tlb_set_features(VRM_TLB_FEAT_TTL);
	for (level = 0; level <= 3; level++) {
		ck_assert_int_eq(vrm_tlb_flush_s2_ipa(VT(3), 0x40000000, level), 0);
		expect_s2_ipa(&e, VT(3), P(0x40000000) | TTL((uint64_t)level));
	}
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(VT(3), 0x40000000, -1), 0);
	expect_s2_ipa(&e, VT(3), P(0x40000000));
	expect_trace(&e, 3);
}
END_TEST

START_TEST(s2_ipa_accepts_a_52_bit_ipa)
{
	static struct expect e;
	const uint64_t ipa = (UINT64_C(1) << 52) - 0x1000;

	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(VT(1), ipa, -1), 0);
	expect_s2_ipa(&e, VT(1), P(ipa));
	expect_trace(&e, 1);
}
END_TEST

/* Rule R8: the whole VTTBR_EL2 of the target is loaded, BADDR included,
 * and the loaded one (another VM's, here) put back after every flush. */
START_TEST(s2_flushes_load_the_whole_vttbr_and_restore_it)
{
	const uint64_t other = vrm_tlb_vttbr(UINT64_C(0x9000000), 42);
	const uint64_t want[] = { VT(9), other, VT(9), other, VT(9), other, VT(9), other };
	struct vrm_tlb_event ev;
	size_t i, k = 0;

	vrm_tlb_hosted_swap_vttbr(other);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(VT(9), 0x1000, -1), 0);
	ck_assert_uint_eq(vrm_tlb_hosted_vttbr(), other);
	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(9), 0x1000, 0x4000, -1), 0);
	ck_assert_int_eq(vrm_tlb_flush_vmid(VT(9)), 0);
	ck_assert_int_eq(vrm_tlb_flush_vmid_local(VT(9)), 0);
	ck_assert_uint_eq(vrm_tlb_hosted_vttbr(), other);
	for (i = 0; vrm_tlb_trace_get(i, &ev); i++) {
		if (ev.kind != VRM_TLB_EV_MSR_VTTBR)
			continue;
		ck_assert_uint_lt(k, 8);
		ck_assert_uint_eq(ev.operand, want[k]);
		k++;
	}
	ck_assert_uint_eq(k, 8);
	ck_assert_uint_eq(vrm_tlb_hosted_tcr_el1(), host_el1.tcr);
	ck_assert_uint_eq(vrm_tlb_hosted_sctlr_el1(), host_el1.sctlr);
}
END_TEST

/* Same VMID, other tables loaded (a VMID reused after a rollover, or the
 * VMID-only switch this replaced): still a switch, or a walk in between
 * could tag the other tables' translations with this VMID. */
START_TEST(s2_flush_switches_for_another_baddr_with_the_same_vmid)
{
	static struct expect e;
	const uint64_t same_vmid = vrm_tlb_vttbr(UINT64_C(0x9000000), 9);

	vrm_tlb_hosted_swap_vttbr(same_vmid);
	ck_assert_int_eq(vrm_tlb_flush_vmid(VT(9)), 0);
	expect_whole_vmid_from(&e, VT(9), same_vmid, host_el1);
	expect_trace(&e, 9);
}
END_TEST

/* The target's VTTBR already loaded (a flush from its own vCPU's exit):
 * no register is written. */
START_TEST(s2_flush_does_not_switch_when_the_vttbr_is_loaded)
{
	static struct expect e;

	vrm_tlb_hosted_swap_vttbr(VT(9));
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(VT(9), 0x3000, -1), 0);
	expect_ev(&e, VRM_TLB_EV_DSB_ISH, 0);
	expect_tlbi(&e, VRM_TLB_EV_TLBI_IPAS2E1IS, P(0x3000));
	expect_ev(&e, VRM_TLB_EV_DSB_ISH, 0);
	expect_tlbi(&e, VRM_TLB_EV_TLBI_VMALLE1IS, 0);
	expect_sync_ish(&e);
	expect_ev(&e, VRM_TLB_EV_ISB, 0);
	expect_trace(&e, 9);
	ck_assert_uint_eq(vrm_tlb_hosted_vttbr(), VT(9));
}
END_TEST

/* Speculative-AT workaround (R8): with a guest's EL1 context loaded whose
 * MMU is off, M is set (after EPD, so nothing walks) and cleared again;
 * with the host's (M on) it is left alone. Without the workaround neither
 * register is touched. */
START_TEST(speculative_at_sets_sctlr_m_only_while_the_mmu_is_off)
{
	static struct expect e;
	const struct expect_el1 guest_mmu_off = { UINT64_C(0x25b5103510), UINT64_C(0x30d00800) };

	vrm_tlb_hosted_set_el1(guest_mmu_off.tcr, guest_mmu_off.sctlr);
	ck_assert_int_eq(vrm_tlb_flush_vmid(VT(6)), 0);
	expect_whole_vmid_from(&e, VT(6), LOADED, guest_mmu_off);
	ck_assert_uint_eq(vrm_tlb_hosted_tcr_el1(), guest_mmu_off.tcr);
	ck_assert_uint_eq(vrm_tlb_hosted_sctlr_el1(), guest_mmu_off.sctlr);
	vrm_tlb_hosted_set_el1(host_el1.tcr, host_el1.sctlr);
	ck_assert_int_eq(vrm_tlb_flush_vmid(VT(6)), 0);
	expect_whole_vmid(&e, VT(6));
	expect_trace(&e, 6);
	ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_MSR_SCTLR_EL1), EXPECT_SPEC_AT ? 2 : 0);
	ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_MSR_TCR_EL1), EXPECT_SPEC_AT ? 4 : 0);
}
END_TEST

START_TEST(s2_range_is_per_page_below_max_tlbi_ops)
{
	static struct expect e;
	const uint64_t base = 0x80000000, pages = VRM_TLB_MAX_TLBI_OPS - 1;
	uint64_t i;

	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(5), base, pages << 12, -1), 0);
	expect_s2_head(&e, VT(5));
	for (i = 0; i < pages; i++)
		expect_tlbi(&e, VRM_TLB_EV_TLBI_IPAS2E1IS, P(base) + i);
	expect_s2_tail(&e);
	expect_trace(&e, 5);
}
END_TEST

START_TEST(s2_range_is_whole_vmid_from_max_tlbi_ops)
{
	static struct expect e;

	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(5), 0x80000000,
						(uint64_t)VRM_TLB_MAX_TLBI_OPS << 12, -1), 0);
	expect_whole_vmid(&e, VT(5));
	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(5), 0, UINT64_C(1) << 30, -1), 0);
	expect_whole_vmid(&e, VT(5));
	expect_trace(&e, 5);
}
END_TEST

START_TEST(s2_range_level_hint_steps_by_block_size)
{
	static struct expect e;
	const uint64_t base = 0x40000000, blk = UINT64_C(1) << 21;

	vrm_tlb_set_features(VRM_TLB_FEAT_TTL);
	/* 4 MiB of 2 MiB blocks, request not block aligned: two blocks */
	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(2), base + 0x1000, 2 * blk - 0x1000, 2), 0);
	expect_s2_head(&e, VT(2));
	expect_tlbi(&e, VRM_TLB_EV_TLBI_IPAS2E1IS, P(base) | TTL(2));
	expect_tlbi(&e, VRM_TLB_EV_TLBI_IPAS2E1IS, P(base + blk) | TTL(2));
	expect_s2_tail(&e);
	expect_trace(&e, 2);
}
END_TEST

START_TEST(s2_range_uses_encoder_ops_with_feat_tlbirange)
{
	static struct expect e;
	struct vrm_tlb_range_op ops[VRM_TLB_RANGE_MAX_OPS];
	const uint64_t base = 0x200000, pages[] = { 1, 2, 3, 511, 512, 100000 };
	unsigned k;
	int i, n;

	vrm_tlb_set_features(VRM_TLB_FEAT_RANGE);
	for (k = 0; k < sizeof(pages) / sizeof(pages[0]); k++) {
		ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(4), base, pages[k] << 12, -1), 0);
		n = vrm_tlb_range_encode(base, pages[k], -1, ops);
		ck_assert_int_gt(n, 0);
		expect_s2_head(&e, VT(4));
		for (i = 0; i < n; i++)
			expect_tlbi(&e, ops[i].range ? VRM_TLB_EV_TLBI_RIPAS2E1IS
						    : VRM_TLB_EV_TLBI_IPAS2E1IS, ops[i].operand);
		expect_s2_tail(&e);
	}
	expect_trace(&e, 4);
}
END_TEST

START_TEST(s2_range_switches_to_whole_vmid_above_range_max)
{
	static struct expect e;
	const uint64_t max = VRM_TLB_RANGE_MAX_PAGES;

	vrm_tlb_set_features(VRM_TLB_FEAT_RANGE);
	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(4), 0, max << 12, -1), 0);
	expect_s2_head(&e, VT(4));
	expect_tlbi(&e, VRM_TLB_EV_TLBI_RIPAS2E1IS, (UINT64_C(1) << 46) | (UINT64_C(3) << 44) |
						      (UINT64_C(31) << 39));
	expect_s2_tail(&e);
	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(4), 0, (max + 1) << 12, -1), 0);
	expect_whole_vmid(&e, VT(4));
	expect_trace(&e, 4);
}
END_TEST

/* Barriers per call, never per page: one leading DSB, at most one middle
 * and one trailing DSB ISH, one ISB (+ the switch's two, + two for TCR_EL1
 * with the speculative-AT workaround); the repeat-TLBI workaround adds one
 * TLBI and one DSB per call, however many TLBIs. */
START_TEST(s2_range_issues_one_leading_and_one_trailing_barrier_pair)
{
	uint64_t size;
	uint32_t f;

	for (f = 0; f <= VRM_TLB_FEAT_RANGE; f += VRM_TLB_FEAT_RANGE) {
		vrm_tlb_set_features(f);
		for (size = 0x1000; size <= (UINT64_C(1) << 34); size <<= 1) {
			vrm_tlb_trace_reset();
			ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(1), 0, size, -1), 0);
			ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_DSB_ISHST), 0);
			ck_assert_uint_le(vrm_tlb_trace_count(VRM_TLB_EV_DSB_ISH), 3 + EXPECT_REPEAT);
			ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_ISB), 3 + 2 * EXPECT_SPEC_AT);
			ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_TLBI_VALE2IS), EXPECT_REPEAT);
		}
	}
}
END_TEST

START_TEST(vmid_flush_sequence)
{
	static struct expect e;

	ck_assert_int_eq(vrm_tlb_flush_vmid(VT(11)), 0);
	expect_whole_vmid(&e, VT(11));
	expect_trace(&e, 11);
}
END_TEST

START_TEST(vmid_local_flush_stays_on_this_cpu)
{
	static struct expect e;

	ck_assert_int_eq(vrm_tlb_flush_vmid_local(VT(12)), 0);
	expect_ev(&e, VRM_TLB_EV_DSB_NSH, 0);
	expect_enter(&e, VT(12), host_el1);
	expect_tlbi(&e, VRM_TLB_EV_TLBI_VMALLS12E1, 0);
	expect_ev(&e, VRM_TLB_EV_DSB_NSH, 0);
	expect_ev(&e, VRM_TLB_EV_ISB, 0);
	expect_exit(&e, LOADED, host_el1);
	expect_trace(&e, 12);
}
END_TEST

START_TEST(s2_ipa_local_flush_stays_on_this_cpu)
{
	static struct expect e;

	vrm_tlb_set_features(VRM_TLB_FEAT_TTL);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa_local(VT(13), 0x5000, 3), 0);
	expect_ev(&e, VRM_TLB_EV_DSB_NSH, 0);
	expect_enter(&e, VT(13), host_el1);
	expect_tlbi(&e, VRM_TLB_EV_TLBI_IPAS2E1, P(0x5000) | TTL(3));
	expect_ev(&e, VRM_TLB_EV_DSB_NSH, 0);
	expect_tlbi(&e, VRM_TLB_EV_TLBI_VMALLE1, 0);
	expect_ev(&e, VRM_TLB_EV_DSB_NSH, 0);
	expect_ev(&e, VRM_TLB_EV_ISB, 0);
	expect_exit(&e, LOADED, host_el1);
	expect_trace(&e, 13);
}
END_TEST

START_TEST(el2_va_flush_leaf_and_all_levels)
{
	static struct expect e;

	ck_assert_int_eq(vrm_tlb_flush_el2_va(0xffff0000, true), 0);
	ck_assert_int_eq(vrm_tlb_flush_el2_va(0xffff0000, false), 0);
	expect_ev(&e, VRM_TLB_EV_DSB_ISHST, 0);
	expect_tlbi(&e, VRM_TLB_EV_TLBI_VALE2IS, P(0xffff0000));
	expect_el2_tail(&e);
	expect_ev(&e, VRM_TLB_EV_DSB_ISHST, 0);
	expect_tlbi(&e, VRM_TLB_EV_TLBI_VAE2IS, P(0xffff0000));
	expect_el2_tail(&e);
	expect_trace(&e, 0);
}
END_TEST

START_TEST(el2_range_per_page_then_all_el2)
{
	static struct expect e;
	const uint64_t base = 0x10000000, n = VRM_TLB_MAX_TLBI_OPS - 1;
	uint64_t i;

	ck_assert_int_eq(vrm_tlb_flush_el2_range(base, n << 12), 0);
	expect_ev(&e, VRM_TLB_EV_DSB_ISHST, 0);
	for (i = 0; i < n; i++)
		expect_tlbi(&e, VRM_TLB_EV_TLBI_VAE2IS, P(base) + i);
	expect_el2_tail(&e);
	ck_assert_int_eq(vrm_tlb_flush_el2_range(base, (n + 1) << 12), 0);
	expect_ev(&e, VRM_TLB_EV_DSB_ISHST, 0);
	expect_tlbi(&e, VRM_TLB_EV_TLBI_ALLE2IS, 0);
	expect_el2_tail(&e);
	expect_trace(&e, 0);
}
END_TEST

START_TEST(el2_range_uses_rvae2is_with_feat_tlbirange)
{
	static struct expect e;
	struct vrm_tlb_range_op ops[VRM_TLB_RANGE_MAX_OPS];
	int i, n;

	vrm_tlb_set_features(VRM_TLB_FEAT_RANGE);
	ck_assert_int_eq(vrm_tlb_flush_el2_range(0x10000000, 1027 << 12), 0);
	n = vrm_tlb_range_encode(0x10000000, 1027, -1, ops);
	ck_assert_int_eq(n, 3); /* 1 + 32*32 + 1*2 pages */
	expect_ev(&e, VRM_TLB_EV_DSB_ISHST, 0);
	for (i = 0; i < n; i++)
		expect_tlbi(&e, ops[i].range ? VRM_TLB_EV_TLBI_RVAE2IS : VRM_TLB_EV_TLBI_VAE2IS,
			    ops[i].operand);
	expect_el2_tail(&e);
	expect_trace(&e, 0);
}
END_TEST

START_TEST(all_el1_flush_sequence)
{
	static struct expect e;

	vrm_tlb_flush_all_el1();
	expect_ev(&e, VRM_TLB_EV_DSB_ISHST, 0);
	expect_tlbi(&e, VRM_TLB_EV_TLBI_ALLE1IS, 0);
	expect_el2_tail(&e);
	expect_trace(&e, 0);
}
END_TEST

/* After invalid -> valid writes on the EL2 stage 1: dsb ishst; isb, no TLBI
 * (vrm_pgt_map ends with it; kvm_pgtable_hyp_map's dsb(ishst); isb()). */
START_TEST(el2_map_sync_is_dsb_ishst_then_isb)
{
	static struct expect e;

	vrm_tlb_sync_el2_map();
	expect_ev(&e, VRM_TLB_EV_DSB_ISHST, 0);
	expect_ev(&e, VRM_TLB_EV_ISB, 0);
	expect_trace(&e, 0);
}
END_TEST

START_TEST(bad_input_is_einval_and_issues_nothing)
{
	const uint64_t top = UINT64_C(1) << VRM_TLB_ADDR_BITS;

	vrm_tlb_set_features(VRM_TLB_FEAT_RANGE | VRM_TLB_FEAT_TTL);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(VT(1), 0x1800, -1), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(VT(1), top, -1), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(VT(1), 0x1000, 4), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(VT(1), 0x1000, -2), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa_local(VT(1), 0x10, -1), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(1), 0x1000, 0, -1), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(1), 0x1000, 0x800, -1), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(1), 0x1001, 0x1000, -1), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(1), top - 0x1000, 0x2000, -1), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(1), 0x1000, UINT64_MAX - 0xfff, -1),
			 -VRM_EINVAL); /* wraps */
	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(1), 0x1000, 0x1000, 5), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_el2_va(0x123, false), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_el2_va(top, true), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_el2_range(0x1000, 0), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_el2_range(UINT64_MAX & ~UINT64_C(0xfff), 0x2000),
			 -VRM_EINVAL);
#if VRM_TLB_VMID_BITS < 16
	/* 8-bit VMIDs: VTTBR_EL2[63:56] is RES0 */
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(VT(VRM_TLB_VMID_MAX + 1), 0x1000, -1), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa_local(VT(VRM_TLB_VMID_MAX + 1), 0x1000, -1),
			 -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_s2_range(VT(VRM_TLB_VMID_MAX + 1), 0, 0x1000, -1),
			 -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_vmid(VT(VRM_TLB_VMID_MAX + 1)), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_vmid_local(VT(0xffff)), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_flush_vmid(UINT64_C(1) << 63), -VRM_EINVAL);
	ck_assert_uint_eq(vrm_tlb_hosted_vttbr(), LOADED);
	ck_assert_int_eq(vrm_tlb_flush_vmid(VT(VRM_TLB_VMID_MAX)), 0);
	ck_assert_uint_eq(vrm_tlb_trace_count(VRM_TLB_EV_TLBI_VMALLS12E1IS), 1);
	vrm_tlb_trace_reset();
#else
	/* 16-bit: every value is a VMID and a BADDR/CnP */
	ck_assert_int_eq(vrm_tlb_flush_vmid(UINT64_MAX), 0);
	vrm_tlb_trace_reset();
#endif
	ck_assert_uint_eq(vrm_tlb_hosted_vttbr(), LOADED);
	ck_assert_uint_eq(vrm_tlb_trace_len(), 0);
}
END_TEST

START_TEST(notes_from_other_modules_interleave_with_tlb_events)
{
	static struct expect seq;
	struct vrm_tlb_event ev;
	size_t len;

	expect_s2_ipa(&seq, VT(1), P(0x1000));
	len = 2 + seq.n; /* 2 notes + the s2_ipa sequence */
	vrm_tlb_trace_note(VRM_TLB_EV_PTE_WRITE, 0xabc0);
	ck_assert_int_eq(vrm_tlb_flush_s2_ipa(VT(1), 0x1000, -1), 0);
	vrm_tlb_trace_note(VRM_TLB_EV_PAGE_FREE, 0x9000);
	ck_assert_uint_eq(vrm_tlb_trace_len(), len);
	ck_assert(vrm_tlb_trace_get(0, &ev));
	ck_assert_uint_eq(ev.kind, VRM_TLB_EV_PTE_WRITE);
	ck_assert_uint_eq(ev.operand, 0xabc0);
	ck_assert(vrm_tlb_trace_get(1, &ev));
	ck_assert_uint_eq(ev.kind, VRM_TLB_EV_DSB_ISH);
	ck_assert(vrm_tlb_trace_get(len - 1, &ev));
	ck_assert_uint_eq(ev.kind, VRM_TLB_EV_PAGE_FREE);
	ck_assert(!vrm_tlb_trace_get(len, &ev));
}
END_TEST

static Suite *golden_suite(void)
{
	Suite *s = suite_create("tlb_golden");
	TCase *tc = tcase_create("sequences");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, s2_ipa_without_level_hint);
	tcase_add_test(tc, s2_ipa_level_hint_is_ttl_only_with_feat_ttl);
	tcase_add_test(tc, s2_ipa_accepts_a_52_bit_ipa);
	tcase_add_test(tc, s2_flushes_load_the_whole_vttbr_and_restore_it);
	tcase_add_test(tc, s2_flush_switches_for_another_baddr_with_the_same_vmid);
	tcase_add_test(tc, s2_flush_does_not_switch_when_the_vttbr_is_loaded);
	tcase_add_test(tc, speculative_at_sets_sctlr_m_only_while_the_mmu_is_off);
	tcase_add_test(tc, s2_range_is_per_page_below_max_tlbi_ops);
	tcase_add_test(tc, s2_range_is_whole_vmid_from_max_tlbi_ops);
	tcase_add_test(tc, s2_range_level_hint_steps_by_block_size);
	tcase_add_test(tc, s2_range_uses_encoder_ops_with_feat_tlbirange);
	tcase_add_test(tc, s2_range_switches_to_whole_vmid_above_range_max);
	tcase_add_test(tc, s2_range_issues_one_leading_and_one_trailing_barrier_pair);
	tcase_add_test(tc, vmid_flush_sequence);
	tcase_add_test(tc, vmid_local_flush_stays_on_this_cpu);
	tcase_add_test(tc, s2_ipa_local_flush_stays_on_this_cpu);
	tcase_add_test(tc, el2_va_flush_leaf_and_all_levels);
	tcase_add_test(tc, el2_range_per_page_then_all_el2);
	tcase_add_test(tc, el2_range_uses_rvae2is_with_feat_tlbirange);
	tcase_add_test(tc, all_el1_flush_sequence);
	tcase_add_test(tc, el2_map_sync_is_dsb_ishst_then_isb);
	tcase_add_test(tc, bad_input_is_einval_and_issues_nothing);
	tcase_add_test(tc, notes_from_other_modules_interleave_with_tlb_events);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return vrm_test_run(golden_suite());
}
