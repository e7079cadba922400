/* SPDX-License-Identifier: MIT */
/*
 * The host kernel (EL1, untrusted). It loads the guests, runs their six
 * vCPUs on every CPU that came up (one run loop per CPU asking the core to
 * run whichever vCPU is ready), then tears the VMs down and tries the
 * attacks the core must block.
 */
#include "host.h"

extern const uint8_t guest_pattern_start[], guest_pattern_end[];
extern const uint8_t guest_checksum_start[], guest_checksum_end[];
extern const uint8_t guest_shared_start[], guest_shared_end[];

char host_stacks[HOST_MAX_CPUS][1UL << 14] __attribute__((aligned(16)));

vrm_ticket_t host_lock = VRM_TICKET_INIT;
volatile uint64_t host_cmd[HOST_MAX_CPUS];
volatile uint64_t host_cmd_exit[HOST_MAX_CPUS];

struct gvm host_vms[3];
uint32_t host_nvms = 3;

#define NR_VCPUS 2
enum { RQ_READY, RQ_RUNNING, RQ_DONE };
struct rq_entry {
	uint32_t vm, vcpu, state;
	uint64_t result, exits, cpus; /* cpus: bitmask of CPUs it ran on */
	int64_t exit;
};

/* All below: host_lock. */
static struct rq_entry rq[3 * NR_VCPUS];
static uint32_t rq_cursor, rq_done;
static uint32_t go, finished;

int64_t host_load_vm(struct gvm *g)
{
	uint64_t pa = host_alloc(GUEST_PAGES);
	struct hvc_ret r = hvc_call(HVC_CREATE_VM, 0, 0, 0, 0);

	if (r.r0 < 0 || !pa)
		return r.r0 < 0 ? r.r0 : -12;
	g->handle = r.r0;
	g->mem_pa = pa;
	/* Load: copy the image into pages the host owns, then donate them. */
	memcpy((void *)(uintptr_t)pa, g->img, g->img_len);
	r = hvc_call(HVC_DONATE, (uint64_t)g->handle, pa, GUEST_IMAGE_IPA, GUEST_PAGES);
	if (r.r0 < 0)
		return r.r0;
	if (!g->shared_pa)
		g->shared_pa = host_alloc(1);
	r = hvc_call(HVC_SHARE, (uint64_t)g->handle, g->shared_pa, GUEST_SHARED_IPA, 0);
	if (r.r0 < 0)
		return r.r0;
	for (uint32_t i = 0; i < NR_VCPUS; i++) {
		r = hvc_call(HVC_CREATE_VCPU, (uint64_t)g->handle, GUEST_IMAGE_IPA,
			     GUEST_PAGES << 12, 0);
		if (r.r0 < 0)
			return r.r0;
	}
	return 0;
}

static void run_loop(uint32_t cpu)
{
	for (;;) {
		struct rq_entry *e = NULL;
		struct hvc_ret r;
		bool all;

		vrm_ticket_lock(&host_lock);
		all = rq_done == 3 * NR_VCPUS;
		for (uint32_t i = 0; i < 3 * NR_VCPUS && !all && !e; i++) {
			struct rq_entry *c = &rq[(rq_cursor + i) % (3 * NR_VCPUS)];

			if (c->state == RQ_READY) {
				e = c;
				e->state = RQ_RUNNING;
				rq_cursor = (rq_cursor + i + 1) % (3 * NR_VCPUS);
			}
		}
		vrm_ticket_unlock(&host_lock);
		if (all)
			return;
		if (!e)
			continue;

		r = hvc_call(HVC_RUN_VCPU, (uint64_t)host_vms[e->vm].handle, e->vcpu, 0, 0);

		vrm_ticket_lock(&host_lock);
		e->exits++;
		e->cpus |= UINT64_C(1) << cpu;
		if (r.r0 == EXIT_YIELD || r.r0 == -16 /* EBUSY */) {
			e->state = RQ_READY;
		} else {
			e->state = RQ_DONE;
			e->exit = r.r0;
			e->result = r.r1;
			rq_done++;
		}
		vrm_ticket_unlock(&host_lock);
	}
}

static void wait_go(uint32_t want)
{
	for (;;) {
		uint32_t g;

		vrm_ticket_lock(&host_lock);
		g = go;
		vrm_ticket_unlock(&host_lock);
		if (g >= want)
			return;
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

static bool report_vms(void)
{
	bool ok = true;

	for (uint32_t v = 0; v < host_nvms; v++) {
		uint64_t exits = 0, cpus = 0;
		bool pass = true;
		char buf[24];

		vrm_ticket_lock(&host_lock);
		for (uint32_t i = 0; i < NR_VCPUS; i++) {
			struct rq_entry *e = &rq[v * NR_VCPUS + i];

			exits += e->exits;
			cpus |= e->cpus;
			if (e->exit != EXIT_DONE || e->result != 0)
				pass = false;
		}
		vrm_ticket_unlock(&host_lock);
		/* The shared-buffer guest leaves answers for the host. */
		if (v == 2) {
			volatile uint32_t *sh = (volatile uint32_t *)(uintptr_t)host_vms[v].shared_pa;
			uint32_t want = 0;

			for (uint32_t i = 0; i < 256; i++)
				want += i * 7 + 3;
			if (sh[512] != want || sh[513] != 0x600dd00d)
				pass = false;
			hprintf("host: vm%ld: shared buffer holds sum %u (expected %u), reply 0x%x\n",
				(long)host_vms[v].handle, sh[512], want, sh[513]);
		}
		cpus_str(cpus, buf);
		hprintf("host: vm%ld (%s): %s (2 vCPUs, %lu exits, ran on CPUs %s)\n",
			(long)host_vms[v].handle, host_vms[v].name, pass ? "PASS" : "FAIL",
			(unsigned long)exits, buf);
		ok = ok && pass;
	}
	return ok;
}

/* The exception level read from CurrentEL, not assumed: a core that left
 * the host at EL2 would print EL2 here and fail the transcript. */
static unsigned long current_el(void)
{
	uint64_t el;

	__asm__ volatile("mrs	%0, CurrentEL" : "=r"(el));
	return (unsigned long)((el >> 2) & 3);
}

static void secondary(uint32_t cpu)
{
	hprintf("host: cpu%u entered the host kernel at EL%lu\n", cpu, current_el());
	vrm_ticket_lock(&host_lock);
	finished++; /* counts arrivals first */
	vrm_ticket_unlock(&host_lock);
	wait_go(1);
	run_loop(cpu);
	vrm_ticket_lock(&host_lock);
	finished++;
	vrm_ticket_unlock(&host_lock);
	/* Later phases: run what CPU 0 asks for (attacks). */
	for (;;) {
		uint64_t cmd = __atomic_load_n(&host_cmd[cpu], __ATOMIC_ACQUIRE);

		if (cmd) {
			struct hvc_ret r = hvc_call(HVC_RUN_VCPU, cmd, 0, 0, 0);

			host_cmd_exit[cpu] = (uint64_t)r.r0 << 32 | (uint32_t)r.r1;
			__atomic_store_n(&host_cmd[cpu], 0, __ATOMIC_RELEASE);
		}
	}
}

static void wait_finished(uint32_t n)
{
	for (;;) {
		uint32_t f;

		vrm_ticket_lock(&host_lock);
		f = finished;
		vrm_ticket_unlock(&host_lock);
		if (f >= n)
			return;
	}
}

void host_main(uint64_t cpu)
{
	static const char *const names[3] = { "pattern", "checksum", "shared" };
	const uint8_t *imgs[3][2] = {
		{ guest_pattern_start, guest_pattern_end },
		{ guest_checksum_start, guest_checksum_end },
		{ guest_shared_start, guest_shared_end },
	};
	uint32_t ncpus;
	bool ok;

	if (cpu)
		secondary((uint32_t)cpu);
	ncpus = (uint32_t)hvc_call(HVC_CPUS_ONLINE, 0, 0, 0, 0).r0;
	hprintf("host: kernel running at EL%lu under its stage-2 on %u CPUs\n", current_el(), ncpus);
	wait_finished(ncpus - 1);

	for (uint32_t v = 0; v < 3; v++) {
		struct gvm *g = &host_vms[v];
		int64_t ret;

		g->name = names[v];
		g->img = imgs[v][0];
		g->img_len = (uint64_t)(imgs[v][1] - imgs[v][0]);
		g->shared_pa = host_alloc(1);
		if (v == 2) {
			uint32_t *sh = (uint32_t *)(uintptr_t)g->shared_pa;

			for (uint32_t i = 0; i < 256; i++)
				sh[i] = i * 7 + 3;
		}
		ret = host_load_vm(g);
		hprintf("host: vm%ld (%s): %lu-byte image loaded, %u pages donated, 1 page shared%s\n",
			(long)g->handle, g->name, (unsigned long)g->img_len, GUEST_PAGES,
			ret ? " FAILED" : "");
		for (uint32_t i = 0; i < NR_VCPUS; i++) {
			rq[v * NR_VCPUS + i].vm = v;
			rq[v * NR_VCPUS + i].vcpu = i;
			rq[v * NR_VCPUS + i].state = ret ? RQ_DONE : RQ_READY;
			rq[v * NR_VCPUS + i].exit = ret;
			if (ret)
				rq_done++;
		}
	}
	hprintf("host: pool invariants after loading: %s\n",
		hvc_call(HVC_POOL_CHECK, 0, 0, 0, 0).r0 == 0 ? "hold" : "BROKEN");

	attacks_before_run();

	hprintf("host: running 6 vCPUs on %u CPUs\n", ncpus);
	vrm_ticket_lock(&host_lock);
	finished = 0;
	go = 1;
	vrm_ticket_unlock(&host_lock);
	run_loop(0);
	wait_finished(ncpus - 1);
	ok = report_vms();
	hprintf("host: all guests finished: %s\n", ok ? "PASS" : "FAIL");

	attacks_with_guests(ncpus);

	for (uint32_t v = 0; v < host_nvms; v++) {
		struct hvc_ret r;

		r = hvc_call(HVC_UNSHARE, (uint64_t)host_vms[v].handle, host_vms[v].shared_pa,
			     GUEST_SHARED_IPA, 0);
		if (r.r0 < 0)
			hprintf("host: vm%ld: unshare failed (%ld)\n", (long)host_vms[v].handle,
				(long)r.r0);
		r = hvc_call(HVC_DESTROY_VM, (uint64_t)host_vms[v].handle, 0, 0, 0);
		hprintf("host: vm%ld destroyed: %ld pages reclaimed, %lu scrubbed\n",
			(long)host_vms[v].handle, (long)r.r0, (unsigned long)r.r1);
	}

	attacks_after_destroy();

	hprintf("host: pool invariants at the end: %s\n",
		hvc_call(HVC_POOL_CHECK, 0, 0, 0, 0).r0 == 0 ? "hold" : "BROKEN");
	hprintf("host: checker: %ld violations\n",
		(long)hvc_call(HVC_CHECK_COUNT, HVC_CHECK_TOTAL, 0, 0, 0).r0);
	hprintf("host: done, powering off\n");
	hvc_call(HVC_SYSTEM_OFF, 0, 0, 0, 0);
	for (;;)
		;
}
