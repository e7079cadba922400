/* SPDX-License-Identifier: MIT */
/* The environment hook of vrm/env.h for the self-contained recording
 * library (vrm_tlb_record): threads stand in for CPUs, as lib/hosted/env.c
 * does in libvrm. Never linked together with libvrm. */
#include <vrm/env.h>
#include <vrm/hosted.h>

static _Thread_local uint32_t cpu_id_plus1;
static uint32_t next_cpu;

void vrm_hosted_set_cpu_id(uint32_t id)
{
	cpu_id_plus1 = (id % VRM_MAX_CPUS) + 1;
}

uint32_t vrm_env_cpu_id(void)
{
	if (!cpu_id_plus1)
		cpu_id_plus1 = (__atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED) % VRM_MAX_CPUS) + 1;
	return cpu_id_plus1 - 1;
}
