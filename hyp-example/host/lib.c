/* SPDX-License-Identifier: MIT */
/* The host's own small runtime: console, memory, CPU id. */
#include <stdarg.h>

#include "host.h"
#include "fmt.h"

/* libvrm's hook for the host's own copy of the library: VMPIDR_EL2 shows
 * the host the real MPIDR. */
uint32_t vrm_env_cpu_id(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
	return (uint32_t)(v & 0xff);
}

/* The console is the core's: text goes over in 48-byte hypercalls and the
 * core prints whole lines under its console lock. */
void hprintf(const char *fmt, ...)
{
	char buf[192];
	uint64_t w[6];
	va_list ap;
	size_t n, off;

	va_start(ap, fmt);
	n = fmt_vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	for (off = 0; off < n; off += sizeof(w)) {
		memset(w, 0, sizeof(w));
		memcpy(w, buf + off, n - off < sizeof(w) ? n - off : sizeof(w));
		register uint64_t x0 __asm__("x0") = HVC_PUTS;
		register uint64_t x1 __asm__("x1") = w[0];
		register uint64_t x2 __asm__("x2") = w[1];
		register uint64_t x3 __asm__("x3") = w[2];
		register uint64_t x4 __asm__("x4") = w[3];
		register uint64_t x5 __asm__("x5") = w[4];
		register uint64_t x6 __asm__("x6") = w[5];
		__asm__ volatile("hvc #0"
				 : "+r"(x0), "+r"(x1)
				 : "r"(x2), "r"(x3), "r"(x4), "r"(x5), "r"(x6)
				 : "memory");
	}
}

/* Pages the host owns, handed out once (a bump allocator is all the demo
 * needs: reclaimed pages come back scrubbed and are checked, not reused). */
static vrm_ticket_t alloc_lock = VRM_TICKET_INIT;
static uint64_t next_free, ram_end;

uint64_t host_alloc(uint64_t npages)
{
	uint64_t pa = 0;

	vrm_ticket_lock(&alloc_lock);
	if (!next_free) {
		struct hvc_ret r = hvc_call(HVC_HOST_RAM, 0, 0, 0, 0);

		next_free = (uint64_t)r.r0;
		ram_end = r.r1;
	}
	if (npages <= (ram_end - next_free) >> 12) {
		pa = next_free;
		next_free += npages << 12;
	}
	vrm_ticket_unlock(&alloc_lock);
	if (pa)
		memset((void *)(uintptr_t)pa, 0, npages << 12);
	return pa;
}
