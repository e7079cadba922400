// SPDX-License-Identifier: MIT
/*
 * vrmctl: the Linux host's userspace side of /dev/vrm (module/vrm.c), a
 * static aarch64 binary in the initramfs. `vrmctl attacks` creates a VM,
 * donates pages to it through the module, and then tries what a
 * compromised host would; the core must refuse each:
 *   - read a donated page through a mapping the module kept (SIGBUS: the
 *     core injects an abort for a page the host does not own);
 *   - read it from the host kernel (VRM_PEEK: -EFAULT from the fault fixup);
 *   - donate it a second time (VRM_REDONATE: the core's -EPERM).
 * VRM_DESTROY_VM then hands the pages back to the host zeroed (scrubbed by
 * the core), and the same mapping reads them.
 * One line per attack, "attack: ... BLOCKED (...)" or "... NOT BLOCKED".
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "module/vrm_uapi.h"

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

static int attacks(void)
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

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "attacks"))
		return attacks();
	fprintf(stderr, "usage: vrmctl attacks\n");
	return 2;
}
