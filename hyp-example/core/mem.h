/* SPDX-License-Identifier: MIT */
/* Memory: libvrm's pool owns all RAM; libvrm's tables map it (mem.c). */
#ifndef HYP_MEM_H
#define HYP_MEM_H

#include <vrm/pgtable.h>
#include <vrm/pool.h>

#include "hyp.h"

#define RAM_BASE   UINT64_C(0x40000000)
#define RAM_SIZE   (UINT64_C(512) << 20)  /* -m 512M */
#define RAM_END    (RAM_BASE + RAM_SIZE)
#define RAM_PAGES  (RAM_SIZE >> VRM_PAGE_SHIFT)
#define UART_PA    UINT64_C(0x09000000)
#define S2_IA_BITS 39                     /* IPA space of the host and VMs */
#define MEM_MAX_OP_PAGES 256              /* per donate call */

extern struct vrm_pool hyp_pool;

int mem_init(void);
void mem_cpu_init(void);
void mem_publish_for_secondaries(void);
uint64_t mem_host_vttbr(void);
uint64_t mem_host_ram_start(void);
bool mem_in_ram(uint64_t pa, uint64_t npages);

int mem_vm_init(struct vrm_pgt *pgt, uint16_t vmid, uint32_t slot);
int mem_donate(uint32_t slot, struct vrm_pgt *pgt, uint64_t pa, uint64_t ipa, uint64_t n);
int mem_share(uint32_t slot, struct vrm_pgt *pgt, uint64_t pa, uint64_t ipa);
int mem_unshare(uint32_t slot, struct vrm_pgt *pgt, uint64_t pa, uint64_t ipa);
int mem_reclaim(uint32_t slot, struct vrm_pgt *pgt, uint64_t *reclaimed, uint64_t *scrubbed);
int mem_check(void);
int mem_el2_unmap_attempt(void);
/* vm.c: fn(slot, table) for each live VM, under its lock. */
void vm_for_each_table(void (*fn)(uint32_t slot, struct vrm_pgt *pgt));
const char *mem_owner_name(uint64_t pa, char *buf, size_t n);

#endif /* HYP_MEM_H */
