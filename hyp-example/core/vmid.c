/* SPDX-License-Identifier: MIT */
/*
 * VMID allocator. A VMID tags a VM's TLB entries; a VMID is freed only
 * after its VM's entries were flushed (mem_reclaim: vrm_tlb_flush_vmid), so
 * a reused VMID never meets its previous owner's translations. The cursor
 * walks a deliberately small space (HYP_VMIDS) and wraps; on each rollover
 * the core also drops every EL1 entry (vrm_tlb_flush_all_el1), as KVM's
 * generation scheme does, so that rollover is a visible, tested path.
 * VMID 0 is the host's.
 */
#include <vrm/tlb.h>

#include "vm.h"

#define HYP_VMIDS 16

static vrm_ticket_t vmid_lock = VRM_TICKET_INIT;
static uint16_t cursor = 1;
static uint32_t generation;
static bool in_use[HYP_VMIDS];

int vmid_alloc(uint16_t *vmid)
{
	int ret = -VRM_EBUSY;

	vrm_ticket_lock(&vmid_lock);
	for (int tries = 0; tries < HYP_VMIDS; tries++) {
		uint16_t id = cursor;

		HYP_ASSERT_HELD(&vmid_lock);
		if (++cursor == HYP_VMIDS) {
			cursor = 1;
			generation++;
			vrm_tlb_flush_all_el1();
			hyp_printf("hyp: vmid rollover (generation %u): flushed all EL1 TLB entries\n",
				   generation);
		}
		if (!in_use[id]) {
			in_use[id] = true;
			*vmid = id;
			ret = 0;
			break;
		}
	}
	vrm_ticket_unlock(&vmid_lock);
	return ret;
}

void vmid_free(uint16_t vmid)
{
	vrm_ticket_lock(&vmid_lock);
	HYP_ASSERT_HELD(&vmid_lock);
	if (vmid > 0 && vmid < HYP_VMIDS)
		in_use[vmid] = false;
	vrm_ticket_unlock(&vmid_lock);
}
