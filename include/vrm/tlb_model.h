/* SPDX-License-Identifier: MIT */
/*
 * Hosted only: the software TLB/MMU model behind <vrm/tlb.h> and the TLB
 * event trace (Sequential-TLB-Invalidation made observable on a host, where
 * TLBI is UNDEFINED at EL0 and QEMU's TCG hides missing barriers).
 *
 * Trace. Every barrier, TLBI and VTTBR_EL2 / TCR_EL1 / SCTLR_EL1 write the
 * hosted back ends issue is appended, in issue order, as
 * { kind, cpu, vmid, operand }. Other modules append
 * their own events with vrm_tlb_trace_note() (the page-table code logs
 * VRM_TLB_EV_PTE_WRITE), so a test can assert e.g. that a break-before-make
 * emitted invalidate-write, DSB, TLBI, DSB before the new entry's write.
 * Both hosted back ends trace: the model (default; lib/hosted + lib/tlb in
 * libvrm) and the recording back end (meson vrm_tlb_record_dep: lib/tlb
 * compiled with -DVRM_TLB_BACKEND_RECORD, trace only, no model TLB).
 *
 * Model. Each simulated CPU (vrm_env_cpu_id(), < VRM_MAX_CPUS) has a TLB of
 * VRM_TLB_MODEL_ENTRIES entries filled by a walker callback the user of the
 * model registers (so the model does not depend on lib/pgtable). An entry
 * caches the whole block the walker reports (level 1: 1 GiB, 2: 2 MiB,
 * 3: 4 KiB). A TLBI marks the entries it covers on the CPUs it reaches
 * (broadcast: all; non-IS: the issuing CPU); they disappear only when the
 * issuing CPU executes DSB ISH (DSB NSH for its own local TLBIs), as the
 * Arm ARM's completion rule says; until then they still translate. A TTL
 * level hint only hits entries of that level (a wrong hint leaves the
 * stale entry, as hardware may). The model caches only stage-2 and EL2
 * stage-1 translations: TLBI VMALLE1(IS) is traced but has nothing to drop.
 * All calls are thread-safe (one mutex; the walker runs under it, so it
 * must not call back into the model).
 */
#ifndef VRM_TLB_MODEL_H
#define VRM_TLB_MODEL_H

#include <vrm/types.h>

/* ---- trace ---------------------------------------------------------- */

enum vrm_tlb_ev_kind {
	VRM_TLB_EV_NONE = 0,
	/* barriers (operand 0) */
	VRM_TLB_EV_DSB_ISHST,
	VRM_TLB_EV_DSB_ISH,
	VRM_TLB_EV_DSB_NSHST,
	VRM_TLB_EV_DSB_NSH,
	VRM_TLB_EV_ISB,
	/* TLBIs: operand = the Xt register value (0 for forms without one) */
	VRM_TLB_EV_TLBI_IPAS2E1IS,
	VRM_TLB_EV_TLBI_IPAS2E1,
	VRM_TLB_EV_TLBI_RIPAS2E1IS,
	VRM_TLB_EV_TLBI_VMALLE1IS,
	VRM_TLB_EV_TLBI_VMALLE1,
	VRM_TLB_EV_TLBI_VMALLS12E1IS,
	VRM_TLB_EV_TLBI_VMALLS12E1,
	VRM_TLB_EV_TLBI_VAE2IS,
	VRM_TLB_EV_TLBI_VALE2IS,
	VRM_TLB_EV_TLBI_RVAE2IS,
	VRM_TLB_EV_TLBI_ALLE2IS,
	VRM_TLB_EV_TLBI_ALLE1IS,
	VRM_TLB_EV_LAST_TLBI = VRM_TLB_EV_TLBI_ALLE1IS,
	/* System-register writes of the stage-2 sequences' context switch
	 * (operand = the value written): VTTBR_EL2, and TCR_EL1 / SCTLR_EL1
	 * for the speculative-AT workaround (see <vrm/tlb.h>). */
	VRM_TLB_EV_MSR_VTTBR,
	VRM_TLB_EV_MSR_TCR_EL1,
	VRM_TLB_EV_MSR_SCTLR_EL1,
	VRM_TLB_EV_LAST_INSN = VRM_TLB_EV_MSR_SCTLR_EL1,
	/* notes other modules append (vrm_tlb_trace_note) */
	VRM_TLB_EV_PTE_WRITE = 0x100, /* operand: address of the entry written */
	VRM_TLB_EV_PAGE_FREE,         /* operand: PA of a page given back */
	VRM_TLB_EV_USER = 0x1000      /* first kind free for callers' own notes */
};

struct vrm_tlb_event {
	uint32_t kind;     /* enum vrm_tlb_ev_kind */
	uint32_t cpu;      /* vrm_env_cpu_id() of the issuer */
	uint16_t vmid;     /* VMID current on that CPU (0 for notes and EL2 ops) */
	uint64_t operand;
};

/* Events kept; later ones are counted by vrm_tlb_trace_dropped() only. */
#define VRM_TLB_TRACE_CAP 65536u

void vrm_tlb_trace_reset(void);
size_t vrm_tlb_trace_len(void);
/* Copy event i (0 = oldest) to *ev; false if i >= vrm_tlb_trace_len(). */
bool vrm_tlb_trace_get(size_t i, struct vrm_tlb_event *ev);
uint64_t vrm_tlb_trace_dropped(void);
/* Events of `kind` in the trace. */
size_t vrm_tlb_trace_count(uint32_t kind);
/* Append a caller's event (kind >= VRM_TLB_EV_PTE_WRITE) with vmid 0. */
void vrm_tlb_trace_note(uint32_t kind, uint64_t operand);
bool vrm_tlb_ev_is_tlbi(uint32_t kind);
bool vrm_tlb_ev_is_dsb(uint32_t kind);
const char *vrm_tlb_ev_name(uint32_t kind);

/* ---- model ---------------------------------------------------------- */

/* Regime of a translation: 0..VRM_TLB_VMID_MAX = stage 2 of that VMID
 * (input IPA); VRM_TLB_REGIME_EL2 = EL2 stage 1 (input VA). */
#define VRM_TLB_REGIME_EL2 UINT32_C(0x10000)
#define VRM_TLB_MODEL_ENTRIES 64

/* Translate addr in regime: 0 with *pa (the PA of addr itself) and *level
 * (1..3, or 0 for a 512 GiB LPA2 block), or a negative fault code, which
 * the model passes back and never caches. */
typedef int (*vrm_tlb_walker_fn)(void *ctx, uint32_t regime, uint64_t addr,
				 vrm_pa_t *pa, int *level);

void vrm_tlb_model_set_walker(vrm_tlb_walker_fn fn, void *ctx);
/* Empty every CPU's model TLB and the trace (walker and features stay). */
void vrm_tlb_model_reset(void);
/* As the MMU of `cpu`: a hit in its model TLB, else walk and fill.
 * 0 and *pa, or the walker's fault, or -VRM_EINVAL (cpu, regime, no walker). */
int vrm_tlb_model_translate(uint32_t cpu, uint32_t regime, uint64_t addr, vrm_pa_t *pa);
/* TLB only, no walk: 0 and *pa on a hit, -VRM_ENOENT on a miss. */
int vrm_tlb_model_lookup(uint32_t cpu, uint32_t regime, uint64_t addr, vrm_pa_t *pa);
/* Does any CPU's model TLB still hold a translation whose output covers
 * pa? True right after an unmap whose flush has not completed: reusing
 * the page then breaks Sequential-TLB-Invalidation. */
bool vrm_tlb_model_caches_pa(vrm_pa_t pa);
/* Valid entries in cpu's model TLB (including ones awaiting a DSB). */
size_t vrm_tlb_model_entries(uint32_t cpu);

/* ---- back-end entry points (called by lib/tlb, not by users) -------- */

/* The calling thread's simulated VTTBR_EL2 (BADDR, CnP and VMID, as the
 * stage-2 flushes load it): set it, returning the previous value. Events
 * carry its VMID field. Starts at 0 (BADDR 0, VMID 0). */
uint64_t vrm_tlb_hosted_swap_vttbr(uint64_t vttbr);
/* The calling thread's current VTTBR_EL2 and its VMID field. */
uint64_t vrm_tlb_hosted_vttbr(void);
uint16_t vrm_tlb_hosted_vmid(void);
/* The calling thread's simulated TCR_EL1 and SCTLR_EL1, which only the
 * speculative-AT workaround touches (reset value 0: stage 1 off). */
void vrm_tlb_hosted_set_el1(uint64_t tcr, uint64_t sctlr);
uint64_t vrm_tlb_hosted_tcr_el1(void);
uint64_t vrm_tlb_hosted_sctlr_el1(void);
/* Trace an instruction as the calling CPU with its current VMID. */
void vrm_tlb_trace_insn(uint32_t kind, uint64_t operand);
/* Trace it and apply it to the model TLBs. */
void vrm_tlb_model_insn(uint32_t kind, uint64_t operand);

#endif /* VRM_TLB_MODEL_H */
