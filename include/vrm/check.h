/* SPDX-License-Identifier: MIT */
/*
 * VRM condition checker: tells a kernel author, while they test their own
 * kernel, which VRM program condition their code broke.
 *
 * The primitives (ticket lock, barriers, TLB sequences, page tables, pool)
 * report events through the hooks below when the build is checked
 * (-Dchecked=true, VRM_CHECKED == 1); in unchecked builds the VRM_CHECK()
 * calls inside them compile to nothing and lib/check contributes only the
 * counters. A kernel that writes descriptors, issues TLBI or hands pages over
 * with its own code calls the same hooks (docs/checker.md).
 *
 * Rules, by condition:
 *   DRF-Kernel                  guarded data touched without its lock held by
 *                               this CPU (vrm_check_access); lock re-taken by
 *                               its holder
 *   No-Barrier-Misuse           unlock by a non-holder or of a free lock; a
 *                               lock released while a descriptor written in its
 *                               critical section has not been followed by a DSB
 *   Write-Once-Kernel-Mapping   a valid entry of a kernel table changed
 *   Transactional-Page-Table    a valid entry replaced by a different valid one
 *                               without break-before-make; a new entry written
 *                               where the broken one's TLBI+DSB has not
 *                               completed; a table published before it was
 *                               zeroed; a descriptor written without the
 *                               table's lock held by this CPU
 *   Sequential-TLB-Invalidation a page (or table page) reused or handed over
 *                               after valid->invalid but before a TLBI covering
 *                               it and a DSB ISH on a CPU that issued one; a
 *                               TLBI issued while this CPU's write of an entry
 *                               it covers is not yet completed by a DSB (ISH or
 *                               ISHST; NSH(ST) only before a local TLBI); a
 *                               stage-2 table destroyed with no VMID flush
 *                               since its last valid entry
 *   Memory-Isolation            a page mapped for a principal that neither
 *                               owns nor borrows it (asks the owner query); a
 *                               hyp page mapped in a host/VM table; a
 *                               reclaimed page handed over unscrubbed
 *
 * State is bounded (fixed tables; vrm_check_init() can supply the memory)
 * and guarded by one internal lock, so hooks are callable from any CPU.
 */
#ifndef VRM_CHECK_H
#define VRM_CHECK_H

#include <vrm/types.h>

enum vrm_cond {
	VRM_COND_DRF_KERNEL = 0,
	VRM_COND_NO_BARRIER_MISUSE,
	VRM_COND_WRITE_ONCE_KERNEL_MAPPING,
	VRM_COND_TRANSACTIONAL_PAGE_TABLE,
	VRM_COND_SEQUENTIAL_TLB_INVALIDATION,
	VRM_COND_MEMORY_ISOLATION,
	VRM_COND_COUNT
};

/* Events kept in the history that a report carries. */
enum vrm_check_event_kind {
	VRM_EV_NONE = 0,
	VRM_EV_LOCK,          /* a = lock */
	VRM_EV_UNLOCK,        /* a = lock */
	VRM_EV_PTE_WRITE,     /* a = entry address, b = old, c = new */
	VRM_EV_TABLE_PUBLISH, /* a = table page address */
	VRM_EV_TLBI,          /* a = first address, b = size (0: whole regime), c = vmid */
	VRM_EV_DSB,           /* a = enum vrm_check_dsb_scope */
	VRM_EV_ISB,
	VRM_EV_OWNER,         /* a = pa, b = from, c = to */
	VRM_EV_PAGE_REUSE,    /* a = pa */
	VRM_EV_ACCESS,        /* a = guarded object */
};

struct vrm_check_event {
	uint8_t kind;   /* enum vrm_check_event_kind */
	uint8_t cpu;
	uint16_t aux;   /* level for PTE writes, TLBI kind */
	uint32_t seq;   /* global event number (low bits) */
	uint64_t a, b, c;
};

#define VRM_CHECK_HISTORY 8

struct vrm_check_report {
	enum vrm_cond cond;
	const char *rule;   /* short name of the rule that fired */
	uint64_t addr;      /* the object, entry or page concerned */
	uint64_t addr2;     /* second address (e.g. the PA behind an entry), or 0 */
	uint32_t cpu;       /* vrm_env_cpu_id() of the offender */
	uint32_t nhistory;  /* events in history[], oldest first: the offending CPU's */
	struct vrm_check_event history[VRM_CHECK_HISTORY];
};

typedef void (*vrm_check_report_fn)(const struct vrm_check_report *report);

/* Called for every violation after the counter is bumped; NULL: count only. */
void vrm_check_set_reporter(vrm_check_report_fn fn);
const char *vrm_check_cond_name(enum vrm_cond cond);
/* Violations of `cond` since the last reset. */
uint64_t vrm_check_count(enum vrm_cond cond);
uint64_t vrm_check_total(void);
/* Zero the counters and forget all tracked state (guards, pending flushes). */
void vrm_check_reset(void);
/* Broken entries the pending-invalidation table had no room for (they go
 * unchecked, which is reported here rather than as a violation). */
uint64_t vrm_check_untracked(void);

/* Record a violation (used by the rules; callers may plant their own). */
void vrm_check_violation(enum vrm_cond cond, const char *rule, uint64_t addr);

/* ---- Hooks: meaningful in checked builds; no-ops (and unused) otherwise. */

/*
 * Memory for the tracking tables. Without a call the checker uses a small
 * static area (VRM_CHECK_DEFAULT_GUARDS guards, VRM_CHECK_DEFAULT_PENDING
 * pending invalidations). `mem` must stay valid and be 8-byte aligned;
 * returns -VRM_EINVAL if it is too small for one of each.
 */
#define VRM_CHECK_DEFAULT_GUARDS 64
#define VRM_CHECK_DEFAULT_PENDING 1024
int vrm_check_init(void *mem, size_t size);

/* A translation regime as the checker sees it. */
struct vrm_check_table {
	bool kernel;                 /* write-once for life (implies el2) */
	bool el2;                    /* EL2 stage-1 (TLBI by VA) vs stage-2 (by VMID/IPA) */
	uint16_t vmid;               /* stage-2 VMID (TLBI matching) */
	uint32_t principal;          /* owner of the stage-2 (pool principal id); 0: unchecked */
	const void *lock;            /* vrm_ticket_t guarding writes, or NULL */
	/* Optional: how to read a table page the checker sees linked (the
	 * output address of a new table descriptor); NULL: links unchecked. */
	void *(*phys_to_virt)(void *ctx, vrm_pa_t pa);
	void *mm_ctx;
};

/* DRF-Kernel: declare [obj, obj+size) guarded by `lock` (a vrm_ticket_t). */
int vrm_check_guard(const void *obj, size_t size, const void *lock);
void vrm_check_unguard(const void *obj);
/* Assert this CPU may touch `obj` now: its guarding lock is held by me. */
void vrm_check_access(const void *obj);

void vrm_check_lock_acquired(const void *lock);
void vrm_check_lock_released(const void *lock);

/* A descriptor write: `addr` is the input address the entry translates,
 * `level` its level (0-3). old/new are the full descriptors. */
void vrm_check_pte_write(const struct vrm_check_table *t, const volatile uint64_t *ptep,
			 uint64_t old, uint64_t new_desc, uint32_t level, uint64_t addr);
/* A leaf run (map's fast path): n consecutive entries from ptep, each
 * invalid before, written with first_desc + i * (entry size), translating
 * addr + i * (entry size). The same rules as n vrm_check_pte_write calls,
 * checked in one pass under one lock (one history event for the run). */
void vrm_check_pte_run(const struct vrm_check_table *t, const volatile uint64_t *ptep,
		       uint64_t n, uint64_t first_desc, uint32_t level, uint64_t addr);
/* A new table page is about to be linked: it must be all invalid entries. */
void vrm_check_table_publish(const struct vrm_check_table *t, const uint64_t *table);
/* A table filled before it is linked (a block split into a table of the
 * same translations): the next table link on this CPU may carry valid
 * entries. Any other new table descriptor (invalid -> table) must point
 * at a table of invalid entries, read through t->phys_to_virt. */
void vrm_check_table_prefilled(const struct vrm_check_table *t, const uint64_t *table);
/* Destroying a table (vrm_pgt_destroy): each entry still valid in it, and
 * each table page (root included) as it is freed. Unless the regime had a
 * whole-regime flush (TLBI by VMID/ALL + DSB ISH) since its last valid
 * entry was written, freeing a table page is reported, and the dropped
 * entries' pages stay pending until such a flush. */
void vrm_check_entry_dropped(const struct vrm_check_table *t, uint64_t old, uint32_t level,
			     uint64_t addr);
void vrm_check_table_freed(const struct vrm_check_table *t, vrm_pa_t table);

enum vrm_check_tlbi_kind {
	VRM_TLBI_S2_IPA,     /* stage-2 IPA range of one VMID */
	VRM_TLBI_VMID,       /* everything of one VMID */
	VRM_TLBI_EL2_VA,     /* EL2 stage-1 VA range */
	VRM_TLBI_ALL_EL1,    /* every VMID */
	VRM_TLBI_ALL_EL2,    /* all of EL2 */
};
/* A TLBI broadcast (or local when `local`) was issued; size 0 = whole regime. */
void vrm_check_tlbi(enum vrm_check_tlbi_kind kind, uint16_t vmid, uint64_t addr,
		    uint64_t size, bool local);
/* The same, for a TLBI by address that carried a level hint (FEAT_TTL, or
 * the TTL field of a range TLBI): level 0-3 removes only entries of that
 * level (one of another level may stay cached); -1: no hint, as above. */
void vrm_check_tlbi_hint(enum vrm_check_tlbi_kind kind, uint16_t vmid, uint64_t addr,
			 uint64_t size, bool local, int level);
/* Barriers: called by vrm/barrier.h in checked builds. */
/* DSB scopes as the hook takes them. */
enum vrm_check_dsb_scope {
	VRM_CHECK_DSB_ISHST = 0, /* stores only, Inner Shareable */
	VRM_CHECK_DSB_ISH = 1,   /* everything, Inner Shareable (or SY) */
	VRM_CHECK_DSB_NSH = 2,   /* everything, this CPU only */
	VRM_CHECK_DSB_NSHST = 3, /* stores only, this CPU only */
};
void vrm_check_dsb(int scope); /* enum vrm_check_dsb_scope */
void vrm_check_isb(void);

/*
 * Owner query for Memory-Isolation: may `principal` have `pa` mapped
 * (owns or borrows it)? is_hyp: pa belongs to the hypervisor.
 */
typedef bool (*vrm_check_owner_fn)(void *ctx, vrm_pa_t pa, uint32_t principal, bool *is_hyp);
void vrm_check_set_owner_query(vrm_check_owner_fn fn, void *ctx);

/* A page changes hands (pool transition) or a table page is freed for
 * reuse: it must not be reachable through a not-yet-flushed entry. */
void vrm_check_page_reuse(vrm_pa_t pa);
void vrm_check_owner_change(vrm_pa_t pa, uint32_t from, uint32_t to);
/* A reclaimed page is handed back: `va` must read all zero. */
void vrm_check_page_scrubbed(vrm_pa_t pa, const void *va);

/* Inside the primitives: VRM_CHECK(hook(args)) vanishes in unchecked builds. */
#if VRM_CHECKED
#define VRM_CHECK(call) call
#else
#define VRM_CHECK(call) ((void)0)
#endif

#endif /* VRM_CHECK_H */
