/* SPDX-License-Identifier: MIT */
/*
 * The machine from the device tree the firmware hands over, read with
 * Debian's libfdt (libfdt-dev:arm64's libfdt.a, linked into the core):
 * RAM base and size from the /memory node, the CPUs from /cpus by MPIDR.
 * Everything the core sizes -- the pool, the EL2 map, the host's stage 2,
 * the CPUs it starts -- comes from here, so `-m` and `-smp` are obeyed
 * instead of assumed.
 *
 * Runs once, on the boot CPU, with the MMU off, before any principal runs.
 * libfdt reads multi-byte fields a byte at a time (fdt32_ld), which the MMU-
 * off Device-nGnRnE view of RAM needs (no unaligned access there).
 */
#include <libfdt.h>

#include "platform.h"

struct platform platform;

/* Debian builds libfdt with -fstack-protector-strong: it needs these two.
 * A smashed canary in the DTB parser is a core bug: panic (exits non-zero). */
uintptr_t __stack_chk_guard = 0x595e9fbd94fda766u;
void __stack_chk_fail(void) __attribute__((noreturn));
void __stack_chk_fail(void)
{
	hyp_printf("hyp: stack protector tripped in the DTB parser\n");
	hyp_exit_failure(3);
}

/* A <cells>-wide big-endian number at p (cells is 1 or 2). */
static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_ld(&p[i]);
	return v;
}

static int find_ram(const void *fdt)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory",
						 sizeof("memory"));
	const fdt32_t *reg;
	int len;

	if (node < 0 || ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		hyp_printf("hyp: DTB has no usable /memory node (%d)\n", node);
		return -VRM_EINVAL;
	}
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < (ac + sc) * 4) {
		hyp_printf("hyp: DTB /memory has no reg\n");
		return -VRM_EINVAL;
	}
	platform.ram_base = read_cells(reg, ac);
	platform.ram_size = read_cells(reg + ac, sc);
	/* More banks (NUMA) would each need a pool range: say so, use the first. */
	if (len > (ac + sc) * 4 ||
	    fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory",
					  sizeof("memory")) >= 0)
		hyp_printf("hyp: DTB lists more than one RAM bank; using the first\n");
	return 0;
}

static int find_cpus(const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	int ac = cpus >= 0 ? fdt_address_cells(fdt, cpus) : -1;
	int node;

	if (cpus < 0 || ac < 1 || ac > 2) {
		hyp_printf("hyp: DTB has no usable /cpus node (%d)\n", cpus);
		return -VRM_EINVAL;
	}
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg;
		uint64_t mpidr;
		int len;

		if (!type || strcmp(type, "cpu"))
			continue; /* cpu-map and friends */
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len < ac * 4)
			continue;
		mpidr = read_cells(reg, ac);
		platform.nr_cpus_dt++;
		/* Logical CPU i is the one whose MPIDR is Aff0 = i (QEMU virt
		 * numbers them so up to 16): vrm_env_cpu_id() and the vectors
		 * index per-CPU data by Aff0, so only those can be run. */
		if (platform.nr_cpus < HYP_MAX_CPUS && mpidr == platform.nr_cpus)
			platform.mpidr[platform.nr_cpus++] = mpidr;
	}
	if (platform.nr_cpus == 0) {
		hyp_printf("hyp: DTB lists no CPU with MPIDR 0\n");
		return -VRM_EINVAL;
	}
	return 0;
}

int platform_init(uint64_t dtb_pa)
{
	const void *fdt = (const void *)(uintptr_t)dtb_pa;
	int ret = fdt_check_header(fdt);

	if (ret) {
		hyp_printf("hyp: no device tree at 0x%lx (%s)\n", (unsigned long)dtb_pa,
			   fdt_strerror(ret));
		return -VRM_EINVAL;
	}
	platform.dtb_pa = dtb_pa;
	platform.dtb_size = fdt_totalsize(fdt);
	ret = find_ram(fdt);
	if (!ret)
		ret = find_cpus(fdt);
	if (ret)
		return ret;
	if (platform.ram_size < PLATFORM_RAM_MIN || platform.ram_size > PLATFORM_RAM_MAX ||
	    (platform.ram_base | platform.ram_size) & (VRM_PAGE_SIZE - 1)) {
		hyp_printf("hyp: RAM 0x%lx + 0x%lx: the core runs with 64 MiB to 8 GiB, page aligned\n",
			   (unsigned long)platform.ram_base, (unsigned long)platform.ram_size);
		return -VRM_EINVAL;
	}
	return 0;
}
