/* SPDX-License-Identifier: MIT */
/*
 * Memory-Isolation, checked: vrm_pool_check_invariants() asks whether a
 * principal's table maps a page. The answer comes from walking the tables
 * themselves (libvrm's visitor walker), not from the core's bookkeeping,
 * so a stray mapping the core did not mean to make is still caught.
 */
#include <vrm/barrier.h>

#include "mem_internal.h"

/* ---- Invariant check support: which pages each table maps, from a walk
 * of the tables themselves (not from our bookkeeping). check_lock guards
 * the bitmaps; mem_check fills them, then the pool checks under its locks. */
static vrm_ticket_t check_lock = VRM_TICKET_INIT;
static uint64_t *mapped_bits; /* [1 + HYP_MAX_VMS][words], in the carve-out */
static uint64_t words;         /* per principal: one bit per page of RAM */

size_t mem_check_bytes(uint64_t pages)
{
	return (1 + HYP_MAX_VMS) * ((pages + 63) / 64) * sizeof(uint64_t);
}

void mem_check_init(void *bits, uint64_t pages)
{
	mapped_bits = bits;
	words = (pages + 63) / 64;
}

static uint64_t *bits_of(vrm_principal_t who)
{
	if (who == VRM_PRINCIPAL_HOST)
		return mapped_bits;
	if (VRM_PRINCIPAL_IS_VM(who) && VRM_PRINCIPAL_VM_ID(who) < HYP_MAX_VMS)
		return mapped_bits + (1 + VRM_PRINCIPAL_VM_ID(who)) * words;
	return NULL;
}

bool mem_is_mapped(void *ctx, vrm_principal_t who, vrm_pa_t pa)
{
	uint64_t *b = bits_of(who);
	uint64_t i = (pa - mem_ram.base) >> VRM_PAGE_SHIFT;

	(void)ctx;
	HYP_ASSERT_HELD(&check_lock);
	return b && pa >= mem_ram.base && pa < mem_ram.end && (b[i / 64] >> (i % 64)) & 1;
}

static int mark_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	enum vrm_pgt_desc_type t = vrm_pgt_desc_type(ctx->old, ctx->level);
	uint64_t *b = ctx->arg;
	uint64_t pa, end;

	(void)which;
	if (t != VRM_PGT_DESC_BLOCK && t != VRM_PGT_DESC_PAGE)
		return 0;
	pa = vrm_pgt_desc_oa(ctx->old, ctx->level);
	end = pa + vrm_pgt_level_size(ctx->level);
	for (; pa < end; pa += VRM_PAGE_SIZE) {
		uint64_t i = (pa - mem_ram.base) >> VRM_PAGE_SHIFT;

		if (pa >= mem_ram.base && pa < mem_ram.end)
			b[i / 64] |= UINT64_C(1) << (i % 64);
	}
	return 0;
}

static void mark_table(struct vrm_pgt *pgt, uint64_t *b)
{
	struct vrm_pgt_visitor v = { mark_visit, b };

	for (uint64_t i = 0; i < words; i++)
		b[i] = 0;
	if (pgt)
		vrm_pgt_walk(pgt, 0, UINT64_C(1) << S2_IA_BITS, &v, VRM_PGT_VISIT_LEAF);
}

static void mark_vm(uint32_t slot, struct vrm_pgt *pgt)
{
	mark_table(pgt, mapped_bits + (1 + slot) * words);
}

/* The host's stage-2 annotations (mem.c's host_give): each RAM page of an
 * annotated entry must be owned by the principal it names (the pool's
 * record, a lock-free snapshot: no pool lock is taken under the table's). */
struct annot_count {
	uint64_t named, wrong;
};

static int annot_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	struct annot_count *c = ctx->arg;
	uint32_t named = vrm_pgt_desc_owner(ctx->old);
	uint64_t pa = ctx->addr, end = pa + vrm_pgt_level_size(ctx->level);
	vrm_principal_t o;

	(void)which;
	if (!named)
		return 0;
	for (; pa < end; pa += VRM_PAGE_SIZE) {
		if (pa < mem_ram.base || pa >= mem_ram.end)
			continue; /* (the host's IPA is its PA) */
		if (vrm_pool_owner(&hyp_pool, pa, &o, NULL, NULL, NULL) || o != named)
			c->wrong++;
		else
			c->named++;
	}
	return 0;
}

/* Pool invariants (Memory-Isolation): records well formed, and the host
 * and every VM map only what they own or borrow, read from their tables;
 * and every page the host's stage-2 names an owner for is that owner's
 * (-VRM_EPERM otherwise). *named: how many pages it names. */
int mem_check(uint64_t *named)
{
	struct annot_count c = { 0, 0 };
	struct vrm_pgt_visitor v = { annot_visit, &c };
	int ret;

	vrm_ticket_lock(&check_lock);
	mark_table(&mem_host_pgt, mapped_bits);
	for (uint32_t s = 0; s < HYP_MAX_VMS; s++)
		mark_table(NULL, mapped_bits + (1 + s) * words);
	vm_for_each_table(mark_vm);
	ret = vrm_pool_check_invariants(&hyp_pool);
	vrm_ticket_unlock(&check_lock);
	if (mem_host_pgt.root)
		vrm_pgt_walk(&mem_host_pgt, 0, UINT64_C(1) << S2_IA_BITS, &v, VRM_PGT_VISIT_LEAF);
	*named = c.named;
	return ret ? ret : c.wrong ? -VRM_EPERM : 0;
}

/* The pool's record says the host owns pa's page (a snapshot, no lock). A
 * host stage-2 fault on such a page is transient: the walk met the break
 * of a break-before-make (a block of the host's split while a page of it
 * is donated), or the page is being donated right now (unmap and flush
 * come before the record changes). Either way the access is made again;
 * once the record names another owner, the next fault is the host's. */
bool mem_host_owns(uint64_t pa)
{
	vrm_principal_t o;

	return vrm_pool_owner(&hyp_pool, pa & ~(VRM_PAGE_SIZE - 1), &o, NULL, NULL, NULL) == 0 &&
	       o == VRM_PRINCIPAL_HOST;
}

const char *mem_owner_name(uint64_t pa, char *buf, size_t n)
{
	vrm_principal_t o;

	if (n < 8 || vrm_pool_owner(&hyp_pool, pa & ~(VRM_PAGE_SIZE - 1), &o, NULL, NULL, NULL))
		return "nobody (not RAM)";
	if (o == VRM_PRINCIPAL_HYP)
		return "hyp";
	if (o == VRM_PRINCIPAL_HOST)
		return "host";
	if (VRM_PRINCIPAL_IS_VM(o)) {
		buf[0] = 'v', buf[1] = 'm', buf[2] = (char)('1' + VRM_PRINCIPAL_VM_ID(o) % 9);
		buf[3] = 0;
		return buf;
	}
	return "nobody";
}

/* ---- The host's stage-2 over RAM (HVC_HOST_LEAVES): its valid leaves,
 * and its tables of pages that say what one 2 MiB block would (512 valid
 * pages, contiguous from a 2 MiB aligned address, equal attributes):
 * with the table's block coalescing (VRM_PGT_COALESCE) there are none,
 * whatever donations and reclaims came before. */
struct leaf_count {
	uint64_t leaves, blockish;
};

static bool one_block(const uint64_t *t)
{
	uint64_t first = vrm_read_once_64(&t[0]);

	if (vrm_pgt_desc_type(first, 3) != VRM_PGT_DESC_PAGE ||
	    (vrm_pgt_desc_oa(first, 3) & (vrm_pgt_level_size(2) - 1)))
		return false;
	for (uint64_t i = 1; i < 512; i++)
		if (vrm_read_once_64(&t[i]) != first + (i << VRM_PAGE_SHIFT))
			return false;
	return true;
}

static int leaf_visit(struct vrm_pgt_visit_ctx *ctx, enum vrm_pgt_visit which)
{
	struct leaf_count *c = ctx->arg;

	if (which == VRM_PGT_VISIT_TABLE_PRE) {
		if (ctx->level == 2 &&
		    one_block((const uint64_t *)(uintptr_t)vrm_pgt_desc_oa(ctx->old, 2)))
			c->blockish++;
		return 0;
	}
	c->leaves += ctx->old & 1;
	return 0;
}

static struct leaf_count count_leaves(void)
{
	struct leaf_count c = { 0, 0 };
	struct vrm_pgt_visitor v = { leaf_visit, &c };

	if (mem_host_pgt.root)
		vrm_pgt_walk(&mem_host_pgt, mem_ram.base, mem_ram.end - mem_ram.base, &v,
			     VRM_PGT_VISIT_LEAF | VRM_PGT_VISIT_TABLE_PRE);
	return c;
}

uint64_t mem_host_leaves(uint64_t *blockish)
{
	struct leaf_count c = count_leaves();

	*blockish = c.blockish;
	return c.leaves;
}
