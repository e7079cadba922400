/* SPDX-License-Identifier: MIT */
/*
 * A tiny vsnprintf for the core, the host and the guests (no libc anywhere):
 * %s %c %d %u %x %lu %ld %lx %llu %llx %p %%, an optional width and '0' pad.
 * Header-only and static so each program (core, host) has its own copy and
 * never calls into another's pages.
 */
#ifndef HYP_FMT_H
#define HYP_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct fmt_buf {
	char *p;
	size_t n, len;
};

static inline void fmt_put(struct fmt_buf *b, char c)
{
	if (b->len + 1 < b->n)
		b->p[b->len] = c;
	b->len++;
}

static inline void fmt_num(struct fmt_buf *b, uint64_t v, unsigned base, int neg,
			   int width, char pad)
{
	char tmp[24];
	int i = 0;

	do {
		unsigned d = (unsigned)(v % base);
		tmp[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	if (neg)
		tmp[i++] = '-';
	while (i < width--)
		fmt_put(b, pad);
	while (i)
		fmt_put(b, tmp[--i]);
}

static inline size_t fmt_vformat(char *out, size_t n, const char *f, va_list ap)
{
	struct fmt_buf b = { out, n, 0 };

	for (; *f; f++) {
		int longs = 0, width = 0;
		char pad = ' ';

		if (*f != '%') {
			fmt_put(&b, *f);
			continue;
		}
		f++;
		if (*f == '0') {
			pad = '0';
			f++;
		}
		while (*f >= '0' && *f <= '9')
			width = width * 10 + (*f++ - '0');
		while (*f == 'l') {
			longs++;
			f++;
		}
		switch (*f) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len = 0;

			while (s[len])
				len++;
			while (len < width--)
				fmt_put(&b, ' ');
			while (*s)
				fmt_put(&b, *s++);
			break;
		}
		case 'c':
			fmt_put(&b, (char)va_arg(ap, int));
			break;
		case 'd': {
			int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);

			fmt_num(&b, v < 0 ? (uint64_t)-v : (uint64_t)v, 10, v < 0, width, pad);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);

			fmt_num(&b, v, *f == 'u' ? 10 : 16, 0, width, pad);
			break;
		}
		case 'p':
			fmt_put(&b, '0');
			fmt_put(&b, 'x');
			fmt_num(&b, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, 0, width, pad);
			break;
		case '%':
			fmt_put(&b, '%');
			break;
		default:
			fmt_put(&b, '?');
			break;
		}
	}
	if (b.n)
		b.p[b.len < b.n ? b.len : b.n - 1] = '\0';
	return b.len;
}

/* fmt_vformat into buf[n], returning the length written (output that did
 * not fit is cut at n - 1 characters). */
static inline size_t fmt_line(char *out, size_t n, const char *f, va_list ap)
{
	size_t k = fmt_vformat(out, n, f, ap);

	return k >= n ? n - 1 : k;
}

#endif /* HYP_FMT_H */
