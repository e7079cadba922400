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
void outcome(const char *what, bool ok, const char *cond);
void attacks_before_run(void);
void attacks_with_guests(uint32_t ncpus);
void attacks_after_destroy(void);
/* host/attacks_irq.c */
void attacks_irq(int64_t spin);

/* The guests the host runs (host.c). */
struct gvm {
	const char *name;
	const uint8_t *img;
	uint64_t img_len;
	int64_t handle;
	uint64_t mem_pa;     /* first donated page */
	uint64_t shared_pa;  /* the page shared with it */
	uint32_t nvcpus;     /* 0: two */
};
int64_t host_load_vm(struct gvm *g);
uint32_t host_nvcpus(const struct gvm *g);

/* host/sched.c. RUN_VCPU until it exits for a reason other than its slice. */
struct hvc_ret host_run(int64_t handle, uint64_t vcpu, uint64_t slice_us);
void sched_add(uint32_t vm, uint32_t nvcpus, int64_t load_error);
uint32_t sched_nr(void);
void sched_run_loop(uint32_t cpu);
bool sched_report(void);
extern struct gvm host_vms[];
extern uint32_t host_nvms;
extern vrm_ticket_t host_lock;
extern volatile uint64_t host_cmd[HOST_MAX_CPUS];
/* The last command's exit: reason << 32 | low 32 bits of the detail. */
extern volatile uint64_t host_cmd_exit[HOST_MAX_CPUS];

#define GUEST_PAGES 64

/* The guests host_main loads, in host_vms[] order (vm1..vm5). */
#define HOST_NVMS 5
#define VM_SHARED 2   /* the shared-buffer guest: the host checks its answers */
#define VM_TIMER  3   /* counts its own virtual-timer interrupts */
#define VM_SPIN   4   /* never yields */
void spin_arm(void); /* host/sched.c: the spin guest may run 30 s from now */

#endif /* HOST_HOST_H */
