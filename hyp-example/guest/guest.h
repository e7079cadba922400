/* SPDX-License-Identifier: MIT */
/* The guests' runtime: hypercalls and a console line. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stdint.h>

#include "hyp_abi.h"
#include "fmt.h"

#define SHARED ((volatile uint32_t *)GUEST_SHARED_IPA)
#define DATA_START 0x10000UL   /* above the image (guest.ld) */

int64_t guest_hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		  uint64_t a5, uint64_t a6);
uint64_t guest_main(uint64_t vcpu, uint64_t memsize);

/* The virtual count (CNTVOFF_EL2 = 0: the physical count) and its rate. */
static inline uint64_t gcount(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs	%0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

static inline uint64_t gfreq(void)
{
	uint64_t v;

	__asm__ volatile("mrs	%0, cntfrq_el0" : "=r"(v));
	return v;
}

static inline void gyield(uint64_t progress)
{
	guest_hvc(HVC_GUEST_YIELD, progress, 0, 0, 0, 0, 0);
}

static inline void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void gprintf(const char *fmt, ...)
{
	union {
		char c[48];
		uint64_t w[6];
	} u;
	char buf[128];
	va_list ap;
	size_t n, off;

	va_start(ap, fmt);
	n = fmt_line(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (off = 0; off < n; off += 48) {
		for (size_t i = 0; i < 48; i++)
			u.c[i] = off + i < n ? buf[off + i] : 0;
		guest_hvc(HVC_GUEST_PUTS, u.w[0], u.w[1], u.w[2], u.w[3], u.w[4], u.w[5]);
	}
}

#endif /* GUEST_GUEST_H */
