/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* /dev/vrm's ioctls (module/vrm.c), shared with the userspace tools. */
#ifndef VRM_UAPI_H
#define VRM_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VRM_MAX_PAGES 64

struct vrm_donate {
	__u64 ipa;      /* 4 KiB aligned */
	__u64 npages;   /* 1 .. VRM_MAX_PAGES in all */
	__u64 src;      /* user address of what the pages start with (0: zeros) */
	__u64 len;      /* bytes at src, <= npages * 4 KiB */
};

struct vrm_vcpu {
	__u64 entry;    /* IPA where it starts */
	__u64 arg;      /* its x0 */
};

/* VRM_RUN: run vCPU `vcpu` until an exit userspace must see (the core's
 * EXIT_YIELD, EXIT_DONE, EXIT_S2_FAULT, EXIT_TRAP, or EXIT_WFI with
 * nothing to wake it); the driver itself resumes it after a slice, an
 * interrupt of Linux's, or a WFI its timer ends. */
struct vrm_run {
	__u64 vcpu;
	__u64 slice_us; /* 0: the core's default */
	__u64 reason;   /* out: EXIT_* (hyp_abi.h) */
	__u64 detail;   /* out: its x1 */
	__u64 resumes;  /* out: how often the driver resumed it in this call */
	__u64 irqs;     /* out: of those, for an interrupt of Linux's (EXIT_IRQ) */
};

/* VRM_SHARE: one page of Linux's (the module allocates it) shared with the
 * VM at ipa; the host keeps it, and mmap at offset VRM_SHARED_PGOFF pages
 * maps it (a VMM's channel to its guest). */
struct vrm_share {
	__u64 ipa;
};
#define VRM_SHARED_PGOFF 0x1000

struct vrm_page {
	__u64 index;    /* a donated page, in donation order; VRM_PEEK_PA: a pa */
	__u64 ipa;      /* VRM_REDONATE: where */
	__u64 value;    /* VRM_PEEK: the first word read */
};

#define VRM_CREATE_VM _IO('v', 0x01)
#define VRM_DONATE    _IOW('v', 0x02, struct vrm_donate)
#define VRM_REDONATE  _IOW('v', 0x03, struct vrm_page)
#define VRM_PEEK      _IOWR('v', 0x04, struct vrm_page)
#define VRM_DESTROY_VM _IO('v', 0x05)
#define VRM_CREATE_VCPU _IOW('v', 0x06, struct vrm_vcpu)
#define VRM_RUN       _IOWR('v', 0x07, struct vrm_run)
#define VRM_SHARE     _IOW('v', 0x08, struct vrm_share)
#define VRM_PEEK_PA   _IOWR('v', 0x09, struct vrm_page)

#endif /* VRM_UAPI_H */
