/* SPDX-License-Identifier: MIT */
/*
 * EL2 exception vectors and the world switch's register half.
 *
 * Every exception from EL1 (host or guest) saves x0-x30, ELR_EL2 and
 * SPSR_EL2 into the context TPIDR_EL2->cur names (struct hyp_ctx, layout in
 * core/hyp.h), calls hyp_trap(ctx, kind), and restores whichever context
 * hyp_trap returns: the same caller, the host after a guest exit, or a vCPU
 * the host asked to run. Nothing stays on the EL2 stack across an ERET.
 */
#define CTX_PC 248		/* offsetof(struct hyp_ctx, pc) */
#define HYP_MAX_CPUS 8			/* core/hyp.h */
#define HYP_PANIC_STACK_SHIFT 12	/* core/hyp.h: hyp_panic_stacks slot size */

#define KIND_SYNC   0
#define KIND_IRQ    1
#define KIND_FIQ    2
#define KIND_SERROR 3

	.macro	ventry target
	.balign	0x80
	b	\target			// each vector slot is 32 instructions
	.endm

	.macro	lower kind
	stp	x0, x1, [sp, #-16]!	// two scratch registers
	mrs	x0, tpidr_el2		// this CPU's struct hyp_cpu
	ldr	x0, [x0]		// ->cur: the context that trapped
	stp	x2, x3, [x0, #16]	// save x2..x30
	stp	x4, x5, [x0, #32]
	stp	x6, x7, [x0, #48]
	stp	x8, x9, [x0, #64]
	stp	x10, x11, [x0, #80]
	stp	x12, x13, [x0, #96]
	stp	x14, x15, [x0, #112]
	stp	x16, x17, [x0, #128]
	stp	x18, x19, [x0, #144]
	stp	x20, x21, [x0, #160]
	stp	x22, x23, [x0, #176]
	stp	x24, x25, [x0, #192]
	stp	x26, x27, [x0, #208]
	stp	x28, x29, [x0, #224]
	str	x30, [x0, #240]
	ldp	x2, x3, [sp], #16	// the caller's x0, x1
	stp	x2, x3, [x0, #0]	// save them too
	mrs	x2, elr_el2		// where the caller resumes
	mrs	x3, spsr_el2		// its PSTATE
	stp	x2, x3, [x0, #CTX_PC]	// pc, pstate
	mov	x1, #\kind		// hyp_trap(ctx, kind)
	bl	hyp_trap		// returns the context to resume
	b	hyp_ctx_restore
	.endm

	.text
	.balign	0x800
	.globl	hyp_vectors
hyp_vectors:
	ventry	el2_bad			// current EL, SP_EL0: never used
	ventry	el2_bad
	ventry	el2_bad
	ventry	el2_bad
	ventry	el2_sync		// current EL, SP_EL2: a core bug
	ventry	el2_bad
	ventry	el2_bad
	ventry	el2_bad
	ventry	lower_sync		// lower EL, AArch64: host and guests
	ventry	lower_irq
	ventry	lower_fiq
	ventry	lower_serror
	ventry	el2_bad			// lower EL, AArch32: not supported
	ventry	el2_bad
	ventry	el2_bad
	ventry	el2_bad

lower_sync:
	lower	KIND_SYNC
lower_irq:
	lower	KIND_IRQ
lower_fiq:
	lower	KIND_FIQ
lower_serror:
	lower	KIND_SERROR

el2_sync:
	mov	x0, #0			// hyp_panic(0 = synchronous)
	b	panic_entry
el2_bad:
	mov	x0, #1			// hyp_panic(1 = unexpected vector)
	b	panic_entry

	/* The panic path runs on its own per-CPU stack (core/panic.c): an EL2
	 * fault may come from a corrupt or overflowed SP_EL2. A fault while
	 * panicking lands here again and restarts that stack: hyp_panic()
	 * never returns, and exits at once on its second entry. */
panic_entry:
	mrs	x1, mpidr_el1		// aff0 = this CPU's slot
	and	x1, x1, #0xff
	cmp	x1, #HYP_MAX_CPUS
	b.lo	1f
	mov	x1, #HYP_MAX_CPUS - 1	// out of range: the last slot
1:	adrp	x2, hyp_panic_stacks	// base of the panic stacks
	add	x2, x2, :lo12:hyp_panic_stacks
	add	x1, x1, #1		// the slot's end: stacks grow down
	lsl	x1, x1, #HYP_PANIC_STACK_SHIFT
	add	sp, x2, x1
	b	hyp_panic

	/* hyp_ctx_restore(ctx): load ctx's registers and ERET into it. */
	.globl	hyp_ctx_restore
hyp_ctx_restore:
	ldp	x2, x3, [x0, #CTX_PC]	// pc, pstate
	msr	elr_el2, x2		// resume address
	msr	spsr_el2, x3		// resume PSTATE (EL1h, DAIF)
	ldp	x2, x3, [x0, #16]	// x2..x30
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #240]
	ldp	x0, x1, [x0, #0]	// x0, x1 last: x0 was the pointer
	eret				// to EL1 (host or guest)

	/* hyp_first_eret(ctx, stack_top): first entry into EL1 on this CPU;
	 * resets SP_EL2 to the top so every later trap starts from there. */
	.globl	hyp_first_eret
hyp_first_eret:
	mov	sp, x1			// fresh EL2 stack
	b	hyp_ctx_restore
