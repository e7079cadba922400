(* TLB2El2Twins.v -- non-vacuity of the EL2 model and its broken twins.
   Machine of TLB2Twins.v: EL2 VA 5 is mapped through table page 9 to page
   8 (the only descriptor pointing to page 9 is VA 5's); one PE.  Each
   twin runs from a start state satisfying el2_start, so it differs from
   el2_seq_sufficient / unmap_then_free_safe only in its program. *)

Require Import Arith Bool Lia List.
Import ListNotations.
Require Import VRM.TLB2 VRM.TLB2Prog VRM.TLB2El2 VRM.TLB2Twins.

Lemma init0_el2_start : el2_start 5 9 init0.
Proof.
  split; [split; reflexivity|]. split.
  - intros va t. simpl. destruct (va =? 5) eqn:E; [|discriminate].
    intro H. inversion H. apply Nat.eqb_eq in E. subst. tauto.
  - intros c va t [].
Qed.

(* PE 0's MMU: the walk-cache entry of VA 5 (table page 9), the leaf VA 5
   -> page 8 read from memory, or a leaf read through the cached table
   entry from whatever page 9 holds now. *)
Ltac fill_wc := eapply st_walk with (c := 0); [lia | apply (w_wc _ 0 5 9); reflexivity].
Ltac fill_e2_mem := eapply st_walk with (c := 0);
  [lia | apply (w_e2 _ 0 5 9 8); [left; reflexivity | reflexivity]].
Ltac fill_e2_wc pa := eapply st_walk with (c := 0);
  [lia | apply (w_e2 _ 0 5 9 pa); [right; cbn; tauto | reflexivity]].

(* What the next owner of page 9 writes: at VA 5's slot, a "descriptor"
   pointing to page 66, which EL2 never mapped. *)
Definition garbage : nat -> option nat := fun va => if va =? 5 then Some 66 else None.
Ltac k_free := kstep ltac:(apply x_free with (g := garbage)).

Ltac finish2 R := eexists; split; [exact R | split; [reflexivity | cbn; tauto]].

(* Non-vacuity: PE 0 caches the table entry and the leaf; the unmap-free
   sequence then runs to its end (FREE included). *)
Theorem el2_free_nonvacuous : exists s1 s2,
  reach 1 (progF 9 5) init0 s1 /\ In (WC2 5 9) (tlb s1 0) /\ In (E2 5 8) (tlb s1 0) /\
  reach 1 (progF 9 5) s1 s2 /\ pc s2 = length (progF 9 5) /\ tlb s2 0 = [].
Proof.
  pose proof (r_refl 1 (progF 9 5) init0) as R1.
  go R1 fill_wc. go R1 fill_e2_mem.
  match type of R1 with reach _ _ _ ?x => pose proof (r_refl 1 (progF 9 5) x) as R end.
  go R k_str. go R k_str. go R commit0. go R commit0. go R k_dsbst.
  go R k_tlbi. go R ltac:(complete0 (@nil tlbi)). go R k_dsb. go R k_isb. go R k_free.
  do 2 eexists. split; [exact R1|]. split; [cbn; tauto|]. split; [cbn; tauto|].
  split; [exact R|]. split; reflexivity.
Qed.

(* Leaf-only TLBI (VALE2IS) before freeing the table page: the walk-cache
   entry survives, and after the free a walk goes through the freed page
   and caches its garbage as a translation of VA 5. *)
Theorem twin_leaf_only_walks_freed_table : exists s,
  reach 1 (el2_unmap_free 9 5 true) init0 s /\
  pc s = length (el2_unmap_free 9 5 true) /\
  In (WC2 5 9) (tlb s 0) /\ In (E2 5 66) (tlb s 0).
Proof.
  pose proof (r_refl 1 (el2_unmap_free 9 5 true) init0) as R.
  go R fill_wc.
  go R k_str. go R k_str. go R commit0. go R commit0. go R k_dsbst.
  go R k_tlbi. go R ltac:(complete0 (@nil tlbi)). go R k_dsb. go R k_isb. go R k_free.
  go R ltac:(fill_e2_wc 66).
  eexists; split; [exact R|]. split; [reflexivity|]. cbn. tauto.
Qed.

(* No TLBI at all before the free (drop 3): the same walk through the
   freed page. *)
Theorem twin_free_no_tlbi_walks_freed_table : exists s,
  reach 1 (drop 3 (progF 9 5)) init0 s /\
  pc s = length (drop 3 (progF 9 5)) /\ In (E2 5 66) (tlb s 0).
Proof.
  pose proof (r_refl 1 (drop 3 (progF 9 5)) init0) as R.
  go R fill_wc.
  go R k_str. go R k_str. go R commit0. go R commit0. go R k_dsbst.
  go R k_dsb. go R k_isb. go R k_free.
  go R ltac:(fill_e2_wc 66).
  finish2 R.
Qed.

(* EL2 leaf unmap without its TLBI (drop 2): the old leaf entry stays. *)
Theorem twin_el2_no_tlbi_stale : exists s,
  reach 1 (drop 2 (progL 9 5 false)) init0 s /\
  pc s = length (drop 2 (progL 9 5 false)) /\ In (E2 5 8) (tlb s 0).
Proof.
  pose proof (r_refl 1 (drop 2 (progL 9 5 false)) init0) as R.
  go R fill_e2_mem.
  go R k_str. go R commit0. go R k_dsbst. go R k_dsb. go R k_isb.
  finish2 R.
Qed.

(* ... without the DSB ISH after it (drop 3): the TLBI has not completed on
   PE 0 when the sequence ends. *)
Theorem twin_el2_no_dsb_stale : exists s,
  reach 1 (drop 3 (progL 9 5 false)) init0 s /\
  pc s = length (drop 3 (progL 9 5 false)) /\ In (E2 5 8) (tlb s 0).
Proof.
  pose proof (r_refl 1 (drop 3 (progL 9 5 false)) init0) as R.
  go R fill_e2_mem.
  go R k_str. go R commit0. go R k_dsbst. go R k_tlbi. go R k_isb.
  finish2 R.
Qed.

(* Non-vacuity of el2_seq_sufficient: with a leaf entry cached first, the
   leaf-only sequence runs to its end and the entry is gone. *)
Theorem el2_leaf_nonvacuous : exists s1 s2,
  reach 1 (progL 9 5 true) init0 s1 /\ In (E2 5 8) (tlb s1 0) /\
  reach 1 (progL 9 5 true) s1 s2 /\ pc s2 = length (progL 9 5 true) /\
  ~ In (E2 5 8) (tlb s2 0).
Proof.
  pose proof (r_refl 1 (progL 9 5 true) init0) as R1.
  go R1 fill_wc. go R1 fill_e2_mem.
  match type of R1 with reach _ _ _ ?x => pose proof (r_refl 1 (progL 9 5 true) x) as R end.
  go R k_str. go R commit0. go R k_dsbst.
  go R k_tlbi. go R ltac:(complete0 (@nil tlbi)). go R k_dsb. go R k_isb.
  do 2 eexists. split; [exact R1|]. split; [cbn; tauto|].
  split; [exact R|]. split; [reflexivity|]. cbn. intuition discriminate.
Qed.
