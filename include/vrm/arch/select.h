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

/* LSE atomics (ARMv8.1 FEAT_LSE): compile-time, never a run-time probe. */
#if VRM_ARCH_AARCH64 && defined(__ARM_FEATURE_ATOMICS)
#define VRM_ARCH_LSE 1
#else
#define VRM_ARCH_LSE 0
#endif

#endif /* VRM_ARCH_SELECT_H */
