/* SPDX-License-Identifier: MIT */
/*
 * memset/memcpy: GCC may emit calls to them for struct copies even when
 * freestanding, and neither the core nor the host has a libc. The core and
 * the host each link their own copy of this file: the host must not call
 * into the core's pages (its stage-2 does not map them).
 */
#include <stddef.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

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
