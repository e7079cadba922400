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

	/* fpsimd_save(struct hyp_fpsimd *st) */
	.globl	fpsimd_save
fpsimd_save:
	stp	q0, q1, [x0, #0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	stp	q8, q9, [x0, #128]
	stp	q10, q11, [x0, #160]
	stp	q12, q13, [x0, #192]
	stp	q14, q15, [x0, #224]
	stp	q16, q17, [x0, #256]
	stp	q18, q19, [x0, #288]
	stp	q20, q21, [x0, #320]
	stp	q22, q23, [x0, #352]
	stp	q24, q25, [x0, #384]
	stp	q26, q27, [x0, #416]
	stp	q28, q29, [x0, #448]
	stp	q30, q31, [x0, #480]
	mrs	x1, fpsr		// cumulative exception flags
	mrs	x2, fpcr		// rounding mode, traps
	add	x3, x0, #512		// (X-register pair offsets stop at 504)
	stp	x1, x2, [x3]
	ret

	/* fpsimd_restore(const struct hyp_fpsimd *st) */
	.globl	fpsimd_restore
fpsimd_restore:
	ldp	q0, q1, [x0, #0]
	ldp	q2, q3, [x0, #32]
	ldp	q4, q5, [x0, #64]
	ldp	q6, q7, [x0, #96]
	ldp	q8, q9, [x0, #128]
	ldp	q10, q11, [x0, #160]
	ldp	q12, q13, [x0, #192]
	ldp	q14, q15, [x0, #224]
	ldp	q16, q17, [x0, #256]
	ldp	q18, q19, [x0, #288]
	ldp	q20, q21, [x0, #320]
	ldp	q22, q23, [x0, #352]
	ldp	q24, q25, [x0, #384]
	ldp	q26, q27, [x0, #416]
	ldp	q28, q29, [x0, #448]
	ldp	q30, q31, [x0, #480]
	add	x3, x0, #512
	ldp	x1, x2, [x3]
	msr	fpsr, x1
	msr	fpcr, x2
	ret
