/* SPDX-License-Identifier: MIT */
/*
 * Contracts of the check phase in lib/pool/transitions.c (donate_check,
 * share_check, unshare_check): proven in pool_checks.c, used by pool_ops.c
 * for the transitions that call them. Include after pool_record_spec.h.
 */
#ifndef VRM_WP_POOL_CHECKS_SPEC_H
#define VRM_WP_POOL_CHECKS_SPEC_H

/*@ predicate donate_page_ok(uint64_t w, vrm_principal_t from) = DONATE_PAGE_OK(w, from);
  @ predicate share_page_ok(uint64_t w, vrm_principal_t owner, vrm_principal_t borrower) =
  @   SHARE_PAGE_OK(w, owner, borrower);
  @ predicate unshare_page_ok(uint64_t w, vrm_principal_t owner, vrm_principal_t borrower) =
  @   UNSHARE_PAGE_OK(w, owner, borrower);
  @*/

/*@ requires \valid_read(pool);
  @ requires idx + n <= 18446744073709551615;
  @ requires \valid_read(pool->meta + (idx .. idx + n - 1));
  @ assigns \nothing;
  @ ensures codes: \result == 0 || \result == -VRM_EPERM || \result == -VRM_EBUSY;
  @ ensures ok_iff: \result == 0 <==>
  @   (\forall integer j; idx <= j < idx + n ==> donate_page_ok(pool->meta[j].word, from));
  @*/
static int donate_check(const struct vrm_pool *pool, uint64_t idx, uint64_t n,
			vrm_principal_t from);

/*@ requires \valid_read(pool);
  @ requires idx + n <= 18446744073709551615;
  @ requires \valid_read(pool->meta + (idx .. idx + n - 1));
  @ assigns \nothing;
  @ ensures codes: \result == 0 || \result == -VRM_EPERM || \result == -VRM_EBUSY ||
  @   \result == -VRM_EOVERFLOW;
  @ ensures ok_iff: \result == 0 <==> (\forall integer j; idx <= j < idx + n ==>
  @   share_page_ok(pool->meta[j].word, owner, borrower));
  @*/
static int share_check(const struct vrm_pool *pool, uint64_t idx, uint64_t n,
		       vrm_principal_t owner, vrm_principal_t borrower);

/*@ requires \valid_read(pool);
  @ requires idx + n <= 18446744073709551615;
  @ requires \valid_read(pool->meta + (idx .. idx + n - 1));
  @ assigns \nothing;
  @ ensures codes: \result == 0 || \result == -VRM_EPERM;
  @ ensures ok_iff: \result == 0 <==> (\forall integer j; idx <= j < idx + n ==>
  @   unshare_page_ok(pool->meta[j].word, owner, borrower));
  @*/
static int unshare_check(const struct vrm_pool *pool, uint64_t idx, uint64_t n,
			 vrm_principal_t owner, vrm_principal_t borrower);

#endif /* VRM_WP_POOL_CHECKS_SPEC_H */
