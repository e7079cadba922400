/* SPDX-License-Identifier: MIT */
/*
 * The Linux host's PSCI calls (its DTB says method = "smc"; HCR_EL2.TSC
 * traps them here, as pKVM's nvhe/psci-relay.c does). The core never lets
 * the host reach the firmware: a CPU the host turns on comes up at EL2 in
 * the core first (every CPU was started at boot and parks here), and enters
 * the host at EL1 under the host stage-2 only from there, so no CPU ever
 * runs host code without the core's EL2 state (vectors, stage 2, traps).
 *
 *   PSCI_VERSION        the firmware's answer
 *   PSCI_FEATURES       0 for the calls relayed here, NOT_SUPPORTED else
 *   CPU_ON              the target leaves its park: entry must be host RAM
 *   CPU_OFF             the caller parks at EL2 until the next CPU_ON
 *   AFFINITY_INFO       ON / OFF / ON_PENDING, as this file tracks it
 *   MIGRATE_INFO_TYPE   2: no Trusted OS to migrate
 *   SYSTEM_OFF          the checker's count, then the firmware's SYSTEM_OFF
 *   SYSTEM_RESET        reported, then the firmware's (QEMU -no-reboot exits)
 *   anything else       NOT_SUPPORTED (SMCCC_VERSION included: Linux then
 *                       assumes SMCCC 1.0 and makes no workaround calls)
 */
#include <vrm/pool.h>

#include "linux.h"
#include "mem_internal.h"
#include "platform.h"

#define PSCI_VERSION         0x84000000u
#define PSCI_CPU_OFF         0x84000002u
#define PSCI_CPU_ON_32       0x84000003u
#define PSCI_CPU_ON_64       0xC4000003u
#define PSCI_AFFINITY_32     0x84000004u
#define PSCI_AFFINITY_64     0xC4000004u
#define PSCI_MIGRATE_INFO    0x84000006u
#define PSCI_SYSTEM_OFF      0x84000008u
#define PSCI_SYSTEM_RESET    0x84000009u
#define PSCI_FEATURES        0x8400000Au

#define PSCI_SUCCESS         0
#define PSCI_NOT_SUPPORTED   (-1)
#define PSCI_INVALID_PARAMS  (-2)
#define PSCI_ALREADY_ON      (-4)
#define PSCI_ON_PENDING      (-5)

enum { LCPU_OFF = 0, LCPU_ON_PENDING, LCPU_ON };

/* Per CPU, under psci_lock (DRF-Kernel); `state` is also read by the
 * parked CPU with acquire, after the writer's release under the lock. */
static struct {
	uint32_t state;
	uint64_t entry, arg;
} lcpu[HYP_MAX_CPUS];
static vrm_ticket_t psci_lock;

/* An SMCCC function ID (bit 31, the "fast call" bit) rather than the
 * core's own small hypercall numbers (include/hyp_abi.h). */
bool psci_is_smccc(uint64_t fn)
{
	return (fn & 0x80000000u) != 0;
}

static int cpu_index(uint64_t mpidr)
{
	for (uint32_t i = 0; i < platform.nr_cpus; i++)
		if (platform.mpidr[i] == (mpidr & 0xff00ffffffULL))
			return (int)i;
	return -1;
}

static int64_t cpu_on(uint64_t mpidr, uint64_t entry, uint64_t arg)
{
	int idx = cpu_index(mpidr);
	int64_t r;

	if (idx < 0)
		return PSCI_INVALID_PARAMS;
	/* Linux enters with the MMU off: entry is a PA, and must be the
	 * host's own page (never the core's or a VM's). */
	if ((entry & 3) || vrm_pool_state_of(&hyp_pool, entry & ~(VRM_PAGE_SIZE - 1),
					     VRM_PRINCIPAL_HOST) != VRM_POOL_OWNED)
		return PSCI_INVALID_PARAMS;
	vrm_ticket_lock(&psci_lock);
	if (lcpu[idx].state == LCPU_ON) {
		r = PSCI_ALREADY_ON;
	} else if (lcpu[idx].state == LCPU_ON_PENDING) {
		r = PSCI_ON_PENDING;
	} else {
		lcpu[idx].entry = entry;
		lcpu[idx].arg = arg;
		__atomic_store_n(&lcpu[idx].state, LCPU_ON_PENDING, __ATOMIC_RELEASE);
		r = PSCI_SUCCESS;
	}
	vrm_ticket_unlock(&psci_lock);
	if (r == PSCI_SUCCESS)
		__asm__ volatile("dsb ish\n\tsev" ::: "memory"); /* wake the parked CPU */
	return r;
}

static int64_t affinity_info(uint64_t mpidr, uint64_t level)
{
	int idx = cpu_index(mpidr);
	uint32_t s;

	if (idx < 0 || level != 0)
		return PSCI_INVALID_PARAMS;
	s = __atomic_load_n(&lcpu[idx].state, __ATOMIC_ACQUIRE);
	return s == LCPU_ON ? 0 : s == LCPU_OFF ? 1 : 2;
}

/*
 * A CPU the host has not (or no longer) turned on waits here, at EL2, for
 * its CPU_ON. Entered from boot (secondaries) or from the CPU_OFF trap: the
 * trap frame is dropped (linux_enter resets SP_EL2).
 */
void linux_cpu_park(uint32_t idx)
{
	uint64_t entry, arg;

	while (__atomic_load_n(&lcpu[idx].state, __ATOMIC_ACQUIRE) != LCPU_ON_PENDING)
		__asm__ volatile("wfe" ::: "memory");
	vrm_ticket_lock(&psci_lock);
	entry = lcpu[idx].entry;
	arg = lcpu[idx].arg;
	__atomic_store_n(&lcpu[idx].state, LCPU_ON, __ATOMIC_RELEASE);
	vrm_ticket_unlock(&psci_lock);
	linux_enter(idx, entry, arg);
}

static bool relayed(uint64_t fn)
{
	switch (fn) {
	case PSCI_VERSION: case PSCI_CPU_OFF: case PSCI_CPU_ON_32: case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_32: case PSCI_AFFINITY_64: case PSCI_MIGRATE_INFO:
	case PSCI_SYSTEM_OFF: case PSCI_SYSTEM_RESET: case PSCI_FEATURES:
		return true;
	default:
		return false;
	}
}

struct hyp_ctx *psci_relay(struct hyp_cpu *c, struct hyp_ctx *ctx)
{
	uint64_t fn = ctx->x[0] & 0xffffffffu;
	uint64_t a1 = ctx->x[1], a2 = ctx->x[2], a3 = ctx->x[3];
	int64_t r;

	if (fn == PSCI_CPU_ON_32 || fn == PSCI_AFFINITY_32)
		a1 &= 0xffffffffu, a2 &= 0xffffffffu, a3 &= 0xffffffffu;
	switch (fn) {
	case PSCI_VERSION:
		r = psci_fw_call(PSCI_VERSION, 0, 0, 0);
		break;
	case PSCI_FEATURES:
		r = relayed(a1 & 0xffffffffu) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
		break;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		r = cpu_on(a1, a2, a3);
		break;
	case PSCI_AFFINITY_32:
	case PSCI_AFFINITY_64:
		r = affinity_info(a1, a2);
		break;
	case PSCI_MIGRATE_INFO:
		r = 2;
		break;
	case PSCI_CPU_OFF:
		vrm_ticket_lock(&psci_lock);
		__atomic_store_n(&lcpu[c->id].state, LCPU_OFF, __ATOMIC_RELEASE);
		vrm_ticket_unlock(&psci_lock);
		hyp_printf("hyp: cpu %u: host CPU_OFF, parked at EL2\n", c->id);
		linux_cpu_park(c->id);
	case PSCI_SYSTEM_OFF:
		hyp_system_off();
	case PSCI_SYSTEM_RESET:
		hyp_printf("hyp: PSCI SYSTEM_RESET from the host\n");
		psci_fw_call(PSCI_SYSTEM_RESET, 0, 0, 0);
		hyp_exit_failure(3);
	default:
		r = PSCI_NOT_SUPPORTED;
		break;
	}
	ctx->x[0] = (uint64_t)r;
	return ctx;
}

/* The boot CPU is the host's from the start. */
void psci_relay_boot_cpu_on(void)
{
	lcpu[0].state = LCPU_ON;
}
