/* SPDX-License-Identifier: MIT */
/*
 * VM objects: creation, vCPUs, memory given by the host, destruction.
 * Every host argument is checked before anything changes; a rejected call
 * returns -VRM_E* and leaves every object as it was.
 *
 * Locks, outermost first: vms_lock (slot claim) -> vm->lock -> vcpu->lock
 * -> pool locks (inside libvrm) -> table locks (inside libvrm).
 */
#include "gic.h"
#include "vm.h"

static vrm_ticket_t vms_lock = VRM_TICKET_INIT;
static struct hyp_vm vms[HYP_MAX_VMS];

/* The VM named by a host handle, locked; NULL for a bad handle. */
struct hyp_vm *vm_lookup_locked(uint64_t handle)
{
	struct hyp_vm *vm;

	if (handle == 0 || handle > HYP_MAX_VMS)
		return NULL;
	vm = &vms[handle - 1];
	vrm_ticket_lock(&vm->lock);
	return vm;
}

int64_t vm_create(void)
{
	struct hyp_vm *vm = NULL;
	uint16_t vmid;
	int ret;

	vrm_ticket_lock(&vms_lock);
	for (uint32_t s = 0; s < HYP_MAX_VMS && !vm; s++) {
		vrm_ticket_lock(&vms[s].lock);
		if (vms[s].state == VM_FREE) {
			vm = &vms[s];
			vm->state = VM_CREATING;
			vm->slot = s;
		} else {
			vrm_ticket_unlock(&vms[s].lock);
		}
	}
	vrm_ticket_unlock(&vms_lock);
	if (!vm)
		return -VRM_ENOMEM;

	HYP_ASSERT_HELD(&vm->lock);
	/* A failed init leaves the VMID taken until the next rollover, as a
	 * destroyed VM's: nothing to give back. */
	vmid = vmid_first(vm, this_cpu()->id);
	ret = mem_vm_init(&vm->pgt, vmid, vm->slot);
	if (ret) {
		vm->state = VM_FREE;
	} else {
		vm->nr_vcpus = 0;
		vm->donated = 0;
		for (uint32_t i = 0; i < HYP_MAX_CPUS; i++)
			vm->last_vcpu[i] = -1;
		vm->state = VM_LIVE;
	}
	vrm_ticket_unlock(&vm->lock);
	return ret ? ret : (int64_t)vm->slot + 1;
}

int64_t vm_create_vcpu(uint64_t handle, uint64_t entry, uint64_t arg)
{
	struct hyp_vm *vm = vm_lookup_locked(handle);
	struct hyp_vcpu *v;
	int64_t ret;

	if (!vm)
		return -VRM_EINVAL;
	HYP_ASSERT_HELD(&vm->lock);
	if (vm->state != VM_LIVE) {
		ret = -VRM_EPERM;
	} else if (vm->nr_vcpus >= HYP_MAX_VCPUS || (entry & 3) ||
		   entry >= (UINT64_C(1) << S2_IA_BITS)) {
		ret = -VRM_EINVAL;
	} else {
		v = &vm->vcpus[vm->nr_vcpus];
		vrm_ticket_lock(&v->lock);
		HYP_ASSERT_HELD(&v->lock);
		memset(&v->ctx, 0, sizeof(v->ctx));
		v->vm = vm;
		v->idx = vm->nr_vcpus;
		v->running_on = 0;
		v->done = false;
		v->line.len = 0;
		v->ctx.pc = entry;
		v->ctx.pstate = PSTATE_EL1H_DAIF;
		v->ctx.x[0] = arg;
		v->ctx.x[1] = v->idx;
		v->ctx.sys[SYS_sctlr_el1] = SCTLR_EL1_RES1; /* MMU off until guest/mmu.S */
		v->ctx.hcr = HCR_VCPU | hyp_hcr_features;
		vgic_vcpu_init(&v->ctx.vgic);
		/* VMID bits [63:48] set at each run (vcpu.c: vmid_load) */
		v->ctx.vttbr = vm->pgt.root_pa;
		v->ctx.vmpidr = (UINT64_C(1) << 31) | v->idx;
		v->created = true;
		vrm_ticket_unlock(&v->lock);
		ret = vm->nr_vcpus++;
	}
	vrm_ticket_unlock(&vm->lock);
	return ret;
}

static bool ipa_range_ok(uint64_t ipa, uint64_t n)
{
	uint64_t top = UINT64_C(1) << S2_IA_BITS;

	return !(ipa & (VRM_PAGE_SIZE - 1)) && ipa < top && n <= (top - ipa) >> VRM_PAGE_SHIFT;
}

int64_t vm_donate(uint64_t handle, uint64_t pa, uint64_t ipa, uint64_t n)
{
	struct hyp_vm *vm;
	int64_t ret;

	if (n == 0 || n > MEM_MAX_OP_PAGES || (pa & (VRM_PAGE_SIZE - 1)) ||
	    !mem_in_ram(pa, n) || !ipa_range_ok(ipa, n))
		return -VRM_EINVAL;
	vm = vm_lookup_locked(handle);
	if (!vm)
		return -VRM_EINVAL;
	HYP_ASSERT_HELD(&vm->lock);
	ret = vm->state == VM_LIVE ? mem_donate(vm->slot, &vm->pgt, pa, ipa, n) : -VRM_EPERM;
	if (!ret)
		vm->donated += n;
	vrm_ticket_unlock(&vm->lock);
	return ret;
}

int64_t vm_share(uint64_t handle, uint64_t pa, uint64_t ipa, bool share)
{
	struct hyp_vm *vm;
	int64_t ret;

	if ((pa & (VRM_PAGE_SIZE - 1)) || !mem_in_ram(pa, 1) || !ipa_range_ok(ipa, 1))
		return -VRM_EINVAL;
	vm = vm_lookup_locked(handle);
	if (!vm)
		return -VRM_EINVAL;
	HYP_ASSERT_HELD(&vm->lock);
	if (share)
		ret = vm->state == VM_LIVE ? mem_share(vm->slot, &vm->pgt, pa, ipa) : -VRM_EPERM;
	else if (vm->state == VM_LIVE || vm->state == VM_STOPPED)
		ret = mem_unshare(vm->slot, &vm->pgt, pa, ipa);
	else
		ret = -VRM_EPERM;
	vrm_ticket_unlock(&vm->lock);
	return ret;
}

/* Refused (-EBUSY) while a vCPU runs: its CPU still uses the VM's table. */
int64_t vm_destroy(uint64_t handle, uint64_t *scrubbed)
{
	struct hyp_vm *vm = vm_lookup_locked(handle);
	uint64_t reclaimed = 0;
	int64_t ret = 0;

	if (!vm)
		return -VRM_EINVAL;
	HYP_ASSERT_HELD(&vm->lock);
	if (vm->state != VM_LIVE && vm->state != VM_STOPPED)
		ret = -VRM_EINVAL;
	for (uint32_t i = 0; i < vm->nr_vcpus && !ret; i++) {
		vrm_ticket_lock(&vm->vcpus[i].lock);
		HYP_ASSERT_HELD(&vm->vcpus[i].lock);
#ifndef HYP_TWIN_NO_RUNNING_CHECK
		/* Broken twin (tests/hyp) lets the reclaim run under the guest. */
		if (vm->vcpus[i].running_on)
			ret = -VRM_EBUSY;
#endif
		vrm_ticket_unlock(&vm->vcpus[i].lock);
	}
	if (!ret) {
		vm->state = VM_DYING;
		ret = mem_reclaim(vm->slot, &vm->pgt, &reclaimed, scrubbed);
		if (ret) {
			vm->state = VM_STOPPED;
		} else {
			/* No VMID to free (vmid.c): reused after a rollover. */
			for (uint32_t i = 0; i < HYP_MAX_VCPUS; i++) {
				vrm_ticket_lock(&vm->vcpus[i].lock);
				vm->vcpus[i].created = false;
				vm->vcpus[i].done = false;
				vrm_ticket_unlock(&vm->vcpus[i].lock);
			}
			vm->nr_vcpus = 0;
			vm->state = VM_FREE;
		}
	}
	vrm_ticket_unlock(&vm->lock);
	return ret ? ret : (int64_t)reclaimed;
}

void vm_for_each_table(void (*fn)(uint32_t slot, struct vrm_pgt *pgt))
{
	for (uint32_t s = 0; s < HYP_MAX_VMS; s++) {
		vrm_ticket_lock(&vms[s].lock);
		HYP_ASSERT_HELD(&vms[s].lock);
		if (vms[s].state == VM_LIVE || vms[s].state == VM_STOPPED)
			fn(s, &vms[s].pgt);
		vrm_ticket_unlock(&vms[s].lock);
	}
}
