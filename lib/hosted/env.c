/* SPDX-License-Identifier: MIT */
/* Environment hooks for hosted builds: threads stand in for CPUs. */
#include <stdio.h>

#include <vrm/hosted.h>

/* initial-exec: a %fs-relative load even in libvrm.so, not a
 * __tls_get_addr call; checked builds ask for the CPU id several times per
 * lock round trip. (libvrm.so is linked at program start, never dlopen'ed
 * after TLS is laid out, which initial-exec requires.) */
static _Thread_local uint32_t cpu_id_plus1 __attribute__((tls_model("initial-exec")));
static uint32_t next_cpu;

void vrm_hosted_set_cpu_id(uint32_t id)
{
	uint32_t seen = __atomic_load_n(&next_cpu, __ATOMIC_RELAXED);

	cpu_id_plus1 = (id % VRM_MAX_CPUS) + 1;
	/* Threads that pick their id automatically start above the ids given
	 * explicitly, so two threads do not pose as one CPU. */
	while (seen <= id && !__atomic_compare_exchange_n(&next_cpu, &seen, id + 1, false,
							  __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

uint32_t vrm_env_cpu_id(void)
{
	if (!cpu_id_plus1)
		cpu_id_plus1 = (__atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED) % VRM_MAX_CPUS) + 1;
	return cpu_id_plus1 - 1;
}

/* Hosted default: every violation is printed as well as counted. */
__attribute__((constructor)) static void install_default_reporter(void)
{
	vrm_check_set_reporter(vrm_hosted_report_stderr);
}

void vrm_hosted_report_stderr(const struct vrm_check_report *r)
{
	fprintf(stderr, "vrm-check: %s violated (%s) at 0x%llx on cpu %u\n",
		vrm_check_cond_name(r->cond), r->rule, (unsigned long long)r->addr, r->cpu);
}
