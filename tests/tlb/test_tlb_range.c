/* SPDX-License-Identifier: MIT */
/* vrm_tlb_range_encode contract (include/vrm/tlb.h): exhaustive over every
 * page count 1 .. VRM_TLB_RANGE_MAX_PAGES, checked arithmetically by
 * decoding each operand as the Arm ARM defines it (TLBI RIPAS2E1IS Xt). */
#include <check.h>

#include <vrm/tlb.h>
#include "../tools/check_run.h"

/* Every page count natively; SWEEP_STEP > 1 under qemu samples densely
 * (every STEP-th count plus all counts near each scale boundary). */
#ifndef SWEEP_STEP
#define SWEEP_STEP 1
#endif

struct decoded {
	uint64_t addr, pages;
	unsigned tg, ttl;
};

static struct decoded decode(const struct vrm_tlb_range_op *op)
{
	struct decoded d = { 0, 1, 0, 0 };
	uint64_t x = op->operand, scale, num;

	if (!op->range) {
		d.addr = x << 12;
		return d;
	}
	scale = (x >> 44) & 3;
	num = (x >> 39) & 31;
	d.addr = (x & ((UINT64_C(1) << 37) - 1)) << 12;
	d.pages = (num + 1) << (5 * scale + 1);
	d.tg = (unsigned)((x >> 46) & 3);
	d.ttl = (unsigned)((x >> 37) & 3);
	return d;
}

/* Returns 0 if encode(addr, pages) covers exactly the request, else a
 * line number to report. */
static int check_one(uint64_t addr, uint64_t pages)
{
	struct vrm_tlb_range_op ops[VRM_TLB_RANGE_MAX_OPS];
	uint64_t next = addr, left = pages;
	int i, n = vrm_tlb_range_encode(addr, pages, VRM_TLB_LEVEL_ANY, ops);

	if (n < 1 || n > VRM_TLB_RANGE_MAX_OPS)
		return __LINE__;
	for (i = 0; i < n; i++) {
		struct decoded d = decode(&ops[i]);

		if (ops[i].range && (d.tg != 1 || d.ttl != 0))
			return __LINE__;
		if (!ops[i].range && (i != 0 || ops[i].operand >> 37))
			return __LINE__; /* the single page, if any, comes first */
		if (d.addr != next || ops[i].addr != next || d.pages != ops[i].pages)
			return __LINE__; /* operand says what the op claims, contiguous */
		if (d.pages > left)
			return __LINE__;
		next += d.pages << 12;
		left -= d.pages;
	}
	return left == 0 ? 0 : __LINE__;
}

START_TEST(every_page_count_up_to_max_is_covered_exactly)
{
	uint64_t p;
	int line;

	for (p = 1; p <= VRM_TLB_RANGE_MAX_PAGES; p += SWEEP_STEP) {
		/* vary the base so BaseADDR bits are exercised too */
		uint64_t addr = ((p * 0x9e3779b9u) & ((UINT64_C(1) << 36) - 1)) << 12;

		line = check_one(addr, p);
		if (line)
			ck_abort_msg("pages %llu: check at line %d failed", (unsigned long long)p, line);
	}
}
END_TEST

START_TEST(counts_next_to_every_scale_boundary_are_covered_exactly)
{
	unsigned s;
	int d, line;

	for (s = 0; s <= 3; s++) {
		uint64_t unit = UINT64_C(1) << (5 * s + 1);
		uint64_t k;

		for (k = 1; k <= 32; k++) {
			for (d = -2; d <= 2; d++) {
				uint64_t p = k * unit + (uint64_t)(int64_t)d;

				if (p == 0 || p > VRM_TLB_RANGE_MAX_PAGES)
					continue;
				line = check_one(UINT64_C(0x40000000), p);
				if (line)
					ck_abort_msg("pages %llu: line %d", (unsigned long long)p, line);
			}
		}
	}
}
END_TEST

START_TEST(max_pages_is_one_op_scale3_num31)
{
	struct vrm_tlb_range_op ops[VRM_TLB_RANGE_MAX_OPS];

	ck_assert_int_eq(vrm_tlb_range_encode(0, VRM_TLB_RANGE_MAX_PAGES, -1, ops), 1);
	ck_assert(ops[0].range);
	ck_assert_uint_eq((ops[0].operand >> 44) & 3, 3);
	ck_assert_uint_eq((ops[0].operand >> 39) & 31, 31);
	ck_assert_uint_eq(ops[0].pages, VRM_TLB_RANGE_MAX_PAGES);
}
END_TEST

/* Linux's pre-2024 __TLBI_RANGE_NUM turned this into NUM = -1. */
START_TEST(max_plus_one_is_rejected_without_touching_output)
{
	struct vrm_tlb_range_op ops[VRM_TLB_RANGE_MAX_OPS];
	int i;

	for (i = 0; i < VRM_TLB_RANGE_MAX_OPS; i++)
		ops[i].operand = 0xdeadbeef;
	ck_assert_int_eq(vrm_tlb_range_encode(0, VRM_TLB_RANGE_MAX_PAGES + 1, -1, ops),
			 -VRM_EINVAL);
	for (i = 0; i < VRM_TLB_RANGE_MAX_OPS; i++)
		ck_assert_uint_eq(ops[i].operand, 0xdeadbeef);
}
END_TEST

START_TEST(worst_case_needs_all_five_ops)
{
	struct vrm_tlb_range_op ops[VRM_TLB_RANGE_MAX_OPS];

	ck_assert_int_eq(vrm_tlb_range_encode(0, VRM_TLB_RANGE_MAX_PAGES - 1, -1, ops), 5);
	ck_assert_int_eq(check_one(0, VRM_TLB_RANGE_MAX_PAGES - 1), 0);
}
END_TEST

START_TEST(bad_requests_are_rejected)
{
	struct vrm_tlb_range_op ops[VRM_TLB_RANGE_MAX_OPS];
	const uint64_t lim = UINT64_C(1) << VRM_TLB_RANGE_ADDR_BITS;

	ck_assert_int_eq(vrm_tlb_range_encode(0, 0, -1, ops), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_range_encode(0x800, 2, -1, ops), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_range_encode(lim - 0x1000, 2, -1, ops), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_range_encode(lim, 1, -1, ops), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_range_encode(0, 2, 4, ops), -VRM_EINVAL);
	ck_assert_int_eq(vrm_tlb_range_encode(0, 2, -2, ops), -VRM_EINVAL);
	/* the last pages below the limit are fine */
	ck_assert_int_eq(vrm_tlb_range_encode(lim - 0x2000, 2, -1, ops), 1);
}
END_TEST

START_TEST(level_hint_goes_to_ttl_of_range_ops)
{
	struct vrm_tlb_range_op ops[VRM_TLB_RANGE_MAX_OPS];
	int level;

	for (level = -1; level <= 3; level++) {
		ck_assert_int_eq(vrm_tlb_range_encode(0, 2, level, ops), 1);
		ck_assert_uint_eq((ops[0].operand >> 37) & 3, level >= 1 ? (unsigned)level : 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tlb_range");
	TCase *tc = tcase_create("encode");

	tcase_set_timeout(tc, 0);
	tcase_add_test(tc, every_page_count_up_to_max_is_covered_exactly);
	tcase_add_test(tc, counts_next_to_every_scale_boundary_are_covered_exactly);
	tcase_add_test(tc, max_pages_is_one_op_scale3_num31);
	tcase_add_test(tc, max_plus_one_is_rejected_without_touching_output);
	tcase_add_test(tc, worst_case_needs_all_five_ops);
	tcase_add_test(tc, bad_requests_are_rejected);
	tcase_add_test(tc, level_hint_goes_to_ttl_of_range_ops);
	suite_add_tcase(s, tc);
	return vrm_test_run(s);
}
