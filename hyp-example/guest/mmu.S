/* SPDX-License-Identifier: MIT */
/*
 * The guest's own stage-1 MMU: an identity map of its whole 39-bit VA
 * space in 1 GiB blocks, Normal write-back memory, one level-1 table. The
 * table is part of the image (assembled here, not built at run time), so
 * it reaches memory the way the code does: written by the host through
 * its cache, cleaned to the point of coherency by the core when donated
 * (core/mem_vm.c). Nothing is written with the MMU off, so no cache
 * maintenance is needed here before the cacheable table walks start.
 *
 * Identity, and covering every IPA, because the guests' addresses are
 * IPAs (the probe guest's forged ones too: each must reach stage 2 and
 * fault there, in the core, not in the guest's own stage 1). Mapping IPA
 * the VM does not own as Normal is harmless: speculative accesses never
 * fault, and an explicit one takes the stage-2 fault it always did.
 */
#define MAIR_NORMAL_WB 0xff		/* Attr0: Normal, inner/outer WB RW-allocate */
#define BLOCK_ATTRS 0x701		/* AF | SH inner | AttrIndx 0 | block, EL1 RWX */
/* TCR_EL1: T0SZ 25 (39-bit VA, walk starts at level 1), 4 KiB granule,
 * inner/outer WB WA walks, inner shareable, no TTBR1 walks (EPD1), IPS 40
 * bits (every CPU this runs on has at least that). */
#define TCR_LO 0x3519			/* T0SZ 25 | IRGN0 01 | ORGN0 01 | SH0 11 */
#define TCR_EPD1 (1 << 23)
#define TCR_IPS40 2			/* TCR_EL1.IPS, bits [34:32] */
#define SCTLR_M (1 << 0)
#define SCTLR_C (1 << 2)
#define SCTLR_I (1 << 12)

	.text
	.globl	guest_mmu_on
guest_mmu_on:				// leaf: x0, x1 only
	mov	x0, #MAIR_NORMAL_WB	// memory attributes
	msr	mair_el1, x0
	mov	x0, #TCR_LO		// translation control
	movk	x0, #(TCR_EPD1 >> 16), lsl #16
	movk	x0, #TCR_IPS40, lsl #32
	msr	tcr_el1, x0
	adrp	x0, guest_pgd		// IPA of the table (MMU off: VA = IPA)
	msr	ttbr0_el1, x0		// ASID 0
	isb				// the translation registers are in force
	tlbi	vmalle1			// nothing cached from before, this PE
	dsb	nsh			// complete it
	isb				// before the SCTLR write
	mrs	x0, sctlr_el1
	mov	x1, #(SCTLR_M | SCTLR_C)
	orr	x1, x1, #SCTLR_I
	orr	x0, x0, x1		// MMU, data and instruction caches on
	msr	sctlr_el1, x0
	isb				// next fetch translated (identity: same address)
	ret

	.section .data.pgtable, "aw"
	.balign	4096
guest_pgd:
	.set	blk, 0
	.rept	512
	.quad	(blk << 30) | BLOCK_ATTRS
	.set	blk, blk + 1
	.endr
