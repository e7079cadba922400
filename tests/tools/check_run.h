/* SPDX-License-Identifier: MIT */
/* Runs a Check suite the way every libvrm test program does (forking,
 * output chosen by CK_* environment: TAP under meson); exit status for
 * meson. */
#ifndef VRM_TESTS_CHECK_RUN_H
#define VRM_TESTS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

static inline int vrm_test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
