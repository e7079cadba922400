/* SPDX-License-Identifier: MIT */
/*
 * Linked into every test program of a checked build: a process that ends
 * with checker violations still counted fails, so the whole suite run in
 * checked mode proves the primitives raise no false positives. Tests that
 * plant violations on purpose reset the counters when they are done.
 */
#include <stdio.h>
#include <unistd.h>

#include <vrm/check.h>

__attribute__((destructor)) static void violation_gate(void)
{
	uint64_t total = vrm_check_total();

	if (total == 0)
		return;
	fprintf(stderr, "violation gate: %llu VRM condition violation(s) reported\n",
		(unsigned long long)total);
	for (int c = 0; c < VRM_COND_COUNT; c++)
		if (vrm_check_count((enum vrm_cond)c))
			fprintf(stderr, "  %s: %llu\n", vrm_check_cond_name((enum vrm_cond)c),
				(unsigned long long)vrm_check_count((enum vrm_cond)c));
	fflush(stderr);
	_exit(99);
}
