/* SPDX-License-Identifier: MIT */
/*
 * The random tests' generator: Marsaglia's xorshift64 (13, 7, 17), one
 * state per test so every run of a test replays the same sequence.
 */
#ifndef VRM_TESTS_XORSHIFT_H
#define VRM_TESTS_XORSHIFT_H

#include <stdint.h>

static inline uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

#endif /* VRM_TESTS_XORSHIFT_H */
