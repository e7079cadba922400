/* SPDX-License-Identifier: MIT */
/*
 * FP/SIMD state of whoever runs at EL1 (host or vCPU): V0-V31, FPSR, FPCR.
 * CPTR_EL2.TFP is clear, so EL1 uses these registers directly and the
 * world switch must move them, or one principal reads another's values
 * (a host's d0 was visible to a guest). The core itself is built
 * -mgeneral-regs-only: nothing at EL2 touches them except these two.
 * Layout: struct hyp_fpsimd in core/hyp.h (v[] at 0, fpsr/fpcr at 512).
 */
	.arch_extension	fp
	.arch_extension	simd
	.text

	/* V0-V31 as 16 pairs of Q registers at x0 + 0 .. 511; op: stp or ldp. */
	.macro	qpairs op
	\op	q0, q1, [x0, #0]
	\op	q2, q3, [x0, #32]
	\op	q4, q5, [x0, #64]
	\op	q6, q7, [x0, #96]
	\op	q8, q9, [x0, #128]
	\op	q10, q11, [x0, #160]
	\op	q12, q13, [x0, #192]
	\op	q14, q15, [x0, #224]
	\op	q16, q17, [x0, #256]
	\op	q18, q19, [x0, #288]
	\op	q20, q21, [x0, #320]
	\op	q22, q23, [x0, #352]
	\op	q24, q25, [x0, #384]
	\op	q26, q27, [x0, #416]
	\op	q28, q29, [x0, #448]
	\op	q30, q31, [x0, #480]
	.endm

	/* fpsimd_save(struct hyp_fpsimd *st) */
	.globl	fpsimd_save
fpsimd_save:
	qpairs	stp
	mrs	x1, fpsr		// cumulative exception flags
	mrs	x2, fpcr		// rounding mode, traps
	add	x3, x0, #512		// (X-register pair offsets stop at 504)
	stp	x1, x2, [x3]
	ret

	/* fpsimd_restore(const struct hyp_fpsimd *st) */
	.globl	fpsimd_restore
fpsimd_restore:
	qpairs	ldp
	add	x3, x0, #512
	ldp	x1, x2, [x3]
	msr	fpsr, x1
	msr	fpcr, x2
	ret
