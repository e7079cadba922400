// SPDX-License-Identifier: MIT
/*
 * vrmctl: the Linux host's userspace side of /dev/vrm (module/vrm.c), a
 * static aarch64 binary in the initramfs. `vrmctl attacks` creates a VM,
 * donates pages to it through the module, and then tries what a
 * compromised host would; the core must refuse each:
 *   - read a donated page through a mapping the module kept (SIGBUS: the
 *     core injects an abort for a page the host does not own);
 *   - read it from the host kernel (VRM_PEEK: -EFAULT from the fault fixup);
 *   - read the core's first page (HYP_PAGE_PA) from the host kernel through
 *     a mapping of its own (VRM_PEEK_PA: -EFAULT);
 *   - donate it a second time (VRM_REDONATE: the core's -EPERM).
 * VRM_DESTROY_VM then hands the pages back to the host zeroed (scrubbed by
 * the core), and the same mapping reads them.
 * `vrmctl destroy-running PROBE_IMAGE` runs the probe guest (mode 2: it
 * writes its memory, says so in the shared page, spins until told, then
 * reads its memory back) on a second thread, and destroys the VM while the
 * vCPU spins (the core must answer -EBUSY; the guest then finishes intact).
 * `vrmctl fp-leak PROBE_IMAGE` runs the probe guest in mode 3 with secrets
 * in this thread's d0/d1: the guest must not find them, and this thread
 * must get its own back, not the guest's (the core's FP/SIMD switch).
 * One line per attack, "attack: ... BLOCKED (...)" or "... NOT BLOCKED".
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hyp_abi.h"
#include "module/vrm_uapi.h"

#define GUEST_PAGES 64 /* host/host.h */

static sigjmp_buf on_bus;

static void bus_handler(int sig)
{
	(void)sig;
	siglongjmp(on_bus, 1);
}

/* Read the first word of p; 0 and *out, or -1 when it raised SIGBUS. */
static int read_word(volatile const uint64_t *p, uint64_t *out)
{
	if (sigsetjmp(on_bus, 1))
		return -1;
	*out = *p;
	return 0;
}

static int attacks(const char *hyp_page)
{
	struct vrm_donate d = { .ipa = 0, .npages = 2 };
	struct vrm_page pg = { 0 };
	struct sigaction sa;
	uint64_t word = 0;
	void *map;
	long vm;
	int fd, r, fails = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bus_handler;
	sigaction(SIGBUS, &sa, NULL);
	fd = open("/dev/vrm", O_RDWR);
	if (fd < 0) {
		printf("vrmctl: /dev/vrm: %s FAIL\n", strerror(errno));
		return 1;
	}
	vm = ioctl(fd, VRM_CREATE_VM);
	r = vm < 0 ? -1 : ioctl(fd, VRM_DONATE, &d);
	if (vm < 0 || r < 0) {
		printf("vrmctl: create VM / donate: %s FAIL\n", strerror(errno));
		return 1;
	}
	printf("vrmctl: vm%ld created, 2 pages donated through /dev/vrm\n", vm);
	map = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		printf("vrmctl: mmap: %s FAIL\n", strerror(errno));
		return 1;
	}

	if (read_word(map, &word) < 0) {
		printf("attack: host user reads a page it donated to vm%ld ... BLOCKED (SIGBUS)\n", vm);
	} else {
		printf("attack: host user reads a page it donated to vm%ld ... NOT BLOCKED (read 0x%llx)\n",
		       vm, (unsigned long long)word);
		fails++;
	}

	pg.index = 1;
	r = ioctl(fd, VRM_PEEK, &pg);
	if (r < 0 && errno == EFAULT) {
		printf("attack: host kernel reads a page it donated to vm%ld ... BLOCKED (EFAULT)\n", vm);
	} else {
		printf("attack: host kernel reads a page it donated to vm%ld ... NOT BLOCKED (%s, read 0x%llx)\n",
		       vm, r < 0 ? strerror(errno) : "ok", (unsigned long long)pg.value);
		fails++;
	}

	/* The core's first page, mapped by the kernel for itself: the host
	 * stage-2 does not map it, whatever Linux's own tables say. */
	pg.index = strtoull(hyp_page, NULL, 0);
	r = ioctl(fd, VRM_PEEK_PA, &pg);
	if (r < 0 && errno == EFAULT) {
		printf("attack: host kernel reads the core's image (pa 0x%llx) ... BLOCKED (EFAULT)\n",
		       (unsigned long long)pg.index);
	} else {
		printf("attack: host kernel reads the core's image (pa 0x%llx) ... NOT BLOCKED (%s, read 0x%llx)\n",
		       (unsigned long long)pg.index, r < 0 ? strerror(errno) : "ok",
		       (unsigned long long)pg.value);
		fails++;
	}

	pg.index = 0;
	pg.ipa = 0x100000;
	r = ioctl(fd, VRM_REDONATE, &pg);
	if (r < 0 && errno == EPERM) {
		printf("attack: host kernel donates a page to vm%ld twice ... BLOCKED (EPERM)\n", vm);
	} else {
		printf("attack: host kernel donates a page to vm%ld twice ... NOT BLOCKED (%s)\n", vm,
		       r < 0 ? strerror(errno) : "accepted");
		fails++;
	}

	r = ioctl(fd, VRM_DESTROY_VM);
	if (r < 0)
		printf("vrmctl: destroy vm%ld: %s FAIL\n", vm, strerror(errno));
	else if (read_word(map, &word) < 0)
		printf("vrmctl: after destroying vm%ld its pages still fault FAIL\n", vm);
	else
		printf("vrmctl: vm%ld destroyed, %d pages reclaimed; they are the host's again and read 0x%llx\n",
		       vm, r, (unsigned long long)word);
	munmap(map, 2 * 4096);
	close(fd);
	return fails || r < 0 ? 1 : 0;
}

struct runner {
	int fd;
	struct vrm_run run;
	int err;
};

static void *run_vcpu0(void *arg)
{
	struct runner *t = arg;

	do {
		/* The longest slice (1 s): the vCPU stays on its CPU while
		 * the main thread destroys, but for a rare resume in between. */
		t->run.vcpu = 0;
		t->run.slice_us = 1000000;
		if (ioctl(t->fd, VRM_RUN, &t->run) < 0) {
			t->err = errno;
			return NULL;
		}
	} while (t->run.reason == EXIT_YIELD);
	return NULL;
}

static uint8_t probe_img[GUEST_PAGES * 4096];
static size_t probe_len;

static int load_probe(const char *path)
{
	FILE *f = fopen(path, "rb");

	probe_len = f ? fread(probe_img, 1, sizeof(probe_img), f) : 0;
	if (f)
		fclose(f);
	return probe_len ? 0 : -1;
}

/* A VM running the probe guest (hyp-example/guest/probe.c) in `mode`, with
 * one vCPU and its shared page mapped at *sh: its /dev/vrm file, or -1. */
static int probe_vm(uint64_t mode, long *vm, volatile uint64_t **sh)
{
	struct vrm_donate d = { .ipa = GUEST_IMAGE_IPA, .npages = GUEST_PAGES,
				.src = (uint64_t)(uintptr_t)probe_img, .len = probe_len };
	struct vrm_share s = { .ipa = GUEST_SHARED_IPA };
	struct vrm_vcpu c = { .entry = GUEST_IMAGE_IPA, .arg = GUEST_PAGES << 12 };
	int fd = open("/dev/vrm", O_RDWR);
	void *map;

	*vm = fd < 0 ? -1 : ioctl(fd, VRM_CREATE_VM);
	if (*vm < 0 || ioctl(fd, VRM_SHARE, &s) < 0)
		goto fail;
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, VRM_SHARED_PGOFF * 4096L);
	if (map == MAP_FAILED)
		goto fail;
	*sh = map;
	(*sh)[0] = mode;
	if (ioctl(fd, VRM_DONATE, &d) < 0 || ioctl(fd, VRM_CREATE_VCPU, &c) != 0) {
		munmap(map, 4096);
		goto fail;
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* One try of the attack: 1 blocked, 0 not blocked, -1 raced into a gap
 * between two runs (the destroy was legitimate: the vCPU was not on a
 * CPU, and its next run was refused), -2 setup failed. */
static int destroy_running_once(void)
{
	struct runner t = { 0 };
	volatile uint64_t *sh;
	pthread_t th;
	long vm, r;
	int verdict, err;

	t.fd = probe_vm(2, &vm, &sh); /* mode 2: spins until told, then reads back */
	if (t.fd < 0)
		return -2;
	if (pthread_create(&th, NULL, run_vcpu0, &t)) {
		close(t.fd);
		return -2;
	}
	/* Bounded by the guest, not by time: it announces itself, or its
	 * thread ends (then the run failed and so does the attack). */
	while (__atomic_load_n(&sh[2], __ATOMIC_ACQUIRE) != 1 && !__atomic_load_n(&t.err, __ATOMIC_RELAXED) &&
	       !__atomic_load_n(&t.run.reason, __ATOMIC_RELAXED))
		sched_yield();
	r = ioctl(t.fd, VRM_DESTROY_VM);
	err = errno;
	__atomic_store_n(&sh[3], 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	if (r < 0 && err == EBUSY && !t.err && t.run.reason == EXIT_DONE && t.run.detail == 0)
		verdict = 1;
	else if (r >= 0 && (t.err == EINVAL || t.err == EPERM))
		verdict = -1;
	else if (r >= 0)
		verdict = 0;
	else
		verdict = -2;
	printf("vrmctl: destroy of vm%ld while its vCPU spins: %s; the vCPU: %s %s 0x%llx\n", vm,
	       r < 0 ? strerror(err) : "accepted", t.err ? "run refused:" : "exit",
	       t.err ? strerror(t.err) : t.run.reason == EXIT_DONE ? "done" :
	       t.run.reason == EXIT_S2_FAULT ? "stage-2 fault" : "other",
	       (unsigned long long)t.run.detail);
	munmap((void *)sh, 4096);
	close(t.fd);
	return verdict;
}

static int destroy_running(void)
{
	int v = -1;

	/* A try that raced into a gap between two runs says nothing: again,
	 * a bounded number of times. */
	for (int i = 0; v == -1 && i < 5; i++)
		v = destroy_running_once();
	if (v == 1)
		printf("attack: host kernel destroys a VM while its vCPU runs ... BLOCKED (EBUSY; the guest then read its memory back intact)\n");
	else if (v == 0)
		printf("attack: host kernel destroys a VM while its vCPU runs ... NOT BLOCKED (reclaimed under the running guest)\n");
	else
		printf("attack: host kernel destroys a VM while its vCPU runs ... FAIL (%s)\n",
		       v == -1 ? "every try fell between two runs" : "setup failed");
	return v == 1 ? 0 : 1;
}

/* VRM_RUN from this thread with d0/d1 holding `secret`, in one asm block
 * from the FMOVs to the read-back: the syscall (ioctl is 29 on arm64)
 * keeps them live in the registers, as Linux keeps a task's FP/SIMD state
 * there until it is scheduled out. */
static long run_with_fp(int fd, struct vrm_run *run, uint64_t secret0, uint64_t secret1,
			uint64_t *d0, uint64_t *d1)
{
	register long x0 __asm__("x0") = fd;
	register unsigned long x1 __asm__("x1") = VRM_RUN;
	register struct vrm_run *x2 __asm__("x2") = run;
	register long x8 __asm__("x8") = 29;

	__asm__ volatile(
	"	fmov	d0, %[s0]\n"
	"	fmov	d1, %[s1]\n"
	"	svc	#0\n"
	"	fmov	%[o0], d0\n"
	"	fmov	%[o1], d1\n"
	: "+r"(x0), [o0] "=&r"(*d0), [o1] "=&r"(*d1)
	: "r"(x1), "r"(x2), "r"(x8), [s0] "r"(secret0), [s1] "r"(secret1)
	: "v0", "v1", "cc", "memory");
	return x0;
}

/* One try: 1 both directions blocked, 0 a leak, -1 inconclusive (Linux
 * switched this task's FP state out around the syscall, so the registers
 * did not carry the secret to the HVC or the guest's values back), -2
 * setup failed. */
static int fp_leak_once(void)
{
	struct vrm_run run = { .vcpu = 0 };
	volatile uint64_t *sh;
	uint64_t d0 = 0, d1 = 0;
	long vm, r;
	int fd = probe_vm(3, &vm, &sh), verdict;

	if (fd < 0)
		return -2;
	sh[4] = 0;
	r = run_with_fp(fd, &run, PROBE_HOST_FP_D0, PROBE_HOST_FP_D1, &d0, &d1);
	if (r != 0 || run.reason != EXIT_DONE)
		verdict = -2;
	else if (sh[4] == PROBE_HOST_FP_D0 || d0 == PROBE_GUEST_FP || d1 == PROBE_GUEST_FP)
		verdict = 0;
	else if (d0 == PROBE_HOST_FP_D0 && d1 == PROBE_HOST_FP_D1)
		verdict = 1;
	else
		verdict = -1;
	printf("vrmctl: FP probe in vm%ld: the guest found d0 = 0x%llx; after VRM_RUN this thread has d0 = 0x%llx, d1 = 0x%llx\n",
	       vm, (unsigned long long)sh[4], (unsigned long long)d0, (unsigned long long)d1);
	munmap((void *)sh, 4096);
	ioctl(fd, VRM_DESTROY_VM);
	close(fd);
	return verdict;
}

static int fp_leak(void)
{
	int v = -1;

	for (int i = 0; v == -1 && i < 5; i++)
		v = fp_leak_once();
	if (v == 1)
		printf("attack: FP/SIMD registers cross between a Linux thread and a guest (d0, d1) ... BLOCKED (each side kept its own)\n");
	else if (v == 0)
		printf("attack: FP/SIMD registers cross between a Linux thread and a guest (d0, d1) ... NOT BLOCKED\n");
	else
		printf("attack: FP/SIMD registers cross between a Linux thread and a guest (d0, d1) ... FAIL (%s)\n",
		       v == -1 ? "every try was switched out" : "setup failed");
	return v == 1 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "attacks"))
		return attacks(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "destroy-running"))
		return load_probe(argv[2]) ? 1 : destroy_running();
	if (argc == 3 && !strcmp(argv[1], "fp-leak"))
		return load_probe(argv[2]) ? 1 : fp_leak();
	fprintf(stderr, "usage: vrmctl attacks HYP_PAGE_PA | destroy-running PROBE_IMAGE | fp-leak PROBE_IMAGE\n");
	return 2;
}
