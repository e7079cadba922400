/* SPDX-License-Identifier: MIT */
/*
 * Guest entry at IPA 0, stage-1 MMU off (guest/mmu.S turns it on before
 * any load or store). The core starts each vCPU with x0 = memory size in
 * bytes, x1 = vCPU index, all of DAIF masked.
 */
#define HVC_GUEST_DONE 0x21
#define GUEST_STACK_SHIFT 14
#define GUEST_BAD_IRQ 0x1e0		/* DONE code: an interrupt nobody expected */

	.section .text.start, "ax"
	.globl	_start
_start:
	lsl	x2, x1, #GUEST_STACK_SHIFT	// 16 KiB stack per vCPU,
	sub	sp, x0, x2		// from the top of guest memory down
	mov	x19, x0			// memory size
	mov	x20, x1			// vCPU index
	bl	guest_mmu_on		// its own stage 1 (no HCR_EL2.DC)
	adr	x3, guest_vectors	// IRQ: guest_irq; anything else fails
	msr	vbar_el1, x3
	isb
	mov	x0, x20			// guest_main(vcpu, memsize)
	mov	x1, x19
	bl	guest_main
	mov	x1, x0			// result: 0 = pass
	mov	x0, #HVC_GUEST_DONE
	hvc	#0			// never returns
1:	b	1b

	.macro	fail_entry
	.balign	0x80
	mrs	x1, esr_el1		// what went wrong, for the host
	mov	x0, #HVC_GUEST_DONE
	hvc	#0
	.endm

	.balign	0x800
guest_vectors:
	.rept	5			// current EL with SP_EL0; SP_EL1 sync
	fail_entry
	.endr
	.balign	0x80			// current EL with SP_EL1, IRQ
	b	guest_irq_entry
	.rept	10			// FIQ, SError; lower ELs
	fail_entry
	.endr

	/* IRQ from EL1h: the caller-saved registers around guest_irq(); the
	 * handler runs with IRQs masked, so ELR/SPSR_EL1 stay intact. */
guest_irq_entry:
	stp	x29, x30, [sp, #-176]!
	stp	x0, x1, [sp, #16]
	stp	x2, x3, [sp, #32]
	stp	x4, x5, [sp, #48]
	stp	x6, x7, [sp, #64]
	stp	x8, x9, [sp, #80]
	stp	x10, x11, [sp, #96]
	stp	x12, x13, [sp, #112]
	stp	x14, x15, [sp, #128]
	stp	x16, x17, [sp, #144]
	str	x18, [sp, #160]
	bl	guest_irq
	ldp	x0, x1, [sp, #16]
	ldp	x2, x3, [sp, #32]
	ldp	x4, x5, [sp, #48]
	ldp	x6, x7, [sp, #64]
	ldp	x8, x9, [sp, #80]
	ldp	x10, x11, [sp, #96]
	ldp	x12, x13, [sp, #112]
	ldp	x14, x15, [sp, #128]
	ldp	x16, x17, [sp, #144]
	ldr	x18, [sp, #160]
	ldp	x29, x30, [sp], #176
	eret				// back to the interrupted code

	/* Guests that take no interrupts: one arriving is a failure. */
	.weak	guest_irq
guest_irq:
	mov	x1, #GUEST_BAD_IRQ
	mov	x0, #HVC_GUEST_DONE
	hvc	#0

	/* The hypercall: x0..x6 in, x0 out. */
	.text
	.globl	guest_hvc
guest_hvc:
	hvc	#0
	ret
