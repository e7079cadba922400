/* SPDX-License-Identifier: MIT */
/* Checker state, its lock, per-CPU event history and reports with it. */
#include "report.h"
#include "state.h"

static struct check_guard default_guards[VRM_CHECK_DEFAULT_GUARDS];
static struct check_pending default_pending[VRM_CHECK_DEFAULT_PENDING];

struct check_state vrm_check_state = {
	.guards = default_guards,
	.nguards = VRM_CHECK_DEFAULT_GUARDS,
	.pending = default_pending,
	.npending = VRM_CHECK_DEFAULT_PENDING,
};

uint32_t check_cpu_id(void)
{
	return vrm_env_cpu_id() % VRM_MAX_CPUS;
}

/* Re-entrant for the holding CPU: a rule may report, and the report
 * callback may take a vrm_ticket (a console lock), whose hooks come back
 * here on the same CPU. */
static bool check_lock_held_by_me(void)
{
	return __atomic_load_n(&vrm_check_state.lock_owner, __ATOMIC_RELAXED) == check_cpu_id() + 1;
}

void check_lock(void)
{
	if (check_lock_held_by_me()) {
		vrm_check_state.lock_depth++;
		return;
	}
	while (__atomic_exchange_n(&vrm_check_state.lock_word, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&vrm_check_state.lock_word, __ATOMIC_RELAXED))
			;
	__atomic_store_n(&vrm_check_state.lock_owner, check_cpu_id() + 1, __ATOMIC_RELAXED);
}

void check_unlock(void)
{
	if (vrm_check_state.lock_depth) {
		vrm_check_state.lock_depth--;
		return;
	}
	__atomic_store_n(&vrm_check_state.lock_owner, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&vrm_check_state.lock_word, 0, __ATOMIC_RELEASE);
}

void check_event(uint8_t kind, uint16_t aux, uint64_t a, uint64_t b, uint64_t c)
{
	uint32_t cpu = check_cpu_id();
	struct check_cpu *me = &vrm_check_state.cpu[cpu];
	struct vrm_check_event *e = &me->ring[me->seq % CHECK_RING];

	e->kind = kind;
	e->cpu = (uint8_t)cpu;
	e->aux = aux;
	e->seq = me->seq++;
	e->a = a;
	e->b = b;
	e->c = c;
}

void check_violation_locked(enum vrm_cond cond, const char *rule, uint64_t addr, uint64_t addr2)
{
	struct vrm_check_report r; /* set field by field: no memset call */
	struct check_cpu *me;
	uint32_t n;

	r.cond = cond;
	r.rule = rule;
	r.addr = addr;
	r.addr2 = addr2;
	r.cpu = check_cpu_id();
	me = &vrm_check_state.cpu[r.cpu];
	n = me->seq < VRM_CHECK_HISTORY ? me->seq : VRM_CHECK_HISTORY;
	for (uint32_t i = 0; i < n; i++)
		r.history[i] = me->ring[(me->seq - n + i) % CHECK_RING];
	r.nhistory = n;
	vrm_check_emit(&r);
}

void vrm_check_violation(enum vrm_cond cond, const char *rule, uint64_t addr)
{
	check_lock();
	check_violation_locked(cond, rule, addr, 0);
	check_unlock();
}

int vrm_check_init(void *mem, size_t size)
{
	size_t unit = sizeof(struct check_guard) + 4 * sizeof(struct check_pending);
	size_t n = size / unit;
	struct check_state *s = &vrm_check_state;

	if (!mem || ((uintptr_t)mem & 7) || n == 0)
		return -VRM_EINVAL;
	check_lock();
	s->guards = mem;
	s->nguards = n;
	s->pending = (struct check_pending *)(s->guards + n);
	s->npending = 4 * n;
	s->nlive = 0;
	for (size_t i = 0; i < n; i++)
		s->guards[i] = (struct check_guard){ 0 };
	for (size_t i = 0; i < 4 * n; i++)
		s->pending[i] = (struct check_pending){ 0 };
	check_unlock();
	return 0;
}

void vrm_check_state_reset(void)
{
	struct check_state *s = &vrm_check_state;

	check_lock();
	for (size_t i = 0; i < s->nguards; i++)
		s->guards[i] = (struct check_guard){ 0 };
	for (size_t i = 0; i < s->npending; i++)
		s->pending[i] = (struct check_pending){ 0 };
	for (size_t i = 0; i < VRM_MAX_CPUS; i++) {
		/* records past ndirty / seq are dead (no memset: freestanding) */
		s->cpu[i].ndirty = 0;
		s->cpu[i].seq = 0;
		s->cpu[i].prefilled = NULL;
	}
	for (size_t i = 0; i < CHECK_REGIMES; i++)
		s->regimes[i] = (struct check_regime){ 0 };
	s->nlive = 0;
	s->untracked = 0;
	check_unlock();
}

uint64_t vrm_check_untracked(void)
{
	return __atomic_load_n(&vrm_check_state.untracked, __ATOMIC_RELAXED);
}

void vrm_check_set_owner_query(vrm_check_owner_fn fn, void *ctx)
{
	check_lock();
	vrm_check_state.owner_query = fn;
	vrm_check_state.owner_ctx = ctx;
	check_unlock();
}
