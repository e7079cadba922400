/* SPDX-License-Identifier: MIT */
/*
 * The run-time LSE/LL-SC choice of a -Datomics=runtime aarch64 build where
 * no hosted code sets it (freestanding EL1/EL2, hosted non-Linux): LL/SC,
 * which every Armv8-A CPU has, until the boot code calls
 * vrm_ticket_select_atomics(). (Hosted Linux builds define it in
 * lib/hosted/ticket_hwcap.c instead, next to the constructor that sets it.)
 */
#include <vrm/arch/aarch64/ticket.h>

bool vrm__ticket_lse = false;
