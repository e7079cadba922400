/* SPDX-License-Identifier: MIT */
/*
 * Boot: the boot CPU builds the pool and the tables, turns its MMU on,
 * brings up the secondaries with PSCI CPU_ON, then every CPU drops into
 * the host kernel at EL1 under the host's stage-2.
 */
#include <vrm/arch/aarch64/sysreg.h>
#include <vrm/tlb.h>

#include "gic.h"
#include "hyp_abi.h"
#include "linux.h"
#include "platform.h"
#include "vm.h"

struct hyp_cpu hyp_cpus[HYP_MAX_CPUS];
char hyp_stacks[HYP_MAX_CPUS][1UL << HYP_STACK_SHIFT] __attribute__((aligned(16)));
uint32_t hyp_cpus_online; /* atomic: bumped once by each CPU */

/* The host kernel's entry (host/start.S, in the host's own pages). */
extern char host_entry[];

void hyp_main(uint64_t dtb);
void hyp_secondary_main(uint64_t idx);
struct hyp_ctx *hyp_trap(struct hyp_ctx *ctx, uint64_t kind);

/* libvrm's environment hook: MPIDR_EL1.Aff0 is the CPU number on virt. */
uint32_t vrm_env_cpu_id(void)
{
	return cpu_aff0();
}

static void report(const struct vrm_check_report *r)
{
	hyp_printf("vrm-check: %s violated (%s) at 0x%lx on cpu %u\n",
		   vrm_check_cond_name(r->cond), r->rule, (unsigned long)r->addr, r->cpu);
}

/*
 * The CPU features libvrm may use, from the ID registers (all CPUs of virt
 * are alike; set once, before any other CPU runs, as tlb.h / pgtable.h
 * ask): range TLBIs (ID_AA64ISAR0_EL1.TLB >= 0b0010, FEAT_TLBIRANGE), the
 * TLBI level hint (ID_AA64MMFR2_EL1.TTL, FEAT_TTL) and the stage-2 XN[0]
 * split (ID_AA64MMFR1_EL1.XNX, FEAT_XNX). Without them libvrm's defaults
 * are the Armv8.0 forms, correct everywhere.
 */
uint64_t hyp_hcr_features;

static void report_features(void)
{
	uint64_t isar0 = vrm_arch_read_id_aa64isar0();
	uint32_t tlb = 0, pgt = 0;

	if (((isar0 >> 56) & 0xf) >= 2)
		tlb |= VRM_TLB_FEAT_RANGE;
	if ((read_id_aa64mmfr2_el1() >> 48) & 0xf)
		tlb |= VRM_TLB_FEAT_TTL;
	if ((read_id_aa64mmfr1_el1() >> 28) & 0xf)
		pgt |= VRM_PGT_FEAT_XNX;
	/* FEAT_S2FWB (ID_AA64MMFR2_EL1.FWB): every principal runs with
	 * HCR_EL2.FWB, so stage-2 Normal memory is cacheable whatever its
	 * stage 1 says and the VM tables need no clean to PoC (pgtable.h). */
	if ((read_id_aa64mmfr2_el1() >> 40) & 0xf) {
		pgt |= VRM_PGT_FEAT_FWB;
		hyp_hcr_features |= HCR_FWB;
	}
	vrm_tlb_set_features(tlb);
	vrm_pgt_set_features(pgt);
	hyp_printf("hyp: CPU features for libvrm: TLBI range %s, TTL hint %s, stage-2 XNX %s, "
		   "FWB %s\n",
		   tlb & VRM_TLB_FEAT_RANGE ? "yes" : "no", tlb & VRM_TLB_FEAT_TTL ? "yes" : "no",
		   pgt & VRM_PGT_FEAT_XNX ? "yes" : "no", pgt & VRM_PGT_FEAT_FWB ? "yes" : "no");
}

static void cpu_init(uint32_t idx)
{
	struct hyp_cpu *c = &hyp_cpus[idx];
	uint64_t mdcr = MDCR_TPM | MDCR_TPMCR | MDCR_TDA | MDCR_TDOSA | MDCR_TDRA;

	c->id = idx;
	write_tpidr_el2((uint64_t)(uintptr_t)c);
	/* Broken twins (tests/hyp) each drop one of these traps. */
#ifdef HYP_TWIN_NO_PTIMER_TRAP
	write_cnthctl_el2(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN);
#else
	write_cnthctl_el2(CNTHCTL_EL1PCTEN);
#endif
	write_cntvoff_el2(0); /* one virtual count for all: the offset is no secret */
#ifdef HYP_TWIN_NO_PMU_TRAP
	mdcr &= ~(MDCR_TPM | MDCR_TPMCR);
#endif
#ifdef HYP_TWIN_NO_DEBUG_TRAP
	mdcr &= ~(MDCR_TDA | MDCR_TDOSA | MDCR_TDRA);
#endif
	write_mdcr_el2(mdcr | ((read_pmcr_el0() >> 11) & 0x1f));
	isb();
}

/* Enter the host at EL1 on this CPU, fresh (as from reset): pc, x0, MMU
 * off, interrupts masked, zeroed FP/SIMD state, its stage-2 (VMID 0) and
 * hcr. The demo host and a Linux host (core/linux_boot.c) both start here. */
void host_enter(uint32_t idx, uint64_t pc, uint64_t x0, uint64_t hcr)
{
	struct hyp_cpu *c = &hyp_cpus[idx];
	struct hyp_ctx *h = &c->host;

	memset(h, 0, sizeof(*h));
	h->pc = pc;
	h->pstate = PSTATE_EL1H_DAIF;
	h->x[0] = x0;
	h->sys[SYS_sctlr_el1] = SCTLR_EL1_RES1;
	h->hcr = hcr | hyp_hcr_features;
	h->vttbr = mem_host_vttbr(); /* VMID 0 */
	h->vmpidr = read_mpidr_el1();
	ctx_load_el1(h);
	fpsimd_restore(&h->fp);
	write_hcr_el2(h->hcr);
	write_vttbr_el2(h->vttbr);
	write_vmpidr_el2(h->vmpidr);
	isb();
	c->cur = h;
	hyp_first_eret(h, (uintptr_t)hyp_stacks[idx] + sizeof(hyp_stacks[0]));
}

static void __attribute__((noreturn)) enter_host(uint32_t idx)
{
	irq_cpu_init(idx); /* GICv3 and timers (core/irq.c); MMU on here */
	host_enter(idx, (uint64_t)(uintptr_t)host_entry, idx, HCR_HOST);
}

void hyp_main(uint64_t dtb)
{
	uint32_t started = 0;
	int lock_path, ret;

	/* One image for every CPU: the lock's LSE or LL/SC path, chosen from
	 * the hardware before the first lock (the console's) and before any
	 * other CPU runs (vrm_ticket_select_atomics' contract). */
	lock_path = vrm_ticket_select_atomics(vrm_arch_read_id_aa64isar0());
	cpu_init(0);
	vrm_check_set_reporter(report);
	hyp_printf("\nhyp: libvrm reference hypervisor, EL%lu\n",
		   (unsigned long)(read_currentel() >> 2));
	hyp_printf("hyp: lock path %s (ID_AA64ISAR0_EL1.Atomic = %lu)\n",
		   lock_path == VRM_TICKET_ATOMICS_LSE ? "LSE" :
		   lock_path == VRM_TICKET_ATOMICS_LLSC ? "LL/SC" : "refused",
		   (unsigned long)((vrm_arch_read_id_aa64isar0() >> VRM_ID_AA64ISAR0_ATOMIC_SHIFT) & 0xf));
	if (lock_path < 0)
		hyp_exit_failure(3);
	report_features();
	ret = platform_init(dtb ? dtb : PLATFORM_DTB_ELF);
	if (ret)
		hyp_exit_failure(3);
	hyp_printf("hyp: DTB: RAM 0x%lx-0x%lx (%lu MiB), %u CPU%s\n",
		   (unsigned long)platform.ram_base, (unsigned long)platform_ram_end(),
		   (unsigned long)(platform.ram_size >> 20), platform.nr_cpus_dt,
		   platform.nr_cpus_dt == 1 ? "" : "s");
	if (platform.nr_cpus < platform.nr_cpus_dt)
		hyp_printf("hyp: running %u of the %u CPUs (HYP_MAX_CPUS %u, Aff0-numbered only); the rest stay off\n",
			   platform.nr_cpus, platform.nr_cpus_dt, HYP_MAX_CPUS);
	ret = mem_init();
	if (ret) {
		hyp_printf("hyp: memory setup failed (%d)\n", ret);
		hyp_exit_failure(3);
	}
	mem_cpu_init();
	if (vmid_init()) {
		hyp_printf("hyp: VMID allocator setup failed\n");
		hyp_exit_failure(3);
	}
	/* A Linux Image where the loader puts one: Linux is the host
	 * (core/linux.h); else the built-in demo host. */
	hyp_linux_host = linux_detect();
	if (hyp_linux_host && linux_prepare())
		hyp_exit_failure(3);
	__atomic_store_n(&hyp_cpus_online, 1, __ATOMIC_RELEASE);
	hyp_printf("cpu 0: up at EL2, MMU on (write-once EL2 table), pool owns %lu pages\n",
		   (unsigned long)mem_ram.pages);
	ret = mem_el2_unmap_attempt();
	hyp_printf("hyp: EL2 table is write-once: unmap of a live entry refused (%d)\n", ret);
	if (ret != -VRM_EPERM)
		hyp_exit_failure(3);
#ifdef HYP_SELFTEST_PANIC
	/* tests/hyp "hyp-panic-exit-status": a real synchronous exception at
	 * EL2 must reach hyp_panic() and end QEMU with a non-zero status. */
	__asm__ volatile("udf #0" ::: "memory");
#endif

	mem_publish_for_secondaries();
	for (uint32_t i = 1; i < platform.nr_cpus; i++) {
		int64_t r = psci_cpu_on(platform.mpidr[i], (uint64_t)(uintptr_t)secondary_entry, i);

		if (r != 0) {
			hyp_printf("hyp: PSCI CPU_ON of cpu %u (MPIDR 0x%lx) failed (%ld)\n", i,
				   (unsigned long)platform.mpidr[i], (long)r);
			hyp_exit_failure(3);
		}
		started++;
		/* One at a time: the transcript shows them in order. */
		for (uint64_t spin = 0; __atomic_load_n(&hyp_cpus_online, __ATOMIC_ACQUIRE) < i + 1;
		     spin++) {
			if (spin > (UINT64_C(1) << 30)) {
				hyp_printf("hyp: cpu %u did not come up\n", i);
				hyp_exit_failure(3);
			}
		}
	}
	hyp_printf("hyp: %u CPU%s online; entering the host at EL1\n", started + 1,
		   started ? "s" : "");
	if (hyp_linux_host) {
		psci_relay_boot_cpu_on();
		linux_boot_cpu();
	}
	enter_host(0);
}

void hyp_secondary_main(uint64_t idx)
{
	mem_cpu_init(); /* MMU and caches on before touching shared data */
	cpu_init((uint32_t)idx);
	hyp_printf("cpu %lu: up at EL2, MMU on\n", (unsigned long)idx);
	__atomic_fetch_add(&hyp_cpus_online, 1, __ATOMIC_ACQ_REL);
	if (hyp_linux_host)
		linux_cpu_park((uint32_t)idx); /* until the host's CPU_ON */
	enter_host((uint32_t)idx);
}

void hyp_system_off(void)
{
	hyp_printf("hyp: checker: %lu violations (", (unsigned long)vrm_check_total());
	for (int c = 0; c < VRM_COND_COUNT; c++)
		hyp_printf("%s%s %lu", c ? ", " : "", vrm_check_cond_name((enum vrm_cond)c),
			   (unsigned long)vrm_check_count((enum vrm_cond)c));
	hyp_printf(")%s\n", VRM_CHECKED ? "" : " [unchecked build: hooks compiled out]");
	if (hyp_linux_host)
		hyp_printf("hyp: host stage-2: %lu device mappings made on demand, %lu aborts injected, %lu transient faults on its own pages retried\n",
			   (unsigned long)host_fault_device_maps(), (unsigned long)host_fault_aborts(),
			   (unsigned long)host_fault_transient());
	hyp_printf("hyp: PSCI SYSTEM_OFF\n");
	psci_system_off();
}
