/* SPDX-License-Identifier: MIT */
/*
 * The error contract of docs/api.md, row by row: every fallible public
 * function gets bad inputs (and the states that must refuse it) from a
 * TABLE; each row cites the tag {#err:...} of the doc line it checks, and
 * asserts the documented errno and that nothing changed: pool records and
 * stage-2 mappings, every page-table page byte for byte, the TLB trace (no
 * TLBI, no barrier) and the checker's counters. Two more tests keep the
 * table and the doc in step (every cited tag exists; every tag is cited).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vrm/arch/select.h>
#include <vrm/check.h>
#include <vrm/env.h>
#include <vrm/pgtable.h>
#include <vrm/pool.h>
#include <vrm/ticket.h>
#include <vrm/tlb.h>
#include <vrm/tlb_model.h>
#include <vrm/vmid.h>

#include "../pgtable/pgt_test_mm.h"
#include "../pool/pool_test_util.h"
#include "../tools/check_run.h"

#define NP 64
#define NVM 4
#define K4 UINT64_C(0x1000)
#define G1 UINT64_C(0x40000000)
#define S2_IA G1                      /* the stage-2 table maps a 2 MiB block here */
#define S2_PA UINT64_C(0x80000000)
#define K_IA UINT64_C(0x10000)        /* the kernel table maps one page here */
#define K_PA UINT64_C(0x90000000)

enum fn {
	F_RANGE_ENCODE, F_S2_IPA, F_S2_IPA_LOCAL, F_S2_RANGE, F_EL2_VA, F_EL2_RANGE,
	F_PGT_INIT, F_MAP, F_REMAP, F_NEED_MAP, F_NEED_REMAP, F_MC_PUSH, F_SET_PROT, F_UNMAP,
	F_LOOKUP, F_WALK, F_HW_WALK, F_UPDATE, F_LOOKUP_OWNER, F_UPDATE_NEED,
	F_POOL_INIT, F_BOOT_ASSIGN, F_DONATE, F_SHARE, F_UNSHARE, F_RECLAIM, F_HYP_ALLOC,
	F_HYP_FREE, F_OWNER, F_FOR_EACH, F_CHECK_INIT, F_CHECK_GUARD, F_MODEL_TRANSLATE,
	F_MODEL_LOOKUP, F_TICKET_SELECT, F_PGT_SET_VMID, F_VMID_INIT, F_VMID_GET, F_VMID_PUT,
	F_BUDDY_INIT, F_BUDDY_ALLOC, F_BUDDY_GET, F_BUDDY_PUT, F_BUDDY_FREE_RANGE,
};

/* Variants (row.x). */
#define X_KERNEL   0x01u /* the write-once kernel table instead of the stage-2 one */
#define X_NOMEM    0x02u /* the first page allocation fails */
#define X_CALLBACK 0x04u /* the first pool callback fails (-ENOMEM) */
#define X_NULL     0x08u /* a NULL pointer argument (the one the doc names) */
#define X_NULL2    0x10u /* a second kind of NULL (ops->map, mm->free_page) */
/* Buddy rows' row.a: the fixture's 2-page held block, its 0xffff-held one. */
#define B_HELD UINT64_C(1000)
#define B_FULL UINT64_C(1001)

struct row {
	const char *cite; /* {#err:...} tag in docs/api.md */
	enum fn fn;
	uint64_t a, b, c, d;
	unsigned x;
	int want;
};

#define P(i) PA(i)
#define H HOST
#define Y HYP
#define RW VRM_PGT_PROT_RW
#define RWX VRM_PGT_PROT_RWX
#define RX (VRM_PGT_PROT_R | VRM_PGT_PROT_X)
#define DEV VRM_PGT_PROT_DEVICE

static const struct row rows[] = {
	/* TLB */
	{ "tlb_range_encode.pages", F_RANGE_ENCODE, 0, 0, 0, 0, 0, -EINVAL },
	{ "tlb_range_encode.pages", F_RANGE_ENCODE, 0, VRM_TLB_RANGE_MAX_PAGES + 1, 0, 0, 0, -EINVAL },
	{ "tlb_range_encode.align", F_RANGE_ENCODE, 0x800, 2, 0, 0, 0, -EINVAL },
	{ "tlb_range_encode.limit", F_RANGE_ENCODE, (UINT64_C(1) << 49) - K4, 2, 0, 0, 0, -EINVAL },
	{ "tlb_range_encode.level", F_RANGE_ENCODE, 0, 2, 4, 0, 0, -EINVAL },
	{ "tlb_flush_s2_ipa.addr", F_S2_IPA, 1, 0x10, 0, 0, 0, -EINVAL },
	{ "tlb_flush_s2_ipa.addr", F_S2_IPA, 1, UINT64_C(1) << 52, 0, 0, 0, -EINVAL },
	{ "tlb_flush_s2_ipa.addr", F_S2_IPA_LOCAL, 1, 0x10, 0, 0, 0, -EINVAL },
	{ "tlb_flush_s2_ipa.level", F_S2_IPA, 1, K4, 4, 0, 0, -EINVAL },
	{ "tlb_flush_s2_ipa.level", F_S2_IPA_LOCAL, 1, K4, (uint64_t)-2, 0, 0, -EINVAL },
	{ "tlb_flush_s2_range.size", F_S2_RANGE, 1, 0, 0, 0, 0, -EINVAL },
	{ "tlb_flush_s2_range.size", F_S2_RANGE, 1, 0, K4 + 1, 0, 0, -EINVAL },
	{ "tlb_flush_s2_range.addr", F_S2_RANGE, 1, 0x10, K4, 0, 0, -EINVAL },
	{ "tlb_flush_s2_range.addr", F_S2_RANGE, 1, (UINT64_C(1) << 52) - K4, 2 * K4, 0, 0, -EINVAL },
	{ "tlb_flush_s2_range.level", F_S2_RANGE, 1, 0, K4, 5, 0, -EINVAL },
	{ "tlb_flush_el2_va.addr", F_EL2_VA, 0x10, 0, 0, 0, 0, -EINVAL },
	{ "tlb_flush_el2_va.addr", F_EL2_VA, UINT64_C(1) << 52, 0, 0, 0, 0, -EINVAL },
	{ "tlb_flush_el2_range.range", F_EL2_RANGE, 0, 0, 0, 0, 0, -EINVAL },
	{ "tlb_flush_el2_range.range", F_EL2_RANGE, UINT64_MAX & ~(K4 - 1), 2 * K4, 0, 0, 0, -EINVAL },
	/* page tables: init (a = stage, b = ia_bits, c = start_level, d = flags) */
	{ "pgt_init.stage", F_PGT_INIT, 2, 40, (uint64_t)-1, 0, 0, -EINVAL },
	{ "pgt_init.ia_bits", F_PGT_INIT, 0, 31, (uint64_t)-1, 0, 0, -EINVAL },
	{ "pgt_init.ia_bits", F_PGT_INIT, 0, 49, (uint64_t)-1, 0, 0, -EINVAL },
	{ "pgt_init.ia_bits", F_PGT_INIT, 0, 40, 1, 0, 0, -EINVAL },
	{ "pgt_init.flags", F_PGT_INIT, 0, 40, (uint64_t)-1, 0x80, 0, -EINVAL },
	{ "pgt_init.flags", F_PGT_INIT, 1, 40, (uint64_t)-1, VRM_PGT_KERNEL | VRM_PGT_COALESCE, 0, -EINVAL },
	{ "pgt_init.mm", F_PGT_INIT, 0, 40, (uint64_t)-1, 0, X_NULL, -EINVAL },
	{ "pgt_init.mm", F_PGT_INIT, 0, 40, (uint64_t)-1, 0, X_NULL2, -EINVAL },
	{ "pgt_init.nomem", F_PGT_INIT, 0, 40, (uint64_t)-1, 0, X_NOMEM, -ENOMEM },
	/* map/remap (a = ia, b = pa, c = size, d = prot) */
	{ "pgt_map.align", F_MAP, S2_IA + 0x10, 0, K4, RW, 0, -EINVAL },
	{ "pgt_map.align", F_MAP, 2 * G1, 0x10, K4, RW, 0, -EINVAL },
	{ "pgt_map.align", F_MAP, 2 * G1, 0, 0, RW, 0, -EINVAL },
	{ "pgt_map.range", F_MAP, (UINT64_C(1) << 40) - K4, 0, 2 * K4, RW, 0, -EINVAL },
	{ "pgt_map.range", F_MAP, UINT64_MAX & ~(K4 - 1), 0, 2 * K4, RW, 0, -EINVAL },
	{ "pgt_map.pa", F_MAP, 2 * G1, (UINT64_C(1) << 48) - K4, 2 * K4, RW, 0, -EINVAL },
	{ "pgt_map.prot", F_MAP, 2 * G1, 0, K4, VRM_PGT_PROT_MT_MASK | RW, 0, -EINVAL },
	{ "pgt_map.prot", F_MAP, 2 * G1, 0, K4, 1u << 7, 0, -EINVAL },
	{ "pgt_map.prot", F_MAP, K_IA + K4, 0, K4, VRM_PGT_PROT_W, X_KERNEL, -EINVAL },
	{ "pgt_map.wx", F_MAP, K_IA + K4, 0, K4, RWX, X_KERNEL, -EINVAL },
	{ "pgt_map.wx", F_MAP, K_IA, K_PA, K4, RWX | VRM_PGT_PROT_NC, X_KERNEL, -EINVAL },
	{ "pgt_map.devx", F_MAP, 2 * G1, 0, K4, RX | DEV, 0, -EINVAL },
	{ "pgt_map.devx", F_MAP, 2 * G1, 0, K4, VRM_PGT_PROT_X | DEV, 0, -EINVAL },
	{ "pgt_map.devx", F_MAP, K_IA + K4, 0, K4, RX | DEV, X_KERNEL, -EINVAL },
	{ "pgt_map.xnx", F_MAP, 2 * G1, 0, K4, VRM_PGT_PROT_R | VRM_PGT_PROT_X_EL0, 0, -EINVAL },
	{ "pgt_map.xnx", F_MAP, 2 * G1, 0, K4, RW | VRM_PGT_PROT_X_EL1, 0, -EINVAL },
	{ "pgt_map.xnx", F_MAP, 2 * G1, 0, K4, RX | VRM_PGT_PROT_X_EL1, 0, -EINVAL },
	{ "pgt_map.xnx", F_MAP, K_IA + K4, 0, K4, VRM_PGT_PROT_R | VRM_PGT_PROT_X_EL1, X_KERNEL, -EINVAL },
	{ "pgt_map.exist", F_MAP, S2_IA, S2_PA + K4, K4, RW, 0, -EEXIST },
	{ "pgt_map.exist", F_MAP, S2_IA - K4, S2_PA, 2 * K4, VRM_PGT_PROT_R, 0, -EEXIST },
	{ "pgt_map.exist", F_MAP, K_IA, K_PA, K4, RW, X_KERNEL, -EEXIST },
	{ "pgt_map.nomem", F_MAP, 2 * G1, 0, K4, RW, X_NOMEM, -ENOMEM },
	{ "pgt_pages_needed.inval", F_NEED_MAP, 2 * G1, 0, K4, RW, X_NULL, -EINVAL },
	{ "pgt_pages_needed.inval", F_NEED_MAP, S2_IA + 0x10, 0, K4, RW, 0, -EINVAL },
	{ "pgt_pages_needed.inval", F_NEED_MAP, (UINT64_C(1) << 40) - K4, 0, 2 * K4, RW, 0, -EINVAL },
	{ "pgt_pages_needed.inval", F_NEED_REMAP, S2_IA, S2_PA, K4, RX | DEV, 0, -EINVAL },
	{ "pgt_pages_needed.inval", F_NEED_REMAP, K_IA, K_PA, K4, RWX, X_KERNEL, -EINVAL },
	{ "pgt_pages_needed.exist", F_NEED_MAP, S2_IA, S2_PA + K4, K4, RW, 0, -EEXIST },
	{ "pgt_pages_needed.exist", F_NEED_MAP, K_IA, K_PA, K4, RW, X_KERNEL, -EEXIST },
	{ "pgt_pages_needed.kernel", F_NEED_REMAP, K_IA, K_PA + K4, K4, VRM_PGT_PROT_R, X_KERNEL, -EPERM },
	{ "pgt_memcache_push.inval", F_MC_PUSH, 0, 0, 0, 0, X_NULL, -EINVAL },
	{ "pgt_memcache_push.inval", F_MC_PUSH, 0, 0, 0, 0, X_NULL2, -EINVAL },
	{ "pgt_memcache_push.inval", F_MC_PUSH, 8, 0, 0, 0, 0, -EINVAL },
	{ "pgt_remap.inval", F_REMAP, S2_IA + 0x10, 0, K4, RW, 0, -EINVAL },
	{ "pgt_remap.inval", F_REMAP, S2_IA, 0, K4, 1u << 9, 0, -EINVAL },
	{ "pgt_remap.inval", F_REMAP, S2_IA, S2_PA, K4, RX | DEV, 0, -EINVAL },
	{ "pgt_remap.inval", F_REMAP, K_IA, K_PA, K4, RWX, X_KERNEL, -EINVAL }, /* before EPERM */
	{ "pgt_remap.kernel", F_REMAP, K_IA, K_PA + K4, K4, VRM_PGT_PROT_R, X_KERNEL, -EPERM },
	{ "pgt_remap.nomem", F_REMAP, S2_IA + K4, 0, K4, RW, X_NOMEM, -ENOMEM },
	/* set_prot (a = ia, c = size, d = prot), unmap (a = ia, c = size) */
	{ "pgt_set_prot.inval", F_SET_PROT, S2_IA, 0, 0, RW, 0, -EINVAL },
	{ "pgt_set_prot.inval", F_SET_PROT, S2_IA, 0, K4, VRM_PGT_PROT_ALL, 0, -EINVAL },
	{ "pgt_set_prot.inval", F_SET_PROT, S2_IA, 0, K4, VRM_PGT_PROT_X | DEV, 0, -EINVAL },
	{ "pgt_set_prot.inval", F_SET_PROT, S2_IA, 0, K4, RW | VRM_PGT_PROT_X_EL0, 0, -EINVAL },
	{ "pgt_set_prot.inval", F_SET_PROT, K_IA, 0, K4, RWX, X_KERNEL, -EINVAL }, /* W+X at EL2 */
	{ "pgt_set_prot.kernel", F_SET_PROT, K_IA, 0, K4, RX, X_KERNEL, -EPERM },
	{ "pgt_set_prot.nomem", F_SET_PROT, S2_IA, 0, K4, VRM_PGT_PROT_R, X_NOMEM, -ENOMEM },
	{ "pgt_unmap.inval", F_UNMAP, S2_IA, 0, K4 / 2, 0, 0, -EINVAL },
	{ "pgt_unmap.inval", F_UNMAP, UINT64_C(1) << 40, 0, K4, 0, 0, -EINVAL },
	{ "pgt_unmap.kernel", F_UNMAP, K_IA - K4, 0, 3 * K4, 0, X_KERNEL, -EPERM },
	{ "pgt_unmap.nomem", F_UNMAP, S2_IA + 8 * K4, 0, K4, 0, X_NOMEM, -ENOMEM },
	{ "pgt_lookup.noent", F_LOOKUP, 2 * G1, 0, 0, 0, 0, -ENOENT },
	{ "pgt_lookup.range", F_LOOKUP, UINT64_C(1) << 40, 0, 0, 0, 0, -EINVAL },
	/* walk (a = start, c = size, d = flags; X_NULL: no visitor; b: visitor result) */
	{ "pgt_walk.inval", F_WALK, 0, 0, K4, VRM_PGT_VISIT_LEAF, X_NULL, -EINVAL },
	{ "pgt_walk.inval", F_WALK, 0, 0, K4, 0x40, 0, -EINVAL },
	{ "pgt_walk.inval", F_WALK, 0, 0, 0, VRM_PGT_VISIT_LEAF, 0, -EINVAL },
	{ "pgt_walk.inval", F_WALK, (UINT64_C(1) << 40) - K4, 0, 2 * K4, VRM_PGT_VISIT_LEAF, 0, -EINVAL },
	{ "pgt_walk.visitor", F_WALK, S2_IA, (uint64_t)-EBUSY, K4, VRM_PGT_VISIT_LEAF, 0, -EBUSY },
	{ "pgt_hw_walk.noent", F_HW_WALK, 2 * G1, 0, 0, 0, 0, -ENOENT },
	{ "pgt_hw_walk.range", F_HW_WALK, UINT64_C(1) << 40, 0, 0, 0, 0, -EINVAL },
	/* update (a = ia, c = size, d = updater flags; b: the descriptor the
	 * visitor asks for, or its error when negative; X_NULL: no updater,
	 * X_NULL2: no fn) */
	{ "pgt_update.inval", F_UPDATE, S2_IA, 0, 0, 0, 0, -EINVAL },
	{ "pgt_update.inval", F_UPDATE, S2_IA + 0x10, 0, K4, 0, 0, -EINVAL },
	{ "pgt_update.inval", F_UPDATE, (UINT64_C(1) << 40) - K4, 0, 2 * K4, 0, 0, -EINVAL },
	{ "pgt_update.inval", F_UPDATE, S2_IA, 0, K4, 0, X_NULL, -EINVAL },
	{ "pgt_update.inval", F_UPDATE, S2_IA, 0, K4, 0, X_NULL2, -EINVAL },
	{ "pgt_update.inval", F_UPDATE, S2_IA, 0, K4, 0x2, 0, -EINVAL },
	{ "pgt_update.desc", F_UPDATE, S2_IA, 0x2, K4, 0, 0, -EINVAL },
	{ "pgt_update.desc", F_UPDATE, 2 * G1, UINT64_C(1) << 40, K4, 0, 0, -EINVAL },
	{ "pgt_update.desc", F_UPDATE, S2_IA, S2_PA | 3, K4, 0, 0, -EINVAL }, /* a table */
	{ "pgt_update.desc", F_UPDATE, S2_IA, S2_PA | 3, K4, VRM_PGT_UPDATE_SPLIT, 0, -EINVAL },
	{ "pgt_update.kernel", F_UPDATE, K_IA, 0, K4, 0, X_KERNEL, -EPERM },
	{ "pgt_update.nomem", F_UPDATE, S2_IA + K4, 0x4, K4, VRM_PGT_UPDATE_SPLIT, X_NOMEM, -ENOMEM },
	{ "pgt_update.visitor", F_UPDATE, S2_IA, (uint64_t)-EBUSY, K4, 0, 0, -EBUSY },
	{ "pgt_update_pages_needed.inval", F_UPDATE_NEED, S2_IA, 0x4, K4, VRM_PGT_UPDATE_SPLIT, X_NULL, -EINVAL },
	{ "pgt_update_pages_needed.inval", F_UPDATE_NEED, S2_IA, 0x2, K4, 0, 0, -EINVAL },
	{ "pgt_update_pages_needed.kernel", F_UPDATE_NEED, K_IA, 0, K4, 0, X_KERNEL, -EPERM },
	{ "pgt_lookup_owner.noent", F_LOOKUP_OWNER, 2 * G1, 0, 0, 0, 0, -ENOENT },
	{ "pgt_lookup_owner.exist", F_LOOKUP_OWNER, S2_IA, 0, 0, 0, 0, -EEXIST },
	{ "pgt_lookup_owner.range", F_LOOKUP_OWNER, UINT64_C(1) << 40, 0, 0, 0, 0, -EINVAL },
	{ "pgt_set_vmid.inval", F_PGT_SET_VMID, 2, 0, 0, 0, X_KERNEL, -EINVAL },
	/* VMID allocator: init (a = bits, b = ncpus, c = map words) */
	{ "vmid_init.null", F_VMID_INIT, 4, 1, 1, 0, X_NULL, -EINVAL },
	{ "vmid_init.null", F_VMID_INIT, 4, 1, 1, 0, X_NULL2, -EINVAL },
	{ "vmid_init.bits", F_VMID_INIT, 1, 1, 1, 0, 0, -EINVAL },
	{ "vmid_init.bits", F_VMID_INIT, 17, 1, 2048, 0, 0, -EINVAL },
	{ "vmid_init.cpus", F_VMID_INIT, 4, 0, 1, 0, 0, -EINVAL },
	{ "vmid_init.cpus", F_VMID_INIT, 16, VRM_MAX_CPUS + 1, 1024, 0, 0, -EINVAL },
	{ "vmid_init.cpus", F_VMID_INIT, 2, 3, 1, 0, 0, -EINVAL },
	{ "vmid_init.map", F_VMID_INIT, 7, 1, 1, 0, 0, -EINVAL },
	{ "vmid_init.map", F_VMID_INIT, 16, 1, 1023, 0, 0, -EINVAL },
	/* get/put on the fixture's 4-bit, 4-CPU allocator (a = cpu, d = VM word) */
	{ "vmid_get.cpu", F_VMID_GET, 4, 0, 0, 0, 0, -EINVAL },
	{ "vmid_get.cpu", F_VMID_GET, UINT32_MAX, 0, 0, 0, 0, -EINVAL },
	{ "vmid_get.word", F_VMID_GET, 0, 0, 0, UINT64_C(1) << 4, 0, -EINVAL },
	{ "vmid_get.word", F_VMID_GET, 0, 0, 0, UINT64_C(2) << 4 | 3, 0, -EINVAL },
	{ "vmid_put.cpu", F_VMID_PUT, 4, 0, 0, 0, 0, -EINVAL },
	{ "buddy_init.inval", F_BUDDY_INIT, 0, 0, 0, 0, 0, -EINVAL },
	{ "buddy_init.inval", F_BUDDY_INIT, 0, NP, 0, 0, X_NULL, -EINVAL },
	{ "buddy_init.inval", F_BUDDY_INIT, UINT64_MAX - 2, NP, 0, 0, 0, -EINVAL },
	{ "buddy_init.inval", F_BUDDY_INIT, 0, UINT32_MAX, 0, 0, 0, -EINVAL },
	{ "buddy_alloc.inval", F_BUDDY_ALLOC, 0, VRM_POOL_MAX_ORDER + 1, 0, 0, 0, -EINVAL },
	{ "buddy_alloc.inval", F_BUDDY_ALLOC, 0, 0, 0, 0, X_NULL, -EINVAL },
	{ "buddy_alloc.nomem", F_BUDDY_ALLOC, 0, 4, 0, 0, 0, -ENOMEM },
	{ "buddy_get.inval", F_BUDDY_GET, 20, 0, 0, 0, 0, -EINVAL },  /* a free page */
	{ "buddy_get.inval", F_BUDDY_GET, 0, 0, 0, 0, 0, -EINVAL },   /* never joined */
	{ "buddy_get.inval", F_BUDDY_GET, NP, 0, 0, 0, 0, -EINVAL },  /* outside */
	{ "buddy_get.overflow", F_BUDDY_GET, B_FULL, 0, 0, 0, 0, -EOVERFLOW },
	{ "buddy_put.inval", F_BUDDY_PUT, 20, 0, 0, 0, 0, -EINVAL },
	{ "buddy_put.inval", F_BUDDY_PUT, NP + 5, 0, 0, 0, 0, -EINVAL },
	{ "buddy_free_range.inval", F_BUDDY_FREE_RANGE, 0, 0, 0, 0, 0, -EINVAL },
	{ "buddy_free_range.inval", F_BUDDY_FREE_RANGE, NP - 1, 2, 0, 0, 0, -EINVAL },
	{ "buddy_free_range.inval", F_BUDDY_FREE_RANGE, NP, 1, 0, 0, 0, -EINVAL },
	{ "buddy_free_range.state", F_BUDDY_FREE_RANGE, 4, 8, 0, 0, 0, -EPERM }, /* 8.. free */
	{ "buddy_free_range.state", F_BUDDY_FREE_RANGE, B_HELD, 1, 0, 0, 0, -EPERM },
	/* pool_init (a = base, b = npages, c = max_vms) */
	{ "pool_init.null", F_POOL_INIT, T_BASE, NP, NVM, 0, X_NULL, -EINVAL },
	{ "pool_init.null", F_POOL_INIT, T_BASE, NP, NVM, 0, X_NULL2, -EINVAL },
	{ "pool_init.range", F_POOL_INIT, T_BASE + 8, NP, NVM, 0, 0, -EINVAL },
	{ "pool_init.range", F_POOL_INIT, T_BASE, 0, NVM, 0, 0, -EINVAL },
	{ "pool_init.range", F_POOL_INIT, UINT64_MAX & ~(K4 - 1), 2, NVM, 0, 0, -EINVAL },
	{ "pool_init.max_vms", F_POOL_INIT, T_BASE, NP, VRM_POOL_MAX_VMS + 1, 0, 0, -EINVAL },
	/* pool transitions (a = pa, b = npages, c = from/owner, d = to/borrower) */
	{ "pool_boot_assign.range", F_BOOT_ASSIGN, P(60) + 8, 1, Y, 0, 0, -EINVAL },
	{ "pool_boot_assign.range", F_BOOT_ASSIGN, P(60), 5, Y, 0, 0, -EINVAL },
	{ "pool_boot_assign.owner", F_BOOT_ASSIGN, P(60), 1, VM(0), 0, 0, -EINVAL },
	{ "pool_boot_assign.state", F_BOOT_ASSIGN, P(8), 1, Y, 0, 0, -EPERM },
	{ "pool_boot_assign.state", F_BOOT_ASSIGN, P(40), 1, H, 0, 0, -EPERM },
	{ "pool_boot_assign.state", F_BOOT_ASSIGN, P(0), 1, H, 0, 0, -EPERM },
	{ "pool_donate.range", F_DONATE, P(30) + 8, 1, H, VM(0), 0, -EINVAL },
	{ "pool_donate.range", F_DONATE, P(30), 0, H, VM(0), 0, -EINVAL },
	{ "pool_donate.range", F_DONATE, P(63), 2, H, VM(0), 0, -EINVAL },
	{ "pool_donate.range", F_DONATE, P(30), UINT64_MAX, H, VM(0), 0, -EINVAL },
	{ "pool_donate.range", F_DONATE, T_BASE - K4, 1, H, VM(0), 0, -EINVAL },
	{ "pool_donate.dir", F_DONATE, P(30), 1, H, VM(NVM), 0, -EINVAL },
	{ "pool_donate.dir", F_DONATE, P(0), 1, VM(1), H, 0, -EINVAL },
	{ "pool_donate.dir", F_DONATE, P(30), 1, H, VRM_PRINCIPAL_NONE, 0, -EINVAL },
	{ "pool_donate.owner", F_DONATE, P(0), 1, H, VM(0), 0, -EPERM },
	{ "pool_donate.busy", F_DONATE, P(8), 1, H, VM(0), 0, -EBUSY },
	{ "pool_donate.hyp_free", F_DONATE, P(48), 1, Y, H, 0, -EPERM },
	{ "pool_donate.callback", F_DONATE, P(30), 2, H, VM(0), X_CALLBACK, -ENOMEM },
	{ "pool_share.range", F_SHARE, P(64), 1, H, VM(0), 0, -EINVAL },
	{ "pool_share.pair", F_SHARE, P(30), 1, H, Y, 0, -EINVAL },
	{ "pool_share.pair", F_SHARE, P(0), 1, VM(1), VM(0), 0, -EINVAL },
	{ "pool_share.owner", F_SHARE, P(0), 1, H, VM(0), 0, -EPERM },
	{ "pool_share.busy", F_SHARE, P(8), 1, H, VM(0), 0, -EBUSY },
	{ "pool_share.overflow", F_SHARE, P(20), 1, H, VM(0), 0, -EOVERFLOW },
	{ "pool_share.callback", F_SHARE, P(30), 2, H, VM(0), X_CALLBACK, -ENOMEM },
	{ "pool_unshare.inval", F_UNSHARE, P(8) + 8, 1, H, VM(1), 0, -EINVAL },
	{ "pool_unshare.inval", F_UNSHARE, P(8), 1, H, H, 0, -EINVAL },
	{ "pool_unshare.state", F_UNSHARE, P(30), 1, H, VM(1), 0, -EPERM },
	{ "pool_unshare.state", F_UNSHARE, P(8), 1, H, VM(0), 0, -EPERM },
	{ "pool_unshare.callback", F_UNSHARE, P(9), 1, H, VM(1), X_CALLBACK, -ENOMEM },
	{ "pool_reclaim.vm", F_RECLAIM, 0, 0, H, 0, 0, -EINVAL },
	{ "pool_reclaim.vm", F_RECLAIM, 0, 0, VM(NVM), 0, 0, -EINVAL },
	{ "pool_reclaim.busy", F_RECLAIM, 0, 0, VM(1), 0, 0, -EBUSY },
	{ "pool_reclaim.callback", F_RECLAIM, 0, 0, VM(0), 0, X_CALLBACK, -ENOMEM },
	/* hyp allocator (a = pa, b = order) */
	{ "pool_hyp_alloc.inval", F_HYP_ALLOC, 0, VRM_POOL_MAX_ORDER + 1, 0, 0, 0, -EINVAL },
	{ "pool_hyp_alloc.inval", F_HYP_ALLOC, 0, 0, 0, 0, X_NULL, -EINVAL },
	{ "pool_hyp_alloc.nomem", F_HYP_ALLOC, 0, 4, 0, 0, 0, -ENOMEM },
	{ "pool_hyp_free.inval", F_HYP_FREE, P(40), VRM_POOL_MAX_ORDER + 1, 0, 0, 0, -EINVAL },
	{ "pool_hyp_free.inval", F_HYP_FREE, P(41), 1, 0, 0, 0, -EINVAL },
	{ "pool_hyp_free.inval", F_HYP_FREE, P(64), 0, 0, 0, 0, -EINVAL },
	{ "pool_hyp_free.state", F_HYP_FREE, P(0), 0, 0, 0, 0, -EPERM },
	{ "pool_hyp_free.state", F_HYP_FREE, P(48), 0, 0, 0, 0, -EPERM },
	{ "pool_owner.range", F_OWNER, P(64), 0, 0, 0, 0, -EINVAL },
	{ "pool_owner.range", F_OWNER, P(3) + 8, 0, 0, 0, 0, -EINVAL },
	/* for_each (c = who; b = visitor result) */
	{ "pool_for_each.inval", F_FOR_EACH, 0, 0, H, 0, X_NULL, -EINVAL },
	{ "pool_for_each.inval", F_FOR_EACH, 0, 0, VM(NVM), 0, 0, -EINVAL },
	{ "pool_for_each.visitor", F_FOR_EACH, 0, (uint64_t)-EBUSY, H, 0, 0, -EBUSY },
	/* checker (checked builds) */
#if VRM_CHECKED
	{ "check_init.inval", F_CHECK_INIT, 0, 4096, 0, 0, X_NULL, -EINVAL },
	{ "check_init.inval", F_CHECK_INIT, 4, 4096, 0, 0, 0, -EINVAL },
	{ "check_init.inval", F_CHECK_INIT, 0, 8, 0, 0, 0, -EINVAL },
	{ "check_guard.inval", F_CHECK_GUARD, 0, 0, 0, 0, 0, -EINVAL },
	{ "check_guard.exist", F_CHECK_GUARD, 0, 8, 0, 0, 0, -EEXIST },
#endif
	/* TLB model (a = cpu, b = regime, c = addr) */
	{ "tlb_model_translate.inval", F_MODEL_TRANSLATE, VRM_MAX_CPUS, 1, 0, 0, 0, -EINVAL },
	{ "tlb_model_translate.inval", F_MODEL_TRANSLATE, 0, 0x20000, 0, 0, 0, -EINVAL },
	{ "tlb_model_lookup.inval", F_MODEL_LOOKUP, VRM_MAX_CPUS, 1, 0, 0, 0, -EINVAL },
	{ "tlb_model_lookup.miss", F_MODEL_LOOKUP, 0, 1, 2 * G1, 0, 0, -ENOENT },
	/* ticket atomics (a = ID_AA64ISAR0_EL1): only an LSE-only build refuses */
#if VRM_ARCH_LSE
	{ "ticket_select_atomics.nolse", F_TICKET_SELECT, 0, 0, 0, 0, 0, -ENODEV },
	{ "ticket_select_atomics.nolse", F_TICKET_SELECT, UINT64_C(1) << 20, 0, 0, 0, 0, -ENODEV },
#endif
};

#define NROWS ((int)(sizeof(rows) / sizeof(rows[0])))

#include "api_fixture.h"

START_TEST(rejected_call_returns_documented_errno_and_changes_nothing)
{
	const struct row *r = &rows[_i];
	struct snapshot before, after;
	int got;

	snapshot(&before);
	got = call(r);
	snapshot(&after);
	ck_assert_msg(got == r->want, "row %d (err:%s): returned %d, documented %d", _i, r->cite,
		      got, r->want);
	ck_assert_msg(snapshot_same(&before, &after), "row %d (err:%s): the rejected call changed %s",
		      _i, r->cite, snapshot_diff(&before, &after));
	snapshot_free(&before);
	snapshot_free(&after);
}
END_TEST

/* Doc tags: {#err:NAME} in docs/api.md. */
static char *doc;

static void read_doc(void)
{
	FILE *f = fopen(API_MD, "rb");
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", API_MD);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	doc = calloc((size_t)n + 1, 1);
	ck_assert_uint_eq(fread(doc, 1, (size_t)n, f), (size_t)n);
	fclose(f);
}

static bool doc_has(const char *cite)
{
	char tag[128];

	snprintf(tag, sizeof(tag), "{#err:%s}", cite);
	return strstr(doc, tag) != NULL;
}

START_TEST(every_table_row_cites_a_line_of_docs_api_md)
{
	int i;

	read_doc();
	for (i = 0; i < NROWS; i++)
		ck_assert_msg(doc_has(rows[i].cite), "row %d cites err:%s, not in docs/api.md", i,
			      rows[i].cite);
	free(doc);
}
END_TEST

START_TEST(every_documented_error_has_a_table_row)
{
	const char *p;
	int i, tags = 0;

	read_doc();
	for (p = strstr(doc, "{#err:"); p; p = strstr(p + 1, "{#err:")) {
		const char *name = p + 6, *end = strchr(name, '}');
		bool found = false;

		ck_assert_ptr_nonnull(end);
		tags++;
		for (i = 0; i < NROWS && !found; i++)
			found = strlen(rows[i].cite) == (size_t)(end - name) &&
				strncmp(rows[i].cite, name, (size_t)(end - name)) == 0;
		/* the checker's rules exist only in checked builds */
		if (!VRM_CHECKED && strncmp(name, "check_", 6) == 0)
			continue;
		/* only a -Datomics=lse aarch64 build can refuse a CPU */
		if (!VRM_ARCH_LSE && strncmp(name, "ticket_select_atomics.", 22) == 0)
			continue;
		ck_assert_msg(found, "docs/api.md tag %.*s has no row", (int)(end - name), name);
	}
	ck_assert_int_ge(tags, 60);
	free(doc);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("api-errors");
	TCase *tc = tcase_create("table");
	TCase *td = tcase_create("doc");

	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_loop_test(tc, rejected_call_returns_documented_errno_and_changes_nothing, 0, NROWS);
	suite_add_tcase(s, tc);
	tcase_add_test(td, every_table_row_cites_a_line_of_docs_api_md);
	tcase_add_test(td, every_documented_error_has_a_table_row);
	suite_add_tcase(s, td);
	return vrm_test_run(s);
}
