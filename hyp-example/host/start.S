/* SPDX-License-Identifier: MIT */
/*
 * Host kernel entry at EL1 (MMU off, HCR_EL2.DC: Normal memory; stage 2
 * on). x0 = logical CPU number, given by the core.
 */
#define HOST_STACK_SHIFT 14

	.text
	.globl	host_entry
host_entry:
	adrp	x1, host_stacks		// per-CPU stacks in the host's pages
	add	x1, x1, :lo12:host_stacks
	add	x2, x0, #1		// top of this CPU's slot
	lsl	x2, x2, #HOST_STACK_SHIFT
	add	sp, x1, x2		// SP_EL1
	mov	x19, x0			// keep the CPU number
	adr	x1, host_vectors	// host's own EL1 vectors: never expected
	msr	vbar_el1, x1
	isb
	mov	x0, x19
	bl	host_main		// host_main(cpu): never returns
1:	wfe
	b	1b

	/* struct hvc_ret hvc_call(fn, a1, a2, a3, a4): x0/x1 back. */
	.globl	hvc_call
hvc_call:
	hvc	#0			// to the EL2 core
	ret

	/* uint64_t probe_read(addr): returns *addr, or PROBE_SENTINEL when
	 * the core blocked (and skipped) the load. */
	.globl	probe_read
probe_read:
	mov	x1, x0			// address
	movz	x0, #0xdead		// sentinel, kept if the load is skipped
	ldr	x0, [x1]		// the access under test
	ret

	/* void probe_write(addr, val) */
	.globl	probe_write
probe_write:
	str	x1, [x0]		// the access under test
	ret

	/* void probe_exec(addr): branch to addr; a blocked fetch comes back
	 * here (the core resumes an instruction abort at x30). */
	.globl	probe_exec
probe_exec:
	stp	x29, x30, [sp, #-16]!	// keep our return address
	mov	x29, sp			// frame
	blr	x0			// the fetch under test
	ldp	x29, x30, [sp], #16	// back (x30 was the resume point)
	ret

	.balign	0x800
host_vectors:
	.rept	16
	.balign	0x80
	mov	x0, #0x21		// HVC_GUEST_DONE-style report is not for
	b	.			// the host: park this CPU
	.endr
