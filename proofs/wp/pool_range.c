/* SPDX-License-Identifier: MIT */
/*
 * WP harness: lib/pool/core.c, pool_range: the range check every pool
 * operation starts with (check, then commit the one output *idx).
 * Contract on the prototype, the real core.c #included below.
 */
#include "../../lib/pool/internal.h"

/* Lemmas are WP goals too (Bit-Shift tactic). */
/*@ lemma lsr_12: \forall integer x; 0 <= x ==> (x >> 12) == x / 4096;
  @*/

/* The contract proven here (range_bad, pool_range) is in pool_core_spec.h,
 * where the harnesses of pool_range's callers read it. */
#include "pool_record_spec.h"
#include "pool_core_spec.h"

#include "../../lib/pool/core.c"
