/* SPDX-License-Identifier: MIT */
/*
 * What a hostile host (or guest) tries, and what the core must answer.
 * Each line names the VRM condition the refusal protects.
 */
#include "host.h"

extern const uint8_t guest_probe_start[], guest_probe_end[];

extern char __hyp_start[];     /* hyp.ld: first page of the core's image */
#define HYP_PAGE  ((uint64_t)(uintptr_t)__hyp_start)
#define EINVAL_   (-22)
#define EPERM_    (-1)
#define EBUSY_    (-16)

static uint32_t blocked, failed;

void outcome(const char *what, bool ok, const char *cond)
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
	struct gvm *a = &host_vms[0];
	uint64_t h = (uint64_t)a->handle, v;
	struct hvc_ret ram;
	int64_t sink;
	uint64_t given;
	bool ok;

	v = probe_read(a->mem_pa);
	outcome("host reads a page it donated to vm1", v == PROBE_SENTINEL &&
		last_fault() == a->mem_pa, "Memory-Isolation");

	probe_write(HYP_PAGE + 0x40, 0x6b6b6b6b);
	outcome("host writes a hyp page", last_fault() == HYP_PAGE + 0x40, "Memory-Isolation");

	probe_exec(HYP_PAGE);
	outcome("host jumps into hyp code", last_fault() == HYP_PAGE, "Memory-Isolation");

	/* The donations go to a VM that never runs and is never destroyed: in
	 * the no-owner-check twin they succeed, and what they gave away (the
	 * sink's own page, a page of the core's text) must not then be
	 * scrubbed by a teardown -- the twin has to live to print its verdicts.
	 * vm1's pages are left alone: its later checks would fail instead. */
	sink = hvc(HVC_CREATE_VM, 0, 0, 0, 0);
	given = host_alloc(1);
	ok = sink > 0 && given && hvc(HVC_DONATE, (uint64_t)sink, given, 0x100000, 1) == 0;
	ok = ok && hvc(HVC_DONATE, (uint64_t)sink, given, 0x101000, 1) == EPERM_;
	ok = ok && hvc(HVC_DONATE, (uint64_t)sink, given, 0x102000, 1) == EPERM_;
	outcome("host donates a page it no longer owns (twice)", ok, "Memory-Isolation");
	outcome("host donates a hyp page",
		sink > 0 && hvc(HVC_DONATE, (uint64_t)sink, HYP_PAGE, 0x200000, 1) == EPERM_ &&
		hvc(HVC_SHARE, (uint64_t)sink, HYP_PAGE, 0x300000, 0) == EPERM_, "Memory-Isolation");

	ram = hvc_call(HVC_RAM, 0, 0, 0, 0);
	ok = ram.r0 > 0 && ram.r1 > (uint64_t)ram.r0;
	ok = ok && hvc(HVC_DONATE, h, a->shared_pa + 8, 0x100000, 1) == EINVAL_;   /* misaligned */
	ok = ok && hvc(HVC_DONATE, h, ram.r1, 0x100000, 1) == EINVAL_;           /* beyond RAM */
	ok = ok && hvc(HVC_SHARE, h, ram.r1 + 0x100000, 0x100000, 0) == EINVAL_;  /* not RAM */
	ok = ok && hvc(HVC_DONATE, h, 0x1000UL, 0x100000, 1) == EINVAL_;         /* below RAM */
	ok = ok && hvc(HVC_DONATE, h, 0xfffffffffffff000UL, 0x100000, 2) == EINVAL_; /* wraps */
	ok = ok && hvc(HVC_DONATE, h, ram.r1 - 0x1000, 0x100000, 4) == EINVAL_;  /* runs off RAM */
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
	r = host_run(g.handle, 0, 0);
	outcome(what, r.r0 == EXIT_S2_FAULT && r.r1 == addr, "Memory-Isolation");
	/* A stopped VM stays stopped. */
	if (hvc(HVC_RUN_VCPU, (uint64_t)g.handle, 0, 0, 0) != EPERM_)
		failed++;
	destroy(&g);
}

/* The hardware form of the ownership check: the host also donates one of
 * vm1's pages (its pattern data) to a probe VM, at an IPA inside the
 * probe's layout, and the probe reads that IPA. Refused, the IPA stays
 * unmapped and the read takes a stage-2 fault; in the no-owner-check twin
 * the probe reads vm1's data there instead. */
#define CROSS_IPA 0x300000UL
static void guest_reads_cross_donation(void)
{
	const char *what = "host donates a page vm1 owns to another guest, which reads it at that IPA";
	uint64_t page = host_vms[0].mem_pa + 0x10000; /* vm1's DATA_START */
	struct gvm g = { 0 };
	struct hvc_ret r;
	int64_t d;

	if (probe_vm(&g, 1, CROSS_IPA)) {
		outcome(what, false, "setup failed");
		return;
	}
	d = hvc(HVC_DONATE, (uint64_t)g.handle, page, CROSS_IPA, 1);
	r = host_run(g.handle, 0, 0);
	outcome(what, d == EPERM_ && r.r0 == EXIT_S2_FAULT && r.r1 == CROSS_IPA,
		"Memory-Isolation");
	destroy(&g);
}

/* FP/SIMD registers cross no principal: the host leaves secrets in d0/d1,
 * the probe guest reports the d0 it finds and leaves its own in d0/d1;
 * after RUN_VCPU the host must find exactly its own values again. */
static void fp_leaks(void)
{
	struct gvm g = { 0 };
	volatile uint64_t *sh;
	uint64_t cpacr, d0, d1;
	struct hvc_ret r;

	if (probe_vm(&g, 3, 0)) {
		outcome("guest reads the host's FP/SIMD registers", false, "setup failed");
		return;
	}
	sh = (volatile uint64_t *)(uintptr_t)g.shared_pa;
	sh[4] = 0;
	__asm__ volatile("mrs	%0, cpacr_el1" : "=r"(cpacr));
	__asm__ volatile("msr	cpacr_el1, %0\n\tisb" : : "r"(cpacr | (3UL << 20)) : "memory");
	/* One asm from the secrets to the read-back: the compiler (built
	 * -mgeneral-regs-only) never touches d0/d1 itself anyway. */
	__asm__ volatile(
	"	fmov	d0, %[s0]\n"
	"	fmov	d1, %[s1]\n"
	"1:	mov	x0, %[fn]\n"
	"	mov	x1, %[h]\n"
	"	mov	x2, #0\n"
	"	mov	x3, #0\n"         /* default time slice */
	"	hvc	#0\n"
	"	cmp	x0, %[pre]\n"     /* preempted: run it on */
	"	b.eq	1b\n"
	"	mov	%[r0], x0\n"
	"	fmov	%[d0], d0\n"
	"	fmov	%[d1], d1\n"
	: [r0] "=&r"(r.r0), [d0] "=&r"(d0), [d1] "=&r"(d1)
	: [s0] "r"(PROBE_HOST_FP_D0), [s1] "r"(PROBE_HOST_FP_D1),
	  [fn] "r"((uint64_t)HVC_RUN_VCPU), [h] "r"((uint64_t)g.handle),
	  [pre] "r"((uint64_t)EXIT_PREEMPTED)
	: "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "cc", "memory");
	if (r.r0 != EXIT_DONE) {
		outcome("guest reads the host's FP/SIMD registers", false, "probe did not finish");
		destroy(&g);
		return;
	}
	outcome("guest reads the host's FP/SIMD registers (d0)", sh[4] != PROBE_HOST_FP_D0,
		"FP/SIMD isolation");
	outcome("host reads a guest's FP/SIMD registers after RUN_VCPU (d0, d1)",
		d0 == PROBE_HOST_FP_D0 && d1 == PROBE_HOST_FP_D1, "FP/SIMD isolation");
	destroy(&g);
}

/* The guest touches state no world switch moves: EL2 must trap it and stop
 * the guest (EXIT_TRAP with that ESR class), or it ran on someone else's. */
/* Whether this CPU has the state a trap probe touches: without it the
 * probe's instruction is UNDEFINED at EL1 and proves nothing about EL2. */
static bool cpu_has(uint64_t which)
{
	uint64_t pfr0, isar1, isar2;

	__asm__ volatile("mrs	%0, id_aa64pfr0_el1" : "=r"(pfr0));
	__asm__ volatile("mrs	%0, id_aa64isar1_el1" : "=r"(isar1));
	__asm__ volatile("mrs	%0, S3_0_C0_C6_2" : "=r"(isar2)); /* ID_AA64ISAR2_EL1 */
	if (which == PROBE_TRAP_SVE)
		return (pfr0 >> 32) & 0xf;                  /* SVE */
	if (which == PROBE_TRAP_PAUTH)                      /* APA, API, APA3 */
		return ((isar1 >> 4) & 0xf) || ((isar1 >> 8) & 0xf) || ((isar2 >> 12) & 0xf);
	return true; /* PMU, debug, the physical timer: in every Armv8-A CPU */
}

static void guest_traps(const char *what, uint64_t which, uint64_t ec)
{
	struct gvm g = { 0 };
	struct hvc_ret r;

	if (!cpu_has(which)) {
		hprintf("attack: %s ... SKIPPED (this CPU lacks the feature)\n", what);
		return;
	}
	if (probe_vm(&g, 4, which)) {
		outcome(what, false, "setup failed");
		return;
	}
	r = host_run(g.handle, 0, 0);
	outcome(what, r.r0 == EXIT_TRAP && ((r.r1 >> 26) & 0x3f) == ec, "EL2 traps");
	destroy(&g);
}

/* The EL1 virtual timer follows its owner: a CNTV_CVAL_EL0 the host set is
 * not what a guest finds, and the guest's does not survive into the host. */
static void timer_leaks(void)
{
	struct gvm g = { 0 };
	volatile uint64_t *sh;
	uint64_t cval;
	struct hvc_ret r;

	if (probe_vm(&g, 5, 0)) {
		outcome("guest reads the host's virtual timer", false, "setup failed");
		return;
	}
	sh = (volatile uint64_t *)(uintptr_t)g.shared_pa;
	sh[4] = 0;
	__asm__ volatile("msr	cntv_cval_el0, %0\n\tisb" : : "r"(PROBE_HOST_CVAL) : "memory");
	r = host_run(g.handle, 0, 0);
	__asm__ volatile("mrs	%0, cntv_cval_el0" : "=r"(cval) : : "memory");
	if (r.r0 != EXIT_DONE) {
		outcome("guest reads the host's virtual timer", false, "probe did not finish");
	} else {
		outcome("guest reads the host's virtual timer (CNTV_CVAL_EL0)",
			sh[4] != PROBE_HOST_CVAL, "timer isolation");
		outcome("host reads a guest's virtual timer after RUN_VCPU (CNTV_CVAL_EL0)",
			cval == PROBE_HOST_CVAL, "timer isolation");
	}
	destroy(&g);
}

/* Sequential-TLB-Invalidation, measured: the host reads a page (its TLB
 * now holds the translation), donates it, and reads it again at once. Only
 * the TLB flush that ends the donation's unmap stops the second read; in
 * the no-pgt-flush twin it succeeds through the stale entry. */
static void stale_tlb(void)
{
	struct gvm g = { 0 };
	uint64_t pa = host_alloc(1), v;
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)pa;

	if (probe_vm(&g, 0, 0)) {
		outcome("host reads a page it just donated (stale TLB entry)", false, "setup failed");
		return;
	}
	*p = 0x57a1e;
	v = *p; /* the translation is in this CPU's TLB now */
	if (v != 0x57a1e || hvc(HVC_DONATE, (uint64_t)g.handle, pa, 0x400000, 1) != 0) {
		outcome("host reads a page it just donated (stale TLB entry)", false, "setup failed");
		destroy(&g);
		return;
	}
	v = probe_read(pa);
	outcome("host reads a page it just donated (stale TLB entry)",
		v == PROBE_SENTINEL && last_fault() == pa, "Sequential-TLB-Invalidation");
	destroy(&g);
}

void attacks_with_guests(uint32_t ncpus)
{
	struct gvm g = { 0 };
	volatile uint64_t *sh;
	int64_t r;

	guest_reads("guest A reads guest B's memory (IPA = B's page)", host_vms[1].mem_pa);
	guest_reads("guest reads hyp memory through a forged IPA", HYP_PAGE);
	guest_reads_cross_donation();
	stale_tlb();
	fp_leaks();
	timer_leaks();
	guest_traps("guest uses SVE (its Z registers are not switched)", PROBE_TRAP_SVE, 0x19);
	guest_traps("guest reads the PMU cycle counter", PROBE_TRAP_PMU, 0x18);
	guest_traps("guest programs a hardware breakpoint", PROBE_TRAP_DEBUG, 0x18);
	guest_traps("guest programs the physical timer", PROBE_TRAP_PTIMER, 0x18);
	guest_traps("guest reads a PAuth key register", PROBE_TRAP_PAUTH, 0x18);

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
	r = hvc(HVC_RUN_VCPU, (uint64_t)g.handle, 0, 0, 0);
	outcome("host runs a vCPU on cpu0 while it runs on cpu1", r == EBUSY_, "DRF-Kernel");
	/* Refused, and shown in hardware: the guest, released afterwards,
	 * reads back what it wrote to its own memory before (probe mode 2)
	 * and finishes -- had its pages been reclaimed under it, that read
	 * would take a stage-2 fault on an emptied table. */
	r = hvc(HVC_DESTROY_VM, (uint64_t)g.handle, 0, 0, 0);
	__atomic_store_n(&sh[3], 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&host_cmd[1], __ATOMIC_ACQUIRE) != 0)
		;
	outcome("host destroys a VM while its vCPU runs on cpu1",
		r == EBUSY_ && host_cmd_exit[1] == (uint64_t)EXIT_DONE << 32, "Memory-Isolation");
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
