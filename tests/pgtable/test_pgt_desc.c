/* SPDX-License-Identifier: MIT */
/* Descriptor encoders/decoders and table configuration (vrm/pgtable.h).
 * Bit positions are spelled out here from the Arm ARM (D8.3-D8.5), not
 * taken from the library, so a wrong field fails. */
#include <check.h>
#include <stdlib.h>

#include <vrm/pgtable.h>

#include "pgt_test_mm.h"
#include "../tools/check_run.h"
#include "../tools/pgt_retire.h"

#define BIT(n) (UINT64_C(1) << (n))
#define FIELD(d, hi, lo) (((d) >> (lo)) & ((UINT64_C(1) << ((hi) - (lo) + 1)) - 1))

static const uint32_t mts[] = { VRM_PGT_PROT_NORMAL, VRM_PGT_PROT_DEVICE, VRM_PGT_PROT_NC };

START_TEST(stage2_leaf_fields_follow_the_arm_arm)
{
	const uint64_t memattr[] = { 0xf, 0x1, 0x5 };
	unsigned perm, m;
	int level;

	for (level = 1; level <= 3; level++)
	for (m = 0; m < 3; m++)
	for (perm = 0; perm < 8; perm++) {
		uint32_t prot = perm | mts[m];
		vrm_pa_t pa = UINT64_C(0x8000000000) + vrm_pgt_level_size(level) * 3;
		uint64_t d = vrm_pgt_desc_leaf(VRM_PGT_STAGE2, pa, level, prot);

		if ((prot & VRM_PGT_PROT_X) && mts[m] == VRM_PGT_PROT_DEVICE) {
			ck_assert_uint_eq(d, 0); /* executable Device: refused */
			continue;
		}
		ck_assert_uint_eq(FIELD(d, 1, 0), level == 3 ? 3 : 1);
		ck_assert_uint_eq(FIELD(d, 5, 2), memattr[m]);          /* MemAttr */
		ck_assert_uint_eq(!!(d & BIT(6)), !!(prot & VRM_PGT_PROT_R)); /* S2AP[0] read */
		ck_assert_uint_eq(!!(d & BIT(7)), !!(prot & VRM_PGT_PROT_W)); /* S2AP[1] write */
		ck_assert_uint_eq(FIELD(d, 9, 8), 3);                   /* SH inner */
		ck_assert(d & BIT(10));                                 /* AF */
		ck_assert_uint_eq(FIELD(d, 54, 53), (prot & VRM_PGT_PROT_X) ? 0 : 2); /* XN */
		ck_assert_uint_eq(d & UINT64_C(0x0000fffffffff000), pa);
	}
}
END_TEST

START_TEST(el2_stage1_leaf_fields_follow_the_arm_arm)
{
	const uint64_t idx[] = { 0, 1, 2 };
	unsigned perm, m;

	for (m = 0; m < 3; m++)
	for (perm = 1; perm < 8; perm += 2) { /* R always set at EL2 stage 1 */
		uint32_t prot = perm | mts[m];
		uint64_t d = vrm_pgt_desc_leaf(VRM_PGT_EL2_S1, 0x40000000, 3, prot);

		if ((prot & VRM_PGT_PROT_X) &&
		    (mts[m] == VRM_PGT_PROT_DEVICE || (prot & VRM_PGT_PROT_W))) {
			ck_assert_uint_eq(d, 0); /* executable Device, W+X: refused */
			continue;
		}
		ck_assert_uint_eq(FIELD(d, 1, 0), 3);
		ck_assert_uint_eq(FIELD(d, 4, 2), idx[m]);              /* AttrIndx */
		ck_assert_uint_eq(FIELD(d, 7, 6), (prot & VRM_PGT_PROT_W) ? 1 : 3); /* AP, AP[1] RES1 */
		ck_assert_uint_eq(FIELD(d, 9, 8), 3);
		ck_assert(d & BIT(10));
		ck_assert_uint_eq(!!(d & BIT(54)), !(prot & VRM_PGT_PROT_X));
		ck_assert(!(d & BIT(53)));
	}
	/* MAIR_EL2 bytes for the three indices. */
	ck_assert_uint_eq((VRM_PGT_MAIR_EL2 >> 0) & 0xff, 0xff);
	ck_assert_uint_eq((VRM_PGT_MAIR_EL2 >> 8) & 0xff, 0x04);
	ck_assert_uint_eq((VRM_PGT_MAIR_EL2 >> 16) & 0xff, 0x44);
}
END_TEST

/*
 * Stage-2 XN[1:0], bits [54:53], with FEAT_XNX (Arm ARM D8.4 "Stage 2
 * instruction execution permissions"): 0b00 EL1 and EL0 may execute, 0b01
 * EL0 only (PXN), 0b10 neither, 0b11 EL1 only (UXN). Without FEAT_XNX bit
 * 53 is RES0: never written, and ignored when read (only XN[1] counts).
 */
START_TEST(stage2_xn_split_follows_the_arm_arm_with_feat_xnx)
{
	const uint32_t x[] = { VRM_PGT_PROT_X, VRM_PGT_PROT_X_EL0, 0, VRM_PGT_PROT_X_EL1 };
	const uint32_t no_xnx[] = { VRM_PGT_PROT_X, VRM_PGT_PROT_X, 0, 0 };
	unsigned xn, m;

	vrm_pgt_set_features(VRM_PGT_FEAT_XNX);
	ck_assert_uint_eq(vrm_pgt_features(), VRM_PGT_FEAT_XNX);
	for (m = 0; m < 3; m++)
	for (xn = 0; xn < 4; xn++) {
		uint32_t prot = VRM_PGT_PROT_RW | x[xn] | mts[m];
		uint64_t d = vrm_pgt_desc_leaf(VRM_PGT_STAGE2, 0x40000000, 3, prot);

		if (x[xn] && mts[m] == VRM_PGT_PROT_DEVICE) {
			ck_assert_uint_eq(d, 0);
			continue;
		}
		ck_assert_uint_eq(FIELD(d, 54, 53), xn);
		ck_assert_uint_eq(vrm_pgt_desc_prot(VRM_PGT_STAGE2, d), prot);
		vrm_pgt_set_features(0);
		ck_assert_uint_eq(vrm_pgt_desc_prot(VRM_PGT_STAGE2, d),
				  VRM_PGT_PROT_RW | no_xnx[xn] | mts[m]);
		vrm_pgt_set_features(VRM_PGT_FEAT_XNX);
	}
	/* Not at the EL2 stage 1 (one privilege level), nor two at once. */
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_EL2_S1, VRM_PGT_PROT_R | VRM_PGT_PROT_X_EL1));
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_EL2_S1, VRM_PGT_PROT_R | VRM_PGT_PROT_X_EL0));
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_X | VRM_PGT_PROT_X_EL0));
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_X | VRM_PGT_PROT_X_EL1));
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_X_EL1 | VRM_PGT_PROT_X_EL0));
	/* Without the feature: refused, and the leaf encoder writes nothing. */
	vrm_pgt_set_features(0);
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_R | VRM_PGT_PROT_X_EL1));
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_R | VRM_PGT_PROT_X_EL0));
	ck_assert_uint_eq(vrm_pgt_desc_leaf(VRM_PGT_STAGE2, 0, 3, VRM_PGT_PROT_X_EL0), 0);
	/* Unknown feature bits are dropped. */
	vrm_pgt_set_features(~0u);
	ck_assert_uint_eq(vrm_pgt_features(), VRM_PGT_FEAT_XNX | VRM_PGT_FEAT_FWB);
	vrm_pgt_set_features(0);
}
END_TEST

/* W^X at EL2, no executable Device anywhere; stage 2 keeps W+X. */
START_TEST(prot_valid_refuses_wx_at_el2_and_executable_device)
{
	const uint32_t D = VRM_PGT_PROT_DEVICE, NC = VRM_PGT_PROT_NC;

	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_EL2_S1, VRM_PGT_PROT_RWX));
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_EL2_S1, VRM_PGT_PROT_RWX | NC));
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_EL2_S1, VRM_PGT_PROT_R | VRM_PGT_PROT_X | D));
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_X | D));
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_RWX | D));
	ck_assert(vrm_pgt_prot_valid(VRM_PGT_EL2_S1, VRM_PGT_PROT_R | VRM_PGT_PROT_X));
	ck_assert(vrm_pgt_prot_valid(VRM_PGT_EL2_S1, VRM_PGT_PROT_R | VRM_PGT_PROT_X | NC));
	ck_assert(vrm_pgt_prot_valid(VRM_PGT_EL2_S1, VRM_PGT_PROT_RW));
	ck_assert(vrm_pgt_prot_valid(VRM_PGT_EL2_S1, VRM_PGT_PROT_RW | D));
	ck_assert(vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_RWX));
	ck_assert(vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_RWX | NC));
	ck_assert(vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_RW | D));
	vrm_pgt_set_features(VRM_PGT_FEAT_XNX);
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_X_EL1 | D));
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_X_EL0 | D));
	ck_assert(vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_RW | VRM_PGT_PROT_X_EL1));
	vrm_pgt_set_features(0);
}
END_TEST

START_TEST(every_valid_prot_round_trips_at_every_leaf_level)
{
	int stage, level, xnx, fwb;
	uint32_t prot;
	unsigned n = 0;

	for (fwb = 0; fwb <= 1; fwb++)
	for (xnx = 0; xnx <= 1; xnx++)
	for (stage = 0; stage <= 1; stage++)
	for (level = 1; level <= 3; level++)
	for (prot = 0; prot <= 0xff; prot++) {
		vrm_pa_t pa = vrm_pgt_level_size(level) * 5;
		vrm_pgt_set_features((xnx ? VRM_PGT_FEAT_XNX : 0) | (fwb ? VRM_PGT_FEAT_FWB : 0));
		uint64_t d = vrm_pgt_desc_leaf((enum vrm_pgt_stage)stage, pa, level, prot);

		if (!vrm_pgt_prot_valid((enum vrm_pgt_stage)stage, prot)) {
			ck_assert_uint_eq(d, 0);
			continue;
		}
		n++;
		ck_assert_uint_eq(vrm_pgt_desc_type(d, level),
				  level == 3 ? VRM_PGT_DESC_PAGE : VRM_PGT_DESC_BLOCK);
		ck_assert_uint_eq(vrm_pgt_desc_oa(d, level), pa);
		ck_assert_uint_eq(vrm_pgt_desc_prot((enum vrm_pgt_stage)stage, d), prot);
	}
	/* Per level. Without FEAT_XNX: stage 2, 8 R/W/X mixes x 3 types less
	 * the 4 executable Device ones (20); EL2, R with W or X but not both
	 * (RW, R, RX) x 3 types less RX Device (8). With FEAT_XNX stage 2 has
	 * 4 execute choices: 4 x 4 for Normal and NC, 4 for Device (36). */
	ck_assert_uint_eq(n, 2 * (3 * (20 + 8) + 3 * (36 + 8))); /* FWB: the same again */
	vrm_pgt_set_features(0);
}
END_TEST

/* FEAT_S2FWB (Arm ARM D8.6.6): stage-2 Normal memory is MemAttr 0b0110,
 * forced write-back; Device-nGnRE 0b0001 and Normal-NC 0b0101 as without
 * it; EL2 stage 1 unaffected. */
START_TEST(stage2_normal_memory_uses_the_fwb_encoding_with_feat_s2fwb)
{
	const uint64_t memattr = UINT64_C(0xf) << 2;
	uint64_t n, d, nc, s1;

	vrm_pgt_set_features(0);
	s1 = vrm_pgt_desc_leaf(VRM_PGT_EL2_S1, 0x1000, 3, VRM_PGT_PROT_RW);
	ck_assert_uint_eq(vrm_pgt_desc_leaf(VRM_PGT_STAGE2, 0x1000, 3, VRM_PGT_PROT_RW) & memattr,
			  UINT64_C(0xf) << 2);
	vrm_pgt_set_features(VRM_PGT_FEAT_FWB);
	n = vrm_pgt_desc_leaf(VRM_PGT_STAGE2, 0x1000, 3, VRM_PGT_PROT_RW);
	d = vrm_pgt_desc_leaf(VRM_PGT_STAGE2, 0x1000, 3, VRM_PGT_PROT_RW | VRM_PGT_PROT_DEVICE);
	nc = vrm_pgt_desc_leaf(VRM_PGT_STAGE2, 0x1000, 3, VRM_PGT_PROT_RW | VRM_PGT_PROT_NC);
	ck_assert_uint_eq(n & memattr, UINT64_C(0x6) << 2);
	ck_assert_uint_eq(d & memattr, UINT64_C(0x1) << 2);
	ck_assert_uint_eq(nc & memattr, UINT64_C(0x5) << 2);
	ck_assert_uint_eq(vrm_pgt_desc_prot(VRM_PGT_STAGE2, n), VRM_PGT_PROT_RW);
	ck_assert_uint_eq(vrm_pgt_desc_leaf(VRM_PGT_EL2_S1, 0x1000, 3, VRM_PGT_PROT_RW), s1);
	vrm_pgt_set_features(0);
}
END_TEST

START_TEST(prot_with_unknown_bits_or_bad_type_is_invalid)
{
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_STAGE2, 1u << 7));
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_X_EL1)); /* no FEAT_XNX */
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_STAGE2, 1u << 31));
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_MT_MASK));
	ck_assert(!vrm_pgt_prot_valid(VRM_PGT_EL2_S1, VRM_PGT_PROT_W)); /* no R */
	ck_assert(vrm_pgt_prot_valid(VRM_PGT_STAGE2, VRM_PGT_PROT_W));
	ck_assert(!vrm_pgt_prot_valid((enum vrm_pgt_stage)7, VRM_PGT_PROT_R));
}
END_TEST

START_TEST(leaf_encoder_refuses_misaligned_pa_and_leafless_levels)
{
	ck_assert_uint_eq(vrm_pgt_desc_leaf(VRM_PGT_STAGE2, 0x1000, 2, VRM_PGT_PROT_R), 0);
	ck_assert_uint_eq(vrm_pgt_desc_leaf(VRM_PGT_STAGE2, 0x200000, 1, VRM_PGT_PROT_R), 0);
	ck_assert_uint_eq(vrm_pgt_desc_leaf(VRM_PGT_STAGE2, 0x800, 3, VRM_PGT_PROT_R), 0);
	ck_assert_uint_eq(vrm_pgt_desc_leaf(VRM_PGT_STAGE2, 0, 0, VRM_PGT_PROT_R), 0);
	ck_assert_uint_eq(vrm_pgt_desc_leaf(VRM_PGT_STAGE2, BIT(48), 3, VRM_PGT_PROT_R), 0);
	ck_assert_uint_eq(vrm_pgt_desc_table(0x1800), 0);
}
END_TEST

START_TEST(descriptor_types_by_level)
{
	uint64_t t = vrm_pgt_desc_table(0x123000);

	ck_assert_uint_eq(t, 0x123003);
	ck_assert_uint_eq(vrm_pgt_desc_type(t, 0), VRM_PGT_DESC_TABLE);
	ck_assert_uint_eq(vrm_pgt_desc_type(t, 2), VRM_PGT_DESC_TABLE);
	ck_assert_uint_eq(vrm_pgt_desc_type(t, 3), VRM_PGT_DESC_PAGE);
	ck_assert_uint_eq(vrm_pgt_desc_oa(t, 1), 0x123000);
	ck_assert_uint_eq(vrm_pgt_desc_type(0x1, 0), VRM_PGT_DESC_INVALID); /* no L0 block */
	ck_assert_uint_eq(vrm_pgt_desc_type(0x1, 3), VRM_PGT_DESC_INVALID); /* reserved */
	ck_assert_uint_eq(vrm_pgt_desc_type(0x2, 1), VRM_PGT_DESC_INVALID);
	ck_assert_uint_eq(vrm_pgt_level_size(0), BIT(39));
	ck_assert_uint_eq(vrm_pgt_level_size(1), BIT(30));
	ck_assert_uint_eq(vrm_pgt_level_size(2), BIT(21));
	ck_assert_uint_eq(vrm_pgt_level_size(3), BIT(12));
}
END_TEST

START_TEST(init_rejects_bad_configuration_and_allocates_nothing)
{
	static struct tmm m;
	const struct vrm_pgt_config bad[] = {
		{ VRM_PGT_STAGE2, 31, -1, 1, 0 },
		{ VRM_PGT_STAGE2, 49, -1, 1, 0 },
		{ VRM_PGT_STAGE2, 40, 1, 1, 0 },
		{ VRM_PGT_STAGE2, 39, 0, 1, 0 },
		{ VRM_PGT_STAGE2, 40, 2, 1, 0 },
		{ VRM_PGT_STAGE2, 40, 0, 1, 0x80 },
		{ (enum vrm_pgt_stage)5, 40, 0, 1, 0 },
	};
	struct vrm_pgt pgt;
	size_t i;

	tmm_init(&m);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(vrm_pgt_init(&pgt, &bad[i], &m.ops), -VRM_EINVAL);
	ck_assert_uint_eq(m.allocs, 0);
	m.fail_at = 1;
	ck_assert_int_eq(vrm_pgt_init(&pgt, &(struct vrm_pgt_config){ VRM_PGT_STAGE2, 40, -1, 1, 0 },
				      &m.ops), -VRM_ENOMEM);
}
END_TEST

START_TEST(start_level_and_vtcr_follow_ia_bits)
{
	static struct tmm m;
	struct vrm_pgt a, b;
	uint64_t v;

	tmm_init(&m);
	ck_assert_int_eq(vrm_pgt_init(&a, &(struct vrm_pgt_config){ VRM_PGT_STAGE2, 48, -1, 3, 0 },
				      &m.ops), 0);
	ck_assert_int_eq(vrm_pgt_init(&b, &(struct vrm_pgt_config){ VRM_PGT_STAGE2, 36, -1, 3, 0 },
				      &m.ops), 0);
	ck_assert_int_eq(a.start_level, 0);
	ck_assert_int_eq(b.start_level, 1);
	ck_assert_uint_eq(a.root_pa, (vrm_pa_t)(uintptr_t)a.root);
	v = vrm_pgt_vtcr(&a);
	ck_assert_uint_eq(FIELD(v, 5, 0), 16);  /* T0SZ */
	ck_assert_uint_eq(FIELD(v, 7, 6), 2);   /* SL0: level 0 */
	ck_assert_uint_eq(FIELD(v, 15, 14), 0); /* TG0 4K */
	ck_assert_uint_eq(FIELD(v, 13, 12), 3); /* SH0 */
	v = vrm_pgt_vtcr(&b);
	ck_assert_uint_eq(FIELD(v, 5, 0), 28);
	ck_assert_uint_eq(FIELD(v, 7, 6), 1);
	pgt_retire(&a);
	pgt_retire(&b);
	ck_assert_uint_eq(m.nlive, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pgtable-desc");
	TCase *tc = tcase_create("desc");

	tcase_add_test(tc, stage2_leaf_fields_follow_the_arm_arm);
	tcase_add_test(tc, el2_stage1_leaf_fields_follow_the_arm_arm);
	tcase_add_test(tc, stage2_xn_split_follows_the_arm_arm_with_feat_xnx);
	tcase_add_test(tc, prot_valid_refuses_wx_at_el2_and_executable_device);
	tcase_add_test(tc, every_valid_prot_round_trips_at_every_leaf_level);
	tcase_add_test(tc, stage2_normal_memory_uses_the_fwb_encoding_with_feat_s2fwb);
	tcase_add_test(tc, prot_with_unknown_bits_or_bad_type_is_invalid);
	tcase_add_test(tc, leaf_encoder_refuses_misaligned_pa_and_leafless_levels);
	tcase_add_test(tc, descriptor_types_by_level);
	tcase_add_test(tc, init_rejects_bad_configuration_and_allocates_nothing);
	tcase_add_test(tc, start_level_and_vtcr_follow_ia_bits);
	suite_add_tcase(s, tc);
	return vrm_test_run(s);
}
