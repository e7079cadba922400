/* SPDX-License-Identifier: MIT */
/*
 * Flat reference model of one page table, written from the contract in
 * vrm/pgtable.h: one word per 4 KiB page of a window, VALID | pa | prot.
 * (tests/pgtable/test_pgt_diff.c keeps its flat reference inline in the
 * test, so it cannot be included; this is the smallest shared form of it,
 * with the error rules added.) Block sizes are the library's business: the
 * model only knows what each page translates to.
 */
#ifndef PGT_MODEL_H
#define PGT_MODEL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <vrm/pgtable.h>

#define PM_VALID (UINT64_C(1) << 63)
#define PM_PA_MASK UINT64_C(0x0000fffffffff000)

struct pgt_model {
	uint64_t *pages;      /* [npages]: PM_VALID | pa | prot, or 0 */
	uint64_t base;        /* ia of pages[0] */
	uint64_t npages;
	unsigned ia_bits;
	enum vrm_pgt_stage stage;
	bool kernel;
};

/* The prot rules of vrm_pgt_prot_valid(), restated (the features are the
 * environment's: vrm_pgt_features()). */
static inline bool pm_prot_ok(const struct pgt_model *m, uint32_t prot)
{
	uint32_t mt = prot & VRM_PGT_PROT_MT_MASK;
	bool x = (prot & VRM_PGT_PROT_X) != 0, x1 = (prot & VRM_PGT_PROT_X_EL1) != 0,
	     x0 = (prot & VRM_PGT_PROT_X_EL0) != 0;

	if (prot & ~(uint32_t)VRM_PGT_PROT_ALL)
		return false;
	if (mt == VRM_PGT_PROT_MT_MASK)
		return false;
	if (x + x1 + x0 > 1)                          /* one execute permission */
		return false;
	if ((x || x1 || x0) && mt == VRM_PGT_PROT_DEVICE) /* no executable Device */
		return false;
	if ((x1 || x0) && (m->stage != VRM_PGT_STAGE2 || !(vrm_pgt_features() & VRM_PGT_FEAT_XNX)))
		return false;                         /* one-EL execute: stage 2 + FEAT_XNX */
	if (m->stage == VRM_PGT_EL2_S1)               /* EL2: readable, W^X */
		return (prot & VRM_PGT_PROT_R) && !(x && (prot & VRM_PGT_PROT_W));
	return true;
}

/* Arguments every operation checks (-EINVAL); pa/prot only when has_pa. */
static inline bool pm_args_ok(const struct pgt_model *m, uint64_t ia, uint64_t size,
			      bool has_pa, vrm_pa_t pa, bool has_prot, uint32_t prot)
{
	uint64_t lim = UINT64_C(1) << m->ia_bits, pal = UINT64_C(1) << 48;

	if (size == 0 || ((ia | size) & (VRM_PAGE_SIZE - 1)) || ia >= lim || size > lim - ia)
		return false;
	if (has_pa && ((pa & (VRM_PAGE_SIZE - 1)) || pa >= pal || size > pal - pa))
		return false;
	return !has_prot || pm_prot_ok(m, prot);
}

/* Index of ia in the window; the harness keeps valid calls inside it. */
static inline uint64_t pm_idx(const struct pgt_model *m, uint64_t ia)
{
	return (ia - m->base) / VRM_PAGE_SIZE;
}

/* map (replace = false) or remap (replace = true): the expected result,
 * and the effect when apply. */
static inline int pm_map(struct pgt_model *m, uint64_t ia, vrm_pa_t pa, uint64_t size,
			 uint32_t prot, bool replace, bool apply)
{
	uint64_t i, i0 = pm_idx(m, ia), n = size / VRM_PAGE_SIZE, want;

	if (!pm_args_ok(m, ia, size, true, pa, true, prot))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		want = PM_VALID | (pa + i * VRM_PAGE_SIZE) | prot;
		if ((m->pages[i0 + i] & PM_VALID) && m->pages[i0 + i] != want) {
			if (!replace)
				return -EEXIST;
			if (m->kernel)
				return -EPERM;
		}
	}
	for (i = 0; apply && i < n; i++)
		m->pages[i0 + i] = PM_VALID | (pa + i * VRM_PAGE_SIZE) | prot;
	return 0;
}

static inline int pm_set_prot(struct pgt_model *m, uint64_t ia, uint64_t size, uint32_t prot,
			      bool apply)
{
	uint64_t i, i0 = pm_idx(m, ia), n = size / VRM_PAGE_SIZE, *e;

	if (!pm_args_ok(m, ia, size, false, 0, true, prot))
		return -EINVAL;
	for (i = 0; m->kernel && i < n; i++)
		if ((m->pages[i0 + i] & PM_VALID) && (m->pages[i0 + i] & 0xfff) != prot)
			return -EPERM;
	for (i = 0; apply && i < n; i++) {
		e = &m->pages[i0 + i];
		if (*e & PM_VALID)
			*e = (*e & ~UINT64_C(0xfff)) | prot;
	}
	return 0;
}

static inline int pm_unmap(struct pgt_model *m, uint64_t ia, uint64_t size, bool apply)
{
	uint64_t i, i0 = pm_idx(m, ia), n = size / VRM_PAGE_SIZE;

	if (!pm_args_ok(m, ia, size, false, 0, false, 0))
		return -EINVAL;
	for (i = 0; m->kernel && i < n; i++)
		if (m->pages[i0 + i] & PM_VALID)
			return -EPERM;
	for (i = 0; apply && i < n; i++)
		m->pages[i0 + i] = 0;
	return 0;
}

#endif
