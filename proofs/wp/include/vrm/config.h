/* SPDX-License-Identifier: MIT */
/*
 * Stand-in for the meson-generated <vrm/config.h> (include/vrm/config.h.in)
 * for the Frama-C WP harnesses: the configuration the proofs are about.
 * Found before the repo's include/ (run.sh puts this directory first).
 */
#ifndef VRM_CONFIG_H
#define VRM_CONFIG_H

#define VRM_CHECKED 0            /* no checker hooks: not part of the proof */
#define VRM_FREESTANDING 1       /* the EL2 build: no libc */
#define VRM_ARCH_FORCE_GENERIC 1 /* no inline asm: __atomic stand-ins instead */
#define VRM_TLBI_REPEAT 0
#define VRM_SPECULATIVE_AT 0
#define VRM_PTE_TRACE 0          /* test-only trace hook: compiled out, as here */

#endif /* VRM_CONFIG_H */
