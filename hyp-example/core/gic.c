/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv3, driven from EL2 only (references: GICv3/v4
 * architecture specification, Arm IHI 0069). QEMU virt without EL3 has
 * one security state (GICD_CTLR.DS = 1): group 1 interrupts are IRQs.
 * The core uses two PPIs, both group 1 and enabled on every CPU: the EL2
 * physical timer (26, preemption) and the EL1 virtual timer (27, injected
 * into whichever vCPU runs). Nothing here is shared between CPUs except
 * the distributor, which the boot CPU sets up once before any other CPU
 * touches the GIC.
 */
#include "gic.h"

#define GICD_CTLR        0x0000
#define GICD_CTLR_GRP1   (1U << 1)   /* EnableGrp1 (DS = 1) / EnableGrp1NS */
#define GICD_CTLR_ARE    (1U << 4)   /* affinity routing: the sysreg interface */
#define GICD_CTLR_RWP    (1U << 31)

#define GICR_CTLR        0x0000
#define GICR_CTLR_RWP    (1U << 3)
#define GICR_TYPER       0x0008     /* [63:32] affinity, bit 4 Last */
#define GICR_TYPER_LAST  (UINT64_C(1) << 4)
#define GICR_WAKER       0x0014
#define WAKER_PS         (1U << 1)  /* ProcessorSleep */
#define WAKER_CA         (1U << 2)  /* ChildrenAsleep */
#define GICR_SGI         0x10000    /* SGI_base frame */
#define GICR_IGROUPR0    0x0080
#define GICR_ISENABLER0  0x0100
#define GICR_ISACTIVER0  0x0300
#define GICR_ICACTIVER0  0x0380
#define GICR_IPRIORITYR  0x0400
#define GICR_ISPENDR0    0x0200
#define GICD_ISPENDR     0x0200     /* one bit per INTID, SPIs from 32 */

#define ICC_SRE_SRE      (1UL << 0)
#define ICC_SRE_DFB      (1UL << 1)
#define ICC_SRE_DIB      (1UL << 2)
#define GIC_PRIO         0xa0U      /* both PPIs (as Linux's default) */

static inline volatile uint32_t *reg32(uintptr_t base, uint32_t off)
{
	return (volatile uint32_t *)(base + off);
}

static void wait_clear(uintptr_t base, uint32_t off, uint32_t bit)
{
	for (uint64_t spin = 0; *reg32(base, off) & bit; spin++)
		if (spin > (UINT64_C(1) << 26))
			hyp_panic(5); /* the GIC never finished a write */
}

void gic_dist_init(void)
{
	uintptr_t d = (uintptr_t)GICD_PA;

	*reg32(d, GICD_CTLR) = GICD_CTLR_ARE | GICD_CTLR_GRP1;
	wait_clear(d, GICD_CTLR, GICD_CTLR_RWP);
}

static uintptr_t find_redist(void)
{
	uint64_t mpidr = read_mpidr_el1();
	uint64_t aff = (mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000);

	for (uintptr_t r = (uintptr_t)GICR_PA; r < (uintptr_t)(GICR_PA + GICR_SIZE);
	     r += GICR_STRIDE) {
		uint64_t typer = *(volatile uint64_t *)(r + GICR_TYPER);

		if ((typer >> 32) == aff)
			return r;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

int gic_cpu_init(struct hyp_cpu *c)
{
	uint32_t mask = (1U << INTID_HYP_TIMER) | (1U << INTID_VTIMER);
	uintptr_t r = find_redist(), sgi;

	if (!r)
		return -1;
	c->gicr = r;
	sgi = r + GICR_SGI;
	/* Wake the redistributor: it forwards nothing while asleep. */
	*reg32(r, GICR_WAKER) &= ~WAKER_PS;
	wait_clear(r, GICR_WAKER, WAKER_CA);
	*reg32(sgi, GICR_IGROUPR0) |= mask;
	/* IPRIORITYR6 holds INTIDs 24-27, one byte each. */
	*reg32(sgi, GICR_IPRIORITYR + 24) = GIC_PRIO * 0x01010101U;
	*reg32(sgi, GICR_ISENABLER0) = mask;
	wait_clear(r, GICR_CTLR, GICR_CTLR_RWP);

	/* System-register interface at EL2 and EL1. ICC_SRE_EL2.Enable stays
	 * clear: EL1 accesses to ICC_SRE_EL1 trap, since its DIB/DFB bits are
	 * the physical interface's and no world switch moves them. */
	write_icc_sre_el2(ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB);
	isb();
	write_icc_sre_el1(ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB);
	/* EOImode = 1: EOIR only drops the running priority, DIR deactivates.
	 * The virtual timer's PPI stays active after EL2 has handled it, until
	 * the vCPU deactivates its virtual copy (ICH_LR.HW, vgic.c). */
	write_icc_ctlr_el1(ICC_CTLR_EOIMODE);
	write_icc_pmr_el1(0xff);
	write_icc_igrpen1_el1(1);
	isb();
	return 0;
}

uint32_t gic_ack(void)
{
	uint32_t intid = (uint32_t)read_icc_iar1_el1() & 0xffffff;

	/* The acknowledge completes before the handler acts on the source
	 * (as Linux's gic_read_iar). */
	__asm__ volatile("dsb sy" ::: "memory");
	return intid;
}

void gic_eoi(uint32_t intid)
{
	write_icc_eoir1_el1(intid);
	isb();
}

void gic_deactivate(uint32_t intid)
{
	write_icc_dir_el1(intid);
	isb();
}

bool gic_ppi_active(const struct hyp_cpu *c, uint32_t intid)
{
	return (*reg32(c->gicr + GICR_SGI, GICR_ISACTIVER0) >> intid) & 1;
}

void gic_ppi_set_active(const struct hyp_cpu *c, uint32_t intid, bool active)
{
	*reg32(c->gicr + GICR_SGI, active ? GICR_ISACTIVER0 : GICR_ICACTIVER0) = 1U << intid;
	/* The redistributor has it before the next principal runs. */
	__asm__ volatile("dsb sy" ::: "memory");
}

/* The highest-priority pending interrupt, not acknowledged (HPPIR1). */
uint32_t gic_peek(void)
{
	return (uint32_t)read_icc_hppir1_el1() & 0xffffff;
}

/* A Linux host's GIC driver disables every PPI when it brings a CPU up
 * (it knows nothing of the core's): vcpu_run enables the preemption PPI
 * again before it arms the slice, or the slice would never end. */
void gic_ppi_enable(const struct hyp_cpu *c, uint32_t intid)
{
	*reg32(c->gicr + GICR_SGI, GICR_ISENABLER0) = 1U << intid;
	__asm__ volatile("dsb sy" ::: "memory");
}

/* Make an interrupt EL2 acknowledged, and then deactivated, pending again
 * for its owner (a Linux host: irq.c): an SGI is sent to this CPU again
 * (ICC_SGI1R_EL1 with this CPU's affinity; GICv3 spec, "ICC_SGI1R_EL1"),
 * a PPI or SPI set pending in its redistributor or the distributor. LPIs
 * have no pending bit to set from here (no ITS is configured on the hosts
 * this core boots); one is left to its device's next message. */
void gic_repend(const struct hyp_cpu *c, uint32_t intid)
{
	uint64_t mpidr = read_mpidr_el1();

	if (intid < 16) {
		uint64_t aff0 = mpidr & 0xff;

		write_icc_sgi1r_el1((UINT64_C(1) << (aff0 & 15)) | (((mpidr >> 8) & 0xff) << 16) |
				    ((uint64_t)intid << 24) | (((mpidr >> 16) & 0xff) << 32) |
				    ((aff0 >> 4) << 44) | (((mpidr >> 32) & 0xff) << 48));
		isb();
	} else if (intid < 32) {
		*reg32(c->gicr + GICR_SGI, GICR_ISPENDR0) = 1U << intid;
	} else if (intid < INTID_SPECIAL) {
		*reg32((uintptr_t)GICD_PA, GICD_ISPENDR + 4 * (intid / 32)) = 1U << (intid % 32);
	}
	__asm__ volatile("dsb sy" ::: "memory");
}
