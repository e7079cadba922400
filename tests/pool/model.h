/* SPDX-License-Identifier: MIT */
/*
 * Reference model of the pool, written from the contract in vrm/pool.h
 * (not from lib/pool): plain arrays, one page at a time, each call's
 * expected result and effect.
 */
#ifndef POOL_MODEL_H
#define POOL_MODEL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <vrm/pool.h>

#define M_MAXP 256

struct model {
	uint64_t np;
	uint32_t nvm;
	vrm_principal_t owner[M_MAXP], borrower[M_MAXP];
	uint32_t count[M_MAXP];
	bool hyp_free[M_MAXP];
};

static inline bool m_actor(const struct model *m, vrm_principal_t p)
{
	return p == VRM_PRINCIPAL_HOST || p == VRM_PRINCIPAL_HYP ||
	       (p >= VRM_PRINCIPAL_VM(0) && p < VRM_PRINCIPAL_VM(m->nvm));
}

static inline bool m_vm(const struct model *m, vrm_principal_t p)
{
	return p >= VRM_PRINCIPAL_VM(0) && p < VRM_PRINCIPAL_VM(m->nvm);
}

/* page index of pa, or -1 if [pa, n) is not a valid aligned range */
static inline int64_t m_range(const struct model *m, vrm_pa_t base, vrm_pa_t pa, uint64_t n)
{
	if (n == 0 || pa < base || (pa - base) % VRM_PAGE_SIZE != 0)
		return -1;
	if ((pa - base) / VRM_PAGE_SIZE >= m->np || n > m->np - (pa - base) / VRM_PAGE_SIZE)
		return -1;
	return (int64_t)((pa - base) / VRM_PAGE_SIZE);
}

static inline int m_donate(struct model *m, int64_t i0, uint64_t n, vrm_principal_t from,
			   vrm_principal_t to)
{
	uint64_t i;
	bool dir = (from == VRM_PRINCIPAL_HOST && (to == VRM_PRINCIPAL_HYP || m_vm(m, to))) ||
		   (from == VRM_PRINCIPAL_HYP && to == VRM_PRINCIPAL_HOST);

	if (i0 < 0 || !m_actor(m, from) || !m_actor(m, to) || !dir)
		return -EINVAL;
	for (i = (uint64_t)i0; i < (uint64_t)i0 + n; i++) {
		if (m->owner[i] != from)
			return -EPERM;
		if (m->count[i] != 0)
			return -EBUSY;
		if (m->hyp_free[i])
			return -EPERM;
	}
	for (i = (uint64_t)i0; i < (uint64_t)i0 + n; i++)
		m->owner[i] = to;
	return 0;
}

static inline bool m_pair(const struct model *m, vrm_principal_t o, vrm_principal_t b)
{
	return (o == VRM_PRINCIPAL_HOST && m_vm(m, b)) || (m_vm(m, o) && b == VRM_PRINCIPAL_HOST);
}

static inline int m_share(struct model *m, int64_t i0, uint64_t n, vrm_principal_t o,
			  vrm_principal_t b)
{
	uint64_t i;

	if (i0 < 0 || !m_pair(m, o, b))
		return -EINVAL;
	for (i = (uint64_t)i0; i < (uint64_t)i0 + n; i++) {
		if (m->owner[i] != o)
			return -EPERM;
		if (m->count[i] != 0 && m->borrower[i] != b)
			return -EBUSY;
		if (m->count[i] == VRM_POOL_SHARE_MAX)
			return -EOVERFLOW;
	}
	for (i = (uint64_t)i0; i < (uint64_t)i0 + n; i++) {
		m->count[i]++;
		m->borrower[i] = b;
	}
	return 0;
}

static inline int m_unshare(struct model *m, int64_t i0, uint64_t n, vrm_principal_t o,
			    vrm_principal_t b)
{
	uint64_t i;

	if (i0 < 0 || !m_pair(m, o, b))
		return -EINVAL;
	for (i = (uint64_t)i0; i < (uint64_t)i0 + n; i++)
		if (m->owner[i] != o || m->count[i] == 0 || m->borrower[i] != b)
			return -EPERM;
	for (i = (uint64_t)i0; i < (uint64_t)i0 + n; i++)
		if (--m->count[i] == 0)
			m->borrower[i] = VRM_PRINCIPAL_NONE;
	return 0;
}

static inline int m_reclaim(struct model *m, vrm_principal_t vm)
{
	uint64_t i;

	if (!m_vm(m, vm))
		return -EINVAL;
	for (i = 0; i < m->np; i++)
		if (m->owner[i] == vm && m->count[i] != 0)
			return -EBUSY;
	for (i = 0; i < m->np; i++) {
		if (m->owner[i] == vm)
			m->owner[i] = VRM_PRINCIPAL_HOST;
		if (m->count[i] != 0 && m->borrower[i] == vm) {
			m->count[i] = 0;
			m->borrower[i] = VRM_PRINCIPAL_NONE;
		}
	}
	return 0;
}

/* Whether an aligned run of 2^order free hyp pages exists (alloc must find one). */
static inline bool m_free_run_exists(const struct model *m, vrm_pa_t base, uint32_t order)
{
	uint64_t n = UINT64_C(1) << order, i, j;

	for (i = 0; i + n <= m->np; i++) {
		if (((base / VRM_PAGE_SIZE + i) & (n - 1)) != 0)
			continue;
		for (j = i; j < i + n && m->hyp_free[j]; j++)
			;
		if (j == i + n)
			return true;
	}
	return false;
}

static inline int m_hyp_free(struct model *m, vrm_pa_t base, vrm_pa_t pa, uint32_t order)
{
	uint64_t n, i;
	int64_t i0;

	if (order > VRM_POOL_MAX_ORDER)
		return -EINVAL;
	n = UINT64_C(1) << order;
	i0 = m_range(m, base, pa, n);
	if (i0 < 0 || ((pa / VRM_PAGE_SIZE) & (n - 1)) != 0)
		return -EINVAL;
	for (i = (uint64_t)i0; i < (uint64_t)i0 + n; i++)
		if (m->owner[i] != VRM_PRINCIPAL_HYP || m->hyp_free[i])
			return -EPERM;
	for (i = (uint64_t)i0; i < (uint64_t)i0 + n; i++)
		m->hyp_free[i] = true;
	return 0;
}

#endif
