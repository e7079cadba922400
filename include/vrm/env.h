/* SPDX-License-Identifier: MIT */
/*
 * Environment hooks: the only symbols a freestanding libvrm archive leaves
 * undefined. A kernel supplies them; hosted builds get them from lib/hosted.
 *
 *   vrm_env_cpu_id()  this CPU's id, 0 <= id < VRM_MAX_CPUS. Needed in checked
 *                     builds only (lock holders, checker reports). EL2: from
 *                     MPIDR_EL2 affinity; hosted: a thread-local id.
 */
#ifndef VRM_ENV_H
#define VRM_ENV_H

#include <vrm/types.h>

#define VRM_MAX_CPUS 64

uint32_t vrm_env_cpu_id(void);

#endif /* VRM_ENV_H */
