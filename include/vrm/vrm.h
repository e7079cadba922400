/* SPDX-License-Identifier: MIT */
/* libvrm umbrella header: every public module. */
#ifndef VRM_VRM_H
#define VRM_VRM_H

#include <vrm/types.h>
#include <vrm/barrier.h>
#include <vrm/env.h>
#include <vrm/check.h>
#include <vrm/ticket.h>

#endif /* VRM_VRM_H */
