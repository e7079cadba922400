/* SPDX-License-Identifier: MIT */
/* The host kernel: untrusted EL1 code that drives the core by hypercall. */
#ifndef HOST_HOST_H
#define HOST_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vrm/ticket.h>

#include "hyp_abi.h"

#define HOST_MAX_CPUS 8
#define PROBE_SENTINEL 0xdeadUL

struct hvc_ret {
	int64_t r0;
	uint64_t r1;
};

struct hvc_ret hvc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);
uint64_t probe_read(uint64_t addr);
void probe_write(uint64_t addr, uint64_t val);
void probe_exec(uint64_t addr);
void host_main(uint64_t cpu);

void hprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t host_alloc(uint64_t npages);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/* host/attacks.c */
void attacks_before_run(void);
void attacks_with_guests(uint32_t ncpus);
void attacks_after_destroy(void);

/* The guests the host runs (host.c). */
struct gvm {
	const char *name;
	const uint8_t *img;
	uint64_t img_len;
	int64_t handle;
	uint64_t mem_pa;     /* first donated page */
	uint64_t shared_pa;  /* the page shared with it */
};
int64_t host_load_vm(struct gvm *g);
extern struct gvm host_vms[];
extern uint32_t host_nvms;
extern vrm_ticket_t host_lock;
extern volatile uint64_t host_cmd[HOST_MAX_CPUS];
/* The last command's exit: reason << 32 | low 32 bits of the detail. */
extern volatile uint64_t host_cmd_exit[HOST_MAX_CPUS];

#define GUEST_PAGES 64

#endif /* HOST_HOST_H */
