/* SPDX-License-Identifier: MIT */
/*
 * The fixture both checker test programs share: each test starts on CPU 0
 * with zeroed counters and no tracked state, and the last report is kept
 * in `last` for the test to inspect.
 */
#ifndef VRM_TESTS_CHECK_FIXTURE_H
#define VRM_TESTS_CHECK_FIXTURE_H

#include <check.h>
#include <string.h>

#include <vrm/check.h>
#include <vrm/hosted.h>

static struct vrm_check_report last;

static void capture(const struct vrm_check_report *r)
{
	last = *r;
}

static void setup(void)
{
	vrm_hosted_set_cpu_id(0);
	vrm_check_reset();
	vrm_check_set_reporter(capture);
	vrm_check_set_owner_query(NULL, NULL);
	memset(&last, 0, sizeof(last));
}

static void teardown(void)
{
	vrm_hosted_set_cpu_id(0);
	vrm_check_set_reporter(NULL);
	vrm_check_reset();
}

/* Exactly n violations, all of them of `cond`. */
#define ONLY(cond, n)                                                            \
	do {                                                                     \
		ck_assert_uint_eq(vrm_check_count(cond), (n));                   \
		ck_assert_uint_eq(vrm_check_total(), (n));                       \
	} while (0)

#endif
