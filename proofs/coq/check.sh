#!/usr/bin/env bash
# Compile the libvrm Coq models and check that every main theorem is closed
# (no axioms, no admitted proofs).  Output is TAP:
#   1..N
#   ok - <File>.<theorem>          (or: not ok - ...)
# Usage: proofs/coq/check.sh [BUILD_DIR]
# .vo/.glob files go to BUILD_DIR (default: a fresh temp dir), never into the
# source tree.  Exit status 0 only if every line is "ok".
set -u

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ge 1 ] && [ -n "$1" ]; then
  BUILD=$1
  mkdir -p "$BUILD" || exit 1
  BUILD=$(cd "$BUILD" && pwd)
else
  BUILD=$(mktemp -d "${TMPDIR:-/tmp}/vrm-coq.XXXXXX") || exit 1
fi

# Files in dependency order (from _CoqProject).
FILES=$(grep -E '^([A-Za-z0-9_]+/)?[A-Za-z0-9_]+\.v$' "$SRC/_CoqProject")

# The main theorems, as <File>.<theorem> (arm/Foo.v is arm.Foo).
THEOREMS="
Ticket.mutual_exclusion
Ticket.owner_le_next
Ticket.tickets_distinct
Ticket.waiting_ticket_range
Ticket.critical_is_owner
Ticket.fifo_later_ticket_larger
Ticket.fifo_no_overtaking
Ticket.bounded_bypass
Ticket.contended_state_reachable
Ticket.trylock_cas_conditions_agree
Ticket.trylock_success_reachable
Ticket.trylock_cas_fails_after_overtake
Ticket.twin_blind_trylock_two_holders
DRF.drf
DRF.drf_nonvacuous
DRF.twin_no_sw_race
DRF.twin_unlocked_access_race
PgtModel.init_nocoal
PgtModel.step_full_nocoal
WriteOnce.write_once
WriteOnce.write_once_prefix
WriteOnce.failure_no_change
WriteOnce.only_invalid_written
WriteOnce.map_keeps_translations
WriteOnce.map_then_refused
WriteOnce.normal_table_changes
WriteOnce.twin_no_eperm_breaks_write_once
PgtMapRange.map_translates_range
PgtMapRange.remap_translates_range
PgtMapRange.map_translates_range_reachable
PgtMapRange.remap_translates_range_reachable
PgtMapRange.map_translates_range_nonvacuous
PgtMapRange.hypotheses_needed
PgtMapRange.twin_identical_no_offset_breaks_range
PgtUnmapProt.unmap_clears_range
PgtUnmapProt.unmap_keeps_outside
PgtUnmapProt.set_prot_range
PgtUnmapProt.set_prot_keeps_outside
PgtUnmapProt.unmap_clears_range_reachable
PgtUnmapProt.unmap_keeps_outside_reachable
PgtUnmapProt.set_prot_range_reachable
PgtUnmapProt.set_prot_keeps_outside_reachable
PgtUnmapProt.unmap_prot_nonvacuous
PgtUnmapProt.levels_ok_needed
PgtUnmapProt.twin_nosplitkeep_breaks_outside
PgtFlush.unmap_flushes_if_cleared
PgtFlush.unmap_bbm_only_split
PgtFlush.set_prot_flushes_if_removed
PgtFlush.set_prot_bbm_if_memtype
PgtFlush.kernel_unmap_no_tlb
PgtFlush.kernel_set_prot_no_tlb
PgtFlush.unmap_flushes_if_cleared_reachable
PgtFlush.unmap_bbm_only_split_reachable
PgtFlush.set_prot_flushes_if_removed_reachable
PgtFlush.unmap_flush_nonvacuous
PgtFlush.twin_nounmapflush_breaks_flush
PgtFlush.unmap_no_flush_keeps_tables
PgtFlush.unmap_frees_only_with_flush
PgtFlush.unmap_free_nonvacuous
PgtFlush.twin_nounmapflush_breaks_free
Transactional.walk_new_or_fault
Transactional.walk_old_new_or_fault
Transactional.map_keeps_old_translations
Transactional.ex_disciplined
Transactional.ex_new_translation_observable
Transactional.ex_fault_observable
Transactional.broken_publish_garbage
Transactional.broken_not_disciplined
Transactional.walk_mapped_before_sees_old
Transactional.walk_mapped_no_fault
Transactional.inplace_old_or_new
Transactional.inplace_mapped_no_fault
Transactional.bbm_old_new_or_fault
Transactional.bbm_view_past_make_new
Transactional.bbm_fault_only_in_window
Transactional.bbm_fault_observable
TransactionalMap.map_disciplined
TransactionalMap.map_walk_old_new_or_fault
TransactionalMap.map_keeps_translations
TransactionalMap.map_mapped_translates
TransactionalMap.map_single_mapped
TransactionalMap.map_refused_writes_nothing
TransactionalMap.map_walk_mapped_no_fault
TransactionalMap.ex_map_attrs_mismatch_refused
TransactionalMap.ex_map_writes
TransactionalMap.ex_map_disciplined
TransactionalMap.ex_map_translates
TransactionalMap.ex_map_new_observable
TransactionalMap.ex_map_fault_observable
TransactionalMap.ex_map_old_kept
TransactionalMap.ex_broken_plain_publish
TLBI.bbm_no_stale_translation
TLBI.no_cpu_translates_old_page
TLBI.full_sequence_completes
TLBI.no_tlbi_stale
TLBI.no_dsb1_stale
TLBI.no_dsb2_stale
TLB2S2.stage2_seq_sufficient
TLB2S2.stage2_no_stale_translation
TLB2El2.el2_seq_sufficient
TLB2El2.unmap_then_free_safe
TLB2El2.unmap_then_free_walks_avoid_tp
TLB2Twins.stage2_nonvacuous
TLB2Twins.twin_no_vmalle1is_stale_combined
TLB2Twins.twin_no_dsb_stale
TLB2Twins.twin_no_mid_dsb_stale_combined
TLB2Twins.twin_no_ipas2_stale
TLB2Twins.twin_no_lead_dsb_stale
TLB2El2Twins.el2_free_nonvacuous
TLB2El2Twins.twin_leaf_only_walks_freed_table
TLB2El2Twins.twin_free_no_tlbi_walks_freed_table
TLB2El2Twins.twin_el2_no_tlbi_stale
TLB2El2Twins.twin_el2_no_dsb_stale
TLB2El2Twins.el2_leaf_nonvacuous
TLB2Vmid.s2_seq_spares_other_vmids
TLB2Vmid.rollover_sufficient
TLB2Vmid.twin_rollover_no_alle1is
TLB2Vmid.rollover_completes
Pool.Inv_init
Pool.Inv_apply
Pool.rejected_no_effect
Pool.reclaim_scrub_before_host_map
Pool.error_codes_reachable
Pool.rollback_reachable
Pool.reclaim_scrubs
Pool.twin_no_owner_check_breaks_isolation
arm.LockEvents.lock_reads_acquire
arm.LockEvents.unlock_writes_release
arm.BuildAnnot.build_acquire
arm.BuildAnnot.build_release
arm.TwinsC.twin_ldrh_stale
arm.TwinsC.twin_staddh_stale
arm.TwinsC.twin_strh_stale
arm.TwinsC.shipped_lse_contended_forbidden
arm.TwinsC.shipped_llsc_contended_forbidden
arm.TwinsU.twin_ldadd_stale
arm.TwinsU.shipped_lse_uncontended_forbidden
arm.Tear.twins_no_tear
arm.Handoff.handoff
arm.Handoff.handoff_no_stale
arm.ArmAtomic.rmw_exclusive_source
arm.ArmTickets.next_values_unique
arm.ArmTickets.tickets_distinct_arm
arm.ArmOwner.lock_chain
arm.ArmDRF.cs_ob
arm.ArmDRF.drf_sc
arm.ArmMutex.mutex_ob
arm.ArmMutex.drf_sc_owner
arm.ArmExample.example_lock_discipline
arm.ArmExample.example_sc
arm.ArmExample.example_tickets
arm.ArmExample.example_owner
arm.LockProgram.gen_rmw_adjacent
arm.LockProgram.gen_ticket_writes
arm.LockProgram.gen_tickets_distinct
arm.LockProgram.gen_next_co
arm.LockProgram.gen_ticket_po
arm.ArmMutexGen.owner_inv
arm.ArmMutexGen.gen_unlock_reads_ticket
arm.ArmMutexGen.gen_unlock_value
arm.ArmMutexGen.gen_no_gaps
arm.ArmMutexGen.gen_handoff
arm.ArmMutexGen.gen_cs_ob
arm.ArmMutexGen.mutual_exclusion_arm
arm.ArmMutexGen.drf_sc_arm
arm.ArmGenRecords.gen_owner_writes
arm.ArmGenRecords.gen_lock_use
arm.ArmGenRecords.gen_mutex_ob
arm.ArmGenExample.example_generated
arm.ArmGenExample.example_gen_tickets
arm.ArmGenExample.example_gen_mutex
arm.ArmGenExample.example_gen_records
arm.ArmGenExample.example_generated_llsc
arm.ArmGenExample.example_gen_llsc_mutex
arm.ArmLift.sc_lift
arm.ArmLift.sc_lift_edges
arm.ArmLift.sc_lift_arm
arm.ArmLift.example_gen_lift
arm.ArmGenTrylock.example_trylock_generated
arm.ArmGenTrylock.example_trylock_sc
"
NTHM=$(echo "$THEOREMS" | grep -c .)
echo "1..$((NTHM + 1))"

fail=0

# 1. No escape hatches in the sources.
BAD=$(cd "$SRC" && grep -nwE 'Admitted|admit|Axiom|Axioms|Parameter|Parameters|Hypothesis|Hypotheses|Variable|Variables|Conjecture' $FILES)
if [ -z "$BAD" ]; then
  echo "ok - sources contain no Admitted/admit/Axiom/Parameter/Hypothesis/Variable"
else
  echo "not ok - sources contain no Admitted/admit/Axiom/Parameter/Hypothesis/Variable"
  echo "$BAD" | sed 's/^/# /'
  fail=1
fi

# 2. Compile in dependency order, inside BUILD (coqc and lia write caches
#    to the current directory).
compiled=1
for f in $FILES; do
  mkdir -p "$BUILD/$(dirname "$f")" &&
  cp "$SRC/$f" "$BUILD/$f" || { compiled=0; break; }
done
if [ $compiled = 1 ]; then
  for f in $FILES; do
    if ! (cd "$BUILD" && coqc -Q . VRM "$f") > "$BUILD/${f%.v}.log" 2>&1; then
      echo "# coqc failed on $f:"
      sed 's/^/#   /' "$BUILD/${f%.v}.log"
      compiled=0
      break
    fi
  done
fi

# 3. Print Assumptions.  Fast path: one Print Assumptions of a tuple of all
#    theorems (closed iff every theorem is closed).  Otherwise, or if that
#    fails, one Print Assumptions per theorem to say which ones are not.
OUT="$BUILD/assumptions.out"
: > "$OUT"
all_closed=0
if [ $compiled = 1 ]; then
  {
    for f in $FILES; do m=${f%.v}; echo "Require VRM.${m//\//.}."; done
    printf 'Definition vrm_all_theorems :=\n  ('
    sep=""
    for t in $THEOREMS; do printf '%s @VRM.%s' "$sep" "$t"; sep=","; done
    printf ').\nPrint Assumptions vrm_all_theorems.\n'
  } > "$BUILD/AllAssumptions.v"
  if (cd "$BUILD" && coqc -Q . VRM AllAssumptions.v) > "$BUILD/all-assumptions.out" 2>&1 &&
     grep -q "Closed under the global context" "$BUILD/all-assumptions.out"; then
    all_closed=1
  else
    {
      for f in $FILES; do m=${f%.v}; echo "Require VRM.${m//\//.}."; done
      for t in $THEOREMS; do
        echo "Goal True. idtac \"@@ $t\". Abort."
        echo "Print Assumptions VRM.$t."
      done
    } > "$BUILD/Assumptions.v"
    if ! (cd "$BUILD" && coqc -Q . VRM Assumptions.v) > "$OUT" 2>&1; then
      echo "# coqc failed on the generated Assumptions.v:"
      sed 's/^/#   /' "$OUT"
    fi
  fi
fi

for t in $THEOREMS; do
  if [ $all_closed = 1 ]; then
    echo "ok - $t"
    continue
  fi
  # the block of output after the "@@ t" marker, up to the next marker
  block=$(awk -v t="@@ $t" '$0 == t {on=1; next} /^@@ / {on=0} on' "$OUT")
  if echo "$block" | grep -q "Closed under the global context"; then
    echo "ok - $t"
  else
    echo "not ok - $t"
    [ -n "$block" ] && echo "$block" | sed 's/^/#   /'
    fail=1
  fi
done

exit $fail
