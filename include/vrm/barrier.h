/* SPDX-License-Identifier: MIT */
/*
 * Memory barriers and single-copy-atomic acquire/release accessors
 * (No-Barrier-Misuse).
 *
 *   vrm_dmb_ish()    order all accesses, Inner Shareable (other CPUs)
 *   vrm_dmb_ishst()  order stores only
 *   vrm_dmb_ishld()  order loads against later loads and stores
 *   vrm_dsb_ish()    complete all accesses and TLB maintenance, Inner Shareable
 *   vrm_dsb_ishst()  complete prior stores (e.g. a PTE write before TLBI)
 *   vrm_dsb_nsh()    as dsb ish, this CPU only (local TLBI)
 *   vrm_isb()        discard the pipeline: later instructions see earlier
 *                    context changes (system registers, completed TLBI)
 *   vrm_load_acquire_{16,32,64}(), vrm_store_release_{16,32,64}()
 *   vrm_read_once_64(), vrm_write_once_64()   single-copy-atomic, unordered
 *
 * One header picks the back end: include/vrm/arch/aarch64 (inline asm, every
 * ordering block with a "memory" clobber so the compiler cannot move accesses
 * across it) or include/vrm/arch/generic (C11 memory model via __atomic
 * builtins; DSB/ISB have no C11 equivalent and become seq_cst fences, which is
 * as strong as C can say, and TLB maintenance goes to the software model).
 */
#ifndef VRM_BARRIER_H
#define VRM_BARRIER_H

#include <vrm/types.h>
#include <vrm/arch/select.h>
#include <vrm/check.h>

#if VRM_ARCH_AARCH64
#include <vrm/arch/aarch64/barrier.h>
#else
#include <vrm/arch/generic/barrier.h>
#endif

/* Checked builds tell the checker about DSB/ISB: its rules on TLBI and
 * descriptor writes depend on which barriers ran, on which CPU. */
static inline void vrm_dmb_ish(void)   { vrm_arch_dmb_ish(); }
static inline void vrm_dmb_ishst(void) { vrm_arch_dmb_ishst(); }
static inline void vrm_dmb_ishld(void) { vrm_arch_dmb_ishld(); }
static inline void vrm_dsb_ish(void)   { vrm_arch_dsb_ish(); VRM_CHECK(vrm_check_dsb(VRM_CHECK_DSB_ISH)); }
static inline void vrm_dsb_ishst(void) { vrm_arch_dsb_ishst(); VRM_CHECK(vrm_check_dsb(VRM_CHECK_DSB_ISHST)); }
static inline void vrm_dsb_nsh(void)   { vrm_arch_dsb_nsh(); VRM_CHECK(vrm_check_dsb(VRM_CHECK_DSB_NSH)); }
static inline void vrm_isb(void)       { vrm_arch_isb(); VRM_CHECK(vrm_check_isb()); }

#endif /* VRM_BARRIER_H */
