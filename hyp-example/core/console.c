/* SPDX-License-Identifier: MIT */
/*
 * The console: every line goes out whole under one ticket lock, so output
 * from several CPUs (core, host and guests alike) never interleaves
 * mid-line. Host and guests send text by hypercall; the core assembles
 * their lines in per-context buffers and prints each at its newline.
 */
#include <stdarg.h>

#include "hyp.h"
#include "fmt.h"

static vrm_ticket_t console_lock = VRM_TICKET_INIT;

/* The UART bytes of a text: CR before each LF. Callers serialise. */
static void uart_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

static void console_write(const char *s, size_t n)
{
	HYP_ASSERT_HELD(&console_lock);
	uart_write(s, n);
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static void console_vprintf(bool take_lock, const char *fmt, va_list ap)
{
	char buf[HYP_LINE + 32];
	size_t n = fmt_line(buf, sizeof(buf), fmt, ap);

	if (!take_lock) {
		uart_write("\n", 1); /* another CPU's half line may precede ours */
		uart_write(buf, n);
		return;
	}
	vrm_ticket_lock(&console_lock);
	console_write(buf, n);
	vrm_ticket_unlock(&console_lock);
}

void hyp_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf(true, fmt, ap);
	va_end(ap);
}

void hyp_printf_nolock(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf(false, fmt, ap);
	va_end(ap);
}

/* Append caller text to its line buffer; print each completed line whole. */
void hyp_line_put(struct hyp_line *l, const char *prefix, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		bool full = l->len >= HYP_LINE - 1;

		if (s[i] != '\n' && !full) {
			l->buf[l->len++] = s[i];
			continue;
		}
		vrm_ticket_lock(&console_lock);
		console_write(prefix, str_len(prefix));
		console_write(l->buf, l->len);
		console_write("\n", 1);
		vrm_ticket_unlock(&console_lock);
		l->len = 0;
		if (s[i] != '\n')
			l->buf[l->len++] = s[i];
	}
}
