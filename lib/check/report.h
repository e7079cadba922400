/* SPDX-License-Identifier: MIT */
/* Between report.c (counters, callback; every build) and the checked-build
 * state (state.c). */
#ifndef VRM_LIB_CHECK_REPORT_H
#define VRM_LIB_CHECK_REPORT_H

#include <vrm/check.h>

/* Count the report's condition and hand it to the reporter. */
void vrm_check_emit(const struct vrm_check_report *report);
/* Forget tracked state (checked builds). */
void vrm_check_state_reset(void);

#endif
