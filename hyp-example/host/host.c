/* SPDX-License-Identifier: MIT */
/*
 * The host kernel (EL1, untrusted). It loads the guests, runs their vCPUs
 * on every CPU that came up (host/sched.c), then tears the VMs down and
 * tries the attacks the core must block.
 */
#include <vrm/arch/aarch64/sysreg.h>

#include "host.h"

extern const uint8_t guest_pattern_start[], guest_pattern_end[];
extern const uint8_t guest_checksum_start[], guest_checksum_end[];
extern const uint8_t guest_shared_start[], guest_shared_end[];
extern const uint8_t guest_timer_start[], guest_timer_end[];
extern const uint8_t guest_spin_start[], guest_spin_end[];

char host_stacks[HOST_MAX_CPUS][1UL << 14] __attribute__((aligned(16)));

vrm_ticket_t host_lock = VRM_TICKET_INIT;
volatile uint64_t host_cmd[HOST_MAX_CPUS];
volatile uint64_t host_cmd_exit[HOST_MAX_CPUS];

#define LONG_SLICE_US 1000000 /* attacks that need a vCPU to stay on its CPU */

struct gvm host_vms[HOST_NVMS];
uint32_t host_nvms = HOST_NVMS;

static uint32_t go, finished; /* host_lock */

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
	for (uint32_t i = 0; i < host_nvcpus(g); i++) {
		r = hvc_call(HVC_CREATE_VCPU, (uint64_t)g->handle, GUEST_IMAGE_IPA,
			     GUEST_PAGES << 12, 0);
		if (r.r0 < 0)
			return r.r0;
	}
	return 0;
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
	sched_run_loop(cpu);
	vrm_ticket_lock(&host_lock);
	finished++;
	vrm_ticket_unlock(&host_lock);
	/* Later phases: run what CPU 0 asks for (attacks). */
	for (;;) {
		uint64_t cmd = __atomic_load_n(&host_cmd[cpu], __ATOMIC_ACQUIRE);

		if (cmd) {
			/* A long slice: the attacks need it on this CPU. */
			struct hvc_ret r = host_run((int64_t)cmd, 0, LONG_SLICE_US);

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
	static const char *const names[HOST_NVMS] = { "pattern", "checksum", "shared", "timer", "spin" };
	static const uint32_t vcpus[HOST_NVMS] = { 2, 2, 2, 2, 1 };
	const uint8_t *imgs[HOST_NVMS][2] = {
		{ guest_pattern_start, guest_pattern_end },
		{ guest_checksum_start, guest_checksum_end },
		{ guest_shared_start, guest_shared_end },
		{ guest_timer_start, guest_timer_end },
		{ guest_spin_start, guest_spin_end },
	};
	struct hvc_ret check;
	uint64_t loaded_leaves;
	uint32_t ncpus;
	bool ok;

	/* The host's own libvrm copy picks its lock path too. Every CPU does,
	 * first thing, before its first lock: all write the same value (the
	 * ID register is system-wide on virt), so no lock is ever taken with
	 * a path other than the one every CPU uses. */
	vrm_ticket_select_atomics(vrm_arch_read_id_aa64isar0());
	if (cpu)
		secondary((uint32_t)cpu);
	ncpus = (uint32_t)hvc_call(HVC_CPUS_ONLINE, 0, 0, 0, 0).r0;
	hprintf("host: kernel running at EL%lu under its stage-2 on %u CPUs\n", current_el(), ncpus);
	wait_finished(ncpus - 1);

	for (uint32_t v = 0; v < HOST_NVMS; v++) {
		struct gvm *g = &host_vms[v];
		int64_t ret;

		g->name = names[v];
		g->img = imgs[v][0];
		g->img_len = (uint64_t)(imgs[v][1] - imgs[v][0]);
		g->nvcpus = vcpus[v];
		g->shared_pa = host_alloc(1);
		if (v == VM_SHARED) {
			uint32_t *sh = (uint32_t *)(uintptr_t)g->shared_pa;

			for (uint32_t i = 0; i < 256; i++)
				sh[i] = i * 7 + 3;
		}
		ret = host_load_vm(g);
		hprintf("host: vm%ld (%s): %lu-byte image loaded, %u pages donated, 1 page shared%s\n",
			(long)g->handle, g->name, (unsigned long)g->img_len, GUEST_PAGES,
			ret ? " FAILED" : "");
		sched_add(v, vcpus[v], ret);
	}
	loaded_leaves = (uint64_t)hvc_call(HVC_HOST_LEAVES, 0, 0, 0, 0).r0;
	check = hvc_call(HVC_POOL_CHECK, 0, 0, 0, 0);
	/* The pages it donated: its stage-2 names their owners. */
	hprintf("host: pool invariants after loading: %s; its stage-2 names the owner of %ld pages%s\n",
		check.r0 == 0 ? "hold" : "BROKEN", (long)check.r1,
		check.r1 ? "" : " (BROKEN: it donated some)");

	attacks_before_run();

	hprintf("host: running %u vCPUs on %u CPUs\n", sched_nr(), ncpus);
	vrm_ticket_lock(&host_lock);
	finished = 0;
	go = 1;
	vrm_ticket_unlock(&host_lock);
	sched_run_loop(0);
	wait_finished(ncpus - 1);
	ok = sched_report();
	hprintf("host: all guests finished: %s\n", ok ? "PASS" : "FAIL");

	attacks_irq(host_vms[VM_SPIN].handle);

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
	/* Every VM reclaimed: the blocks its donations split are back. */
	check = hvc_call(HVC_HOST_LEAVES, 0, 0, 0, 0);
	hprintf("host: its stage-2 maps RAM with %ld leaves (%lu after loading); "
		"tables that could be 2 MiB blocks: %lu%s\n",
		(long)check.r0, (unsigned long)loaded_leaves, (unsigned long)check.r1,
		check.r1 ? " (BROKEN: not coalesced)" : "");
	hprintf("host: checker: %ld violations\n",
		(long)hvc_call(HVC_CHECK_COUNT, HVC_CHECK_TOTAL, 0, 0, 0).r0);
	hprintf("host: done, powering off\n");
	hvc_call(HVC_SYSTEM_OFF, 0, 0, 0, 0);
	for (;;)
		;
}
