/* SPDX-License-Identifier: MIT */
/*
 * Traps from the host: its hypercalls (the ABI of include/hyp_abi.h) and
 * its stage-2 faults. The host is untrusted: every argument is checked by
 * the function it reaches, and a fault on a page it does not own is
 * reported and skipped, never fatal.
 */
#include "gic.h"
#include "hyp_abi.h"
#include "linux.h"
#include "vm.h"

static struct hyp_ctx *host_hvc(struct hyp_cpu *c, struct hyp_ctx *ctx)
{
	uint64_t a1 = ctx->x[1], a2 = ctx->x[2], a3 = ctx->x[3], a4 = ctx->x[4];
	uint64_t r1 = 0;
	int64_t r;

	switch (ctx->x[0]) {
	case HVC_CREATE_VM:
		r = vm_create();
		break;
	case HVC_CREATE_VCPU:
		r = vm_create_vcpu(a1, a2, a3);
		break;
	case HVC_DONATE:
		r = vm_donate(a1, a2, a3, a4);
		break;
	case HVC_SHARE:
	case HVC_UNSHARE:
		r = vm_share(a1, a2, a3, ctx->x[0] == HVC_SHARE);
		break;
	case HVC_RUN_VCPU:
		return vcpu_run(c, a1, a2, a3);
	case HVC_DESTROY_VM:
		r = vm_destroy(a1, &r1);
		break;
	case HVC_CHECK_COUNT:
		if (a1 == HVC_CHECK_TOTAL)
			r = (int64_t)vrm_check_total();
		else if (a1 < VRM_COND_COUNT)
			r = (int64_t)vrm_check_count((enum vrm_cond)a1);
		else
			r = -VRM_EINVAL;
		break;
	case HVC_PUTS:
		hyp_line_put(&c->line, "", (const char *)&ctx->x[1], 48);
		r = 0;
		break;
	case HVC_LAST_FAULT:
		r = (int64_t)c->host_fault_ipa;
		c->host_fault_ipa = 0;
		break;
	case HVC_SYSTEM_OFF:
		hyp_system_off();
	case HVC_CPUS_ONLINE:
		r = __atomic_load_n(&hyp_cpus_online, __ATOMIC_ACQUIRE);
		break;
	case HVC_HOST_RAM:
		r = (int64_t)mem_host_ram_start();
		r1 = mem_host_ram_end();
		break;
	case HVC_RAM:
		r = (int64_t)mem_ram.base;
		r1 = mem_ram.end;
		break;
	case HVC_HOST_LEAVES:
		r = (int64_t)mem_host_leaves(&r1);
		break;
	case HVC_POOL_CHECK:
		r = mem_check(&r1);
		break;
	default:
		r = -VRM_EINVAL;
		break;
	}
	ctx->x[0] = (uint64_t)r;
	ctx->x[1] = r1;
	return ctx;
}

static void host_abort(struct hyp_cpu *c, struct hyp_ctx *ctx, uint64_t esr)
{
	uint64_t ipa = ((read_hpfar_el2() >> 4) << 12) | (read_far_el2() & 0xfff);
	char buf[8];

	if (mem_host_owns(ipa))
		return; /* its own page, mid-BBM or mid-donation: made again */
	/* Identity map: the host's IPA is the PA it tried to reach. */
	c->host_fault_ipa = ipa;
	hyp_printf("hyp: cpu%u: host %s at 0x%lx (owner: %s) -> stage-2 fault, access skipped\n",
		   c->id, ESR_EC(esr) == EC_IABT_LOW ? "fetch" : "access", (unsigned long)ipa,
		   mem_owner_name(ipa, buf, sizeof(buf)));
	if (ESR_EC(esr) == EC_IABT_LOW)
		ctx->pc = ctx->x[30]; /* a branch into forbidden memory: return */
	else
		ctx->pc += 4;         /* skip the faulting load/store */
}

struct hyp_ctx *hyp_trap(struct hyp_ctx *ctx, uint64_t kind)
{
	struct hyp_cpu *c = this_cpu();
	uint64_t esr;

	if (kind == 1)
		return hyp_irq(c, ctx); /* HCR_EL2.IMO: host's or guest's time */
	if (c->loaded)
		return vcpu_trap(c, ctx, kind);
	if (kind != 0)
		hyp_panic(2); /* FIQ/SError from the host: nothing routes one */
	esr = read_esr_el2();
	if (hyp_linux_host) {
		/* PSCI by HVC is relayed as by SMC; small numbers are the
		 * core's own hypercalls (include/hyp_abi.h). */
		if (ESR_EC(esr) == EC_HVC64)
			return psci_is_smccc(ctx->x[0]) ? psci_relay(c, ctx) : host_hvc(c, ctx);
		return linux_host_trap(c, ctx, esr);
	}
	switch (ESR_EC(esr)) {
	case EC_HVC64:
		return host_hvc(c, ctx);
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		host_abort(c, ctx, esr);
		return ctx;
	default:
		/* SMC (HCR_EL2.TSC) or a trapped system register: refuse. */
		hyp_printf("hyp: cpu%u: host trap (ESR 0x%lx) refused\n", c->id,
			   (unsigned long)esr);
		ctx->pc += 4;
		ctx->x[0] = (uint64_t)-VRM_EPERM;
		return ctx;
	}
}
