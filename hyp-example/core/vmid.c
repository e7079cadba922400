/* SPDX-License-Identifier: MIT */
/*
 * VMIDs: libvrm's allocator (vrm/vmid.h, KVM's generation scheme) on a
 * deliberately small space, 4 bits (15 VMIDs for VMs, 0 is the host's),
 * so that rollover and its one broadcast flush are a visible, tested path
 * of every boot (the VMID churn of host/attacks.c). A VM takes its first
 * VMID at creation, so its table's flushes name a VMID of its own from the
 * start (never the host's 0); each vCPU run may then renew it (a VM that
 * was not running at a rollover gets a new one), and the VM's VTTBR value
 * and stage-2 table follow. Nothing is freed at VM destruction: a dead
 * VM's VMID is reused only after the next rollover's flush, while
 * mem_reclaim's vrm_tlb_flush_vmid is for the table pages it frees.
 */
#include <vrm/pgtable.h>
#include <vrm/vmid.h>

#include "vm.h"

#define HYP_VMID_BITS 4

static struct vrm_vmid_alloc vmids;
static uint64_t vmid_map[VRM_VMID_MAP_WORDS(HYP_VMID_BITS)];
static struct vrm_vmid_cpu vmid_cpus[HYP_MAX_CPUS];

/* Boot CPU, before any VM exists: 2^4 >= HYP_MAX_CPUS + 2. */
int vmid_init(void)
{
	return vrm_vmid_init(&vmids, HYP_VMID_BITS, vmid_map, VRM_VMID_MAP_WORDS(HYP_VMID_BITS),
			     vmid_cpus, HYP_MAX_CPUS);
}

static uint16_t vmid_get(struct vrm_vmid *vm, uint32_t cpu)
{
	bool rolled = false;
	int v = vrm_vmid_get(&vmids, vm, cpu, &rolled);

	/* Unreachable: cpu < HYP_MAX_CPUS and only the allocator writes the
	 * word after vmid_first zeroed it. */
	if (v <= 0) {
		hyp_printf("hyp: vmid: allocator refused cpu %u (%d)\n", cpu, v);
		hyp_exit_failure(3);
	}
	if (rolled)
		hyp_printf("hyp: vmid rollover (generation %u): flushed all EL1 TLB entries\n",
			   (unsigned)vrm_vmid_generation(&vmids));
	return (uint16_t)v;
}

/* A new VM (vm->lock held, no vCPU yet) on this CPU, where no vCPU is
 * loaded: a VMID, and this CPU's slot left as it was found (put). */
uint16_t vmid_first(struct hyp_vm *vm, uint32_t cpu)
{
	uint16_t v;

	vm->vmid.id = 0;
	v = vmid_get(&vm->vmid, cpu);
	vrm_vmid_put(&vmids, cpu);
	return v;
}

/* vCPU load (vm->lock held: the VM's table operations also run under it,
 * so none flushes with the old VMID once the new one is in force). */
uint16_t vmid_load(struct hyp_vm *vm, uint32_t cpu)
{
	uint16_t v = vmid_get(&vm->vmid, cpu);

	HYP_ASSERT_HELD(&vm->lock);
	if (v != vm->pgt.vmid && vrm_pgt_set_vmid(&vm->pgt, v)) {
		hyp_printf("hyp: vmid: stage-2 table refused VMID %u\n", v);
		hyp_exit_failure(3);
	}
	return v;
}

/* vCPU put: the VM left this CPU; its VMID is not reserved here at the
 * next rollover. */
void vmid_put(uint32_t cpu)
{
	vrm_vmid_put(&vmids, cpu);
}
