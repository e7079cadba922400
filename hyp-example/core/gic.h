/* SPDX-License-Identifier: MIT */
/*
 * Interrupts at EL2: the GICv3 (core/gic.c), the virtual CPU interface of
 * each EL1 principal (core/vgic.c), the timers (core/timer.c) and what an
 * interrupt taken to EL2 means (core/irq.c).
 *
 * The GIC is the core's alone: its distributor and redistributors are in
 * the EL2 table and in no stage-2, and every EL1 principal runs with
 * HCR_EL2.IMO/FMO set, so the host (which takes no interrupts) and the
 * guests only ever reach a virtual CPU interface.
 */
#ifndef HYP_GIC_H
#define HYP_GIC_H

#include "hyp.h"

/* QEMU virt (hw/arm/virt.c): GICv3 distributor, then one redistributor
 * per CPU (RD_base and SGI_base, 64 KiB each). */
#define GICD_PA      UINT64_C(0x08000000)
#define GICD_SIZE    UINT64_C(0x10000)
#define GICR_PA      UINT64_C(0x080a0000)
#define GICR_STRIDE  UINT64_C(0x20000)
#define GICR_SIZE    (HYP_MAX_CPUS * GICR_STRIDE)

/* PPIs of the generic timer on virt (INTID = 16 + PPI number). */
#define INTID_HYP_TIMER  26  /* CNTHP, the EL2 physical timer: preemption */
#define INTID_VTIMER     27  /* CNTV, the EL1 virtual timer: each principal's */
#define INTID_SPECIAL    1020 /* 1020-1023: special (1023 = spurious) */

#define ICC_CTLR_EOIMODE (1UL << 1)  /* 1: EOIR drops priority, DIR deactivates */

/* core/gic.c */
void gic_dist_init(void);
int gic_cpu_init(struct hyp_cpu *c);
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);
void gic_deactivate(uint32_t intid);
bool gic_ppi_active(const struct hyp_cpu *c, uint32_t intid);
void gic_ppi_set_active(const struct hyp_cpu *c, uint32_t intid, bool active);
uint32_t gic_peek(void);
void gic_ppi_enable(const struct hyp_cpu *c, uint32_t intid);
void gic_repend(const struct hyp_cpu *c, uint32_t intid);

/* core/vgic.c */
void vgic_switch(const struct hyp_cpu *c, struct hyp_ctx *from, const struct hyp_ctx *to);
void vgic_inject_vtimer(void);
bool vgic_pending(void);
void vgic_vcpu_init(struct hyp_vgic *vg);

/* core/timer.c */
int64_t timer_slice_ticks(uint64_t us);
void timer_preempt_arm(uint64_t ticks);
void timer_preempt_disarm(void);
uint64_t timer_vtimer_deadline(void);
uint64_t timer_now(void);

/* core/irq.c */
void irq_cpu_init(uint32_t idx);
struct hyp_ctx *hyp_irq(struct hyp_cpu *c, struct hyp_ctx *ctx);

#endif /* HYP_GIC_H */
