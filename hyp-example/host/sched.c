/* SPDX-License-Identifier: MIT */
/*
 * The host's scheduler: a run queue of every guest vCPU, one run loop per
 * CPU asking the core to run whichever is runnable (round robin), and the
 * per-VM report. A vCPU comes back preempted (its slice ran out: runnable
 * again), waiting in WFI (not runnable before the virtual count its timer
 * fires at), yielded, or finished. The spin guest never gives its CPU back
 * by itself; the host stops running it once every other vCPU has finished
 * and reports how often the core took the CPU back from it.
 */
#include "host.h"

#define MAX_RQ    (HOST_NVMS * 2)
#define SLICE_US  2000   /* the host's time slice */

enum { RQ_READY, RQ_RUNNING, RQ_BLOCKED, RQ_DONE };
struct rq_entry {
	uint32_t vm, vcpu, state;
	uint64_t result, exits, cpus; /* cpus: bitmask of CPUs it ran on */
	uint64_t preempted, wfi, wake; /* wake: virtual count (RQ_BLOCKED) */
	int64_t exit;
};

/* All below: host_lock. */
static struct rq_entry rq[MAX_RQ];
static uint32_t rq_n, rq_cursor, rq_done;

uint32_t host_nvcpus(const struct gvm *g)
{
	return g->nvcpus ? g->nvcpus : 2;
}

static uint64_t now(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs	%0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

/* Before each run of the spin guest: it may spin for 30 s from now, no
 * longer (guest/spin.c). Only a run that is never preempted reaches that;
 * armed per run, it does not depend on how long the whole boot takes. */
void spin_arm(void)
{
	volatile uint64_t *sh = (volatile uint64_t *)(uintptr_t)host_vms[VM_SPIN].shared_pa;
	uint64_t freq;

	__asm__ volatile("mrs	%0, cntfrq_el0" : "=r"(freq));
	if (sh)
		sh[0] = now() + 30 * freq;
}

struct hvc_ret host_run(int64_t handle, uint64_t vcpu, uint64_t slice_us)
{
	struct hvc_ret r;

	do
		r = hvc_call(HVC_RUN_VCPU, (uint64_t)handle, vcpu, slice_us, 0);
	while (r.r0 == EXIT_PREEMPTED);
	return r;
}

/* Before the run loops start (no lock needed yet): vm's vCPUs join. */
void sched_add(uint32_t vm, uint32_t nvcpus, int64_t load_error)
{
	for (uint32_t i = 0; i < nvcpus && rq_n < MAX_RQ; i++) {
		struct rq_entry *e = &rq[rq_n++];

		e->vm = vm;
		e->vcpu = i;
		e->state = load_error ? RQ_DONE : RQ_READY;
		e->exit = load_error;
		if (load_error)
			rq_done++;
	}
}

uint32_t sched_nr(void)
{
	return rq_n;
}

/* Under host_lock: the next runnable vCPU, round robin, or NULL. */
static struct rq_entry *pick(uint64_t t)
{
	for (uint32_t i = 0; i < rq_n; i++) {
		struct rq_entry *c = &rq[(rq_cursor + i) % rq_n];

		if (c->state == RQ_BLOCKED && t >= c->wake)
			c->state = RQ_READY; /* its timer has fired */
		if (c->state == RQ_READY) {
			c->state = RQ_RUNNING;
			rq_cursor = (rq_cursor + i + 1) % rq_n;
			return c;
		}
	}
	return NULL;
}

/* Under host_lock: what RUN_VCPU's answer makes of the vCPU. */
static void account(struct rq_entry *e, struct hvc_ret r)
{
	bool spin = e->vm == VM_SPIN;

	switch (r.r0) {
	case EXIT_PREEMPTED:
		e->preempted++;
		/* The spinner is stopped once it is all that is left. */
		e->state = spin && rq_done == rq_n - 1 ? RQ_DONE : RQ_READY;
		break;
	case EXIT_WFI:
		e->wfi++;
		e->wake = r.r1;
		/* Waiting for nothing: it would never run again. */
		e->state = r.r1 == UINT64_MAX ? RQ_DONE : RQ_BLOCKED;
		break;
	case EXIT_YIELD:
	case -16: /* EBUSY */
		e->state = RQ_READY;
		break;
	default:
		e->state = RQ_DONE;
		break;
	}
	if (e->state == RQ_DONE) {
		e->exit = r.r0;
		e->result = r.r1;
		rq_done++;
	}
}

void sched_run_loop(uint32_t cpu)
{
	for (;;) {
		struct rq_entry *e;
		struct hvc_ret r;
		uint64_t t = now();
		bool all;

		vrm_ticket_lock(&host_lock);
		all = rq_done == rq_n;
		e = all ? NULL : pick(t);
		vrm_ticket_unlock(&host_lock);
		if (all)
			return;
		if (!e)
			continue;

		if (e->vm == VM_SPIN)
			spin_arm();
		r = hvc_call(HVC_RUN_VCPU, (uint64_t)host_vms[e->vm].handle, e->vcpu, SLICE_US, 0);

		vrm_ticket_lock(&host_lock);
		e->exits++;
		e->cpus |= UINT64_C(1) << cpu;
		account(e, r);
		vrm_ticket_unlock(&host_lock);
	}
}

static void cpus_str(uint64_t mask, char *buf)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < HOST_MAX_CPUS; i++) {
		if (mask & (UINT64_C(1) << i)) {
			if (n)
				buf[n++] = ',';
			buf[n++] = (char)('0' + i);
		}
	}
	buf[n] = 0;
}

bool sched_report(void)
{
	bool ok = true;

	for (uint32_t v = 0; v < host_nvms; v++) {
		uint64_t exits = 0, cpus = 0, preempted = 0, wfi = 0;
		int64_t last = 0;
		uint32_t n = host_nvcpus(&host_vms[v]);
		bool pass = true;
		char buf[24];

		vrm_ticket_lock(&host_lock);
		for (uint32_t i = 0; i < rq_n; i++) {
			struct rq_entry *e = &rq[i];

			if (e->vm != v)
				continue;
			exits += e->exits;
			cpus |= e->cpus;
			preempted += e->preempted;
			wfi += e->wfi;
			last = e->exit;
			if (e->exit != EXIT_DONE || e->result != 0)
				pass = false;
		}
		vrm_ticket_unlock(&host_lock);
		cpus_str(cpus, buf);
		if (v == VM_SPIN) {
			/* Measured, not assumed: only EL2's timer ends its runs. */
			hprintf("host: vm%ld (%s): never yielded; preempted %lu times, ran on CPUs %s; %s\n",
				(long)host_vms[v].handle, host_vms[v].name, (unsigned long)preempted, buf,
				last == EXIT_PREEMPTED ? "stopped by the host once the others had finished" :
				"it ran to its own deadline");
			outcome("guest that never yields keeps its CPU (the others must still finish)",
				preempted > 0, "preemption");
			continue;
		}
		if (v == VM_TIMER)
			outcome("guest waits in WFI and keeps its CPU idle", wfi > 0,
				"WFI trapped");
		/* The shared-buffer guest leaves answers for the host. */
		if (v == VM_SHARED) {
			volatile uint32_t *sh = (volatile uint32_t *)(uintptr_t)host_vms[v].shared_pa;
			uint32_t want = 0;

			for (uint32_t i = 0; i < 256; i++)
				want += i * 7 + 3;
			if (sh[512] != want || sh[513] != 0x600dd00d)
				pass = false;
			hprintf("host: vm%ld: shared buffer holds sum %u (expected %u), reply 0x%x\n",
				(long)host_vms[v].handle, sh[512], want, sh[513]);
		}
		hprintf("host: vm%ld (%s): %s (%u vCPUs, %lu exits: %lu preempted, %lu in WFI; ran on CPUs %s)\n",
			(long)host_vms[v].handle, host_vms[v].name, pass ? "PASS" : "FAIL", n,
			(unsigned long)exits, (unsigned long)preempted, (unsigned long)wfi, buf);
		ok = ok && pass;
	}
	return ok;
}
