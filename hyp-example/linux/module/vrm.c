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
 *   VRM_DONATE {ipa, n, src, len}
 *                        n pages the module allocates, filled from the
 *                        caller's src (a guest image; zeros past len), one
 *                        HVC each, to ipa + 4 KiB * i of the VM: from then
 *                        on they are the VM's, and Linux must never touch
 *                        them (the core would refuse the access with an
 *                        abort)
 *   VRM_SHARE {ipa}      one page the module allocates, shared with the VM
 *                        at ipa (the host keeps it: mmap at offset
 *                        VRM_SHARED_PGOFF pages maps it for the VMM)
 *   VRM_CREATE_VCPU {entry, arg} -> the vCPU's index
 *   VRM_RUN {vcpu, slice} runs it, as KVM_RUN: the exits Linux handles
 *                        (slice over, an interrupt of Linux's, a WFI that
 *                        its timer ends) are resumed here, with the file's
 *                        lock not held so the VM's other vCPUs run in
 *                        parallel; the others come back to userspace
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
 *   VRM_PEEK_PA {pa}     the same read of any physical page the kernel
 *                        maps for itself (memremap, write-back): the
 *                        core's own pages, say
 */
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vrm_uapi.h"

#include <asm/arch_timer.h>

#define HVC_CREATE_VM   0x01
#define HVC_CREATE_VCPU 0x02
#define HVC_DONATE      0x03
#define HVC_SHARE       0x04
#define HVC_RUN_VCPU    0x06
#define HVC_DESTROY_VM  0x07

#define EXIT_PREEMPTED  5
#define EXIT_WFI        6
#define EXIT_IRQ        7

struct vrm_file {
	struct mutex lock;
	long vm;                 /* the core's handle, -1 before CREATE_VM */
	unsigned int nr;         /* pages[0..nr) are donated to vm */
	struct page *pages[VRM_MAX_PAGES];
	struct page *shared;     /* VRM_SHARE's page, or NULL */
};

/* HVC #0 with x0 = function, x1..x4 = arguments; x0 back, x1 in *r1. */
static long vrm_hvc2(u64 fn, u64 a1, u64 a2, u64 a3, u64 a4, u64 *r1)
{
	register u64 x0 asm("x0") = fn;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;
	register u64 x4 asm("x4") = a4;

	asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4) : : "memory");
	if (r1)
		*r1 = x1;
	return (long)x0;
}

static long vrm_hvc(u64 fn, u64 a1, u64 a2, u64 a3, u64 a4)
{
	return vrm_hvc2(fn, a1, a2, a3, a4, NULL);
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
	if (d.npages == 0 || d.npages > VRM_MAX_PAGES - v->nr || (d.ipa & ~PAGE_MASK) ||
	    d.len > d.npages * PAGE_SIZE)
		return -EINVAL;
	for (i = 0; i < d.npages; i++) {
		struct page *p = alloc_page(GFP_KERNEL | __GFP_ZERO);
		u64 off = i * PAGE_SIZE;

		if (!p)
			return -ENOMEM;
		/* Filled while still Linux's: after the HVC it never can be. */
		if (off < d.len &&
		    copy_from_user(page_address(p), u64_to_user_ptr(d.src + off),
				   min_t(u64, d.len - off, PAGE_SIZE))) {
			__free_page(p);
			return -EFAULT;
		}
		r = vrm_hvc(HVC_DONATE, v->vm, page_to_phys(p), d.ipa + i * PAGE_SIZE, 1);
		if (r) {
			__free_page(p); /* refused: still Linux's own page */
			return r;
		}
		v->pages[v->nr++] = p;
	}
	return 0;
}

/* Wait until the guest's virtual timer fires (virtual count `deadline`;
 * CNTVOFF_EL2 is 0, so it is Linux's count too), or a signal comes. */
static void wait_vtimer(u64 deadline)
{
	u64 now = __arch_counter_get_cntvct(), rate = arch_timer_get_cntfrq();
	u64 us = 100000; /* look at signals at least every 100 ms */

	if (deadline <= now || !rate)
		return;
	/* Below rate / 10 ticks the product cannot overflow. */
	if (deadline - now < div64_u64(rate, 10))
		us = div64_u64((deadline - now) * 1000000ULL, rate) + 1;
	usleep_range(us, us + 50);
}

static long run(struct vrm_file *v, struct vrm_run __user *uarg)
{
	struct vrm_run a;
	long vm, r;
	u64 detail = 0;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	mutex_lock(&v->lock);
	vm = v->vm;
	mutex_unlock(&v->lock);
	if (vm < 0)
		return -ENOENT;
	a.resumes = 0;
	a.irqs = 0;
	for (;;) {
		/* Not under v->lock: a destroy while this vCPU runs reaches the
		 * core, which refuses it (-EBUSY) until the vCPU is out. */
		r = vrm_hvc2(HVC_RUN_VCPU, vm, a.vcpu, a.slice_us, 0, &detail);
		if (r < 0)
			return r;
		if (r != EXIT_PREEMPTED && r != EXIT_IRQ &&
		    (r != EXIT_WFI || detail == U64_MAX))
			break;
		a.resumes++;
		a.irqs += r == EXIT_IRQ;
		if (r == EXIT_WFI)
			wait_vtimer(detail);
		if (signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	a.reason = r;
	a.detail = detail;
	return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
}

static long share(struct vrm_file *v, const struct vrm_share __user *uarg)
{
	struct vrm_share s;
	struct page *p;
	long r;

	if (copy_from_user(&s, uarg, sizeof(s)))
		return -EFAULT;
	if (v->vm < 0)
		return -ENOENT;
	if (v->shared)
		return -EEXIST;
	p = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!p)
		return -ENOMEM;
	r = vrm_hvc(HVC_SHARE, v->vm, page_to_phys(p), s.ipa, 0);
	if (r) {
		__free_page(p);
		return r;
	}
	v->shared = p;
	return 0;
}

static long page_op(struct vrm_file *v, unsigned int cmd, const struct vrm_page __user *uarg)
{
	struct vrm_page a;
	u64 word;
	long r;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (cmd == VRM_PEEK_PA) {
		void *p;

		if (a.index & ~PAGE_MASK)
			return -EINVAL;
		p = memremap(a.index, PAGE_SIZE, MEMREMAP_WB);
		if (!p)
			return -ENOMEM;
		r = get_kernel_nofault(word, (u64 *)p);
		memunmap(p);
		if (r)
			return r;
		a.value = word;
		return copy_to_user((void __user *)uarg, &a, sizeof(a)) ? -EFAULT : 0;
	}
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
	struct vrm_vcpu c;
	long r;

	if (cmd == VRM_RUN)
		return run(v, (struct vrm_run __user *)arg);
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
	case VRM_SHARE:
		r = share(v, (const struct vrm_share __user *)arg);
		break;
	case VRM_CREATE_VCPU:
		if (v->vm < 0)
			r = -ENOENT;
		else if (copy_from_user(&c, (const void __user *)arg, sizeof(c)))
			r = -EFAULT;
		else
			r = vrm_hvc(HVC_CREATE_VCPU, v->vm, c.entry, c.arg, 0);
		break;
	case VRM_DESTROY_VM:
		r = v->vm < 0 ? -ENOENT : vrm_hvc(HVC_DESTROY_VM, v->vm, 0, 0, 0);
		if (r >= 0)
			v->vm = -1; /* its pages are the host's again */
		break;
	case VRM_REDONATE:
	case VRM_PEEK:
	case VRM_PEEK_PA:
		r = page_op(v, cmd, (const struct vrm_page __user *)arg);
		break;
	default:
		r = -ENOTTY;
		break;
	}
	mutex_unlock(&v->lock);
	return r;
}

/* The attack: map the donated pages (offset = page index) into the caller.
 * Offset VRM_SHARED_PGOFF: the shared page, which is still Linux's. */
static int vrm_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct vrm_file *v = f->private_data;
	unsigned long n = vma_pages(vma), i;
	int r = 0;

	mutex_lock(&v->lock);
	if (vma->vm_pgoff == VRM_SHARED_PGOFF) {
		r = n == 1 && v->shared ? vm_insert_page(vma, vma->vm_start, v->shared) : -EINVAL;
		mutex_unlock(&v->lock);
		return r;
	}
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
		if (v->shared) /* the reclaim dropped the VM's grant */
			__free_page(v->shared);
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
