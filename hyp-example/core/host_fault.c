/* SPDX-License-Identifier: MIT */
/*
 * The Linux host's traps other than PSCI (core/linux.h).
 *
 * Stage-2 faults. The host stage-2 maps the RAM the host owns from boot;
 * everything outside RAM is the host's devices (GIC, UART, virtio-mmio,
 * PCIe, flash: the host owns them all, as in pKVM), mapped Device on the
 * first fault (pKVM's host_stage2_idmap), a 2 MiB block where the block
 * holds no RAM, else one page. A fault on a RAM page the host owns is
 * transient (mem_host_owns: a block split under break-before-make, or the
 * page's donation in flight) and the access is made again. A fault on
 * other RAM is the host touching memory
 * that is not its own (the core's, or a VM's): the access is not made and an
 * abort is injected into the host at EL1 (pKVM's host_inject_abort):
 *  - from EL0, or an instruction fetch: a synchronous external abort, which
 *    Linux turns into SIGBUS for a user process (an oops for itself);
 *  - a data access of its kernel to a kernel address (TTBR1, VA bit 55
 *    set): a level-3 translation fault, which Linux handles as a bad kernel
 *    access -- the exception fixup of get_kernel_nofault() and friends
 *    returns -EFAULT, anything else oopses. (An SEA there would skip the
 *    fixup; a translation fault on a user address from the kernel would
 *    loop, since Linux finds its own stage-1 entry valid and retries.)
 * Either way the host's problem, never the core's.
 *
 * System registers. MDCR_EL2 traps the PMU and debug registers and
 * CNTHCTL_EL2 the EL1 physical timer for every principal (core/main.c):
 * what the host reads there is RAZ, what it writes is ignored (so Linux
 * sees a PMU without counters and no debug state). Any other trap (SVE or
 * SME use: CPTR_EL2 traps them, boot/start.S) is an undefined instruction
 * injected into the host, as on a CPU without the feature.
 */
#include <vrm/barrier.h>

#include "linux.h"
#include "mem_internal.h"
#include "platform.h"

#define SZ_2M (UINT64_C(2) << 20)

static uint64_t device_maps, aborts, transient; /* atomic counters, for the transcript */

uint64_t host_fault_device_maps(void)
{
	return __atomic_load_n(&device_maps, __ATOMIC_RELAXED);
}

uint64_t host_fault_aborts(void)
{
	return __atomic_load_n(&aborts, __ATOMIC_RELAXED);
}

uint64_t host_fault_transient(void)
{
	return __atomic_load_n(&transient, __ATOMIC_RELAXED);
}

static bool overlaps_ram(uint64_t base, uint64_t size)
{
	return base < mem_ram.end && mem_ram.base < base + size;
}

/* Map the device block or page holding ipa into the host stage-2. Another
 * CPU may have mapped the same one meanwhile: an identical mapping is not
 * an error (vrm_pgt_map), and the choice of block or page depends only on
 * the address, so both CPUs ask for the same thing. */
static int map_device(uint64_t ipa)
{
	uint64_t base = ipa & ~(SZ_2M - 1), size = SZ_2M;
	int ret;

	if (overlaps_ram(base, size)) {
		base = ipa & ~(VRM_PAGE_SIZE - 1);
		size = VRM_PAGE_SIZE;
	}
	ret = mem_topup();
	if (!ret)
		ret = vrm_pgt_map(&mem_host_pgt, base, base, size,
				  VRM_PGT_PROT_RW | VRM_PGT_PROT_DEVICE);
	if (!ret)
		__atomic_fetch_add(&device_maps, 1, __ATOMIC_RELAXED);
	return ret;
}

#define ESR_IL           (UINT64_C(1) << 25)
#define ESR_WNR          (UINT64_C(1) << 6)
#define FSC_SEA          0x10u               /* synchronous external abort */
#define FSC_TRANS_L3     0x07u               /* translation fault, level 3 */
#define VA_TTBR1         (UINT64_C(1) << 55) /* upper (kernel) VA range */
#define EC_IABT_CUR      0x21
#define EC_DABT_CUR      0x25
#define PSR_MODE_MASK    UINT64_C(0xf)
#define PSR_MODE_EL0T    UINT64_C(0x0)
#define PSR_MODE_EL1T    UINT64_C(0x4)
#define PSR_DAIF         UINT64_C(0x3c0)
#define PSR_PAN          (UINT64_C(1) << 22)
#define PSR_DIT          (UINT64_C(1) << 24)
#define PSR_SSBS         (UINT64_C(1) << 12)
#define SCTLR_SPAN       (UINT64_C(1) << 23)
#define SCTLR_DSSBS      (UINT64_C(1) << 44)

/*
 * Take a synchronous exception to the host's EL1, as the hardware would
 * (Arm ARM D1.3 "Exception entry"): ESR/FAR/ELR/SPSR_EL1, the vector for
 * the EL and stack it came from, and the entry PSTATE (EL1h, DAIF masked,
 * PAN set unless SCTLR_EL1.SPAN, SSBS from SCTLR_EL1.DSSBS, DIT kept).
 * The host's EL1 registers are live (it is the one running here).
 */
static void inject_sync(struct hyp_ctx *ctx, uint64_t esr1, uint64_t far)
{
	uint64_t spsr = ctx->pstate, sctlr = read_sctlr_el1(), mode = spsr & PSR_MODE_MASK;
	uint64_t off = mode == PSR_MODE_EL0T ? 0x400 : mode == PSR_MODE_EL1T ? 0x000 : 0x200;
	uint64_t pstate = PSTATE_EL1H_DAIF | (spsr & PSR_DIT);

	write_esr_el1(esr1);
	write_far_el1(far);
	write_elr_el1(ctx->pc);
	write_spsr_el1(spsr);
	if (!(sctlr & SCTLR_SPAN))
		pstate |= PSR_PAN;
	else
		pstate |= spsr & PSR_PAN;
	if (sctlr & SCTLR_DSSBS)
		pstate |= PSR_SSBS;
	ctx->pc = read_vbar_el1() + off;
	ctx->pstate = pstate;
}

static void inject_abort(struct hyp_cpu *c, struct hyp_ctx *ctx, uint64_t esr, uint64_t ipa)
{
	bool from_el0 = (ctx->pstate & PSR_MODE_MASK) == PSR_MODE_EL0T;
	bool fetch = ESR_EC(esr) == EC_IABT_LOW;
	uint64_t ec = fetch ? (from_el0 ? EC_IABT_LOW : EC_IABT_CUR) :
			      (from_el0 ? EC_DABT_LOW : EC_DABT_CUR);
	uint64_t far = read_far_el2();
	uint32_t fsc = !from_el0 && !fetch && (far & VA_TTBR1) ? FSC_TRANS_L3 : FSC_SEA;
	char buf[8];

	__atomic_fetch_add(&aborts, 1, __ATOMIC_RELAXED);
	c->host_fault_ipa = ipa;
	hyp_printf("hyp: cpu%u: host %s %s 0x%lx (owner: %s) -> stage-2 fault, abort injected\n",
		   c->id, from_el0 ? "user" : "kernel", fetch ? "fetch at" : "access to",
		   (unsigned long)ipa, mem_owner_name(ipa, buf, sizeof(buf)));
	inject_sync(ctx, ec << 26 | ESR_IL | (fetch ? 0 : esr & ESR_WNR) | fsc, far);
}

static struct hyp_ctx *host_stage2_fault(struct hyp_cpu *c, struct hyp_ctx *ctx, uint64_t esr)
{
	uint64_t ipa = ((read_hpfar_el2() >> 4) << 12) | (read_far_el2() & 0xfff);

	if (!overlaps_ram(ipa & ~(VRM_PAGE_SIZE - 1), VRM_PAGE_SIZE) &&
	    ipa < (UINT64_C(1) << S2_IA_BITS) && map_device(ipa) == 0)
		return ctx; /* mapped: the access is made again */
	if (mem_host_owns(ipa)) {
		__atomic_fetch_add(&transient, 1, __ATOMIC_RELAXED);
		return ctx; /* a BBM window or a donation in flight: again */
	}
	inject_abort(c, ctx, esr, ipa);
	return ctx;
}

/* EC 0x18: ISS bit 0 is the direction (1 = read), bits [9:5] Rt. */
static struct hyp_ctx *host_sysreg_raz_wi(struct hyp_ctx *ctx, uint64_t esr)
{
	uint32_t rt = (uint32_t)(esr >> 5) & 0x1f;

	if ((esr & 1) && rt != 31)
		ctx->x[rt] = 0;
	ctx->pc += 4;
	return ctx;
}

struct hyp_ctx *linux_host_trap(struct hyp_cpu *c, struct hyp_ctx *ctx, uint64_t esr)
{
	switch (ESR_EC(esr)) {
	case EC_SMC64:
		ctx->pc += 4; /* a trapped SMC returns to itself (Arm ARM D1.10.2) */
		return psci_relay(c, ctx);
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		return host_stage2_fault(c, ctx, esr);
	case EC_SYSREG:
		return host_sysreg_raz_wi(ctx, esr);
	default:
		/* EC 0 ("unknown"): an undefined instruction to the host. */
		inject_sync(ctx, ESR_IL, 0);
		return ctx;
	}
}
