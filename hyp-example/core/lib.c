/* SPDX-License-Identifier: MIT */
/* memset/memcpy: GCC may emit calls to them for struct copies even when
 * freestanding; the core has no libc, so it brings its own. */
#include "hyp.h"

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}
