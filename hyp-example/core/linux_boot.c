/* SPDX-License-Identifier: MIT */
/*
 * Booting the Linux host (core/linux.h): find the Image and the initramfs
 * the loader left in host RAM, give Linux a DTB whose /memory is only what
 * the host owns, and enter it at EL1 under the host stage-2 with the arm64
 * boot protocol (Documentation/arch/arm64/booting.rst): MMU off, x0 = the
 * DTB's physical address, x1..x3 = 0, interrupts masked, primary CPU only;
 * the others come up when Linux asks for them (PSCI CPU_ON, psci_relay.c).
 */
#include <vrm/pool.h>

#include "gic.h"
#include "linux.h"
#include "mem_internal.h"
#include "platform.h"
#include "vm.h"

bool hyp_linux_host;

extern char __hyp_start[], __hyp_end[];

/* The arm64 Image header (booting.rst "Call the kernel image"). */
struct image_header {
	uint32_t code0, code1;
	uint64_t text_offset, image_size, flags;
	uint64_t res2, res3, res4;
	uint32_t magic, res5;
};
#define IMAGE_MAGIC      0x644d5241u  /* "ARM\x64" */
#define IMAGE_FLAG_BE    (UINT64_C(1) << 0)
#define IMAGE_FLAG_PAGE  (UINT64_C(3) << 1)  /* 1 = 4 KiB pages */

static uint64_t image_pa, initrd_pa, initrd_end;

static bool host_owns(uint64_t pa, uint64_t size)
{
	for (uint64_t a = pa; a < pa + size; a += VRM_PAGE_SIZE)
		if (vrm_pool_state_of(&hyp_pool, a, VRM_PRINCIPAL_HOST) != VRM_POOL_OWNED)
			return false;
	return true;
}

bool linux_detect(void)
{
	const struct image_header *h;

	if (platform.ram_size < LINUX_RAM_MIN)
		return false; /* the loader's offsets are beyond RAM: demo host */
	image_pa = platform.ram_base + LINUX_IMAGE_OFF;
	h = (const struct image_header *)(uintptr_t)image_pa;
	return h->magic == IMAGE_MAGIC;
}

/* One newc header field: 8 hex digits. */
static bool hex8(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		char c = p[i];
		uint32_t d = c >= '0' && c <= '9' ? (uint32_t)(c - '0') :
			     c >= 'a' && c <= 'f' ? (uint32_t)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (uint32_t)(c - 'A' + 10) : 16;
		if (d > 15)
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* The initramfs's length: walk its newc entries to the TRAILER!!! (the
 * loader cannot tell us; a bad archive is a boot failure). 0 if none. */
static uint64_t initrd_length(uint64_t pa, uint64_t max)
{
	static const char trailer[] = "TRAILER!!!";
	uint64_t off = 0;

	while (off + 110 <= max) {
		const char *h = (const char *)(uintptr_t)(pa + off);
		uint32_t filesize, namesize;
		bool last;

		if (h[0] != '0' || h[1] != '7' || h[2] != '0' || h[3] != '7' || h[4] != '0' ||
		    h[5] != '1' || !hex8(h + 54, &filesize) || !hex8(h + 94, &namesize) ||
		    namesize == 0 || namesize > 4096)
			return 0;
		last = namesize == sizeof(trailer) && off + 110 + namesize <= max;
		for (uint32_t i = 0; last && i < sizeof(trailer); i++)
			last = h[110 + i] == trailer[i];
		off = (off + 110 + namesize + 3) & ~UINT64_C(3);
		off = (off + filesize + 3) & ~UINT64_C(3);
		if (last)
			return off <= max ? off : 0;
	}
	return 0;
}

static void clean_to_poc(uint64_t pa, uint64_t size)
{
	for (uint64_t a = pa & ~UINT64_C(63); a < pa + size; a += 64)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb sy" ::: "memory");
}

/* Append "name=0x<16 hex digits> " at s[*n] (the caller sized s). */
static void put_param(char *s, size_t *n, const char *name, uint64_t v)
{
	while (*name)
		s[(*n)++] = *name++;
	s[(*n)++] = '=', s[(*n)++] = '0', s[(*n)++] = 'x';
	for (int i = 0; i < 16; i++)
		s[(*n)++] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	s[(*n)++] = ' ';
	s[*n] = '\0';
}

int linux_prepare(void)
{
	const struct image_header *h = (const struct image_header *)(uintptr_t)image_pa;
	uint64_t hyp_start = (uint64_t)(uintptr_t)__hyp_start;
	uint64_t hyp_end = (uint64_t)(uintptr_t)__hyp_end;
	struct fdt_bank banks[2] = {
		{ mem_ram.base, hyp_start - mem_ram.base },
		{ hyp_end, mem_ram.carve - hyp_end },
	};
	/* The init script's attack targets (hyp-example/linux/init), passed
	 * as kernel parameters: Linux hands unknown ones to init's
	 * environment. vrm_hyp_page: the first page of the core's image;
	 * vrm_hyp_meta: the first page of the pool's metadata. */
	char extra[80];
	size_t n = 0;
	int ret;

	if (h->flags & IMAGE_FLAG_BE || ((h->flags & IMAGE_FLAG_PAGE) >> 1) != 1 ||
	    h->text_offset != 0 || h->image_size == 0 || h->image_size > LINUX_IMAGE_MAX) {
		hyp_printf("hyp: Linux Image at 0x%lx: not a little-endian 4 KiB-page Image of at most %lu MiB\n",
			   (unsigned long)image_pa, (unsigned long)(LINUX_IMAGE_MAX >> 20));
		return -VRM_EINVAL;
	}
	initrd_pa = mem_ram.base + LINUX_INITRD_OFF;
	initrd_end = initrd_pa + initrd_length(initrd_pa, LINUX_INITRD_MAX);
	if (initrd_end == initrd_pa) {
		hyp_printf("hyp: no newc initramfs at 0x%lx\n", (unsigned long)initrd_pa);
		return -VRM_EINVAL;
	}
	/* Image, initramfs and DTB must be the host's own pages. */
	if (!host_owns(image_pa, h->image_size) || !host_owns(initrd_pa, initrd_end - initrd_pa) ||
	    !host_owns(platform.dtb_pa & ~(VRM_PAGE_SIZE - 1), hyp_start - platform.dtb_pa)) {
		hyp_printf("hyp: Linux Image, initramfs or DTB overlaps memory the host does not own\n");
		return -VRM_EINVAL;
	}
	put_param(extra, &n, "vrm_hyp_page", hyp_start);
	put_param(extra, &n, "vrm_hyp_meta", mem_ram.carve);
	ret = fdt_host_prepare(platform.dtb_pa, hyp_start - platform.dtb_pa, banks, 2, initrd_pa,
			       initrd_end, "console=ttyAMA0 earlycon=pl011,0x9000000 panic=0", extra);
	if (ret) {
		hyp_printf("hyp: host DTB: %s\n", fdt_host_strerror(ret));
		return -VRM_EINVAL;
	}
	clean_to_poc(platform.dtb_pa, hyp_start - platform.dtb_pa);
	hyp_printf("hyp: host is Linux: Image 0x%lx (%lu KiB), initramfs 0x%lx-0x%lx, DTB 0x%lx\n",
		   (unsigned long)image_pa, (unsigned long)(h->image_size >> 10),
		   (unsigned long)initrd_pa, (unsigned long)initrd_end,
		   (unsigned long)platform.dtb_pa);
	hyp_printf("hyp: host RAM for Linux: 0x%lx-0x%lx and 0x%lx-0x%lx (core 0x%lx-0x%lx and 0x%lx-0x%lx left out)\n",
		   (unsigned long)banks[0].base, (unsigned long)(banks[0].base + banks[0].size),
		   (unsigned long)banks[1].base, (unsigned long)(banks[1].base + banks[1].size),
		   (unsigned long)hyp_start, (unsigned long)hyp_end, (unsigned long)mem_ram.carve,
		   (unsigned long)mem_ram.end);
	return 0;
}

#define ICC_SRE_EL2_ENABLE (UINT64_C(1) << 3)  /* EL1 may use ICC_SRE_EL1 */
#define ICC_SRE_SRE_DFB_DIB UINT64_C(0x7)

/* Enter the Linux host at EL1 on this CPU at entry with x0 = arg
 * (host_enter), the GIC's physical CPU interface its own: no IMO/FMO in
 * HCR_LINUX, ICC_SRE_EL2.Enable so it may set up ICC_SRE_EL1, the virtual
 * interface off. The core's own GIC set-up comes first (irq_cpu_init: this
 * CPU's redistributor, which the core's two PPIs need while a vCPU runs);
 * Linux's GIC driver then programs the rest as it likes (irq.c). */
void linux_enter(uint32_t idx, uint64_t entry, uint64_t arg)
{
	irq_cpu_init(idx);
	write_icc_sre_el2(ICC_SRE_SRE_DFB_DIB | ICC_SRE_EL2_ENABLE);
	write_ich_hcr_el2(0);
	host_enter(idx, entry, arg, HCR_LINUX);
}

void linux_boot_cpu(void)
{
	hyp_printf("hyp: entering Linux at EL1 on cpu 0 (x0 = DTB 0x%lx); its other CPUs come up through PSCI\n",
		   (unsigned long)platform.dtb_pa);
	linux_enter(0, image_pa, platform.dtb_pa);
}
