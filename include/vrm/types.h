/* SPDX-License-Identifier: MIT */
/*
 * Basic types and error codes shared by every libvrm module.
 *
 * The core is freestanding (no <errno.h>), so the error codes are defined
 * here with the Linux values; hosted tests check they equal <errno.h>'s.
 * Every fallible call returns 0 or one of these, negated, and a rejected
 * call changes nothing: arguments and state are checked first, then mutated.
 */
#ifndef VRM_TYPES_H
#define VRM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vrm/config.h>

#define VRM_EPERM     1  /* caller may not do this to this object (not owner, kernel table) */
#define VRM_ENOENT    2  /* nothing there (lookup of an invalid entry) */
#define VRM_ENOMEM   12  /* the caller's allocator ran dry; nothing was changed */
#define VRM_EBUSY    16  /* object still in use (live share, running vCPU) */
#define VRM_EEXIST   17  /* a different valid mapping is already there (write-once) */
#define VRM_ENODEV   19  /* the CPU lacks a feature this build needs (FEAT_LSE, -Datomics=lse) */
#define VRM_EINVAL   22  /* malformed argument: misaligned, zero size, out of range */
#define VRM_EOVERFLOW 75 /* a counter would wrap (share count) */

typedef uint64_t vrm_pa_t;   /* physical address */
typedef uint64_t vrm_ipa_t;  /* intermediate physical address (stage-2 input) */
typedef uint64_t vrm_va_t;   /* virtual address (stage-1 input) */

#define VRM_PAGE_SHIFT 12
#define VRM_PAGE_SIZE  (UINT64_C(1) << VRM_PAGE_SHIFT)

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "libvrm assumes a little-endian target (the ticket lock's halves, descriptors)"
#endif

#endif /* VRM_TYPES_H */
