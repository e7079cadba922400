/* SPDX-License-Identifier: MIT */
/*
 * What a hostile host (or guest) tries, and what the core must answer.
 * Each line names the VRM condition the refusal protects.
 */
#include "host.h"

extern const uint8_t guest_probe_start[], guest_probe_end[];

#define HYP_PAGE  0x40080000UL  /* first page of the core's image */
#define EINVAL_   (-22)
#define EPERM_    (-1)
#define EBUSY_    (-16)

static uint32_t blocked, failed;

static void outcome(const char *what, bool ok, const char *cond)
{
	if (ok)
		blocked++;
	else
		failed++;
	hprintf("attack: %s ... %s (%s)\n", what, ok ? "BLOCKED" : "NOT BLOCKED", cond);
}

static uint64_t last_fault(void)
{
	return (uint64_t)hvc_call(HVC_LAST_FAULT, 0, 0, 0, 0).r0;
}

static int64_t hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	return hvc_call(fn, a1, a2, a3, a4).r0;
}

void attacks_before_run(void)
{
	struct gvm *a = &host_vms[0], *b = &host_vms[1];
	uint64_t h = (uint64_t)a->handle, v;
	bool ok;

	v = probe_read(a->mem_pa);
	outcome("host reads a page it donated to vm1", v == PROBE_SENTINEL &&
		last_fault() == a->mem_pa, "Memory-Isolation");

	probe_write(HYP_PAGE + 0x40, 0x6b6b6b6b);
	outcome("host writes a hyp page", last_fault() == HYP_PAGE + 0x40, "Memory-Isolation");

	probe_exec(HYP_PAGE);
	outcome("host jumps into hyp code", last_fault() == HYP_PAGE, "Memory-Isolation");

	ok = hvc(HVC_DONATE, (uint64_t)b->handle, a->mem_pa, 0x100000, 1) == EPERM_;
	ok = ok && hvc(HVC_DONATE, h, a->mem_pa, 0x100000, 1) == EPERM_;
	outcome("host donates a page it no longer owns (twice)", ok, "Memory-Isolation");
	outcome("host donates a hyp page",
		hvc(HVC_DONATE, h, HYP_PAGE, 0x100000, 1) == EPERM_ &&
		hvc(HVC_SHARE, h, HYP_PAGE, 0x100000, 0) == EPERM_, "Memory-Isolation");

	ok = true;
	ok = ok && hvc(HVC_DONATE, h, a->shared_pa + 8, 0x100000, 1) == EINVAL_;   /* misaligned */
	ok = ok && hvc(HVC_DONATE, h, 0x80000000UL, 0x100000, 1) == EINVAL_;     /* beyond RAM */
	ok = ok && hvc(HVC_DONATE, h, 0x1000UL, 0x100000, 1) == EINVAL_;         /* below RAM */
	ok = ok && hvc(HVC_DONATE, h, 0xfffffffffffff000UL, 0x100000, 2) == EINVAL_; /* wraps */
	ok = ok && hvc(HVC_DONATE, h, 0x5ffff000UL, 0x100000, 4) == EINVAL_;    /* runs off RAM */
	ok = ok && hvc(HVC_DONATE, h, a->shared_pa, 0x100000, 0) == EINVAL_;     /* zero pages */
	ok = ok && hvc(HVC_DONATE, h, a->shared_pa, 0x100000, 1UL << 40) == EINVAL_;
	ok = ok && hvc(HVC_DONATE, h, a->shared_pa, 0x100001, 1) == EINVAL_;     /* ipa misaligned */
	ok = ok && hvc(HVC_DONATE, h, a->shared_pa, 1UL << 39, 1) == EINVAL_;    /* ipa too big */
	ok = ok && hvc(HVC_DONATE, h, a->shared_pa, 0xfffffffffffff000UL, 2) == EINVAL_;
	outcome("host passes misaligned/out-of-range/overflowing donate arguments", ok,
		"Memory-Isolation");

	ok = true;
	ok = ok && hvc(HVC_RUN_VCPU, 0, 0, 0, 0) == EINVAL_;          /* no VM 0 */
	ok = ok && hvc(HVC_RUN_VCPU, 99, 0, 0, 0) == EINVAL_;
	ok = ok && hvc(HVC_RUN_VCPU, (uint64_t)-1, 0, 0, 0) == EINVAL_;
	ok = ok && hvc(HVC_RUN_VCPU, h, 7, 0, 0) == EINVAL_;          /* no vCPU 7 */
	ok = ok && hvc(HVC_CREATE_VCPU, h, 0x2, 0, 0) == EINVAL_;     /* entry misaligned */
	ok = ok && hvc(HVC_DESTROY_VM, 9, 0, 0, 0) == EINVAL_;
	ok = ok && hvc(HVC_SHARE, h, a->shared_pa, 1UL << 39, 0) == EINVAL_;
	ok = ok && hvc(HVC_UNSHARE, h, a->mem_pa, GUEST_SHARED_IPA, 0) == EINVAL_; /* not there */
	ok = ok && hvc(HVC_CHECK_COUNT, 77, 0, 0, 0) == EINVAL_;
	ok = ok && hvc(0x77, 0, 0, 0, 0) == EINVAL_;                  /* no such call */
	outcome("host passes bad handles, vCPU indices and function ids", ok, "Memory-Isolation");
	hprintf("host: pool invariants after the refused calls: %s\n",
		hvc(HVC_POOL_CHECK, 0, 0, 0, 0) == 0 ? "hold" : "BROKEN");
}

/* A one-vCPU VM running the probe guest; shared[0] = mode, [1] = address. */
static int64_t probe_vm(struct gvm *g, uint64_t mode, uint64_t addr)
{
	volatile uint64_t *sh;
	int64_t ret;

	g->name = "probe";
	g->img = guest_probe_start;
	g->img_len = (uint64_t)(guest_probe_end - guest_probe_start);
	g->shared_pa = host_alloc(1);
	sh = (volatile uint64_t *)(uintptr_t)g->shared_pa;
	sh[0] = mode;
	sh[1] = addr;
	ret = host_load_vm(g);
	return ret;
}

static void destroy(struct gvm *g)
{
	hvc(HVC_UNSHARE, (uint64_t)g->handle, g->shared_pa, GUEST_SHARED_IPA, 0);
	hvc(HVC_DESTROY_VM, (uint64_t)g->handle, 0, 0, 0);
}

static void guest_reads(const char *what, uint64_t addr)
{
	struct gvm g = { 0 };
	struct hvc_ret r;

	if (probe_vm(&g, 1, addr)) {
		outcome(what, false, "setup failed");
		return;
	}
	r = hvc_call(HVC_RUN_VCPU, (uint64_t)g.handle, 0, 0, 0);
	outcome(what, r.r0 == EXIT_S2_FAULT && r.r1 == addr, "Memory-Isolation");
	/* A stopped VM stays stopped. */
	if (hvc(HVC_RUN_VCPU, (uint64_t)g.handle, 0, 0, 0) != EPERM_)
		failed++;
	destroy(&g);
}

void attacks_with_guests(uint32_t ncpus)
{
	struct gvm g = { 0 };
	volatile uint64_t *sh;
	int64_t r;

	guest_reads("guest A reads guest B's memory (IPA = B's page)", host_vms[1].mem_pa);
	guest_reads("guest reads hyp memory through a forged IPA", HYP_PAGE);

	if (ncpus < 2) {
		hprintf("attack: host destroys a VM while its vCPU runs ... SKIPPED (1 CPU)\n");
		return;
	}
	if (probe_vm(&g, 2, 0)) {
		outcome("host destroys a VM while its vCPU runs", false, "setup failed");
		return;
	}
	sh = (volatile uint64_t *)(uintptr_t)g.shared_pa;
	__atomic_store_n(&host_cmd[1], (uint64_t)g.handle, __ATOMIC_RELEASE);
	while (__atomic_load_n(&sh[2], __ATOMIC_ACQUIRE) != 1)
		;
	r = hvc(HVC_DESTROY_VM, (uint64_t)g.handle, 0, 0, 0);
	outcome("host destroys a VM while its vCPU runs on cpu1", r == EBUSY_,
		"Sequential-TLB-Invalidation");
	r = hvc(HVC_RUN_VCPU, (uint64_t)g.handle, 0, 0, 0);
	outcome("host runs a vCPU on cpu0 while it runs on cpu1", r == EBUSY_, "DRF-Kernel");
	__atomic_store_n(&sh[3], 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&host_cmd[1], __ATOMIC_ACQUIRE) != 0)
		;
	destroy(&g);
}

void attacks_after_destroy(void)
{
	uint64_t nonzero = 0, faults = 0, pages = 0;

	for (uint32_t v = 0; v < host_nvms; v++) {
		for (uint64_t p = 0; p < GUEST_PAGES; p++, pages++) {
			uint64_t pa = host_vms[v].mem_pa + (p << 12);

			for (uint64_t o = 0; o < 4096; o += 8) {
				uint64_t x = probe_read(pa + o);

				if (x == PROBE_SENTINEL && last_fault() == pa + o)
					faults++;
				else if (x)
					nonzero++;
			}
		}
	}
	hprintf("host: read back %lu reclaimed pages: %lu non-zero words, %lu faults\n",
		(unsigned long)pages, (unsigned long)nonzero, (unsigned long)faults);
	outcome("host reads destroyed VMs' pages after reclaim (no data left)",
		nonzero == 0 && faults == 0, "Memory-Isolation");
	outcome("host runs a destroyed VM",
		hvc(HVC_RUN_VCPU, (uint64_t)host_vms[0].handle, 0, 0, 0) < 0, "Memory-Isolation");

	/* VMID churn: more VMs than VMIDs, so the allocator rolls over. */
	for (uint32_t i = 0; i < 20; i++) {
		int64_t h = hvc(HVC_CREATE_VM, 0, 0, 0, 0);

		if (h < 0 || hvc(HVC_DESTROY_VM, (uint64_t)h, 0, 0, 0) < 0)
			failed++;
	}
	hprintf("host: vmid churn: 20 VMs created and destroyed\n");
	hprintf("host: attacks: %u blocked, %u not blocked\n", blocked, failed);
}
