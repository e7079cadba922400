/* SPDX-License-Identifier: MIT */
/*
 * EL2 entry. QEMU (-M virt,virtualization=on) enters _start at EL2 on the
 * boot CPU with the MMU off; secondaries enter secondary_entry through PSCI
 * CPU_ON with x0 = their logical index (the context id we passed).
 * Each CPU gets its own stack and the EL2 vectors, then C takes over.
 */
#define HYP_STACK_SHIFT 14	/* 16 KiB per CPU: must match core/hyp.h */
/* CPTR_EL2 (E2H = 0): bits 0-7, 9, 13 RES1; TZ (bit 8) and TSM (bit 12)
 * set: SVE and SME trap to EL2, since the world switch moves only the
 * 128-bit V registers and the Z/P/ZA state would cross principals; TFP
 * (bit 10) clear: FP/SIMD is switched (core/fpsimd.S), not trapped. */
#ifndef HYP_TWIN_NO_SVE_TRAP
#define CPTR_EL2_VAL 0x33ff
#else
#define CPTR_EL2_VAL 0x32ff	/* broken twin (tests/hyp): TZ clear */
#endif

	.section .text.boot, "ax"
	.globl _start
_start:
	mrs	x1, CurrentEL		// bits [3:2] = EL
	cmp	x1, #(2 << 2)		// we need EL2 (virtualization=on)
	b.ne	.Lhang			// EL1/EL3 entry: nothing sane to do
	mov	x19, #0			// boot CPU is logical CPU 0
	mov	x20, x0			// keep the DTB pointer
	b	.Lcommon

	.globl secondary_entry
secondary_entry:
	mov	x19, x0			// logical index from CPU_ON's context id
	mov	x20, #0			// no DTB for secondaries

.Lcommon:
	msr	daifset, #0xf		// no interrupts at EL2, ever
	msr	spsel, #1		// EL2 runs on SP_EL2
	adrp	x1, hyp_stacks		// base of the per-CPU stack array
	add	x1, x1, :lo12:hyp_stacks	// (low 12 bits of the address)
	add	x2, x19, #1		// stack grows down from the CPU's slot end
	lsl	x2, x2, #HYP_STACK_SHIFT	// slot end offset
	add	sp, x1, x2		// this CPU's stack top
	adrp	x1, hyp_vectors		// EL2 exception vectors
	add	x1, x1, :lo12:hyp_vectors	// (2 KiB aligned)
	msr	vbar_el2, x1		// install them
	mov	x1, #CPTR_EL2_VAL	// SVE/SME trap; FP/SIMD does not
	msr	cptr_el2, x1		// (the core uses FP only in fpsimd.S)
	msr	hcr_el2, xzr		// EL1 off until the core sets it up
	isb				// vectors and traps take effect
	cbnz	x19, .Lsecondary	// secondaries skip BSS clearing

	adrp	x1, __bss_start		// clear the core's BSS once
	add	x1, x1, :lo12:__bss_start	// (16-byte aligned by hyp.ld)
	adrp	x2, __bss_end		// end of BSS
	add	x2, x2, :lo12:__bss_end	// (16-byte aligned)
1:	cmp	x1, x2			// done?
	b.hs	2f			// yes
	stp	xzr, xzr, [x1], #16	// zero 16 bytes
	b	1b			// next
2:	mov	x0, x20			// hyp_main(dtb)
	bl	hyp_main		// never returns
	b	.Lhang

.Lsecondary:
	mov	x0, x19			// hyp_secondary_main(logical index)
	bl	hyp_secondary_main	// never returns
.Lhang:
	wfe				// park
	b	.Lhang
