/* SPDX-License-Identifier: MIT */
/*
 * Shared by the fuzz harnesses: a reader that turns the fuzz input into
 * small numbers (running out of input reads zeroes, so every input is a
 * complete program), and the failure macro. A divergence from a reference
 * model or a broken invariant prints what differed and aborts: libFuzzer
 * treats the abort as a crash and saves the input.
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct fz {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fz_u8(struct fz *f)
{
	if (f->left == 0)
		return 0;
	f->left--;
	return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
	uint16_t lo = fz_u8(f);

	return (uint16_t)(lo | (uint16_t)(fz_u8(f) << 8));
}

static inline uint64_t fz_u64(struct fz *f)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)fz_u8(f) << (8 * i);
	return v;
}

#define FZ_REQUIRE(cond, ...)                                              \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                      \
			fputc('\n', stderr);                               \
			abort();                                           \
		}                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
