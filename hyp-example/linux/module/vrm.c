// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * /dev/vrm: the Linux host's driver for the libvrm core (KVM's shape: EL2
 * core, host driver, userspace VMM), built out of tree against Debian's
 * linux-headers for the host's own kernel (hyp-example/meson.build).
 *
 * One VM per open file. The ioctls issue the core's hypercalls
 * (hyp-example/include/hyp_abi.h, HVC #0 from EL1); the core checks every
 * argument again and its negative errno values come back unchanged.
 *
 *   VRM_CREATE_VM        -> the core's VM handle
 *   VRM_DONATE {ipa, n}  n pages the module allocates, one HVC each, to
 *                        ipa + 4 KiB * i of the VM: from then on they are
 *                        the VM's, and Linux must never touch them (the core
 *                        would refuse the access with an abort)
 *   VRM_DESTROY_VM       -> pages the core reclaimed (and scrubbed): they are
 *                        Linux's again, kept by the module until release
 *   release              destroy the VM if still there, then give the
 *                        pages back to Linux
 *
 * The attack interface (what a compromised host kernel tries, each refused
 * by the core; hyp-example/linux/vrmctl.c reports them):
 *   mmap                 maps the donated pages into the caller (a host
 *                        that kept a mapping of what it gave away)
 *   VRM_REDONATE {i}     donates page i a second time
 *   VRM_PEEK {i}         reads page i from the kernel (get_kernel_nofault:
 *                        the core's abort for an EL1 access to a kernel
 *                        address is a translation fault, so the read's
 *                        exception fixup turns it into -EFAULT)
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vrm_uapi.h"

#define HVC_CREATE_VM  0x01
#define HVC_DONATE     0x03
#define HVC_DESTROY_VM 0x07

struct vrm_file {
	struct mutex lock;
	long vm;                 /* the core's handle, -1 before CREATE_VM */
	unsigned int nr;         /* pages[0..nr) are donated to vm */
	struct page *pages[VRM_MAX_PAGES];
};

/* HVC #0 with x0 = function, x1..x4 = arguments; x0 (and x1) back. */
static long vrm_hvc(u64 fn, u64 a1, u64 a2, u64 a3, u64 a4)
{
	register u64 x0 asm("x0") = fn;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;
	register u64 x4 asm("x4") = a4;

	asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4) : : "memory");
	return (long)x0;
}

static int vrm_open(struct inode *inode, struct file *f)
{
	struct vrm_file *v = kzalloc(sizeof(*v), GFP_KERNEL);

	if (!v)
		return -ENOMEM;
	mutex_init(&v->lock);
	v->vm = -1;
	f->private_data = v;
	return 0;
}

static long donate(struct vrm_file *v, const struct vrm_donate __user *uarg)
{
	struct vrm_donate d;
	u64 i;
	long r = 0;

	if (copy_from_user(&d, uarg, sizeof(d)))
		return -EFAULT;
	if (v->vm < 0)
		return -ENOENT;
	if (d.npages == 0 || d.npages > VRM_MAX_PAGES - v->nr || (d.ipa & ~PAGE_MASK))
		return -EINVAL;
	for (i = 0; i < d.npages; i++) {
		struct page *p = alloc_page(GFP_KERNEL | __GFP_ZERO);

		if (!p)
			return -ENOMEM;
		r = vrm_hvc(HVC_DONATE, v->vm, page_to_phys(p), d.ipa + i * PAGE_SIZE, 1);
		if (r) {
			__free_page(p); /* refused: still Linux's own page */
			return r;
		}
		v->pages[v->nr++] = p;
	}
	return 0;
}

static long page_op(struct vrm_file *v, unsigned int cmd, const struct vrm_page __user *uarg)
{
	struct vrm_page a;
	u64 word;
	long r;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.index >= v->nr)
		return -EINVAL;
	if (cmd == VRM_REDONATE)
		return vrm_hvc(HVC_DONATE, v->vm, page_to_phys(v->pages[a.index]), a.ipa, 1);
	r = get_kernel_nofault(word, (u64 *)page_address(v->pages[a.index]));
	if (r)
		return r;
	a.value = word;
	return copy_to_user((void __user *)uarg, &a, sizeof(a)) ? -EFAULT : 0;
}

static long vrm_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct vrm_file *v = f->private_data;
	long r;

	mutex_lock(&v->lock);
	switch (cmd) {
	case VRM_CREATE_VM:
		r = v->vm >= 0 ? -EEXIST : vrm_hvc(HVC_CREATE_VM, 0, 0, 0, 0);
		if (r >= 0)
			v->vm = r;
		break;
	case VRM_DONATE:
		r = donate(v, (const struct vrm_donate __user *)arg);
		break;
	case VRM_DESTROY_VM:
		r = v->vm < 0 ? -ENOENT : vrm_hvc(HVC_DESTROY_VM, v->vm, 0, 0, 0);
		if (r >= 0)
			v->vm = -1; /* its pages are the host's again */
		break;
	case VRM_REDONATE:
	case VRM_PEEK:
		r = page_op(v, cmd, (const struct vrm_page __user *)arg);
		break;
	default:
		r = -ENOTTY;
		break;
	}
	mutex_unlock(&v->lock);
	return r;
}

/* The attack: map the donated pages (offset = page index) into the caller. */
static int vrm_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct vrm_file *v = f->private_data;
	unsigned long n = vma_pages(vma), i;
	int r = 0;

	mutex_lock(&v->lock);
	if (vma->vm_pgoff + n > v->nr)
		r = -EINVAL;
	for (i = 0; !r && i < n; i++)
		r = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE, v->pages[vma->vm_pgoff + i]);
	mutex_unlock(&v->lock);
	return r;
}

static int vrm_release(struct inode *inode, struct file *f)
{
	struct vrm_file *v = f->private_data;
	unsigned int i;
	long r = 0;

	if (v->vm >= 0)
		r = vrm_hvc(HVC_DESTROY_VM, v->vm, 0, 0, 0);
	if (r < 0) {
		/* Still the VM's: never hand them back to Linux. */
		pr_err("vrm: destroying vm %ld failed (%ld): %u pages stay with it\n", v->vm, r, v->nr);
	} else {
		for (i = 0; i < v->nr; i++)
			__free_page(v->pages[i]);
	}
	kfree(v);
	return 0;
}

static const struct file_operations vrm_fops = {
	.owner = THIS_MODULE,
	.open = vrm_open,
	.release = vrm_release,
	.unlocked_ioctl = vrm_ioctl,
	.mmap = vrm_mmap,
};

static struct miscdevice vrm_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vrm",
	.fops = &vrm_fops,
	.mode = 0600,
};

module_misc_device(vrm_dev);
MODULE_DESCRIPTION("libvrm hyp-example host driver");
MODULE_LICENSE("Dual MIT/GPL");
