/* SPDX-License-Identifier: MIT */
/*
 * WP harness: lib/pool/transitions.c, the check phase of donate, share
 * and unshare (donate_check, share_check, unshare_check): run under the
 * locks before anything is reserved or written, they must only read
 * (check-then-commit) and must refuse exactly when some page of the range
 * breaks the transition's precondition. Contracts on prototypes; the loop invariants are in
 * transitions.c, which is #included below.
 */
#include "../../lib/pool/internal.h"

#include "pool_record_spec.h"

/* The contracts proven here are in pool_checks_spec.h, where pool_ops.c
 * (the transitions that call them) reads them. */
#include "pool_checks_spec.h"

#include "../../lib/pool/transitions.c"
