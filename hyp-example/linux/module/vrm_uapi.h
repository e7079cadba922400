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
};

struct vrm_page {
	__u64 index;    /* a donated page, in donation order */
	__u64 ipa;      /* VRM_REDONATE: where */
	__u64 value;    /* VRM_PEEK: the first word read */
};

#define VRM_CREATE_VM _IO('v', 0x01)
#define VRM_DONATE    _IOW('v', 0x02, struct vrm_donate)
#define VRM_REDONATE  _IOW('v', 0x03, struct vrm_page)
#define VRM_PEEK      _IOWR('v', 0x04, struct vrm_page)
#define VRM_DESTROY_VM _IO('v', 0x05)

#endif /* VRM_UAPI_H */
