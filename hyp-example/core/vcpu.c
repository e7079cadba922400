/* SPDX-License-Identifier: MIT */
/*
 * The world switch's system-register half, vCPU run and guest exits.
 * A vCPU runs on whichever physical CPU the host asks from; the host's own
 * EL1 state on that CPU is parked in hyp_cpu.host meanwhile.
 */
#include <vrm/tlb.h>

#include "gic.h"
#include "hyp_abi.h"
#include "linux.h"
#include "vm.h"

void ctx_save_el1(struct hyp_ctx *ctx)
{
#define X_SAVE(r) ctx->sys[SYS_##r] = read_##r();
	EL1_SYSREGS(X_SAVE)
#undef X_SAVE
}

void ctx_load_el1(const struct hyp_ctx *ctx)
{
#define X_LOAD(r) write_##r(ctx->sys[SYS_##r]);
	EL1_SYSREGS(X_LOAD)
#undef X_LOAD
}

/* FP/SIMD registers follow EL1's owner, eagerly: 2 x 528 bytes per switch,
 * no trap to take. HYP_TWIN_NO_FP_SWITCH is the broken twin that leaves
 * them in place (tests/hyp: its FP attacks must print NOT BLOCKED). */
static void switch_fpsimd(struct hyp_ctx *from, const struct hyp_ctx *to)
{
#ifndef HYP_TWIN_NO_FP_SWITCH
	fpsimd_save(&from->fp);
	fpsimd_restore(&to->fp);
#else
	(void)from, (void)to;
#endif
}

static void load_stage2(const struct hyp_ctx *ctx)
{
	write_hcr_el2(ctx->hcr);
	write_vttbr_el2(ctx->vttbr);
	write_vmpidr_el2(ctx->vmpidr);
	isb(); /* the new VMID is in force before any EL1 access (tlb.h R4) */
}

struct hyp_ctx *vcpu_run(struct hyp_cpu *c, uint64_t handle, uint64_t idx, uint64_t slice_us)
{
	struct hyp_ctx *host = &c->host;
	int64_t slice = timer_slice_ticks(slice_us);
	struct hyp_vm *vm = slice < 0 ? NULL : vm_lookup_locked(handle);
	struct hyp_vcpu *v = NULL;
	bool flush_local = false;
	uint16_t vmid = 0;
	int64_t err = 0;

	if (!vm) {
		host->x[0] = (uint64_t)-VRM_EINVAL;
		return host;
	}
	HYP_ASSERT_HELD(&vm->lock);
	if (vm->state != VM_LIVE) {
		err = -VRM_EPERM;
	} else if (idx >= vm->nr_vcpus) {
		err = -VRM_EINVAL;
	} else {
		v = &vm->vcpus[idx];
		vrm_ticket_lock(&v->lock);
		HYP_ASSERT_HELD(&v->lock);
		if (v->running_on)
			err = -VRM_EBUSY;
		else if (v->done)
			err = -VRM_ENOENT;
		else
			v->running_on = c->id + 1;
		vrm_ticket_unlock(&v->lock);
	}
	if (!err) {
		/* Another vCPU of this VM ran here last: its local (non-IS)
		 * stage-1 invalidations never reached the entries this vCPU
		 * would now share (same VMID), as KVM's last_vcpu_ran. */
		flush_local = vm->last_vcpu[c->id] >= 0 && vm->last_vcpu[c->id] != (int32_t)idx;
		vm->last_vcpu[c->id] = (int32_t)idx;
		/* Under vm->lock, as every operation on the VM's table: none
		 * flushes by the old VMID once a new one is handed out. */
		vmid = vmid_load(vm, c->id);
		v->ctx.vttbr = vrm_tlb_vttbr(vm->pgt.root_pa, vmid);
	}
	vrm_ticket_unlock(&vm->lock);
	if (err) {
		host->x[0] = (uint64_t)err;
		return host;
	}

	/* This CPU owns v->ctx now (running_on): no lock needed below. */
	ctx_save_el1(host);
	ctx_load_el1(&v->ctx);
	switch_fpsimd(host, &v->ctx);
	vgic_switch(c, host, &v->ctx);
	load_stage2(&v->ctx);
	if (flush_local)
		vrm_tlb_flush_vmid_local(v->ctx.vttbr); /* loaded: no switch */
	c->loaded = v;
	c->cur = &v->ctx;
	if (hyp_linux_host)
		gic_ppi_enable(c, INTID_HYP_TIMER);
	/* Last: the slice starts when the guest does. Its end is a physical
	 * IRQ to EL2 (core/irq.c), whatever the guest does meanwhile. */
	timer_preempt_arm((uint64_t)slice);
	return &v->ctx;
}

struct hyp_ctx *vcpu_exit(struct hyp_cpu *c, uint64_t reason, uint64_t detail)
{
	struct hyp_vcpu *v = c->loaded;
	struct hyp_vm *vm = v->vm;
	bool stop = reason == EXIT_S2_FAULT || reason == EXIT_TRAP;

	timer_preempt_disarm(); /* the host is never preempted */
	ctx_save_el1(&v->ctx);
	ctx_load_el1(&c->host);
	switch_fpsimd(&v->ctx, &c->host);
	vgic_switch(c, &v->ctx, &c->host);
	load_stage2(&c->host);
	vmid_put(c->id); /* the VM's VMID is no longer in use on this CPU */

	vrm_ticket_lock(&vm->lock);
	HYP_ASSERT_HELD(&vm->lock);
	if (stop && vm->state == VM_LIVE)
		vm->state = VM_STOPPED;
	vrm_ticket_lock(&v->lock);
	HYP_ASSERT_HELD(&v->lock);
	v->running_on = 0;
	if (reason == EXIT_DONE)
		v->done = true;
	vrm_ticket_unlock(&v->lock);
	vrm_ticket_unlock(&vm->lock);

	c->loaded = NULL;
	c->cur = &c->host;
	c->host.x[0] = reason;
	c->host.x[1] = detail;
	return &c->host;
}

static uint64_t fault_ipa(void)
{
	/* HPFAR_EL2.FIPA [43:4] holds IPA[51:12]; FAR_EL2 the page offset. */
	return ((read_hpfar_el2() >> 4) << 12) | (read_far_el2() & 0xfff);
}

/*
 * A trapped WFI (HCR_EL2.TWI) waits for an interrupt, so it completes at
 * once if one is pending or the vCPU's timer has fired (its PPI is on its
 * way to EL2 and to LR0); otherwise the vCPU blocks: it exits to the host
 * with the virtual count at which its timer fires (UINT64_MAX: it waits
 * for nothing), and the host runs others until then. Only the virtual
 * timer can wake a vCPU, so that deadline is exact, not a guess.
 */
static struct hyp_ctx *vcpu_wfi(struct hyp_cpu *c, struct hyp_ctx *ctx)
{
	uint64_t deadline;

	if (vgic_pending())
		return ctx;
	deadline = timer_vtimer_deadline();
	if (deadline <= timer_now())
		return ctx;
	return vcpu_exit(c, EXIT_WFI, deadline);
}

struct hyp_ctx *vcpu_trap(struct hyp_cpu *c, struct hyp_ctx *ctx, uint64_t kind)
{
	struct hyp_vcpu *v = c->loaded;
	uint64_t esr = read_esr_el2();
	char prefix[16] = "[vm?.?] ";

	if (kind != 0) {
		hyp_printf("hyp: vm%u stopped: unexpected exception kind %lu\n",
			   v->vm->slot + 1, (unsigned long)kind);
		return vcpu_exit(c, EXIT_TRAP, kind);
	}
	switch (ESR_EC(esr)) {
	case EC_WFX:
		ctx->pc += 4; /* the wait is over when the vCPU resumes */
		if (esr & 2)
			return ctx; /* WFIT/WFET: a spurious wake-up (allowed) */
		if (esr & 1)  /* WFE: a spin-wait hint; the host may run others */
			return vcpu_exit(c, EXIT_YIELD, 0);
		return vcpu_wfi(c, ctx);
	case EC_HVC64:
		switch (ctx->x[0]) {
		case HVC_GUEST_PUTS:
			prefix[3] = (char)('1' + v->vm->slot);
			prefix[5] = (char)('0' + v->idx);
			hyp_line_put(&v->line, prefix, (const char *)&ctx->x[1], 48);
			ctx->x[0] = 0;
			return ctx;
		case HVC_GUEST_YIELD:
			return vcpu_exit(c, EXIT_YIELD, ctx->x[1]);
		case HVC_GUEST_DONE:
			return vcpu_exit(c, EXIT_DONE, ctx->x[1]);
		default:
			ctx->x[0] = (uint64_t)-VRM_EINVAL;
			return ctx;
		}
	case EC_DABT_LOW:
	case EC_IABT_LOW: {
		uint64_t ipa = fault_ipa();
		char buf[8];

		hyp_printf("hyp: vm%u stopped: stage-2 fault at IPA 0x%lx (not mapped for it; that PA belongs to %s)\n",
			   v->vm->slot + 1, (unsigned long)ipa, mem_owner_name(ipa, buf, sizeof(buf)));
		return vcpu_exit(c, EXIT_S2_FAULT, ipa);
	}
	default:
		hyp_printf("hyp: vm%u stopped: unhandled trap, ESR 0x%lx\n",
			   v->vm->slot + 1, (unsigned long)esr);
		return vcpu_exit(c, EXIT_TRAP, esr);
	}
}
