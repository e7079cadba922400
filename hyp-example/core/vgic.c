/* SPDX-License-Identifier: MIT */
/*
 * The GICv3 virtual CPU interface follows its EL1 principal, like the EL1
 * registers: ICH_HCR, ICH_VMCR, the active-priority registers and the one
 * list register the core uses are saved and loaded by every world switch,
 * so no principal sees or changes another's virtual interrupt state (the
 * host's ICV_* writes land in its own copy of ICH_VMCR, never a guest's).
 *
 * The virtual timer is injected with ICH_LR<n>_EL2.HW = 1 (GICv3 spec,
 * ICH_LR<n>_EL2 and "Virtual interrupt handling"): EL2 acknowledges the
 * physical PPI 27 and drops its priority (EOImode = 1) but leaves it
 * active; the list register names it as pINTID, so the guest's own
 * deactivation of virtual INTID 27 deactivates the physical one too. The
 * physical timer cannot fire again while the guest is still handling the
 * last tick, without a maintenance interrupt and without EL2 touching the
 * guest's CNTV_CTL (as KVM's arch timer). The alternative, masking the
 * physical PPI until the guest's EOI and checking the LR at each exit,
 * costs a maintenance interrupt or a late re-arm on every tick.
 *
 * The price is that the physical active state belongs to the principal:
 * a vCPU switched out with its LR in flight leaves PPI 27 active on this
 * CPU, which would silence the next principal's timer, and deactivating a
 * HW interrupt that is not active physically is not what the spec
 * promises. So the switch moves it too (vtimer_active), as KVM's
 * kvm_timer_vcpu_load_gic() does with irq_set_irqchip_state().
 */
#include "gic.h"

#define ICH_HCR_EN     (UINT64_C(1) << 0)
#define LR_STATE_SHIFT 62               /* 01 pending, 10 active, 11 both */
#define LR_PENDING     (UINT64_C(1) << 62)
#define LR_HW          (UINT64_C(1) << 61)
#define LR_GROUP1      (UINT64_C(1) << 60)
#define LR_PRIO_SHIFT  48
#define LR_PINTID_SHIFT 32
#define LR_VTIMER      (LR_PENDING | LR_HW | LR_GROUP1 | ((uint64_t)0xa0 << LR_PRIO_SHIFT) | \
			((uint64_t)INTID_VTIMER << LR_PINTID_SHIFT) | INTID_VTIMER)

/* ICH_VTR_EL2.PREbits [28:26] (minus one): 5 bits need one APR per group,
 * 6 two, 7 four (spec: ICH_AP0R<n>_EL2). */
static uint32_t nr_apr(void)
{
	uint32_t pre = (uint32_t)((read_ich_vtr_el2() >> 26) & 7) + 1;

	return pre <= 5 ? 1 : pre == 6 ? 2 : 4;
}

static void save_aprs(struct hyp_vgic *vg, uint32_t n)
{
	switch (n) {
	case 4:
		vg->ap0r[3] = (uint32_t)read_ich_ap0r3_el2();
		vg->ap1r[3] = (uint32_t)read_ich_ap1r3_el2();
		vg->ap0r[2] = (uint32_t)read_ich_ap0r2_el2();
		vg->ap1r[2] = (uint32_t)read_ich_ap1r2_el2();
		/* fall through */
	case 2:
		vg->ap0r[1] = (uint32_t)read_ich_ap0r1_el2();
		vg->ap1r[1] = (uint32_t)read_ich_ap1r1_el2();
		/* fall through */
	default:
		vg->ap0r[0] = (uint32_t)read_ich_ap0r0_el2();
		vg->ap1r[0] = (uint32_t)read_ich_ap1r0_el2();
	}
}

static void load_aprs(const struct hyp_vgic *vg, uint32_t n)
{
	switch (n) {
	case 4:
		write_ich_ap0r3_el2(vg->ap0r[3]);
		write_ich_ap1r3_el2(vg->ap1r[3]);
		write_ich_ap0r2_el2(vg->ap0r[2]);
		write_ich_ap1r2_el2(vg->ap1r[2]);
		/* fall through */
	case 2:
		write_ich_ap0r1_el2(vg->ap0r[1]);
		write_ich_ap1r1_el2(vg->ap1r[1]);
		/* fall through */
	default:
		write_ich_ap0r0_el2(vg->ap0r[0]);
		write_ich_ap1r0_el2(vg->ap1r[0]);
	}
}

void vgic_vcpu_init(struct hyp_vgic *vg)
{
	memset(vg, 0, sizeof(*vg));
	vg->hcr = ICH_HCR_EN; /* its virtual CPU interface signals vIRQs */
	vg->ctlr = ICC_CTLR_EOIMODE;
}

/* Called with `to`'s EL1 registers (its timer) already loaded. */
void vgic_switch(const struct hyp_cpu *c, struct hyp_ctx *from, const struct hyp_ctx *to)
{
	uint32_t n = nr_apr();
	bool active = gic_ppi_active(c, INTID_VTIMER);

	from->vgic.vmcr = read_ich_vmcr_el2();
	from->vgic.lr0 = read_ich_lr0_el2();
	save_aprs(&from->vgic, n);
	from->vgic.vtimer_active = active;
	from->vgic.ctlr = read_icc_ctlr_el1();

	write_ich_hcr_el2(to->vgic.hcr);
	write_ich_vmcr_el2(to->vgic.vmcr);
	load_aprs(&to->vgic, n);
	write_ich_lr0_el2(to->vgic.lr0);
	write_icc_ctlr_el1(to->vgic.ctlr);
	isb();
	if (active != to->vgic.vtimer_active)
		gic_ppi_set_active(c, INTID_VTIMER, to->vgic.vtimer_active);
}

/* EL2 took the physical PPI 27 while a vCPU runs: it is that vCPU's timer
 * (its CNTV_* are loaded). LR0 is free: the physical PPI stayed active
 * for as long as the last injection was in flight. */
void vgic_inject_vtimer(void)
{
	write_ich_lr0_el2(LR_VTIMER);
	isb();
}

/* A virtual interrupt is pending for the running vCPU (WFI completes). */
bool vgic_pending(void)
{
	return (read_ich_lr0_el2() >> LR_STATE_SHIFT) & 1;
}
