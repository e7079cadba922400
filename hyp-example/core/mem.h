/* SPDX-License-Identifier: MIT */
/* Memory: libvrm's pool owns all RAM; libvrm's tables map it (mem.c). */
#ifndef HYP_MEM_H
#define HYP_MEM_H

#include <vrm/pgtable.h>
#include <vrm/pool.h>

#include "hyp.h"

#define UART_PA    UINT64_C(0x09000000)
#define S2_IA_BITS 39                     /* IPA space of the host and VMs */
#define MEM_MAX_OP_PAGES 256              /* per donate call */

extern struct vrm_pool hyp_pool;

/*
 * RAM as the DTB describes it (platform.c), fixed at boot. The core's
 * metadata (the pool's per-page words, the checker's bitmaps) is sized from
 * it and carved from the top of RAM: hyp-owned, never in the host's stage 2.
 */
struct mem_ram {
	uint64_t base, end;  /* all of RAM: the pool covers exactly this */
	uint64_t pages;
	uint64_t carve;      /* [carve, end): core metadata; host RAM ends here */
};
extern struct mem_ram mem_ram;

int mem_init(void);
void mem_cpu_init(void);
void mem_publish_for_secondaries(void);
uint64_t mem_host_vttbr(void);
uint64_t mem_host_ram_start(void);
uint64_t mem_host_ram_end(void);
bool mem_in_ram(uint64_t pa, uint64_t npages);

int mem_vm_init(struct vrm_pgt *pgt, uint16_t vmid, uint32_t slot);
int mem_donate(uint32_t slot, struct vrm_pgt *pgt, uint64_t pa, uint64_t ipa, uint64_t n);
int mem_share(uint32_t slot, struct vrm_pgt *pgt, uint64_t pa, uint64_t ipa);
int mem_unshare(uint32_t slot, struct vrm_pgt *pgt, uint64_t pa, uint64_t ipa);
int mem_reclaim(uint32_t slot, struct vrm_pgt *pgt, uint64_t *reclaimed, uint64_t *scrubbed);
/* Pool invariants against the tables (0, or why not); *named: pages the
 * host's stage-2 names an owner for (mem_check.c). */
int mem_check(uint64_t *named);
/* Valid leaves of the host's stage-2 over RAM; *blockish: its tables of
 * pages that could be one 2 MiB block (none while the table coalesces,
 * mem_check.c). */
uint64_t mem_host_leaves(uint64_t *blockish);
size_t mem_check_bytes(uint64_t pages);      /* mem_check.c's bitmaps */
void mem_check_init(void *bits, uint64_t pages);
int mem_el2_unmap_attempt(void);
/* vm.c: fn(slot, table) for each live VM, under its lock. */
void vm_for_each_table(void (*fn)(uint32_t slot, struct vrm_pgt *pgt));
const char *mem_owner_name(uint64_t pa, char *buf, size_t n);
bool mem_host_owns(uint64_t pa);

#endif /* HYP_MEM_H */
