(* TLB2Twins.v -- non-vacuity of the stage-2 model and its broken twins:
   each twin is the shipped list [prog2] (TLB2S2.v) with one instruction
   removed ([drop], TLB2Prog.v), run from a start state that satisfies the
   premises of stage2_seq_sufficient; each reaches the end of its program
   with a TLB entry that still outputs the old page.

   Concrete machine: one PE (N = 1) in VMID 1; stage 2 maps IPA 2 to the
   old page 7; the guest's stage 1 maps VA 5 (any ASID) to IPA 2; EL2 maps
   VA 5 through table page 9 to page 8 (used by TLB2El2Twins.v). *)

Require Import Arith Bool Lia List.
Import ListNotations.
Require Import VRM.TLB2 VRM.TLB2Prog VRM.TLB2S2.

Definition init0 : st :=
  mk (fun v i => if (v =? 1) && (i =? 2) then Some 7 else None)
     (fun v a va => if va =? 5 then Some 2 else None)
     (fun va => if va =? 5 then Some 9 else None)
     (fun tp va => if (tp =? 9) && (va =? 5) then Some 8 else None)
     [] (fun _ => []) (fun _ => []) (fun _ => 1) 0.

Lemma init0_good : good_start 1 2 7 init0.
Proof.
  split; [split; reflexivity|]. split.
  - intros v i. simpl. destruct ((v =? 1) && (i =? 2)) eqn:E; [|discriminate].
    apply andb_true_iff in E as [E1 E2]. apply Nat.eqb_eq in E1, E2. auto.
  - intros c e [].
Qed.

(* Forward runs: one step at a time, the new state normalised by cbn. *)
Ltac go R tac :=
  match type of R with
  | reach ?N ?p ?s0 ?s =>
      let R' := fresh "R" in
      pose proof (r_step N p s0 s _ R ltac:(tac)) as R'; cbn in R'; clear R; rename R' into R
  end.

Ltac kstep tac := eapply st_kernel; [reflexivity | tac].
Ltac k_str := kstep ltac:(apply x_str).
Ltac k_dsbst := kstep ltac:(apply x_dsbst; reflexivity).
Ltac k_dsb := kstep ltac:(apply x_dsb; [reflexivity | intros [|c] Hc; [reflexivity | lia]]).
Ltac k_tlbi := kstep ltac:(apply x_tlbi).
Ltac k_isb := kstep ltac:(apply x_isb).
Ltac commit0 := eapply st_commit with (b1 := []); reflexivity.
Ltac complete0 l := eapply st_complete with (c := 0) (p1 := l); reflexivity.
(* PE 0 caches the combined entry VA 5 -> page 7 (stage 1 and stage 2 read
   from memory) *)
Ltac fill_c12_mem := eapply st_walk with (c := 0);
  [lia | apply (w_c12 _ 0 0 5 2 7); left; reflexivity].
(* ... or the stage-2-only entry IPA 2 -> page 7 *)
Ltac fill_s2_mem := eapply st_walk with (c := 0);
  [lia | apply (w_s2 _ 0 2 7); reflexivity].
(* ... or the combined entry, its stage-2 part from the TLB's S2 entry *)
Ltac fill_c12_tlb := eapply st_walk with (c := 0);
  [lia | apply (w_c12 _ 0 0 5 2 7); [left; reflexivity | right; cbn; tauto]].

Ltac finish R :=
  eexists; split; [exact R | split; [reflexivity | cbn; tauto]].

(* Non-vacuity: a combined entry with the old page is created, and from
   that state the shipped sequence runs to its end (where, by
   stage2_seq_sufficient, the entry is gone). *)
Theorem stage2_nonvacuous : exists s1 s2,
  reach 1 (prog2 1 2 None) init0 s1 /\ In (C12 1 0 5 7) (tlb s1 0) /\
  reach 1 (prog2 1 2 None) s1 s2 /\ pc s2 = length (prog2 1 2 None) /\ tlb s2 0 = [].
Proof.
  pose proof (r_refl 1 (prog2 1 2 None) init0) as R1.
  go R1 fill_c12_mem.
  match type of R1 with reach _ _ _ ?x => pose proof (r_refl 1 (prog2 1 2 None) x) as R end.
  go R k_str. go R commit0. go R k_dsb.
  go R k_tlbi. go R ltac:(complete0 (@nil tlbi)). go R k_dsb.
  go R k_tlbi. go R ltac:(complete0 (@nil tlbi)). go R k_dsb. go R k_isb.
  do 2 eexists. split; [exact R1|]. split; [cbn; tauto|].
  split; [exact R|]. split; reflexivity.
Qed.

(* Without TLBI VMALLE1IS (drop 4): the combined entry survives. *)
Theorem twin_no_vmalle1is_stale_combined : exists s,
  reach 1 (drop 4 (prog2 1 2 None)) init0 s /\
  pc s = length (drop 4 (prog2 1 2 None)) /\ In (C12 1 0 5 7) (tlb s 0).
Proof.
  pose proof (r_refl 1 (drop 4 (prog2 1 2 None)) init0) as R.
  go R fill_c12_mem.
  go R k_str. go R commit0. go R k_dsb.
  go R k_tlbi. go R ltac:(complete0 (@nil tlbi)). go R k_dsb.
  go R k_dsb. go R k_isb.
  finish R.
Qed.

(* Without the final DSB ISH (drop 5): VMALLE1IS has not completed on PE 0
   when the sequence ends. *)
Theorem twin_no_dsb_stale : exists s,
  reach 1 (drop 5 (prog2 1 2 None)) init0 s /\
  pc s = length (drop 5 (prog2 1 2 None)) /\ In (C12 1 0 5 7) (tlb s 0).
Proof.
  pose proof (r_refl 1 (drop 5 (prog2 1 2 None)) init0) as R.
  go R fill_c12_mem.
  go R k_str. go R commit0. go R k_dsb.
  go R k_tlbi. go R ltac:(complete0 (@nil tlbi)). go R k_dsb.
  go R k_tlbi. go R k_isb.
  finish R.
Qed.

(* Without the middle DSB ISH (drop 3): VMALLE1IS completes on PE 0 before
   IPAS2E1IS does, and PE 0 makes a new combined entry from its still
   present stage-2 entry in between ("R3 needs it done first"). *)
Theorem twin_no_mid_dsb_stale_combined : exists s,
  reach 1 (drop 3 (prog2 1 2 None)) init0 s /\
  pc s = length (drop 3 (prog2 1 2 None)) /\ In (C12 1 0 5 7) (tlb s 0).
Proof.
  pose proof (r_refl 1 (drop 3 (prog2 1 2 None)) init0) as R.
  go R fill_s2_mem.
  go R k_str. go R commit0. go R k_dsb.
  go R k_tlbi. go R k_tlbi.
  go R ltac:(complete0 [IPAS2E1IS 1 2]).   (* VMALLE1IS first *)
  go R fill_c12_tlb.
  go R ltac:(complete0 (@nil tlbi)).       (* then IPAS2E1IS *)
  go R k_dsb. go R k_isb.
  finish R.
Qed.

(* Without TLBI IPAS2E1IS (drop 2): VMALLE1IS leaves stage-2-only entries. *)
Theorem twin_no_ipas2_stale : exists s,
  reach 1 (drop 2 (prog2 1 2 None)) init0 s /\
  pc s = length (drop 2 (prog2 1 2 None)) /\ In (S2 1 2 7) (tlb s 0).
Proof.
  pose proof (r_refl 1 (drop 2 (prog2 1 2 None)) init0) as R.
  go R fill_s2_mem.
  go R k_str. go R commit0. go R k_dsb.
  go R k_dsb. go R k_tlbi. go R ltac:(complete0 (@nil tlbi)). go R k_dsb. go R k_isb.
  finish R.
Qed.

(* Without the leading DSB ISH (drop 1): the TLBI completes while the break
   is still in the write buffer, and a walk re-loads the old entry (R1). *)
Theorem twin_no_lead_dsb_stale : exists s,
  reach 1 (drop 1 (prog2 1 2 None)) init0 s /\
  pc s = length (drop 1 (prog2 1 2 None)) /\ In (S2 1 2 7) (tlb s 0).
Proof.
  pose proof (r_refl 1 (drop 1 (prog2 1 2 None)) init0) as R.
  go R k_str. go R k_tlbi. go R ltac:(complete0 (@nil tlbi)).
  go R fill_s2_mem.
  go R commit0. go R k_dsb.
  go R k_tlbi. go R ltac:(complete0 (@nil tlbi)). go R k_dsb. go R k_isb.
  finish R.
Qed.
