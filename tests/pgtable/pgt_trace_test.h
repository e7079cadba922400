/* SPDX-License-Identifier: MIT */
/*
 * Tests that assert on the descriptor-write notes (VRM_TLB_EV_PTE_WRITE,
 * VRM_TLB_EV_PAGE_FREE) need the test-only trace, which production builds
 * compile out (VRM_PTE_TRACE, meson -Dpte_trace: on where -Ddebug is, so
 * in every build scripts/run-tests makes). Without it they are not
 * registered (each named on stderr) instead of failing: the
 * rest of the file (table hashes, TLB events) still runs.
 */
#ifndef VRM_TESTS_PGT_TRACE_TEST_H
#define VRM_TESTS_PGT_TRACE_TEST_H

#include <check.h>
#include <stdio.h>

#include <vrm/config.h>

#if VRM_PTE_TRACE
#define TRACE_TEST(tc, fn) tcase_add_test(tc, fn)
#else
#define TRACE_TEST(tc, fn) \
	((void)(tc), (void)(fn), \
	 fprintf(stderr, "# not registered (needs VRM_PTE_TRACE, -Dpte_trace): %s\n", #fn))
#endif

#endif
