/* SPDX-License-Identifier: MIT */
/*
 * The hosted TLB event trace (<vrm/tlb_model.h>): a fixed array under one
 * mutex, so events from several threads keep one total order, and the
 * per-thread registers that stand in for VTTBR_EL2 (whose VMID field tags
 * each event) and for TCR_EL1 / SCTLR_EL1 (speculative-AT workaround).
 */
#include <pthread.h>

#include <vrm/env.h>
#include <vrm/tlb.h>
#include <vrm/tlb_model.h>

static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vrm_tlb_event trace[VRM_TLB_TRACE_CAP];
static size_t trace_len;
static uint64_t trace_dropped;
static _Thread_local uint64_t current_vttbr, current_tcr, current_sctlr;

uint64_t vrm_tlb_hosted_swap_vttbr(uint64_t vttbr)
{
	uint64_t old = current_vttbr;

	current_vttbr = vttbr;
	return old;
}

uint64_t vrm_tlb_hosted_vttbr(void)
{
	return current_vttbr;
}

uint16_t vrm_tlb_hosted_vmid(void)
{
	return vrm_tlb_vttbr_vmid(current_vttbr);
}

void vrm_tlb_hosted_set_el1(uint64_t tcr, uint64_t sctlr)
{
	current_tcr = tcr;
	current_sctlr = sctlr;
}

uint64_t vrm_tlb_hosted_tcr_el1(void)
{
	return current_tcr;
}

uint64_t vrm_tlb_hosted_sctlr_el1(void)
{
	return current_sctlr;
}

static void append(uint32_t kind, uint16_t vmid, uint64_t operand)
{
	struct vrm_tlb_event ev = { kind, vrm_env_cpu_id(), vmid, operand };

	pthread_mutex_lock(&trace_lock);
	if (trace_len < VRM_TLB_TRACE_CAP)
		trace[trace_len++] = ev;
	else
		trace_dropped++;
	pthread_mutex_unlock(&trace_lock);
}

void vrm_tlb_trace_insn(uint32_t kind, uint64_t operand)
{
	append(kind, vrm_tlb_hosted_vmid(), operand);
}

void vrm_tlb_trace_note(uint32_t kind, uint64_t operand)
{
	append(kind, 0, operand);
}

void vrm_tlb_trace_reset(void)
{
	pthread_mutex_lock(&trace_lock);
	trace_len = 0;
	trace_dropped = 0;
	pthread_mutex_unlock(&trace_lock);
}

size_t vrm_tlb_trace_len(void)
{
	size_t n;

	pthread_mutex_lock(&trace_lock);
	n = trace_len;
	pthread_mutex_unlock(&trace_lock);
	return n;
}

bool vrm_tlb_trace_get(size_t i, struct vrm_tlb_event *ev)
{
	bool ok;

	pthread_mutex_lock(&trace_lock);
	ok = i < trace_len;
	if (ok)
		*ev = trace[i];
	pthread_mutex_unlock(&trace_lock);
	return ok;
}

uint64_t vrm_tlb_trace_dropped(void)
{
	uint64_t n;

	pthread_mutex_lock(&trace_lock);
	n = trace_dropped;
	pthread_mutex_unlock(&trace_lock);
	return n;
}

size_t vrm_tlb_trace_count(uint32_t kind)
{
	size_t i, n = 0;

	pthread_mutex_lock(&trace_lock);
	for (i = 0; i < trace_len; i++)
		n += trace[i].kind == kind;
	pthread_mutex_unlock(&trace_lock);
	return n;
}

bool vrm_tlb_ev_is_tlbi(uint32_t kind)
{
	return kind >= VRM_TLB_EV_TLBI_IPAS2E1IS && kind <= VRM_TLB_EV_LAST_TLBI;
}

bool vrm_tlb_ev_is_dsb(uint32_t kind)
{
	return kind >= VRM_TLB_EV_DSB_ISHST && kind <= VRM_TLB_EV_DSB_NSH;
}

const char *vrm_tlb_ev_name(uint32_t kind)
{
	static const char *const names[] = {
		"none", "dsb ishst", "dsb ish", "dsb nshst", "dsb nsh", "isb",
		"tlbi ipas2e1is", "tlbi ipas2e1", "tlbi ripas2e1is", "tlbi vmalle1is",
		"tlbi vmalle1", "tlbi vmalls12e1is", "tlbi vmalls12e1", "tlbi vae2is",
		"tlbi vale2is", "tlbi rvae2is", "tlbi alle2is", "tlbi alle1is",
		"msr vttbr_el2", "msr tcr_el1", "msr sctlr_el1",
	};

	if (kind < sizeof(names) / sizeof(names[0]))
		return names[kind];
	if (kind == VRM_TLB_EV_PTE_WRITE)
		return "pte write";
	if (kind == VRM_TLB_EV_PAGE_FREE)
		return "page free";
	return "user";
}
