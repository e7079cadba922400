/* SPDX-License-Identifier: MIT */
/*
 * The device tree the Linux host boots with: the firmware's, edited in
 * place with Debian's libfdt (never by hand). Its /memory lists only the
 * RAM the host owns, so the core's image, heap and metadata are not RAM to
 * Linux at all (as pKVM's carve-out is not: the host never allocates from
 * it, and /dev/mem's STRICT_DEVMEM treats it as a hole, so a read of it
 * reaches the stage-2 and is refused there). /chosen names the initramfs
 * (QEMU adds linux,initrd-* only for a Linux -kernel, not for our ELF).
 *
 * Runs once, on the boot CPU, after the MMU is on (the DTB is Normal
 * memory in the EL2 map), before the host runs.
 */
#include <libfdt.h>

#include "linux.h"

const char *fdt_host_strerror(int err)
{
	return fdt_strerror(err);
}

/* cells big-endian 32-bit words of v, most significant first. */
static int put_cells(fdt32_t *p, int cells, uint64_t v)
{
	for (int i = cells - 1; i >= 0; i--, v >>= 32)
		p[i] = cpu_to_fdt32((uint32_t)v);
	return cells;
}

static int set_memory(void *fdt, const struct fdt_bank *banks, int nbanks)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory",
						 sizeof("memory"));
	fdt32_t reg[4 * 4];
	int n = 0;

	if (node < 0)
		return node;
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || nbanks > 4)
		return -FDT_ERR_BADNCELLS;
	for (int i = 0; i < nbanks; i++) {
		n += put_cells(&reg[n], ac, banks[i].base);
		n += put_cells(&reg[n], sc, banks[i].size);
	}
	/* Only the first memory node is the RAM the core manages
	 * (platform.c); any other was already refused there. */
	return fdt_setprop(fdt, node, "reg", reg, n * (int)sizeof(fdt32_t));
}

static int set_chosen(void *fdt, uint64_t initrd_start, uint64_t initrd_end, const char *dflt,
		      const char *extra)
{
	int node = fdt_path_offset(fdt, "/chosen"), ret, len;
	const char *old;
	char args[512];
	size_t n = 0;

	if (node == -FDT_ERR_NOTFOUND)
		node = fdt_add_subnode(fdt, 0, "chosen");
	if (node < 0)
		return node;
	ret = fdt_setprop_u64(fdt, node, "linux,initrd-start", initrd_start);
	if (!ret)
		ret = fdt_setprop_u64(fdt, node, "linux,initrd-end", initrd_end);
	if (ret)
		return ret;
	old = fdt_getprop(fdt, node, "bootargs", &len);
	if (!old || len <= 1)
		old = dflt;
	for (const char *s = old; *s && n + 1 < sizeof(args); s++)
		args[n++] = *s;
	if (n + 1 < sizeof(args))
		args[n++] = ' ';
	for (const char *s = extra; *s && n + 1 < sizeof(args); s++)
		args[n++] = *s;
	args[n] = '\0';
	return fdt_setprop_string(fdt, node, "bootargs", args);
}

int fdt_host_prepare(uint64_t dtb_pa, uint64_t room, const struct fdt_bank *banks, int nbanks,
		     uint64_t initrd_start, uint64_t initrd_end, const char *dflt,
		     const char *extra)
{
	void *fdt = (void *)(uintptr_t)dtb_pa;
	int ret = fdt_open_into(fdt, fdt, (int)room);

	if (!ret)
		ret = set_memory(fdt, banks, nbanks);
	if (!ret)
		ret = set_chosen(fdt, initrd_start, initrd_end, dflt, extra);
	if (!ret)
		ret = fdt_pack(fdt);
	return ret;
}
