/* SPDX-License-Identifier: MIT */
/*
 * DRF-Kernel and No-Barrier-Misuse rules on locks: guarded data touched
 * without its lock held by this CPU, and a table lock released while a
 * descriptor written under it has not yet been completed by a DSB (another
 * CPU that takes the lock next could act on the entry before the MMUs of
 * other CPUs can see it: Arm ARM D8.2, "a DSB is required to ensure the
 * write is visible to the translation table walks").
 */
#include <vrm/ticket.h>

#include "state.h"

int vrm_check_guard(const void *obj, size_t size, const void *lock)
{
	struct check_state *s = &vrm_check_state;
	int ret = -VRM_ENOMEM;

	if (!obj || !size || !lock)
		return -VRM_EINVAL;
	check_lock();
	for (size_t i = 0; i < s->nguards; i++) {
		if (s->guards[i].obj == obj) {
			ret = -VRM_EEXIST;
			break;
		}
	}
	for (size_t i = 0; ret == -VRM_ENOMEM && i < s->nguards; i++) {
		if (!s->guards[i].obj) {
			s->guards[i] = (struct check_guard){ obj, size, lock };
			ret = 0;
		}
	}
	check_unlock();
	return ret;
}

void vrm_check_unguard(const void *obj)
{
	struct check_state *s = &vrm_check_state;

	check_lock();
	for (size_t i = 0; i < s->nguards; i++)
		if (s->guards[i].obj == obj)
			s->guards[i] = (struct check_guard){ 0 };
	check_unlock();
}

void vrm_check_access(const void *obj)
{
	struct check_state *s = &vrm_check_state;
	uintptr_t p = (uintptr_t)obj;

	check_lock();
	check_event(VRM_EV_ACCESS, 0, p, 0, 0);
	for (size_t i = 0; i < s->nguards; i++) {
		struct check_guard *g = &s->guards[i];

		if (!g->obj || p < (uintptr_t)g->obj || p - (uintptr_t)g->obj >= g->size)
			continue;
		if (!vrm_ticket_held_by_me(g->lock))
			check_violation_locked(VRM_COND_DRF_KERNEL,
					       "guarded data accessed without its lock held by this CPU",
					       p, (uintptr_t)g->lock);
		break;
	}
	check_unlock();
}

/* The lock hooks touch only this CPU's own state (history, incomplete
 * writes), so they take the checker lock only to report: every lock
 * round trip of a checked build pays two ring writes, not two lock
 * round trips of the checker's own. */
void vrm_check_lock_acquired(const void *lock)
{
	check_event(VRM_EV_LOCK, 0, (uintptr_t)lock, 0, 0);
}

void vrm_check_lock_released(const void *lock)
{
	struct check_cpu *c = &vrm_check_state.cpu[check_cpu_id()];

	check_event(VRM_EV_UNLOCK, 0, (uintptr_t)lock, 0, 0);
	if (dirty_under_lock(c, lock)) {
		check_lock();
		check_violation_locked(VRM_COND_NO_BARRIER_MISUSE,
				       "table lock released before a DSB completed its descriptor writes",
				       (uintptr_t)lock, 0);
		check_unlock();
	}
}
