/* SPDX-License-Identifier: MIT */
/*
 * Guest entry at IPA 0, stage-1 MMU off (IPA = VA). The core starts each
 * vCPU with x0 = memory size in bytes, x1 = vCPU index.
 */
#define HVC_GUEST_DONE 0x21
#define GUEST_STACK_SHIFT 14

	.section .text.start, "ax"
	.globl	_start
_start:
	lsl	x2, x1, #GUEST_STACK_SHIFT	// 16 KiB stack per vCPU,
	sub	sp, x0, x2		// from the top of guest memory down
	adr	x3, guest_vectors	// any EL1 exception reports failure
	msr	vbar_el1, x3
	isb
	mov	x19, x0			// memory size
	mov	x0, x1			// guest_main(vcpu, memsize)
	mov	x1, x19
	bl	guest_main
	mov	x1, x0			// result: 0 = pass
	mov	x0, #HVC_GUEST_DONE
	hvc	#0			// never returns
1:	b	1b

	.balign	0x800
guest_vectors:
	.rept	16
	.balign	0x80
	mrs	x1, esr_el1		// what went wrong, for the host
	mov	x0, #HVC_GUEST_DONE
	hvc	#0
	.endr

	/* The hypercall: x0..x6 in, x0 out. */
	.text
	.globl	guest_hvc
guest_hvc:
	hvc	#0
	ret
