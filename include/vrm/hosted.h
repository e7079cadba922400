/* SPDX-License-Identifier: MIT */
/*
 * Hosted (userspace) helpers: the environment hooks of vrm/env.h for
 * threads, and other pieces that need libc. Never part of a freestanding
 * build (-Dfreestanding=true).
 */
#ifndef VRM_HOSTED_H
#define VRM_HOSTED_H

#include <vrm/check.h>
#include <vrm/env.h>

/* Give the calling thread a CPU id (0 <= id < VRM_MAX_CPUS). Threads that
 * never call it get ids in creation order of their first vrm_env_cpu_id(). */
void vrm_hosted_set_cpu_id(uint32_t id);

/* A report callback that prints the report on stderr (hosted default). */
void vrm_hosted_report_stderr(const struct vrm_check_report *report);

#endif /* VRM_HOSTED_H */
