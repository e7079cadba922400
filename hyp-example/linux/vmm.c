// SPDX-License-Identifier: MIT
/*
 * vrm-vmm: the Linux host's VMM (KVM's shape: this userspace program, the
 * driver module/vrm.c, the EL2 core). A static aarch64 binary in the
 * initramfs:
 *
 *   vrm-vmm NAME=IMAGE ...
 *
 * For each NAME=IMAGE (a flat guest image of hyp-example/guest, linked at
 * IPA 0) it opens /dev/vrm (one VM per file), donates GUEST_PAGES pages
 * that start with the image, and creates two vCPUs, as the demo host does
 * (host/host.c host_load_vm). Then one thread per vCPU, thread i pinned to
 * CPU i mod nproc, calls VRM_RUN until the vCPU is done: the driver resumes
 * it after its slice, an interrupt of Linux's or a timed WFI; a yield
 * comes back here and is resumed too. Last, each VM is destroyed and its
 * pages come back scrubbed.
 *
 * Output, one line per vCPU and per VM (tests/hyp/expected-linux.txt):
 *   vmm: vm<h> <name> vcpu<i>: PASS|FAIL (exit <reason> detail <x1>, ...)
 *   vmm: vm<h> <name> destroyed: <n> pages reclaimed
 * and a last "vmm: <k> of <n> vCPUs passed, on <c> CPUs". Exit status 0
 * only if all passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hyp_abi.h"
#include "module/vrm_uapi.h"

#define GUEST_PAGES 64 /* host/host.h: what every test guest is linked for */
#define NVCPUS      2
#define MAX_VMS     6

struct vm {
	const char *name;
	int fd;
	long handle;
};

struct vcpu_thread {
	struct vm *vm;
	unsigned int idx, cpu;
	pthread_t thread;
	struct vrm_run run;
	unsigned long yields;
	unsigned long resumes, irqs;
	int err;       /* errno of a failed VRM_RUN, else 0 */
	int ran_on;    /* the CPU its last VRM_RUN returned on */
};

static const char *reason_name(uint64_t r)
{
	static const char *const names[] = { "?", "yield", "done", "stage-2 fault", "trap",
					     "preempted", "wfi", "irq" };

	return r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *t = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(t->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set); /* a hint: the driver is CPU-agnostic */
	for (;;) {
		t->run.vcpu = t->idx;
		t->run.slice_us = 0;
		if (ioctl(t->vm->fd, VRM_RUN, &t->run) < 0) {
			t->err = errno;
			return NULL;
		}
		t->ran_on = sched_getcpu();
		t->resumes += t->run.resumes;
		t->irqs += t->run.irqs;
		if (t->run.reason != EXIT_YIELD)
			return NULL;
		t->yields++;
	}
}

static uint8_t *read_image(const char *path, size_t *len)
{
	size_t cap = GUEST_PAGES * 4096;
	uint8_t *buf = malloc(cap + 1);
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!buf || !f) {
		free(buf);
		if (f)
			fclose(f);
		return NULL;
	}
	n = fread(buf, 1, cap + 1, f);
	fclose(f);
	if (n == 0 || n > cap) { /* empty, or larger than its memory */
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int load_vm(struct vm *vm, const char *path)
{
	struct vrm_donate d = { .ipa = GUEST_IMAGE_IPA, .npages = GUEST_PAGES };
	size_t len;
	uint8_t *img = read_image(path, &len);
	int r = -1;

	if (!img) {
		printf("vmm: %s: cannot read a guest image from %s FAIL\n", vm->name, path);
		return -1;
	}
	vm->fd = open("/dev/vrm", O_RDWR);
	if (vm->fd < 0 || (vm->handle = ioctl(vm->fd, VRM_CREATE_VM)) < 0) {
		printf("vmm: %s: create VM: %s FAIL\n", vm->name, strerror(errno));
		goto out;
	}
	d.src = (uint64_t)(uintptr_t)img;
	d.len = len;
	if (ioctl(vm->fd, VRM_DONATE, &d) < 0) {
		printf("vmm: vm%ld %s: donate: %s FAIL\n", vm->handle, vm->name, strerror(errno));
		goto out;
	}
	for (unsigned int i = 0; i < NVCPUS; i++) {
		struct vrm_vcpu c = { .entry = GUEST_IMAGE_IPA, .arg = GUEST_PAGES << 12 };

		if (ioctl(vm->fd, VRM_CREATE_VCPU, &c) != (int)i) {
			printf("vmm: vm%ld %s: create vCPU %u: %s FAIL\n", vm->handle, vm->name, i,
			       strerror(errno));
			goto out;
		}
	}
	printf("vmm: vm%ld %s: %zu-byte image in %d donated pages, %d vCPUs\n", vm->handle,
	       vm->name, len, GUEST_PAGES, NVCPUS);
	r = 0;
out:
	free(img);
	return r;
}

int main(int argc, char **argv)
{
	struct vm vms[MAX_VMS];
	struct vcpu_thread th[MAX_VMS * NVCPUS];
	int nvm = argc - 1, nth = 0, passed = 0;
	uint64_t cpus = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (nvm < 1 || nvm > MAX_VMS) {
		fprintf(stderr, "usage: vrm-vmm NAME=IMAGE ... (1 to %d guests)\n", MAX_VMS);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < nvm; i++) {
		char *eq = strchr(argv[i + 1], '=');

		if (!eq) {
			fprintf(stderr, "vrm-vmm: %s: not NAME=IMAGE\n", argv[i + 1]);
			return 2;
		}
		*eq = '\0';
		vms[i].name = argv[i + 1];
		if (load_vm(&vms[i], eq + 1) < 0)
			return 1;
	}
	for (int i = 0; i < nvm; i++) {
		for (unsigned int c = 0; c < NVCPUS; c++, nth++) {
			memset(&th[nth], 0, sizeof(th[nth]));
			th[nth].vm = &vms[i];
			th[nth].idx = c;
			th[nth].cpu = (unsigned int)(nth % (ncpu > 0 ? ncpu : 1));
			if (pthread_create(&th[nth].thread, NULL, vcpu_main, &th[nth])) {
				printf("vmm: cannot start a thread FAIL\n");
				return 1;
			}
		}
	}
	/* Every vCPU first: the guests print through the core's console on
	 * the same UART that Linux's tty writes to, with no lock in common,
	 * so nothing of ours is printed while any of them still runs. */
	for (int i = 0; i < nth; i++)
		pthread_join(th[i].thread, NULL);
	for (int i = 0; i < nth; i++) {
		struct vcpu_thread *t = &th[i];
		bool ok;

		ok = !t->err && t->run.reason == EXIT_DONE && t->run.detail == 0;
		passed += ok;
		if (t->err)
			printf("vmm: vm%ld %s vcpu%u: FAIL (VRM_RUN: %s)\n", t->vm->handle, t->vm->name,
			       t->idx, strerror(t->err));
		else
			printf("vmm: vm%ld %s vcpu%u: %s (exit %s detail 0x%llx; cpu%d; %lu yields; %lu resumes in the driver, %lu for Linux's interrupts)\n",
			       t->vm->handle, t->vm->name, t->idx, ok ? "PASS" : "FAIL",
			       reason_name(t->run.reason), (unsigned long long)t->run.detail,
			       t->ran_on, t->yields, t->resumes, t->irqs);
		if (t->ran_on >= 0 && t->ran_on < 64)
			cpus |= UINT64_C(1) << t->ran_on;
	}
	for (int i = 0; i < nvm; i++) {
		long r = ioctl(vms[i].fd, VRM_DESTROY_VM);

		if (r < 0)
			printf("vmm: vm%ld %s: destroy: %s FAIL\n", vms[i].handle, vms[i].name,
			       strerror(errno));
		else
			printf("vmm: vm%ld %s destroyed: %ld pages reclaimed\n", vms[i].handle,
			       vms[i].name, r);
		close(vms[i].fd);
	}
	printf("vmm: %d of %d vCPUs passed, on %d CPUs\n", passed, nth, __builtin_popcountll(cpus));
	return passed == nth ? 0 : 1;
}
