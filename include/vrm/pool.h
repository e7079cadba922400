/* SPDX-License-Identifier: MIT */
/*
 * Ownership-tracked page pool: discharges Memory-Isolation (the host and the
 * VMs reach only pages they own or borrow; nobody but the hypervisor reaches
 * hypervisor pages) and, for ownership changes, Sequential-TLB-Invalidation
 * (a page is handed on only after its giver's unmap and TLB flush completed).
 * It is the model of pKVM's page states (mem_protect.c: PKVM_PAGE_OWNED,
 * SHARED_OWNED, SHARED_BORROWED) and SeKVM's s2_page {owner, count}.
 *
 * For a physical range [base, base + npages * 4 KiB) the pool keeps one
 * 8-byte record per page in caller-provided memory: owner, state, share
 * count, borrower, and whether a hyp page is free in the hyp allocator.
 *
 * Principals: VRM_PRINCIPAL_NONE (no owner: MMIO holes, memory nobody may
 * have), VRM_PRINCIPAL_HYP, VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_VM(n) for
 * n < max_vms (max_vms <= VRM_POOL_MAX_VMS).
 *
 * States of a page, seen from its owner: OWNED (nobody else has it) or
 * SHARED_OWNED (lent to exactly one borrower, share count >= 1); seen from
 * the borrower: SHARED_BORROWED. A page has one borrower principal at most;
 * the share count is the number of outstanding share grants to it (each
 * vrm_pool_share() of the page adds one, each vrm_pool_unshare() drops one;
 * the borrower's mapping exists while the count is >= 1).
 *
 * Transitions (each checks the whole range first, then mutates; a rejected
 * or failed call leaves metadata and every stage-2 as they were):
 *   donate  host -> VM, host -> hyp, hyp -> host  (hyp -> host is scrubbed)
 *   share   host -> VM, VM -> host; unshare the reverse
 *   reclaim every page of a dead VM: scrubbed, returned to the host
 *   hyp allocator: hyp-owned pages that are free, alloc/free 2^order runs
 *
 * Errors: -VRM_EINVAL malformed (misaligned, zero/outside the range, VM id
 * >= max_vms, a direction the pool does not support, order too large);
 * -VRM_EPERM a page is not in the state the call needs (not owned by `from`,
 * not shared by `owner` to `borrower`, double donate, hyp_free of a page not
 * allocated); -VRM_EBUSY a live share is in the way (donating or sharing to
 * someone else a page that is lent out; reclaiming a VM that still lends a
 * page to the host); -VRM_EOVERFLOW a share count would pass
 * VRM_POOL_SHARE_MAX; -VRM_ENOMEM the hyp allocator has no free run, or an
 * ops callback's error (passed through) after a complete rollback.
 *
 * Locks (vrm_ticket_t, in struct vrm_pool). Order, as pKVM: host -> hyp ->
 * VM stripe i (ascending i). A page's record is written only with the lock
 * of its owner held, and of its borrower or new owner when one is involved;
 * so a page owned by P cannot stop being P's while P's lock is held, and a
 * page not owned by P cannot become P's. VM n uses stripe n % VRM_POOL_VM_LOCKS.
 * Records are read/written as single-copy-atomic 64-bit words, so a racy
 * read by a holder of other locks (reclaim's scan) is well defined.
 *   host lock: everything the host gives, lends or gets (donate, share,
 *              unshare, reclaim all take it first)
 *   hyp lock:  hyp-owned pages and the hyp allocator's free flags and cursor
 *   VM stripe: pages a VM owns or borrows
 *   check_invariants and for_each(NONE) take all of them, in order.
 *
 * Ops callbacks are called with the pool locks of the principals involved
 * held, never with any other pool lock released in between; they must not
 * call back into the pool, and any lock they take (e.g. a stage-2 table
 * lock) sits below the pool locks in the lock order.
 *
 * Ops contract (the pool speaks physical addresses; where a principal's
 * table places a page -- its IPA -- is the environment's business, e.g.
 * identity for the host):
 *   reserve(ctx, who, pa, n)  prepare phase: reserve all page-table memory
 *       that map/unmap of [pa, pa + n pages) for `who` may need (pKVM's
 *       memcache top-up). May fail (nothing has changed then). Called for
 *       every range the commit will map or unmap, before the first mutation;
 *       reservations may be kept for later calls. NULL: nothing to reserve.
 *   unmap(ctx, who, pa, n)  remove any mapping of the range from who's
 *       table, and return only after the TLB invalidation for it completed
 *       (DSB after TLBI): the pool hands the pages on right after. Unmapping
 *       a page that is not mapped succeeds. All-or-nothing: on error the
 *       table is unchanged.
 *   map(ctx, who, pa, n, state)  map the range for who; `state` is the
 *       page state who will have (OWNED, SHARED_BORROWED), e.g. for PTE
 *       software bits. All-or-nothing: on error the table is unchanged.
 *       An environment that maps lazily (the host faulting pages in after
 *       asking the pool) may make it a no-op.
 *   pa_to_va(ctx, pa)  the hypervisor's address of a page, for zeroing.
 *   is_mapped(ctx, who, pa)  optional (NULL: skipped): whether who's table
 *       maps the page; used only by vrm_pool_check_invariants().
 * After a successful reserve, map and unmap should not fail. If one fails
 * anyway the pool rolls back: it undoes the metadata and re-maps what it
 * unmapped (using the same reservation), then returns the error. If a
 * rollback re-map fails too, the pages stay owned by the giver but unmapped
 * (fewer mappings never break isolation), and the call returns the error.
 *
 * For HYP, map/unmap refer to the hypervisor's own table; an environment
 * whose EL2 map covers all memory, write-once (SeKVM), makes them no-ops.
 */
#ifndef VRM_POOL_H
#define VRM_POOL_H

#include <vrm/ticket.h>
#include <vrm/types.h>

typedef uint32_t vrm_principal_t;

#define VRM_PRINCIPAL_NONE    UINT32_C(0)
#define VRM_PRINCIPAL_HYP     UINT32_C(1)
#define VRM_PRINCIPAL_HOST    UINT32_C(2)
#define VRM_PRINCIPAL_VM(n)   (UINT32_C(3) + (uint32_t)(n))
#define VRM_PRINCIPAL_IS_VM(p) ((p) >= UINT32_C(3))
#define VRM_PRINCIPAL_VM_ID(p) ((p) - UINT32_C(3))

/* Principals are stored in 16 bits. */
#define VRM_POOL_MAX_VMS 65000u
/* Share grants per page. */
#define VRM_POOL_SHARE_MAX 0xffffu
/* VM lock stripes. */
#define VRM_POOL_VM_LOCKS 16u
/* Largest hyp allocator run: 2^VRM_POOL_MAX_ORDER pages. */
#define VRM_POOL_MAX_ORDER 18u

enum vrm_pool_state {
	VRM_POOL_NOPAGE = 0,         /* (for_each/state_of) the principal has no access */
	VRM_POOL_OWNED = 1,          /* owner has it alone */
	VRM_POOL_SHARED_OWNED = 2,   /* owner lent it to a borrower */
	VRM_POOL_SHARED_BORROWED = 3 /* (borrower's view) borrowed from the owner */
};

/* One page's record: a single 64-bit word, read and written whole. Layout
 * (private, use the queries): owner[15:0] borrower[31:16] count[47:32]
 * state[55:48] flags[63:56]. */
struct vrm_pool_page {
	uint64_t word;
};

struct vrm_pool_ops {
	void *ctx;
	int (*reserve)(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t npages);
	int (*map)(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t npages,
		   enum vrm_pool_state state);
	int (*unmap)(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t npages);
	void *(*pa_to_va)(void *ctx, vrm_pa_t pa);
	bool (*is_mapped)(void *ctx, vrm_principal_t who, vrm_pa_t pa);
};

struct vrm_pool {
	vrm_ticket_t host_lock;
	vrm_ticket_t hyp_lock;
	vrm_ticket_t vm_locks[VRM_POOL_VM_LOCKS];
	vrm_pa_t base;
	uint64_t npages;
	struct vrm_pool_page *meta;
	uint32_t max_vms;
	uint64_t alloc_cursor; /* hyp allocator next-fit hint; hyp lock */
	struct vrm_pool_ops ops;
	/* Ownership-event hook: called for every ownership/state change of
	 * a run of pages, with the locks held, after the metadata changed
	 * (the checker hooks here). NULL: none. */
	void (*on_transition)(void *arg, vrm_pa_t pa, uint64_t npages,
			      vrm_principal_t old_owner, vrm_principal_t new_owner,
			      vrm_principal_t borrower, enum vrm_pool_state new_state);
	void *on_transition_arg;
	vrm_pa_t bad_pa; /* set by vrm_pool_check_invariants() on failure */
};

/*
 * Every page starts owned by the host, unshared (as pKVM at boot); mark
 * holes and the hypervisor's own pages with vrm_pool_boot_assign() before
 * the pool is shared. base page-aligned, npages >= 1, meta has npages
 * records, ops->map/unmap/pa_to_va non-NULL, max_vms <= VRM_POOL_MAX_VMS.
 * -EINVAL otherwise (pool untouched).
 */
int vrm_pool_init(struct vrm_pool *pool, vrm_pa_t base, uint64_t npages,
		  struct vrm_pool_page *meta, uint32_t max_vms,
		  const struct vrm_pool_ops *ops);

/*
 * Boot-time only (no callbacks, no locks; the caller builds tables that
 * agree): give unshared pages to NONE, HYP (free in the hyp allocator) or
 * HOST. -EINVAL bad range or principal; -EPERM a page is shared or an
 * allocated hyp page.
 */
int vrm_pool_boot_assign(struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages,
			 vrm_principal_t owner);

/* Ownership moves from `from` to `to`: host->VM, host->hyp, hyp->host.
 * Every page must be owned, unshared, by `from` (-EPERM; -EBUSY if lent
 * out); a hyp page must be allocated, not free in the allocator (-EPERM).
 * Callbacks: reserve(from), reserve(to), unmap(from) [+flush], scrub if
 * from is HYP, metadata, map(to, OWNED). Pages donated to the hyp arrive
 * allocated (the caller uses them; vrm_pool_hyp_free() puts them in the
 * allocator). */
int vrm_pool_donate(struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages,
		    vrm_principal_t from, vrm_principal_t to);

/* owner lends to borrower (host->VM or VM->host). Each page must be owned
 * by owner and either unshared or already lent to borrower (then its count
 * grows; -EBUSY if lent to someone else; -EOVERFLOW at VRM_POOL_SHARE_MAX).
 * Pages shared for the first time: reserve(borrower), metadata,
 * map(borrower, SHARED_BORROWED). The owner's mapping stays. */
int vrm_pool_share(struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages,
		   vrm_principal_t owner, vrm_principal_t borrower);

/* Drops one grant per page. Each page must be owned by owner and lent to
 * borrower (-EPERM otherwise). Pages whose count reaches 0:
 * reserve(borrower), unmap(borrower) [+flush], then metadata (OWNED). */
int vrm_pool_unshare(struct vrm_pool *pool, vrm_pa_t pa, uint64_t npages,
		     vrm_principal_t owner, vrm_principal_t borrower);

/* The VM is dead: every page it borrows is unmapped from it and its grants
 * dropped; every page it owns is unmapped from it, zeroed, owned by the host
 * and mapped for the host. -EBUSY (nothing changed) while any page the VM
 * owns is still lent out (the host must unshare first: scrubbing memory the
 * host still maps would corrupt the host, not protect it). A reclaim that
 * fails in its commit (a host map callback) is rolled back in ownership
 * and mappings, but pages it already zeroed stay zeroed (the VM is dead). */
int vrm_pool_reclaim(struct vrm_pool *pool, vrm_principal_t vm);

/* A free, zeroed, 2^order-aligned run of 2^order hyp pages; -ENOMEM none,
 * -EINVAL order > VRM_POOL_MAX_ORDER. Next-fit scan (O(npages) worst). */
int vrm_pool_hyp_alloc(struct vrm_pool *pool, uint32_t order, vrm_pa_t *pa);
/* Return an allocated run of hyp pages (any hyp-owned allocated pages,
 * e.g. donated ones, 2^order of them from pa) to the allocator. */
int vrm_pool_hyp_free(struct vrm_pool *pool, vrm_pa_t pa, uint32_t order);

/*
 * Buddy allocator (pKVM's nvhe/page_alloc.c shape), the hyp allocator's
 * replacement in the making: blocks of 2^order pages, 0 <= order <=
 * VRM_POOL_MAX_ORDER, aligned to their size in *physical* frame number,
 * kept on one free list per order; alloc takes the smallest free block
 * that fits and splits it (upper halves go back on the lists), free
 * coalesces a block with its buddy (pfn ^ 2^order) while the buddy is a
 * free block of the same order. Both are O(VRM_POOL_MAX_ORDER) list steps
 * plus O(2^order) to mark the block's pages, where the next-fit scan of
 * vrm_pool_hyp_alloc() is O(pages). Free blocks are always fully
 * coalesced, so a 2^order allocation fails (-ENOMEM) only when no aligned
 * run of 2^order pages is free.
 *
 * State lives in the caller's array of one struct vrm_buddy_page per page
 * (12 bytes), never in the free pages themselves: a page's contents may
 * come from the host (donated memory), and nothing read from it decides
 * what is free. Allocated blocks are refcounted (pKVM's hyp_page
 * refcount): alloc hands out a block with count 1; get/put move it; the
 * put that drops it to 0 frees the block. Pages that did not come from
 * alloc (boot memory, pages donated to the hyp) join with free_range.
 *
 * Not thread-safe: the caller serialises every call (the pool's hyp lock
 * once the pool uses it). A rejected call changes nothing.
 */
struct vrm_buddy_page {
	uint32_t next, prev; /* free-list links (page indices) of a free head */
	uint16_t refcount;   /* allocated head: holders (>= 1); else 0 */
	uint8_t order;       /* free or allocated head: its order */
	uint8_t flags;       /* private */
};

struct vrm_buddy {
	struct vrm_buddy_page *pages;
	uint64_t npages;
	uint64_t base_pfn;
	uint64_t nfree;                             /* free pages */
	uint32_t head[VRM_POOL_MAX_ORDER + 1];      /* free list per order */
};

/* Pages [base_pfn, base_pfn + npages), all allocated (none free, none
 * counted: join them with free_range). npages >= 1 and < 2^32 - 1, pages
 * non-NULL with npages entries, base_pfn + npages must not wrap: else
 * -EINVAL, b untouched. */
int vrm_buddy_init(struct vrm_buddy *b, uint64_t base_pfn, uint64_t npages,
		   struct vrm_buddy_page *pages);
/* A free block of 2^order pages: its first page index in *idx, refcount
 * 1. -EINVAL order > VRM_POOL_MAX_ORDER or idx NULL; -ENOMEM no free
 * aligned run of 2^order pages. The pages' contents are not touched. */
int vrm_buddy_alloc(struct vrm_buddy *b, uint32_t order, uint64_t *idx);
/* One more holder of the allocated block at idx: -EINVAL idx is not the
 * first page of an allocated block; -EOVERFLOW at 0xffff holders. */
int vrm_buddy_get(struct vrm_buddy *b, uint64_t idx);
/* One holder fewer; at 0 the block is freed (coalescing). -EINVAL idx is
 * not the first page of an allocated block. */
int vrm_buddy_put(struct vrm_buddy *b, uint64_t idx);
/* Pages [idx, idx + n) that alloc did not hand out join the free lists, as
 * maximal aligned blocks, coalescing. -EINVAL empty or out of range;
 * -EPERM some page is free already or belongs to an allocated block. */
int vrm_buddy_free_range(struct vrm_buddy *b, uint64_t idx, uint64_t n);
/* The page is free (in some free block). false outside the range. */
bool vrm_buddy_is_free(const struct vrm_buddy *b, uint64_t idx);

/* Owner, owner-side state and share count of one page; borrower may be
 * NULL. -EINVAL outside the range. A snapshot (no lock taken). */
int vrm_pool_owner(const struct vrm_pool *pool, vrm_pa_t pa, vrm_principal_t *owner,
		   enum vrm_pool_state *state, uint32_t *count,
		   vrm_principal_t *borrower);
/* Page state as `who` sees it (NOPAGE/OWNED/SHARED_OWNED/SHARED_BORROWED).
 * Returns the state, or VRM_POOL_NOPAGE for bad arguments. Snapshot. */
enum vrm_pool_state vrm_pool_state_of(const struct vrm_pool *pool, vrm_pa_t pa,
				      vrm_principal_t who);

/* Calls fn for each maximal run of pages `who` owns or borrows, in address
 * order, with `who`'s state of the run, holding who's pool lock (and every
 * lock for NONE); fn must not call the pool. A nonzero return from fn stops
 * the walk and is returned. -EINVAL bad principal. */
typedef int (*vrm_pool_visit_fn)(void *arg, vrm_pa_t pa, uint64_t npages,
				 enum vrm_pool_state state);
int vrm_pool_for_each(struct vrm_pool *pool, vrm_principal_t who,
		      vrm_pool_visit_fn fn, void *arg);

/* Zero one 4 KiB page at va (the core's memset; see lib/pool/alloc.c). */
void vrm_pool_scrub_page(void *va);

/*
 * Takes every lock and checks: each record well formed (one owner that is a
 * valid principal; OWNED <=> count 0 and no borrower; SHARED_OWNED <=>
 * count >= 1 and the borrower is the host when the owner is a VM, a VM when
 * the owner is the host; free flag only on OWNED hyp pages; NONE pages
 * unshared); and, if ops->is_mapped is set, that the host and every VM map
 * only pages they own or borrow (so no hyp or NONE page is mapped in a
 * host/VM table). Returns 0, -VRM_EINVAL (a malformed record) or
 * -VRM_EPERM (a table maps a page its principal neither owns nor borrows);
 * on failure pool->bad_pa names the first offending page.
 */
int vrm_pool_check_invariants(struct vrm_pool *pool);

/*
 * The checker's owner query (vrm_check_set_owner_query(vrm_pool_may_map,
 * pool)): true when `principal` owns or borrows `pa`, which is what its
 * stage-2 may map (Memory-Isolation); *is_hyp tells the hypervisor owns it.
 * Addresses outside the pool (MMIO) are not the pool's to judge: true.
 * Lock-free (one single-copy-atomic read of the page's word): callable
 * from inside the pool's own stage-2 callbacks.
 */
bool vrm_pool_may_map(void *pool, vrm_pa_t pa, uint32_t principal, bool *is_hyp);

#endif /* VRM_POOL_H */
