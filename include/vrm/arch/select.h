/* SPDX-License-Identifier: MIT */
/*
 * The architecture seam: the one place that decides which back end the
 * headers under arch/ provide. VRM_ARCH_AARCH64 is 1 when compiling for
 * aarch64 and the build did not force the generic back end (-Darch=generic).
 */
#ifndef VRM_ARCH_SELECT_H
#define VRM_ARCH_SELECT_H

#include <vrm/config.h>

#if defined(__aarch64__) && !VRM_ARCH_FORCE_GENERIC
#define VRM_ARCH_AARCH64 1
#else
#define VRM_ARCH_AARCH64 0
#endif

/*
 * The ticket lock's atomics on aarch64 (meson -Datomics, config.h), never
 * taken from the compiler's -march (__ARM_FEATURE_ATOMICS), so that one
 * image built for Armv8.0 can still use LSE where the CPU has it:
 *   VRM_ARCH_ATOMICS_RUNTIME  both paths are built; the lock dispatches on
 *                             the choice vrm_ticket_select_atomics() made
 *   VRM_ARCH_LSE              LSE only (LDADDA, STADDLH, CASA)
 *   neither                   LL/SC only (LDAXR/STXR, STLRH)
 */
#if VRM_ARCH_AARCH64 && VRM_ATOMICS == VRM_ATOMICS_RUNTIME
#define VRM_ARCH_ATOMICS_RUNTIME 1
#else
#define VRM_ARCH_ATOMICS_RUNTIME 0
#endif
#if VRM_ARCH_AARCH64 && VRM_ATOMICS == VRM_ATOMICS_LSE
#define VRM_ARCH_LSE 1
#else
#define VRM_ARCH_LSE 0
#endif

#endif /* VRM_ARCH_SELECT_H */
