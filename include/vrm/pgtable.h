/* SPDX-License-Identifier: MIT */
/*
 * Page tables: VMSAv8-64, 4 KiB granule, stage-2 (a VM's or the host's
 * IPA -> PA) and EL2 stage-1 (the hypervisor's own VA -> PA).
 *
 * Discharges two VRM conditions:
 *
 *   Write-Once-Kernel-Mapping   a table created with VRM_PGT_KERNEL (the
 *       hypervisor's EL2 stage-1) only ever turns invalid entries into valid
 *       ones. Any call that would change a valid entry (unmap, remap,
 *       set_prot, block split) is refused with -VRM_EPERM and writes nothing.
 *
 *   Transactional-Page-Table    whatever order an MMU (or a software walker)
 *       observes one call's descriptor writes in, a walk yields the old
 *       translation, the new one, or a fault:
 *       - a leaf is only written over an invalid entry (write-once: map);
 *       - a new table page is zeroed by the allocator, then published with
 *         release order (vrm_store_release_64), so a walker that sees the
 *         table descriptor sees the zeroes;
 *       - a valid entry is only changed through break-before-make (Arm ARM
 *         D8.14.1 "Using break-before-make when updating translation table
 *         entries"): write invalid -> DSB -> TLBI -> DSB -> write new, for a
 *         change of output address, of block size (split), of memory type or
 *         shareability. Permission-only changes (S2AP/AP, XN) do not need
 *         break-before-make; after *removing* a permission the old, wider
 *         entry may still sit in a TLB, so set_prot flushes (once per call);
 *         after only *adding* permissions it does not flush (a stale
 *         narrower TLB entry at worst raises a spurious permission fault,
 *         which the fault handler retries, as Linux/pKVM do).
 *
 * Sequential-TLB-Invalidation is served by the ordering inside unmap: the
 * entries are invalidated, then ONE batched TLB flush (the TLB module's
 * sequences, include/vrm/tlb.h) covers the range, and only after it has
 * completed are the table pages that became empty handed to mm->free_page.
 *
 * Memory. Tables live in pages from the caller (struct vrm_pgt_mm_ops,
 * like Linux's kvm_pgtable_mm_ops). Every table a call needs is obtained
 * before its first write, so -VRM_ENOMEM leaves the tables byte-for-byte
 * unchanged (a "plan" walk checks and counts, then the "commit" walk writes;
 * unused pages go straight back to free_page, never having been published).
 *
 * Freeing and concurrent walkers. Freestanding: the TLB flush that follows
 * unlinking a table page is the only grace period (the MMU cannot hold a
 * walk into a table across a completed TLBI+DSB); free_page is called after
 * it. Hosted: software walkers (vrm_pgt_hw_walk from other threads) are not
 * stopped by TLBI, so their mm_ops must defer the free through RCU:
 * include/vrm/pgtable_rcu.h wraps an mm_ops so free_page goes through
 * liburcu's call_rcu, and software walkers run inside rcu read-side
 * sections (vrm_pgt_rcu_walk).
 *
 * Locking. Writers (map, remap, set_prot, unmap, lookup, walk, destroy)
 * serialise on pgt->lock, a vrm_ticket_t they take and release themselves:
 * never call them with pgt->lock held. Lock order: a caller's own locks
 * (e.g. the pool's) before pgt->lock. Page tables are the DRF-Kernel
 * exemption: the MMU (and vrm_pgt_hw_walk) read them without the lock, which
 * is why writes are ordered as above. Every descriptor write goes through
 * one internal function (lib/pgtable/pte.h), the checker's hook point.
 *
 * Deferred-free list: between unlinking and the flush, emptied table pages
 * are chained through their first 8 bytes. The link is a page-aligned
 * address, so bit 0 is clear: a walker still inside the page reads it as an
 * invalid descriptor (a fault), as it would the zeroes it replaces.
 */
#ifndef VRM_PGTABLE_H
#define VRM_PGTABLE_H

#include <vrm/types.h>
#include <vrm/ticket.h>
#include <vrm/tlb.h>

/* ---- Memory for table pages, supplied by the caller. */
struct vrm_pgt_mm_ops {
	/* A zeroed, 4 KiB-aligned page, or NULL when out of memory. */
	void *(*zalloc_page)(void *ctx);
	/* Return a page obtained from zalloc_page (contents arbitrary). */
	void (*free_page)(void *ctx, void *va);
	vrm_pa_t (*virt_to_phys)(void *ctx, void *va);
	void *(*phys_to_virt)(void *ctx, vrm_pa_t pa);
	void *ctx;
	/*
	 * Optional cache maintenance, stage 2 only (NULL: none needed, as on
	 * hardware with FEAT_S2FWB / FEAT_DIC, or hosted), as KVM's
	 * kvm_pgtable_mm_ops. Called with the va phys_to_virt gives for the
	 * first page (the range must be contiguous there: a linear map) and
	 * before the descriptor store that lets the guest reach it, under the
	 * table's lock: dcache_clean_inval_poc when a Normal (cacheable) page
	 * is newly mapped or becomes cacheable, icache_inval_pou (after it)
	 * when a page is newly mapped executable or becomes executable. On
	 * aarch64: <vrm/arch/aarch64/cache.h>.
	 */
	void (*dcache_clean_inval_poc)(void *ctx, void *va, uint64_t size);
	void (*icache_inval_pou)(void *ctx, void *va, uint64_t size);
};

/* ---- Configuration. */
enum vrm_pgt_stage {
	VRM_PGT_STAGE2 = 0,   /* IPA -> PA, tagged by VMID */
	VRM_PGT_EL2_S1 = 1,   /* EL2 (non-VHE) stage 1: VA -> PA */
};

/* Table flags (vrm_pgt_config.flags). */
#define VRM_PGT_KERNEL (1u << 0)  /* write-once for its whole life */
/* After each map, remap, set_prot and update, a table in the call's range
 * whose 512 entries map one aligned, contiguous, uniform block's worth is
 * replaced by that block (break-before-make over its extent; the table
 * page freed after the call's flush), 2 MiB then 1 GiB. Not with
 * VRM_PGT_KERNEL. In the Coq model (PgtModel.v step_full; no theorem is
 * about coalescing tables) for map / remap / set_prot, checked against
 * the C by the model diff's stage2-coalesce run. */
#define VRM_PGT_COALESCE (1u << 1)

struct vrm_pgt_config {
	enum vrm_pgt_stage stage;
	/* Input address size in bits (VTCR_EL2.T0SZ = 64 - ia_bits):
	 * 32..39 with start_level 1 (3 levels), 40..48 with start_level 0
	 * (4 levels). start_level -1 picks the one that fits. */
	unsigned ia_bits;
	int start_level;
	uint16_t vmid;       /* stage 2: the VMID its TLB flushes name */
	uint32_t flags;      /* VRM_PGT_* */
};

struct vrm_pgt {
	vrm_ticket_t lock;   /* serialises writers */
	uint8_t stage;       /* enum vrm_pgt_stage */
	uint8_t start_level;
	uint8_t ia_bits;
	uint8_t flags;
	uint16_t vmid;       /* see vrm_pgt_set_vmid() */
	uint32_t principal;  /* see vrm_pgt_set_principal(); 0 after init */
	uint64_t *root;      /* root table (va); fixed for the table's life */
	vrm_pa_t root_pa;    /* for VTTBR_EL2 / TTBR0_EL2 */
	const struct vrm_pgt_mm_ops *mm;
};

/* ---- Protection: what a leaf allows, and its memory type. */
#define VRM_PGT_PROT_R       (1u << 0)
#define VRM_PGT_PROT_W       (1u << 1)
#define VRM_PGT_PROT_X       (1u << 2)  /* execute at every EL of the regime */
/* Memory type (one of): */
#define VRM_PGT_PROT_NORMAL  (0u << 3)  /* Normal, inner/outer write-back */
#define VRM_PGT_PROT_DEVICE  (1u << 3)  /* Device-nGnRE */
#define VRM_PGT_PROT_NC      (2u << 3)  /* Normal, non-cacheable */
#define VRM_PGT_PROT_MT_MASK (3u << 3)
/*
 * Stage 2 with FEAT_XNX only (vrm_pgt_set_features(VRM_PGT_FEAT_XNX)):
 * execution allowed at one EL of the guest's EL1&0 regime, in place of X
 * (at most one of X, X_EL1, X_EL0). Stage-2 XN[1:0], descriptor bits
 * [54:53] (Arm ARM D8.4 "Stage 2 instruction execution permissions"):
 * 0b00 X (EL1 and EL0), 0b01 X_EL0 (PXN: not at EL1), 0b10 no X,
 * 0b11 X_EL1 (UXN: not at EL0). Without FEAT_XNX bit 53 is RES0 and only
 * XN[1] counts, so these two cannot be expressed.
 */
#define VRM_PGT_PROT_X_EL1   (1u << 5)
#define VRM_PGT_PROT_X_EL0   (1u << 6)
#define VRM_PGT_PROT_X_MASK  (VRM_PGT_PROT_X | VRM_PGT_PROT_X_EL1 | VRM_PGT_PROT_X_EL0)
#define VRM_PGT_PROT_RW      (VRM_PGT_PROT_R | VRM_PGT_PROT_W)
#define VRM_PGT_PROT_RWX     (VRM_PGT_PROT_RW | VRM_PGT_PROT_X)
#define VRM_PGT_PROT_ALL     (VRM_PGT_PROT_RW | VRM_PGT_PROT_X_MASK | VRM_PGT_PROT_MT_MASK)

/*
 * CPU features the environment reports, as for the TLB
 * (vrm_tlb_set_features): FEAT_XNX is ID_AA64MMFR1_EL1.XNX (bits [31:28])
 * == 0b0001. Default 0: what every Armv8 CPU does. Set once at boot,
 * before any table holds a mapping (the prot that vrm_pgt_prot_valid
 * accepts and the prot vrm_pgt_desc_prot / vrm_pgt_lookup report depend
 * on it); hosted tests flip it freely between tables.
 */
#define VRM_PGT_FEAT_XNX 0x1u  /* stage-2 XN[0]: VRM_PGT_PROT_X_EL1 / _X_EL0 */
/* FEAT_S2FWB (ID_AA64MMFR2_EL1.FWB, bits [43:40], == 0b0001) in use: the
 * caller sets HCR_EL2.FWB, and stage-2 Normal memory is written with the
 * FWB encoding MemAttr 0b0110 ("forced write-back": the guest's accesses
 * are cacheable whatever its stage 1 says, Arm ARM D8.6.6), in place of
 * 0b1111; Device (0b0001) and Non-cacheable (0b0101) read the same either
 * way. With it no clean to PoC is needed for the guest
 * (mm_ops->dcache_clean_inval_poc is not called); I-cache maintenance
 * still is. */
#define VRM_PGT_FEAT_FWB 0x2u
void vrm_pgt_set_features(uint32_t feats);
uint32_t vrm_pgt_features(void);

/*
 * EL2 stage 1 names memory types by MAIR_EL2 index (AttrIndx); libvrm uses
 * these three, so the hypervisor programs MAIR_EL2 with VRM_PGT_MAIR_EL2.
 */
#define VRM_PGT_ATTRIDX_NORMAL 0  /* 0xff: Normal WB RW-allocate */
#define VRM_PGT_ATTRIDX_DEVICE 1  /* 0x04: Device-nGnRE */
#define VRM_PGT_ATTRIDX_NC     2  /* 0x44: Normal non-cacheable */
#define VRM_PGT_MAIR_EL2 UINT64_C(0x4404ff)

/*
 * Valid prot for a stage (with the features set now): no bit outside
 * VRM_PGT_PROT_ALL, memory type not 3 << 3, at most one execute bit, and
 *  - no execute bit with VRM_PGT_PROT_DEVICE, at either stage: the Arm ARM
 *    (B2.7.2 "Device memory") lets a PE fetch instructions speculatively
 *    from Device memory unless it is execute-never, and a read with side
 *    effects must not happen by speculation (pKVM refuses it likewise:
 *    hyp_set_prot_attr, stage2_set_prot_attr);
 *  - EL2 stage 1: R required (AP cannot express "not readable"), and not
 *    W together with X: the hypervisor's own mappings are W^X (pKVM's
 *    hyp_set_prot_attr refuses it; SCTLR_EL2.WXN would make such an entry
 *    non-executable anyway). X_EL1 / X_EL0 do not exist there (one
 *    privilege level);
 *  - stage 2: any R/W mix (S2AP 00 = no data access), W+X included: a
 *    guest's RAM is RWX at stage 2 (as in KVM; the guest's own stage 1 keeps
 *    its W^X), and the host's stage 2 maps its memory RWX. X_EL1 / X_EL0
 *    only with VRM_PGT_FEAT_XNX.
 */
bool vrm_pgt_prot_valid(enum vrm_pgt_stage stage, uint32_t prot);

/* ---- Descriptors (lib/pgtable/desc.c). Levels 0..3; 4 KiB granule. */
enum vrm_pgt_desc_type {
	VRM_PGT_DESC_INVALID = 0,
	VRM_PGT_DESC_TABLE,   /* levels 0..2, bits[1:0] = 0b11 */
	VRM_PGT_DESC_BLOCK,   /* levels 1..2, bits[1:0] = 0b01 */
	VRM_PGT_DESC_PAGE,    /* level 3,     bits[1:0] = 0b11 */
};
/* Bytes one entry at `level` maps: 512 GiB, 1 GiB, 2 MiB, 4 KiB. */
uint64_t vrm_pgt_level_size(int level);
enum vrm_pgt_desc_type vrm_pgt_desc_type(uint64_t desc, int level);
/* A leaf (block at level 1/2, page at level 3) with AF set and SH inner
 * shareable. Stage 2: MemAttr[5:2], S2AP[7:6], XN[1:0] bits [54:53]
 * (bit 53 only for X_EL1 / X_EL0). EL2 stage 1:
 * AttrIndx[4:2], AP[7:6] (AP[1] RES1), XN bit 54. Returns 0 (an invalid
 * descriptor) for a level without leaves, a misaligned pa, pa beyond 48
 * bits or an invalid prot. */
uint64_t vrm_pgt_desc_leaf(enum vrm_pgt_stage stage, vrm_pa_t pa, int level, uint32_t prot);
/* A table descriptor (levels 0..2); 0 for a misaligned or too-large pa. */
uint64_t vrm_pgt_desc_table(vrm_pa_t table_pa);
/* Output address of a table, block or page descriptor. */
vrm_pa_t vrm_pgt_desc_oa(uint64_t desc, int level);
/* The prot a leaf encodes (inverse of vrm_pgt_desc_leaf). Stage 2
 * without VRM_PGT_FEAT_XNX reads XN[1] only, as such a CPU does. */
uint32_t vrm_pgt_desc_prot(enum vrm_pgt_stage stage, uint64_t desc);

/* ---- Life cycle. */

/*
 * Set up an empty table: allocates the root page from mm. pgt is caller
 * memory; mm must outlive it.
 * Errors: -VRM_EINVAL bad config (stage, ia_bits/start_level, unknown
 * flags); -VRM_ENOMEM no root page. Nothing allocated on error.
 */
int vrm_pgt_init(struct vrm_pgt *pgt, const struct vrm_pgt_config *cfg,
		 const struct vrm_pgt_mm_ops *mm);

/*
 * Checked builds: name the pool principal (vrm/pool.h) whose memory this
 * stage-2 maps, so the checker can ask, for every page a write maps,
 * whether that principal owns or borrows it (Memory-Isolation). Call once
 * after vrm_pgt_init(), before the first map. 0 (the default): unchecked.
 * Other builds store it and nothing reads it.
 */
void vrm_pgt_set_principal(struct vrm_pgt *pgt, uint32_t principal);

/*
 * Stage 2: the VMID later TLB flushes of this table name, when the VM got
 * a new one (vrm/vmid.h: a VM stale after a VMID rollover is handed a VMID
 * of the new generation at its next vCPU load). Takes pgt->lock, so no
 * operation of the table flushes half with one VMID and half with the
 * other. The caller guarantees that no TLB holds entries of this table
 * under the old VMID (the rollover's flush dropped them and the VM has not
 * run with it since), as vrm_vmid_get does for the VMIDs it changes.
 * -VRM_EINVAL (nothing changed): an EL2 table, or vmid above
 * VRM_TLB_VMID_MAX.
 */
int vrm_pgt_set_vmid(struct vrm_pgt *pgt, uint16_t vmid);

/*
 * Stage 2: the VTTBR_EL2 value of the table (root PA as BADDR, CnP 0, its
 * VMID), what a vCPU of the VM loads and what the stage-2 flushes of
 * <vrm/tlb.h> take. The root must lie below 2^48: a root above needs
 * PA[51:48] in BADDR[5:2] (FEAT_LPA2), which this helper does not encode.
 */
static inline uint64_t vrm_pgt_vttbr(const struct vrm_pgt *pgt)
{
	return vrm_tlb_vttbr(pgt->root_pa, pgt->vmid);
}

/*
 * Hand every table page (root included) back to mm->free_page. Leaves'
 * target pages are not touched. Precondition: no CPU can walk the table any
 * more (it is not installed in a VTTBR/TTBR, its VMID / EL2 TLB entries
 * were flushed, software walkers have finished). Allowed for kernel tables:
 * the end of a table's life is not a change of an entry.
 */
void vrm_pgt_destroy(struct vrm_pgt *pgt);

/* VTCR_EL2 bits this stage-2 table needs: T0SZ, SL0, TG0=4K, SH0=IS,
 * IRGN0/ORGN0=WBWA. The caller ORs in PS, VS, HA and friends. */
uint64_t vrm_pgt_vtcr(const struct vrm_pgt *pgt);

/* ---- Operations. All take and release pgt->lock. Addresses and sizes
 * must be 4 KiB aligned, size > 0, [ia, ia + size) inside the configured
 * input range without wrapping, pa + size within 48 bits and prot valid for
 * the stage; otherwise -VRM_EINVAL and nothing is written. Every rejected
 * call (any error) writes nothing and issues no TLB maintenance. */

/*
 * Map [ia, ia + size) to [pa, pa + size) with prot, using 1 GiB / 2 MiB
 * blocks where ia, pa and size allow and an invalid entry is there.
 * Write-once: only invalid entries are written (never with BBM).
 * Errors: -VRM_EEXIST some page of the range is mapped differently (other
 * pa or prot); -VRM_ENOMEM the allocator failed; -VRM_EINVAL as above.
 * An identical existing mapping (same pa and prot, any block size) is not
 * an error: those pages are left as they are and the call returns 0.
 * Completion: a call that needs no TLB flush (a map always) ends with a
 * DSB ISHST, so other PEs' walks see the new entries once the lock is
 * released; on an EL2 stage-1 table with DSB ISHST; ISB
 * (vrm_tlb_sync_el2_map), so the calling PE's next instruction may use
 * them. Same for remap and set_prot calls that flush nothing.
 */
int vrm_pgt_map(struct vrm_pgt *pgt, uint64_t ia, vrm_pa_t pa, uint64_t size, uint32_t prot);

/*
 * Make [ia, ia + size) map [pa, pa + size) with prot, whatever was mapped
 * there: invalid entries are written as by map; a valid entry that differs
 * is replaced through break-before-make (one TLBI per entry); a block only
 * partly covered, or whose new pa is not aligned to its size, is split
 * first (also BBM), the new table reproducing the old mapping.
 * Errors: -VRM_EPERM kernel table and some valid entry would change;
 * -VRM_ENOMEM; -VRM_EINVAL.
 */
int vrm_pgt_remap(struct vrm_pgt *pgt, uint64_t ia, vrm_pa_t pa, uint64_t size, uint32_t prot);

/*
 * Table pages vrm_pgt_map (remap false) or vrm_pgt_remap (remap true)
 * with these arguments would take from mm->zalloc_page if called now: the
 * call's own plan walk, run under pgt->lock without allocating or writing
 * anything. The call allocates exactly that many before its first write
 * (and frees the ones it did not link), so a memcache topped up to it
 * cannot run dry (pKVM sizes its memcache before kvm_pgtable_stage2_map
 * the same way, by a worst case). Exact only while no other call changes
 * the table in between: serialise the query and the call (pKVM holds the
 * VM's lock across both). 0 and *pages, or the error the call would
 * return (-VRM_EINVAL, -VRM_EEXIST, -VRM_EPERM; never -VRM_ENOMEM), with
 * *pages untouched; -VRM_EINVAL also for a NULL pages.
 */
int vrm_pgt_pages_needed(struct vrm_pgt *pgt, uint64_t ia, vrm_pa_t pa, uint64_t size,
			 uint32_t prot, bool remap, uint64_t *pages);

/*
 * A stack of zeroed table pages for mm->zalloc_page to draw from, filled
 * ahead of a call (pages the host donated, or the hypervisor's own), as
 * pKVM's kvm_hyp_memcache: with vrm_pgt_pages_needed pages in it the map
 * cannot fail for memory. Linked through each page's first word (pop
 * clears it again, so a page comes out as zeroed as it went in). Not
 * thread-safe: one per CPU or vCPU, or under the caller's lock. A zeroed
 * struct is an empty memcache.
 */
struct vrm_pgt_memcache {
	uint64_t *head;  /* top page, NULL when empty */
	uint64_t nr;     /* pages held */
};
/* Add a zeroed 4 KiB-aligned page. -VRM_EINVAL (nothing changed): mc or
 * page NULL, or page not 4 KiB aligned. */
int vrm_pgt_memcache_push(struct vrm_pgt_memcache *mc, void *page);
/* Take the page pushed last, zeroed; NULL when empty (or mc NULL). */
void *vrm_pgt_memcache_pop(struct vrm_pgt_memcache *mc);

/*
 * Change the prot of the valid mappings in [ia, ia + size); holes are
 * skipped. Permission-only changes are written in place (no BBM); a memory
 * type change goes through BBM; partly covered blocks are split (BBM).
 * One TLB flush over the range when some permission was removed.
 * Errors: -VRM_EPERM kernel table and some entry would change;
 * -VRM_ENOMEM (split); -VRM_EINVAL.
 */
int vrm_pgt_set_prot(struct vrm_pgt *pgt, uint64_t ia, uint64_t size, uint32_t prot);

/*
 * Unmap [ia, ia + size): invalidate the leaves, then ONE TLB flush over the
 * range, then free the table pages that became empty (after the flush).
 * Holes are not an error. A partly covered block is split first (BBM,
 * its own TLBI). Errors: -VRM_EPERM kernel table and the range holds a
 * valid entry; -VRM_ENOMEM (split); -VRM_EINVAL.
 */
int vrm_pgt_unmap(struct vrm_pgt *pgt, uint64_t ia, uint64_t size);

/*
 * Translate one address under the lock. On success *pa is the output
 * address of ia (not rounded), *prot its prot, *level the leaf's level;
 * any of the out pointers may be NULL.
 * Errors: -VRM_ENOENT not mapped; -VRM_EINVAL ia outside the input range.
 */
int vrm_pgt_lookup(struct vrm_pgt *pgt, uint64_t ia, vrm_pa_t *pa, uint32_t *prot, int *level);

/* ---- The walker: one visitor walk serves map, unmap, protect, lookup. */
enum vrm_pgt_visit {
	VRM_PGT_VISIT_LEAF       = 1u << 0, /* block, page or invalid entry */
	VRM_PGT_VISIT_TABLE_PRE  = 1u << 1, /* table entry, before its children */
	VRM_PGT_VISIT_TABLE_POST = 1u << 2, /* table entry, after its children */
	/* The leaf-run fast path (the one map and unmap use): a LEAF visit
	 * may return n >= 1, meaning it handled this entry and the n - 1 that
	 * follow it in the same table (n <= vrm_pgt_visit_run_room(ctx); a
	 * larger n is cut at the table's end), which the walker then neither
	 * reads again nor descends nor visits. */
	VRM_PGT_VISIT_LEAF_RUN   = 1u << 3,
};

struct vrm_pgt_visit_ctx {
	struct vrm_pgt *pgt;
	uint64_t *ptep;     /* the entry visited */
	uint64_t old;       /* snapshot of *ptep taken just before the visit */
	uint64_t addr;      /* first input address the entry maps (aligned) */
	uint64_t start;     /* the walk's range [start, end) */
	uint64_t end;
	int level;
	void *arg;          /* the visitor's arg */
};

/* Return 0 to go on, a negative VRM_E* to stop the walk with it. */
typedef int (*vrm_pgt_visitor_fn)(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which);

struct vrm_pgt_visitor {
	vrm_pgt_visitor_fn fn;
	void *arg;
};

/*
 * Visit every entry that overlaps [start, start + size), in address order,
 * depth first, under pgt->lock; `flags` selects which visits (VRM_PGT_VISIT_*)
 * happen. After a leaf visit the entry is read again, and the walk descends
 * if it is now a table. Visitors given to this public function must not
 * write descriptors (changes go through map/remap/set_prot/unmap, which
 * use the same walker internally).
 * Errors: the first negative visitor result; -VRM_EINVAL bad range.
 */
int vrm_pgt_walk(struct vrm_pgt *pgt, uint64_t start, uint64_t size,
		 const struct vrm_pgt_visitor *visitor, unsigned flags);

/* Entries from ctx->ptep on, in its table, each wholly inside the walk's
 * range: what a VRM_PGT_VISIT_LEAF_RUN visit may handle at once (0 when
 * the visited entry itself sticks out of the range). */
uint64_t vrm_pgt_visit_run_room(const struct vrm_pgt_visit_ctx *ctx);

/* ---- Leaf bits the library leaves to its caller. */
/* Access flag (AF, bit 10). Every leaf libvrm builds has it set; an update
 * walk may clear it (page ageing: the next access faults, or sets it with
 * FEAT_HAFDBS) and set it again, in place. */
#define VRM_PGT_DESC_AF      (UINT64_C(1) << 10)
/* Software bits [58:55] of a leaf, ignored by the MMU (Arm ARM D8.3.2
 * "Software-managed bits"): pKVM keeps a page's state in SW0/SW1
 * (PKVM_PAGE_SHARED_OWNED / _BORROWED). Only update walks write them;
 * map / remap / set_prot keep or drop them as they keep or drop the leaf. */
#define VRM_PGT_DESC_SW_SHIFT 55
#define VRM_PGT_DESC_SW_MASK (UINT64_C(0xf) << VRM_PGT_DESC_SW_SHIFT)
#define VRM_PGT_DESC_SW(n)   (UINT64_C(1) << (VRM_PGT_DESC_SW_SHIFT + (n))) /* n in 0..3 */

/*
 * Annotated invalid entries (pKVM's kvm_pgtable_stage2_set_owner): bit 0
 * clear, so every MMU walk faults on them (Arm ARM D8.3.1: the other bits
 * of an invalid descriptor are ignored), and an owner id in bits [17:2]
 * (16 bits: a vrm/pool.h principal fits), so that a fault handler can tell
 * "donated to VM 3" from "never mapped" without the pool. Nothing else is
 * set in them. Written by update walks only. Tables that hold an
 * annotation are not empty: unmap frees only tables with all entries
 * zero, and unmap clears the annotations in its range, splitting a
 * block-sized one that sticks out of it (no flush: the Arm ARM does not
 * let a TLB cache an entry that gives a Translation fault). map and remap
 * treat an annotated entry as the invalid entry it is and write over it;
 * a table they link below an annotated block-sized entry starts zeroed,
 * so that entry's annotation is gone for the whole entry (clear or split
 * it first with an update walk in VRM_PGT_UPDATE_SPLIT mode, or annotate
 * pages where a later map may split them).
 */
#define VRM_PGT_ANNOT_SHIFT 2
#define VRM_PGT_ANNOT_MASK  (UINT64_C(0xffff) << VRM_PGT_ANNOT_SHIFT)
/* The invalid descriptor naming `owner` (1..0xffff; 0 gives 0, no annotation). */
static inline uint64_t vrm_pgt_desc_annot(uint32_t owner)
{
	return ((uint64_t)owner << VRM_PGT_ANNOT_SHIFT) & VRM_PGT_ANNOT_MASK;
}
/* The owner an invalid descriptor names; 0 for a valid one or a plain 0. */
static inline uint32_t vrm_pgt_desc_owner(uint64_t desc)
{
	return (desc & 1) ? 0 : (uint32_t)((desc & VRM_PGT_ANNOT_MASK) >> VRM_PGT_ANNOT_SHIFT);
}

/*
 * The annotation of the entry translating ia, under the lock: 0 and *owner
 * (may be NULL) when it is annotated; -VRM_ENOENT a plain invalid entry;
 * -VRM_EEXIST ia is mapped (vrm_pgt_lookup says how); -VRM_EINVAL ia
 * outside the input range.
 */
int vrm_pgt_lookup_owner(struct vrm_pgt *pgt, uint64_t ia, uint32_t *owner);

/* ---- Update walks: visitors that choose an entry's new descriptor. */
/*
 * Called for every non-table entry overlapping the range (valid leaves and
 * invalid entries, annotated or not), in address order, with *new_desc
 * preset to ctx->old. Set *new_desc to the descriptor the entry should
 * hold (leaving it is "no change") and return 0, or return a negative
 * VRM_E* to refuse the call. By default entries are visited whole: a
 * block that sticks out of the range is seen with its own extent
 * (ctx->addr, ctx->level) and a change to it changes all of it, as KVM's
 * stage-2 attribute walkers do. With VRM_PGT_UPDATE_SPLIT the visitor
 * sees only entries inside the range, as kvm_pgtable_stage2_set_owner
 * does: an entry that sticks out (valid block, hole or annotation) is
 * split into the 512 pieces that say what it said, again where a piece
 * sticks out, and only where the visitor changes some piece inside the
 * range (its plan answers decide; a split needs a table page, -ENOMEM,
 * and of a valid kernel entry is -EPERM).
 * Each entry is visited at least twice: with commit false, to check the
 * whole range before anything is written, then with commit true, to write
 * (split mode asks more plan questions, about the pieces a split would
 * make: ctx->ptep is NULL in those). The visitor must give the same answer
 * every time (a function of the entry and its own state that only its
 * commit visits change, e.g. a young-page count), and decide from
 * ctx->old, never *ctx->ptep.
 */
typedef int (*vrm_pgt_update_fn)(const struct vrm_pgt_visit_ctx *ctx, bool commit,
				 uint64_t *new_desc);

/* vrm_pgt_updater.flags */
#define VRM_PGT_UPDATE_SPLIT (1u << 0) /* visit only what lies inside the range */

struct vrm_pgt_updater {
	vrm_pgt_update_fn fn;
	void *arg;      /* ctx->arg in its calls */
	unsigned flags; /* VRM_PGT_UPDATE_* */
};

/*
 * An update walk over [ia, ia + size) (4 KiB aligned, inside the input
 * range), under pgt->lock. What a visitor may ask for, checked for every
 * entry in the first pass (-VRM_EINVAL, nothing written):
 *   - an invalid descriptor: 0, or vrm_pgt_desc_annot(owner);
 *   - a valid leaf: exactly what vrm_pgt_desc_leaf(stage, oa, ctx->level,
 *     prot) builds for some prot that vrm_pgt_prot_valid accepts (W^X at
 *     EL2, no executable Device memory, ...), except for AF and the SW
 *     bits, which are the visitor's; a level that holds leaves (1-3). No
 *     table descriptors: the library alone links tables.
 * And, a kernel table (Write-Once-Kernel-Mapping): a valid entry stays as
 * it is (-VRM_EPERM, nothing written); invalid ones may become anything.
 * How each change is written (Transactional-Page-Table):
 *   invalid -> anything      a single store (write-once), no flush;
 *   valid -> invalid         a single store, then the call's batched flush
 *                            (an unmap of that entry; its tables stay);
 *   valid -> valid, same output address and memory type, differing in
 *                            permissions, AF or SW bits only: in place
 *                            (Arm ARM D8.14.1 needs no break-before-make),
 *                            and the batched flush when a permission was
 *                            removed; clearing AF alone does not flush (as
 *                            KVM's stage-2 mkold: a TLB that still holds
 *                            the young entry only delays the next fault);
 *   valid -> valid otherwise break-before-make, that entry's own TLBI.
 * ONE flush at the end covers every entry whose removal needed it (their
 * extent: whole blocks included), and is complete before the call
 * returns, so the caller may then reuse unmapped pages
 * (Sequential-TLB-Invalidation). A call with nothing to flush ends as map
 * does (DSB ISHST; EL2 stage 1 also ISB).
 * Errors: -VRM_EINVAL bad range, a NULL updater or fn, unknown flags, or
 * a descriptor above; -VRM_EPERM as above; -VRM_ENOMEM (split mode) the
 * allocator failed for a split's table; the visitor's own error. All leave
 * the table unchanged and issue no TLB maintenance.
 */
int vrm_pgt_update(struct vrm_pgt *pgt, uint64_t ia, uint64_t size,
		   const struct vrm_pgt_updater *updater);
/*
 * The plan pass of vrm_pgt_update alone (the visitor is asked with commit
 * false only; nothing is written): *pages is exactly the number of pages
 * that call would take from mm->zalloc_page now (one per split; 0 without
 * VRM_PGT_UPDATE_SPLIT), to fill a memcache first as with
 * vrm_pgt_pages_needed. Exact only if nothing changes the table (or the
 * visitor's answers) between the query and the call. Errors as the call's,
 * never -VRM_ENOMEM, plus -VRM_EINVAL for pages NULL; *pages is then
 * untouched.
 */
int vrm_pgt_update_pages_needed(struct vrm_pgt *pgt, uint64_t ia, uint64_t size,
				const struct vrm_pgt_updater *updater, uint64_t *pages);

/* ---- Lock-free, hardware-like translation. */
struct vrm_pgt_xlate {
	vrm_pa_t pa;       /* output address of the input address */
	uint32_t prot;
	int level;         /* level of the leaf (or of the faulting entry) */
	uint64_t desc;     /* the leaf descriptor as read */
};

/*
 * Walk as an MMU does: no lock; every descriptor is read exactly once,
 * single-copy atomically, with acquire order (so the zeroes of a table
 * published with release are seen). Usable concurrently with writers as
 * the TLB model's MMU walker and by software walkers (hosted: inside
 * vrm_pgt_rcu_read_lock, see pgtable_rcu.h). Returns 0 and fills *out, or
 * -VRM_ENOENT (translation fault; out->level = faulting level),
 * -VRM_EINVAL (ia outside the input range).
 */
int vrm_pgt_hw_walk(const struct vrm_pgt *pgt, uint64_t ia, struct vrm_pgt_xlate *out);

#endif /* VRM_PGTABLE_H */
