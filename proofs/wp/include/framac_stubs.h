/* SPDX-License-Identifier: MIT */
/*
 * Force-included (-include) into every WP harness: sequential stand-ins for
 * the GCC __atomic builtins the generic back end (include/vrm/arch/generic)
 * uses. TRUSTED BASE: under a single thread each builtin is the plain
 * access below (a load reads, a store writes, a fence does nothing, the
 * read-modify-writes act at once). The memory orders are dropped, so the
 * proofs say nothing about weak-memory behaviour; that is the Coq models'
 * and the litmus tests' job (proofs/README.md).
 */
#ifndef VRM_FRAMAC_STUBS_H
#define VRM_FRAMAC_STUBS_H
#ifdef __FRAMAC__

#define __atomic_load_n(p, mo) (*(p))
#define __atomic_store_n(p, v, mo) ((void)(*(p) = (v)))
#define __atomic_thread_fence(mo) ((void)0)
#define __atomic_signal_fence(mo) ((void)0)
/* Only the ticket lock uses these, and no proof goes through it. */
#define __atomic_fetch_add(p, v, mo) ((*(p) += (v)) - (v))
#define __atomic_compare_exchange_n(p, e, d, weak, mos, mof) \
	(*(p) == *(e) ? ((*(p) = (d)), 1) : ((*(e) = *(p)), 0))
#define __builtin_expect(x, c) (x)
#define __builtin_ia32_pause() ((void)0)

#endif /* __FRAMAC__ */
#endif /* VRM_FRAMAC_STUBS_H */
