/* SPDX-License-Identifier: MIT */
/* VM and vCPU objects. */
#ifndef HYP_VM_H
#define HYP_VM_H

#include <vrm/vmid.h>

#include "mem.h"

enum vm_state { VM_FREE = 0, VM_CREATING, VM_LIVE, VM_STOPPED, VM_DYING };

struct hyp_vm;

/*
 * A vCPU. `lock` guards running_on/done/created. The context itself is
 * owned by whichever CPU set running_on (under the lock) until it clears
 * it again: the lock hand-off orders one CPU's saves before the next
 * CPU's loads (DRF-Kernel by ownership transfer).
 */
struct hyp_vcpu {
	vrm_ticket_t lock;
	struct hyp_vm *vm;
	uint32_t idx;
	uint32_t running_on;   /* physical CPU + 1, 0 when not running */
	bool created, done;
	struct hyp_ctx ctx;
	struct hyp_line line;
};

/* A VM. `lock` guards everything below it except the vCPUs' own fields. */
struct hyp_vm {
	vrm_ticket_t lock;
	enum vm_state state;
	uint32_t slot;
	struct vrm_vmid vmid;           /* vrm/vmid.h word; pgt.vmid is its VMID */
	uint32_t nr_vcpus;
	uint64_t donated;               /* pages donated so far */
	int32_t last_vcpu[HYP_MAX_CPUS]; /* vCPU last run on each CPU, -1 none */
	struct vrm_pgt pgt;
	struct hyp_vcpu vcpus[HYP_MAX_VCPUS];
};

/* vmid.c */
int vmid_init(void);
uint16_t vmid_first(struct hyp_vm *vm, uint32_t cpu);
uint16_t vmid_load(struct hyp_vm *vm, uint32_t cpu);
void vmid_put(uint32_t cpu);

/* vm.c: each returns >= 0 or -VRM_E*; handles are slot + 1. */
int64_t vm_create(void);
int64_t vm_create_vcpu(uint64_t handle, uint64_t entry, uint64_t arg);
int64_t vm_donate(uint64_t handle, uint64_t pa, uint64_t ipa, uint64_t n);
int64_t vm_share(uint64_t handle, uint64_t pa, uint64_t ipa, bool share);
int64_t vm_destroy(uint64_t handle, uint64_t *scrubbed);

/* vcpu.c */
struct hyp_ctx *vcpu_run(struct hyp_cpu *c, uint64_t handle, uint64_t idx, uint64_t slice_us);
struct hyp_ctx *vcpu_exit(struct hyp_cpu *c, uint64_t reason, uint64_t detail);
struct hyp_ctx *vcpu_trap(struct hyp_cpu *c, struct hyp_ctx *ctx, uint64_t kind);
struct hyp_vm *vm_lookup_locked(uint64_t handle);
void ctx_save_el1(struct hyp_ctx *ctx);
void ctx_load_el1(const struct hyp_ctx *ctx);

#endif /* HYP_VM_H */
