/* SPDX-License-Identifier: MIT */
/* libvrm umbrella header: every public core module (freestanding-clean;
 * the hosted helpers tlb_model.h, pgtable_rcu.h, hosted.h are included on
 * their own). */
#ifndef VRM_VRM_H
#define VRM_VRM_H

#include <vrm/types.h>
#include <vrm/barrier.h>
#include <vrm/env.h>
#include <vrm/check.h>
#include <vrm/ticket.h>
#include <vrm/tlb.h>
#include <vrm/pgtable.h>
#include <vrm/pool.h>
#include <vrm/vmid.h>

#endif /* VRM_VRM_H */
