/* SPDX-License-Identifier: MIT */
/*
 * VMID allocator: KVM's generation scheme (Linux arch/arm64/kvm/vmid.c),
 * freestanding, with the memory supplied by the caller.
 *
 * A VM holds one 64-bit word, generation | VMID (KVM's kvm_vmid.id). The
 * word is valid while its generation is the allocator's current one. On
 * each vCPU load the hypervisor calls vrm_vmid_get() for the CPU it runs on:
 *  - fast path, no lock: the word is valid and this CPU's `active` slot can
 *    be moved from a non-zero value to the word by one compare-and-swap;
 *  - slow path, under the allocator's ticket lock: a stale word gets a VMID
 *    of the current generation: its old VMID when that is reserved for it
 *    (it was running on some CPU at the last rollover) or still free in the
 *    bitmap, else the next free bit after a cursor;
 *  - rollover, when no bit is free: the generation advances, the bitmap is
 *    cleared, each CPU's active VMID becomes its reserved one (kept set),
 *    and ONE broadcast TLBI ALLE1IS + DSB ISH (vrm_tlb_flush_all_el1) drops
 *    every EL1&0 entry of every VMID, on every CPU, before any VMID of the
 *    old generation can be handed to a new owner.
 * vrm_vmid_put() on vCPU put clears this CPU's active slot, so a VM that no
 * longer runs here does not keep its VMID reserved across a rollover.
 *
 * Guarantees (tests/vmid):
 *  - two VMs that are loaded (between get and put) at the same time, on
 *    any CPUs, never have the same VMID;
 *  - a VMID passes from one VM to another only across a rollover, i.e. its
 *    previous owner's TLB entries were invalidated everywhere first
 *    (Sequential-TLB-Invalidation); VMID 0 (the host's) is never handed out;
 *  - a VM loaded on some CPU at a rollover keeps its VMID.
 *
 * No free on VM death, as KVM: a dead VM's VMID stays allocated until the
 * next rollover, whose flush is what makes its reuse safe, so VMID reuse
 * never depends on the hypervisor's teardown. The teardown must still
 * invalidate the VM's own VMID (vrm_tlb_flush_vmid) before it frees its
 * stage-2 table pages: that is about the pages, not the VMID (the checker's
 * table-destroyed-without-VMID-flush rule, docs/api.md vrm_pgt_destroy).
 *
 * A VM's VMID changes when it gets a new one after a rollover: every TLBI
 * naming the VM (its stage-2 table's vmid, vrm_pgt_set_vmid) and its
 * VTTBR_EL2 must use the value the last get returned. Its old VMID cannot
 * name live entries of it: it was not loaded anywhere at the rollover (else
 * it would have kept it), and the rollover's flush dropped its entries.
 */
#ifndef VRM_VMID_H
#define VRM_VMID_H

#include <vrm/ticket.h>
#include <vrm/types.h>

/* VMID widths: 8 and 16 are the architectural ones (VTCR_EL2.VS); any
 * width in between down to 2 bits is accepted so that rollover can be made
 * frequent (tests, the example hypervisor's 4-bit space). */
#define VRM_VMID_BITS_MIN 2
#define VRM_VMID_BITS_MAX 16
/* 64-bit words of bitmap for `bits`-wide VMIDs (1024 words for 16 bits). */
#define VRM_VMID_MAP_WORDS(bits) ((((size_t)1 << (bits)) + 63) / 64)

/* One per CPU, caller-provided. `active`: the word of the VM loaded here
 * (atomic; 0 after a rollover took it). `reserved`: the word this CPU
 * holds over from the last rollover (under the lock). */
struct vrm_vmid_cpu {
	uint64_t active;
	uint64_t reserved;
};

struct vrm_vmid_alloc {
	vrm_ticket_t lock;          /* serialises the slow path and rollover */
	uint32_t bits;
	uint32_t ncpus;
	uint32_t next;              /* search cursor (under lock) */
	uint64_t generation;        /* atomic; a multiple of 2^bits, from 2^bits */
	uint64_t rollovers;         /* atomic; rollovers done */
	uint64_t *map;              /* 2^bits bits, bit v: VMID v taken this generation */
	struct vrm_vmid_cpu *cpus;  /* ncpus entries */
};

/* A VM's VMID word. Zero-initialise it (or VRM_VMID_INIT) before the VM's
 * first get, and again when its memory is reused for another VM. */
struct vrm_vmid {
	uint64_t id;                /* atomic: generation | VMID, 0 never allocated */
};
#define VRM_VMID_INIT { 0 }

/*
 * Set up `a` for `bits`-wide VMIDs on `ncpus` CPUs (ids 0 .. ncpus-1, the
 * `cpu` of get/put). `map`: map_words >= VRM_VMID_MAP_WORDS(bits) words;
 * `cpus`: ncpus entries; both stay owned by `a` until it is no longer used.
 * Needs 2^bits >= ncpus + 2: after a rollover up to ncpus VMIDs stay
 * reserved and VMID 0 is the host's, and one must remain to hand out.
 * -VRM_EINVAL for NULL pointers, bits outside VRM_VMID_BITS_MIN..MAX or
 * above VRM_TLB_VMID_BITS, ncpus 0 or above VRM_MAX_CPUS or too many for
 * bits, a map too small; *a, map and cpus are then untouched.
 */
int vrm_vmid_init(struct vrm_vmid_alloc *a, uint32_t bits, uint64_t *map, size_t map_words,
		  struct vrm_vmid_cpu *cpus, uint32_t ncpus);

/*
 * vCPU load of the VM owning `vm` on CPU `cpu` (the caller's own CPU; at
 * most one get/put at a time per cpu). Returns the VMID (1 .. 2^bits - 1)
 * to put in VTTBR_EL2 and in every TLBI for the VM until its next get, or
 * -VRM_EINVAL (cpu >= ncpus; a word this allocator never wrote), changing
 * nothing. *rolled_over (may be NULL) says whether this call did a
 * rollover (and its flush). The slow path takes a->lock: never call with
 * it held; any lock order otherwise (it takes no other lock).
 */
int vrm_vmid_get(struct vrm_vmid_alloc *a, struct vrm_vmid *vm, uint32_t cpu,
		 bool *rolled_over);

/*
 * vCPU put on `cpu`: the VM loaded there no longer runs there. Lock-free.
 * Until the next get on this cpu the slot reserves nothing at a rollover.
 * -VRM_EINVAL for cpu >= ncpus.
 */
int vrm_vmid_put(struct vrm_vmid_alloc *a, uint32_t cpu);

/* The current generation number (1, 2, ...) and rollovers so far; racy
 * snapshots unless a->lock is held. */
uint64_t vrm_vmid_generation(const struct vrm_vmid_alloc *a);
uint64_t vrm_vmid_rollovers(const struct vrm_vmid_alloc *a);

#endif /* VRM_VMID_H */
