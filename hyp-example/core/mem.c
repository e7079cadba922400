/* SPDX-License-Identifier: MIT */
/*
 * Memory-Isolation, wired from libvrm: one vrm_pool owns every page of RAM
 * (hyp, host, VM n); the host runs under a stage-2 identity map of exactly
 * what it owns, each VM under a stage-2 of what it owns or borrows; the
 * core's own EL2 stage-1 is a VRM_PGT_KERNEL (write-once) table built here
 * at boot and never changed (Write-Once-Kernel-Mapping).
 *
 * The pool calls back into mem.c (pool_ops) with its locks held, so those
 * callbacks may not call the pool: table pages come from a per-CPU cache
 * (pKVM's memcache), topped up from the hyp allocator before each pool
 * transition. Where a VM's page goes (its IPA) is this file's business:
 * the transition's caller records (pa, ipa) in this CPU's mem_op.
 */
#include <vrm/barrier.h>
#include <vrm/tlb.h>

#include "gic.h"
#include "mem_internal.h"
#include "platform.h"

#define MEMCACHE_MIN 16

extern char __hyp_start[], __hyp_text_end[], __hyp_heap_start[], __hyp_end[];
extern char __host_start[], __host_end[];

struct vrm_pool hyp_pool;
struct mem_ram mem_ram;
static struct vrm_pgt el2_pgt;   /* kernel: write-once */
struct vrm_pgt mem_host_pgt;  /* host stage-2, VMID 0 */
static uint64_t vtcr;

/* Per-CPU state: only its own CPU touches it (no lock needed). */
struct memcache {
	uint64_t *head;   /* free table pages, linked through word 0 */
	uint32_t n;
	bool in_pool;     /* inside a pool call: the pool may not be re-entered */
};
struct mem_op {
	struct vrm_pgt *pgt;  /* the VM's stage-2 for this transition */
	uint64_t pa, ipa;     /* pa of the first page -> its IPA */
	vrm_principal_t to;   /* who gets what the host gives (annotations) */
	bool dying;           /* reclaim: the VM's table is already empty */
};
static struct memcache mc[HYP_MAX_CPUS];
static struct mem_op op[HYP_MAX_CPUS];

static struct memcache *my_mc(void)
{
	return &mc[vrm_env_cpu_id() % HYP_MAX_CPUS];
}

int mem_topup(void)
{
	struct memcache *m = my_mc();

	while (m->n < MEMCACHE_MIN) {
		vrm_pa_t pa;
		int ret = vrm_pool_hyp_alloc(&hyp_pool, 0, &pa);

		if (ret)
			return ret;
		*(uint64_t **)(uintptr_t)pa = m->head;
		m->head = (uint64_t *)(uintptr_t)pa;
		m->n++;
	}
	return 0;
}

/* ---- vrm_pgt_mm_ops: identity (the EL2 map is an identity map). */
static void *mm_zalloc(void *ctx)
{
	struct memcache *m = my_mc();
	uint64_t *p;

	(void)ctx;
	if (!m->head && !m->in_pool && mem_topup())
		return NULL;
	p = m->head;
	if (!p)
		return NULL;
	m->head = (uint64_t *)p[0];
	m->n--;
	vrm_pool_scrub_page(p);
	return p;
}

static void mm_free(void *ctx, void *va)
{
	struct memcache *m = my_mc();

	(void)ctx;
	*(uint64_t **)va = m->head;
	m->head = va;
	m->n++;
}

static vrm_pa_t mm_v2p(void *ctx, void *va)
{
	(void)ctx;
	return (vrm_pa_t)(uintptr_t)va;
}

static void *mm_p2v(void *ctx, vrm_pa_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

const struct vrm_pgt_mm_ops mem_mm_ops = {
	.zalloc_page = mm_zalloc, .free_page = mm_free,
	.virt_to_phys = mm_v2p, .phys_to_virt = mm_p2v,
};

/*
 * A VM's stage-2: the host wrote the pages it donates or shares through
 * its data cache, and the guest starts with its stage-1 MMU off and no
 * HCR_EL2.DC, so its first fetches are Non-cacheable and its table walks
 * (guest/mmu.S) may read memory itself. The library cleans each page to
 * the point of coherency (PoC, not just PoU: as Linux's boot protocol
 * asks of whoever loads an image it enters with the MMU off) and
 * invalidates the instruction caches for executable ones before the
 * descriptor store that maps it (Arm ARM D7.5.9), as pKVM's guest_s2
 * mm_ops do. (The host's stage-2 needs neither: its pages stay its own.)
 */
static void mm_dcache_poc(void *ctx, void *va, uint64_t size)
{
	(void)ctx;
	vrm_arch_dcache_clean_inval_poc(va, size);
}

static void mm_icache_pou(void *ctx, void *va, uint64_t size)
{
	(void)ctx;
	vrm_arch_icache_inval_pou(va, size);
}

const struct vrm_pgt_mm_ops mem_vm_mm_ops = {
	.zalloc_page = mm_zalloc, .free_page = mm_free,
	.virt_to_phys = mm_v2p, .phys_to_virt = mm_p2v,
	.dcache_clean_inval_poc = mm_dcache_poc, .icache_inval_pou = mm_icache_pou,
};

/* ---- vrm_pool_ops: the pool's view of the tables. */
static int ops_reserve(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t n)
{
	(void)ctx, (void)who, (void)pa, (void)n;
	/* Topped up before the pool call; a dry cache fails the whole call
	 * before anything changed. */
	return my_mc()->n >= MEMCACHE_MIN / 2 ? 0 : -VRM_ENOMEM;
}

static int ops_map(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t n,
		   enum vrm_pool_state state)
{
	struct mem_op *o = &op[vrm_env_cpu_id() % HYP_MAX_CPUS];

	(void)ctx, (void)state;
	if (who == VRM_PRINCIPAL_HYP)
		return 0; /* the EL2 map covers RAM already, write-once */
	if (who == VRM_PRINCIPAL_HOST)
		return vrm_pgt_map(&mem_host_pgt, pa, pa, n << VRM_PAGE_SHIFT,
				   VRM_PGT_PROT_RWX | VRM_PGT_PROT_NORMAL);
	if (!o->pgt)
		return -VRM_EINVAL;
	return vrm_pgt_map(o->pgt, o->ipa + (pa - o->pa), pa, n << VRM_PAGE_SHIFT,
			   VRM_PGT_PROT_RWX | VRM_PGT_PROT_NORMAL);
}

/* The host's stage-2 entries of pages it gave away name their new owner,
 * as pKVM's host_stage2_set_owner_locked: an update walk that turns every
 * entry in the range into the annotation (valid ones with the call's one
 * flush), splitting the host's blocks that stick out of it (BBM). Still a
 * translation fault for the host; a reader of the table (mem_check) can
 * tell "given to vm2" from "never mapped". */
static int set_owner_visit(const struct vrm_pgt_visit_ctx *ctx, bool commit, uint64_t *nd)
{
	uint32_t owner = (uint32_t)(uintptr_t)ctx->arg;

	(void)commit;
#ifdef HYP_TWIN_WRONG_OWNER
	/* Broken twin (tests/hyp): annotations name the wrong principal. */
	owner++;
#endif
	*nd = vrm_pgt_desc_annot(owner);
	return 0;
}

static int host_give(vrm_pa_t pa, uint64_t n, vrm_principal_t to)
{
	struct vrm_pgt_updater up = { set_owner_visit, (void *)(uintptr_t)to,
				      VRM_PGT_UPDATE_SPLIT };

	if (to == VRM_PRINCIPAL_NONE)
		return vrm_pgt_unmap(&mem_host_pgt, pa, n << VRM_PAGE_SHIFT);
	return vrm_pgt_update(&mem_host_pgt, pa, n << VRM_PAGE_SHIFT, &up);
}

static int ops_unmap(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t n)
{
	struct mem_op *o = &op[vrm_env_cpu_id() % HYP_MAX_CPUS];

	(void)ctx;
	if (who == VRM_PRINCIPAL_HYP)
		return 0;
#ifdef HYP_TWIN_NO_HOST_UNMAP
	/* Broken twin (tests/hyp): a donated page stays in the host's stage-2. */
	if (who == VRM_PRINCIPAL_HOST)
		return 0;
#endif
	if (who == VRM_PRINCIPAL_HOST)
		return mem_host_pgt.root ? host_give(pa, n, o->to) : 0;
	if (o->dying)
		return 0; /* whole table unmapped and its VMID flushed already */
	if (!o->pgt)
		return -VRM_EINVAL;
	return vrm_pgt_unmap(o->pgt, o->ipa + (pa - o->pa), n << VRM_PAGE_SHIFT);
}

static void *ops_p2v(void *ctx, vrm_pa_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static const struct vrm_pool_ops pool_ops = {
	.map = ops_map, .unmap = ops_unmap, .reserve = ops_reserve,
	.pa_to_va = ops_p2v, .is_mapped = mem_is_mapped,
};

/* Run one pool transition with this CPU's cache topped up and its op set. */
int mem_pool_call_begin(struct vrm_pgt *pgt, uint64_t pa, uint64_t ipa, vrm_principal_t to,
			bool dying)
{
	struct mem_op *o = &op[vrm_env_cpu_id() % HYP_MAX_CPUS];
	int ret = mem_topup();

	if (ret)
		return ret;
	o->pgt = pgt, o->pa = pa, o->ipa = ipa, o->to = to, o->dying = dying;
	my_mc()->in_pool = true;
	return 0;
}

void mem_pool_call_end(void)
{
	struct mem_op *o = &op[vrm_env_cpu_id() % HYP_MAX_CPUS];

	my_mc()->in_pool = false;
	o->pgt = NULL;
	o->to = VRM_PRINCIPAL_NONE;
	o->dying = false;
}

/* ---- Boot. */
static int el2_map(uint64_t start, uint64_t end, uint32_t prot)
{
	start &= ~(VRM_PAGE_SIZE - 1);
	end = (end + VRM_PAGE_SIZE - 1) & ~(VRM_PAGE_SIZE - 1);
	return start < end ? vrm_pgt_map(&el2_pgt, start, start, end - start, prot) : 0;
}

static uint64_t page_up(uint64_t n)
{
	return (n + VRM_PAGE_SIZE - 1) & ~(VRM_PAGE_SIZE - 1);
}

/* Place the metadata carve-out and check the fixed image layout fits the
 * RAM the DTB reported: a refused layout is a boot failure, not a guess. */
static int mem_layout(uint64_t hyp_img, uint64_t host_end)
{
	uint64_t meta, bits;

	mem_ram.base = platform.ram_base;
	mem_ram.end = platform_ram_end();
	mem_ram.pages = platform.ram_size >> VRM_PAGE_SHIFT;
	meta = page_up(mem_ram.pages * sizeof(struct vrm_pool_page));
	bits = page_up(mem_check_bytes(mem_ram.pages));
	mem_ram.carve = mem_ram.end - meta - bits;
	if (mem_ram.base > platform.dtb_pa || platform.dtb_pa + platform.dtb_size > hyp_img ||
	    mem_ram.carve < host_end + (UINT64_C(16) << 20)) {
		hyp_printf("hyp: RAM 0x%lx-0x%lx cannot hold the DTB, the image (0x%lx-0x%lx) and 16 MiB for the host\n",
			   (unsigned long)mem_ram.base, (unsigned long)mem_ram.end,
			   (unsigned long)hyp_img, (unsigned long)host_end);
		return -VRM_EINVAL;
	}
	mem_check_init((void *)(uintptr_t)(mem_ram.carve + meta), mem_ram.pages);
	return 0;
}

int mem_init(void)
{
	uint64_t hyp_img = (uint64_t)(uintptr_t)__hyp_start;
	uint64_t heap = (uint64_t)(uintptr_t)__hyp_heap_start;
	uint64_t hyp_end = (uint64_t)(uintptr_t)__hyp_end;
	uint64_t text_end = (uint64_t)(uintptr_t)__hyp_text_end;
	struct vrm_pgt_config el2 = { VRM_PGT_EL2_S1, 39, -1, 0, VRM_PGT_KERNEL };
	/* The host's stage-2 coalesces: a donated page splits a 2 MiB block,
	 * its reclaim (or a failed donate's rollback) gives the block back. */
#ifdef HYP_TWIN_NO_COALESCE
	struct vrm_pgt_config s2 = { VRM_PGT_STAGE2, S2_IA_BITS, -1, 0, 0 }; /* broken twin */
#else
	struct vrm_pgt_config s2 = { VRM_PGT_STAGE2, S2_IA_BITS, -1, 0, VRM_PGT_COALESCE };
#endif
	int ret = mem_layout(hyp_img, (uint64_t)(uintptr_t)__host_end);

	if (ret)
		return ret;
	/* Every page starts as the host's; the core takes its image and the
	 * metadata carve-out (allocated) and its heap (free, for the hyp
	 * allocator). The pool's own words live in the carve-out. */
	ret = vrm_pool_init(&hyp_pool, mem_ram.base, mem_ram.pages,
			    (struct vrm_pool_page *)(uintptr_t)mem_ram.carve, HYP_MAX_VMS, &pool_ops);
	/* Checked builds: every stage-2 write is judged against the pool. */
	VRM_CHECK(vrm_check_set_owner_query(vrm_pool_may_map, &hyp_pool));
	if (!ret)
		ret = vrm_pool_boot_assign(&hyp_pool, heap, (hyp_end - heap) >> VRM_PAGE_SHIFT,
					   VRM_PRINCIPAL_HYP);
	if (!ret)
		ret = mem_topup();
	if (!ret)
		ret = vrm_pool_donate(&hyp_pool, hyp_img, (heap - hyp_img) >> VRM_PAGE_SHIFT,
				      VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_HYP);
	if (!ret)
		ret = vrm_pool_donate(&hyp_pool, mem_ram.carve,
				      (mem_ram.end - mem_ram.carve) >> VRM_PAGE_SHIFT,
				      VRM_PRINCIPAL_HOST, VRM_PRINCIPAL_HYP);
	if (ret)
		return ret;

	/* EL2 stage 1: identity, text RX, the rest of RAM RW, UART device. */
	ret = vrm_pgt_init(&el2_pgt, &el2, &mem_mm_ops);
	if (!ret)
		ret = el2_map(mem_ram.base, hyp_img, VRM_PGT_PROT_RW);
	if (!ret)
		ret = el2_map(hyp_img, text_end, VRM_PGT_PROT_R | VRM_PGT_PROT_X);
	if (!ret)
		ret = el2_map(text_end, mem_ram.end, VRM_PGT_PROT_RW);
	if (!ret)
		ret = el2_map(UART_PA, UART_PA + VRM_PAGE_SIZE,
			      VRM_PGT_PROT_RW | VRM_PGT_PROT_DEVICE);
	if (!ret) /* the GIC: EL2's alone, in no stage-2 (core/gic.h) */
		ret = el2_map(GICD_PA, GICD_PA + GICD_SIZE, VRM_PGT_PROT_RW | VRM_PGT_PROT_DEVICE);
	if (!ret)
		ret = el2_map(GICR_PA, GICR_PA + GICR_SIZE, VRM_PGT_PROT_RW | VRM_PGT_PROT_DEVICE);
	if (ret)
		return ret;

	/* Host stage 2: identity of what the host owns: RAM less the core's
	 * image, heap and carve-out. */
	ret = vrm_pgt_init(&mem_host_pgt, &s2, &mem_mm_ops);
	if (!ret)
		vrm_pgt_set_principal(&mem_host_pgt, VRM_PRINCIPAL_HOST);
	if (!ret)
		ret = vrm_pgt_map(&mem_host_pgt, mem_ram.base, mem_ram.base, hyp_img - mem_ram.base,
				  VRM_PGT_PROT_RWX | VRM_PGT_PROT_NORMAL);
	if (!ret)
		ret = vrm_pgt_map(&mem_host_pgt, hyp_end, hyp_end, mem_ram.carve - hyp_end,
				  VRM_PGT_PROT_RWX | VRM_PGT_PROT_NORMAL);
#ifdef HYP_TWIN_HOST_MAPS_CORE
	/* Broken twin (tests/hyp, Linux host): the core's image, heap and
	 * metadata in the host's stage 2 as well. */
	if (!ret)
		ret = vrm_pgt_map(&mem_host_pgt, hyp_img, hyp_img, hyp_end - hyp_img,
				  VRM_PGT_PROT_RW | VRM_PGT_PROT_NORMAL);
	if (!ret)
		ret = vrm_pgt_map(&mem_host_pgt, mem_ram.carve, mem_ram.carve,
				  mem_ram.end - mem_ram.carve, VRM_PGT_PROT_RW | VRM_PGT_PROT_NORMAL);
#endif
#ifdef HYP_TWIN_HOST_MAPS_GIC
	/* Broken twin (tests/hyp): the GIC in the host's stage 2 as well. */
	if (!ret)
		ret = vrm_pgt_map(&mem_host_pgt, GICD_PA, GICD_PA, GICD_SIZE,
				  VRM_PGT_PROT_RW | VRM_PGT_PROT_DEVICE);
	if (!ret)
		ret = vrm_pgt_map(&mem_host_pgt, GICR_PA, GICR_PA, GICR_SIZE,
				  VRM_PGT_PROT_RW | VRM_PGT_PROT_DEVICE);
#endif
	if (ret)
		return ret;
	/* PS = 40 bits, VS = 16-bit VMIDs (libvrm's default VMID width). */
	vtcr = vrm_pgt_vtcr(&mem_host_pgt) | (UINT64_C(2) << 16) | (UINT64_C(1) << 19) |
	       (UINT64_C(1) << 31);
	/* EL1 TLBs may hold anything from before we owned the machine. */
	vrm_tlb_flush_all_el1();
	return 0;
}

#define TCR_EL2_RES1  ((UINT64_C(1) << 31) | (UINT64_C(1) << 23))
#define TCR_EL2_T0SZ  (64 - 39)
#define TCR_EL2_IRGN  (UINT64_C(1) << 8)   /* inner WBWA walks */
#define TCR_EL2_ORGN  (UINT64_C(1) << 10)  /* outer WBWA walks */
#define TCR_EL2_SH    (UINT64_C(3) << 12)  /* inner shareable walks */
#define TCR_EL2_PS40  (UINT64_C(2) << 16)
#define SCTLR_EL2_RES1 UINT64_C(0x30c50830)
#define SCTLR_M  (UINT64_C(1) << 0)
#define SCTLR_C  (UINT64_C(1) << 2)
#define SCTLR_SA (UINT64_C(1) << 3)
#define SCTLR_I  (UINT64_C(1) << 12)

/* Each CPU: the one EL2 table (never changed again) and the stage-2 config. */
void mem_cpu_init(void)
{
	write_mair_el2(VRM_PGT_MAIR_EL2);
	write_tcr_el2(TCR_EL2_RES1 | TCR_EL2_T0SZ | TCR_EL2_IRGN | TCR_EL2_ORGN |
		      TCR_EL2_SH | TCR_EL2_PS40);
	write_ttbr0_el2(el2_pgt.root_pa);
	write_vtcr_el2(vtcr);
	isb();
	/* Reset leaves EL2 TLB contents UNKNOWN: drop them before the MMU is
	 * on (libvrm has no local "all EL2" sequence; see README). */
	__asm__ volatile("tlbi alle2\n\t"  /* this PE's EL2 entries */
			 "dsb nsh\n\t"     /* complete it */
			 "isb"             /* before the SCTLR write */
			 ::: "memory");
	write_sctlr_el2(SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I);
	isb();
}

/*
 * A secondary reads el2_pgt and vtcr with its MMU still off, so straight
 * from memory: push the boot CPU's cached copies out to the point of
 * coherency before CPU_ON (as Linux cleans secondary_data).
 */
void mem_publish_for_secondaries(void)
{
	const void *objs[2] = { &el2_pgt, &vtcr };
	const size_t sizes[2] = { sizeof(el2_pgt), sizeof(vtcr) };

	/* To PoC, each complete (dsb sy) before the PSCI call. */
	for (int i = 0; i < 2; i++)
		vrm_arch_dcache_clean_inval_poc(objs[i], sizes[i]);
}

uint64_t mem_host_vttbr(void)
{
	return mem_host_pgt.root_pa; /* VMID 0 */
}

uint64_t mem_host_ram_start(void)
{
	return (uint64_t)(uintptr_t)__host_end;
}

uint64_t mem_host_ram_end(void)
{
	return mem_ram.carve;
}

bool mem_in_ram(uint64_t pa, uint64_t npages)
{
	return pa >= mem_ram.base && pa < mem_ram.end && npages <= mem_ram.pages &&
	       npages <= (mem_ram.end - pa) >> VRM_PAGE_SHIFT;
}

/* Write-Once-Kernel-Mapping, shown live: libvrm refuses to change the EL2
 * table once an entry is valid (returns what vrm_pgt_unmap said). */
int mem_el2_unmap_attempt(void)
{
	return vrm_pgt_unmap(&el2_pgt, UART_PA, VRM_PAGE_SIZE);
}
