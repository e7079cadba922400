/* SPDX-License-Identifier: MIT */
/*
 * The software TLB of <vrm/tlb_model.h>: per simulated CPU, a small fully
 * associative TLB filled by the registered walker. TLBIs mark entries; the
 * issuing CPU's DSB removes them (Arm ARM: a TLBI is complete only after a
 * DSB on the issuing PE, DSB ISH for broadcast ones). Walk-and-fill and
 * every TLBI run under one mutex, so a TLBI cannot slip between a walk and
 * its fill (hardware gives the same guarantee: the DSB after a TLBI also
 * completes walks that were in flight).
 */
#include <pthread.h>

#include <vrm/env.h>
#include <vrm/tlb.h>
#include <vrm/tlb_model.h>

struct entry {
	bool valid;
	int level;
	uint32_t regime;
	uint64_t in_base;
	uint64_t size;
	vrm_pa_t out_base;
	uint64_t doomed_is;    /* bit c: a broadcast TLBI by CPU c covers it */
	uint64_t doomed_local; /* bit c: a local TLBI by CPU c covers it */
};

static pthread_mutex_t model_lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry tlbs[VRM_MAX_CPUS][VRM_TLB_MODEL_ENTRIES];
static unsigned next_victim[VRM_MAX_CPUS];
static vrm_tlb_walker_fn walker;
static void *walker_ctx;

void vrm_tlb_model_set_walker(vrm_tlb_walker_fn fn, void *ctx)
{
	pthread_mutex_lock(&model_lock);
	walker = fn;
	walker_ctx = ctx;
	pthread_mutex_unlock(&model_lock);
}

void vrm_tlb_model_reset(void)
{
	unsigned c, i;

	pthread_mutex_lock(&model_lock);
	for (c = 0; c < VRM_MAX_CPUS; c++) {
		for (i = 0; i < VRM_TLB_MODEL_ENTRIES; i++)
			tlbs[c][i].valid = false;
		next_victim[c] = 0;
	}
	pthread_mutex_unlock(&model_lock);
	vrm_tlb_trace_reset();
}

static bool regime_ok(uint32_t regime)
{
	return regime <= VRM_TLB_VMID_MAX || regime == VRM_TLB_REGIME_EL2;
}

static struct entry *find(uint32_t cpu, uint32_t regime, uint64_t addr)
{
	unsigned i;

	for (i = 0; i < VRM_TLB_MODEL_ENTRIES; i++) {
		struct entry *e = &tlbs[cpu][i];

		if (e->valid && e->regime == regime && addr - e->in_base < e->size)
			return e;
	}
	return NULL;
}

int vrm_tlb_model_lookup(uint32_t cpu, uint32_t regime, uint64_t addr, vrm_pa_t *pa)
{
	struct entry *e;
	int ret = -VRM_ENOENT;

	if (cpu >= VRM_MAX_CPUS || !regime_ok(regime))
		return -VRM_EINVAL;
	pthread_mutex_lock(&model_lock);
	e = find(cpu, regime, addr);
	if (e) {
		*pa = e->out_base + (addr - e->in_base);
		ret = 0;
	}
	pthread_mutex_unlock(&model_lock);
	return ret;
}

static void fill(uint32_t cpu, uint32_t regime, uint64_t addr, vrm_pa_t pa, int level)
{
	uint64_t size = UINT64_C(1) << (12 + 9 * (3 - level));
	struct entry *e = NULL;
	unsigned i;

	for (i = 0; i < VRM_TLB_MODEL_ENTRIES && !e; i++)
		if (!tlbs[cpu][i].valid)
			e = &tlbs[cpu][i];
	if (!e) { /* full: evict round-robin, as a real TLB may at any time */
		e = &tlbs[cpu][next_victim[cpu]];
		next_victim[cpu] = (next_victim[cpu] + 1) % VRM_TLB_MODEL_ENTRIES;
	}
	e->valid = true;
	e->level = level;
	e->regime = regime;
	e->in_base = addr & ~(size - 1);
	e->size = size;
	e->out_base = pa - (addr - e->in_base);
	e->doomed_is = 0;
	e->doomed_local = 0;
}

int vrm_tlb_model_translate(uint32_t cpu, uint32_t regime, uint64_t addr, vrm_pa_t *pa)
{
	struct entry *e;
	vrm_pa_t out = 0;
	int level = 3, ret = 0;

	if (cpu >= VRM_MAX_CPUS || !regime_ok(regime))
		return -VRM_EINVAL;
	pthread_mutex_lock(&model_lock);
	e = find(cpu, regime, addr);
	if (e) {
		*pa = e->out_base + (addr - e->in_base);
	} else if (!walker) {
		ret = -VRM_EINVAL;
	} else {
		ret = walker(walker_ctx, regime, addr, &out, &level);
		if (ret == 0 && (level < 0 || level > 3))
			ret = -VRM_EINVAL;
		if (ret == 0) {
			fill(cpu, regime, addr, out, level);
			*pa = out;
		}
	}
	pthread_mutex_unlock(&model_lock);
	return ret;
}

bool vrm_tlb_model_caches_pa(vrm_pa_t pa)
{
	bool found = false;
	unsigned c, i;

	pthread_mutex_lock(&model_lock);
	for (c = 0; c < VRM_MAX_CPUS && !found; c++)
		for (i = 0; i < VRM_TLB_MODEL_ENTRIES && !found; i++)
			found = tlbs[c][i].valid && pa - tlbs[c][i].out_base < tlbs[c][i].size;
	pthread_mutex_unlock(&model_lock);
	return found;
}

size_t vrm_tlb_model_entries(uint32_t cpu)
{
	size_t n = 0;
	unsigned i;

	if (cpu >= VRM_MAX_CPUS)
		return 0;
	pthread_mutex_lock(&model_lock);
	for (i = 0; i < VRM_TLB_MODEL_ENTRIES; i++)
		n += tlbs[cpu][i].valid;
	pthread_mutex_unlock(&model_lock);
	return n;
}

/* What one TLBI covers. all: every entry of the regime(s); otherwise
 * [base, base + len) with an optional level filter from TTL. */
struct target {
	bool none, all, any_regime_but_el2;
	uint32_t regime;
	uint64_t base, len;
	int level; /* -1: any */
};

/* Single-address operands: addr[55:12] in [43:0]; TTL [47:44] = 0b01xx
 * (4 KiB granule) names the level, anything else means "no hint". */
static void page_target(struct target *t, uint64_t op)
{
	uint64_t ttl = (op >> 44) & 0xf;

	t->base = (op & ((UINT64_C(1) << 44) - 1)) << VRM_PAGE_SHIFT;
	t->len = VRM_PAGE_SIZE;
	t->level = (ttl >> 2) == 1 ? (int)(ttl & 3) : -1;
}

/* Range operands: a reserved or non-4K TG invalidates nothing (an encoder
 * bug then shows as a stale entry instead of passing silently). */
static void range_target(struct target *t, uint64_t op)
{
	uint64_t scale = (op >> 44) & 3, num = (op >> 39) & 31, ttl = (op >> 37) & 3;

	t->none = ((op >> 46) & 3) != 1;
	t->base = (op & ((UINT64_C(1) << 37) - 1)) << VRM_PAGE_SHIFT;
	t->len = ((num + 1) << (5 * scale + 1)) << VRM_PAGE_SHIFT;
	t->level = ttl ? (int)ttl : -1;
}

/* Decode a TLBI: false if it is not one. *broadcast: it reaches all CPUs. */
static bool decode(uint32_t kind, uint16_t vmid, uint64_t op, struct target *t, bool *broadcast)
{
	*t = (struct target){ .regime = vmid, .level = -1 };
	*broadcast = true;
	switch (kind) {
	case VRM_TLB_EV_TLBI_IPAS2E1:
		*broadcast = false;
		/* fall through */
	case VRM_TLB_EV_TLBI_IPAS2E1IS:
		page_target(t, op);
		return true;
	case VRM_TLB_EV_TLBI_RIPAS2E1IS:
		range_target(t, op);
		return true;
	case VRM_TLB_EV_TLBI_VMALLE1:
		*broadcast = false;
		/* fall through */
	case VRM_TLB_EV_TLBI_VMALLE1IS:
		t->none = true; /* stage-1 entries: the model caches none */
		return true;
	case VRM_TLB_EV_TLBI_VMALLS12E1:
		*broadcast = false;
		/* fall through */
	case VRM_TLB_EV_TLBI_VMALLS12E1IS:
		t->all = true;
		return true;
	case VRM_TLB_EV_TLBI_VAE2IS:
	case VRM_TLB_EV_TLBI_VALE2IS:
		page_target(t, op);
		t->regime = VRM_TLB_REGIME_EL2;
		t->level = -1; /* VA forms: TTL ignored by this model */
		return true;
	case VRM_TLB_EV_TLBI_RVAE2IS:
		range_target(t, op);
		t->regime = VRM_TLB_REGIME_EL2;
		return true;
	case VRM_TLB_EV_TLBI_ALLE2IS:
		t->all = true;
		t->regime = VRM_TLB_REGIME_EL2;
		return true;
	case VRM_TLB_EV_TLBI_ALLE1IS:
		t->all = true;
		t->any_regime_but_el2 = true;
		return true;
	default:
		return false;
	}
}

static bool covers(const struct target *t, const struct entry *e)
{
	if (t->none || !e->valid)
		return false;
	if (t->any_regime_but_el2 ? e->regime == VRM_TLB_REGIME_EL2 : e->regime != t->regime)
		return false;
	if (t->all)
		return true;
	if (t->level >= 0 && t->level != e->level)
		return false;
	return e->in_base < t->base + t->len && t->base < e->in_base + e->size;
}

static void tlbi(uint32_t me, uint32_t kind, uint16_t vmid, uint64_t op)
{
	struct target t;
	bool broadcast;
	unsigned c, i;

	if (!decode(kind, vmid, op, &t, &broadcast))
		return;
	for (c = 0; c < VRM_MAX_CPUS; c++) {
		if (!broadcast && c != me)
			continue;
		for (i = 0; i < VRM_TLB_MODEL_ENTRIES; i++) {
			struct entry *e = &tlbs[c][i];

			if (!covers(&t, e))
				continue;
			if (broadcast)
				e->doomed_is |= UINT64_C(1) << me;
			else
				e->doomed_local |= UINT64_C(1) << me;
		}
	}
}

/* DSB ISH completes this CPU's TLBIs everywhere; DSB NSH only its local
 * ones. The ST forms complete stores, not TLB maintenance. */
static void dsb(uint32_t me, bool ish)
{
	uint64_t bit = UINT64_C(1) << me;
	unsigned c, i;

	for (c = 0; c < VRM_MAX_CPUS; c++) {
		for (i = 0; i < VRM_TLB_MODEL_ENTRIES; i++) {
			struct entry *e = &tlbs[c][i];
			bool gone = (e->doomed_local & bit) || (ish && (e->doomed_is & bit));

			if (e->valid && gone)
				e->valid = false;
		}
	}
}

void vrm_tlb_model_insn(uint32_t kind, uint64_t operand)
{
	uint32_t me = vrm_env_cpu_id();

	vrm_tlb_trace_insn(kind, operand);
	pthread_mutex_lock(&model_lock);
	if (kind == VRM_TLB_EV_DSB_ISH || kind == VRM_TLB_EV_DSB_NSH)
		dsb(me, kind == VRM_TLB_EV_DSB_ISH);
	else
		tlbi(me, kind, vrm_tlb_hosted_vmid(), operand);
	pthread_mutex_unlock(&model_lock);
}
