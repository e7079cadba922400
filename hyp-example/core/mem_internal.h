/* SPDX-License-Identifier: MIT */
/* Shared between mem.c, mem_vm.c and mem_check.c only. */
#ifndef HYP_MEM_INTERNAL_H
#define HYP_MEM_INTERNAL_H

#include <vrm/arch/aarch64/cache.h>

#include "mem.h"

extern struct vrm_pgt mem_host_pgt;
extern const struct vrm_pgt_mm_ops mem_mm_ops;    /* EL2 and host tables */
extern const struct vrm_pgt_mm_ops mem_vm_mm_ops; /* VM stage-2s: with cache maintenance */

/* Fill this CPU's table-page cache from the hyp allocator (outside any
 * pool lock: the pool's callbacks may not call the pool). */
int mem_topup(void);
/* Bracket one pool transition: cache topped up, (pa -> ipa) recorded for
 * the callbacks; to: the principal the host's pages go to (its stage-2
 * entries for them become annotations naming it), VRM_PRINCIPAL_NONE when
 * the host gives nothing; dying: the VM's table is already empty. */
int mem_pool_call_begin(struct vrm_pgt *pgt, uint64_t pa, uint64_t ipa, vrm_principal_t to,
			bool dying);
void mem_pool_call_end(void);
/* vrm_pool_ops.is_mapped (mem_check.c). */
bool mem_is_mapped(void *ctx, vrm_principal_t who, vrm_pa_t pa);

#endif /* HYP_MEM_INTERNAL_H */
