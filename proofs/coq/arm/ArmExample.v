(* ArmExample.v -- non-vacuity of ArmDRF.drf_sc: the shipped LSE
   sequences, two CPUs, CPU 1 waits for CPU 0 and then reads x = 1 (the
   value of CPU 0's critical section).  The execution is well formed,
   Arm-consistent, and meets every premise of lock_discipline, with
   D = {CPU 0's write of x, CPU 1's read of x}. *)
From Coq Require Import List Bool Arith Lia.
Import ListNotations.
From VRM.arm Require Import Rel Aarch64 ArmFacts TicketInsns LockEvents
  Scenario TwinsC Handoff ArmDRF ArmAtomic ArmTickets ArmOwner.

(* As TwinsC, except that b5 reads x = 1 from a4. *)
Definition vals_ok (e : ev) : nat :=
  match e with b5 => 1 | _ => vals e end.
Definition rf_ok (e : ev) : option ev :=
  match e with b5 => Some a4 | _ => rf_src e end.

Definition XOK := build pos iloc (progs (ship lse_lock) (ship lse_unlock))
  vals_ok rf_ok cord.

(* An SC order of the events; every edge follows it. *)
Definition rank_sc (e : ev) : nat :=
  match e with
  | io => 0 | inx => 1 | ix => 2 | a0 => 3 | a1 => 4 | a2 => 5 | a3 => 6
  | b0 => 7 | b1 => 8 | b2 => 9 | b3 => 10 | a4 => 11 | a5 => 12
  | a6 => 13 | b4 => 14 | b5 => 15 | b6 => 16 | b7 => 17
  end.

Definition D_ok (e : ev) : Prop := e = a4 \/ e = b5.
Definition cs_ok (e : ev) : nat := match e with b5 => 1 | _ => 0 end.
(* critical section 0: CPU 0, from its LDADDA read of owner to its
   STADDLH write; 1: CPU 1, from its LDAXRH poll to its STADDLH write *)
Definition acq_ok (i : nat) : ev := match i with 0 => a0 | _ => b4 end.
Definition rel_ok (i : nat) : ev := match i with 0 => a6 | _ => b7 end.

Theorem example_lock_discipline :
  wf XOK /\ consistent XOK /\ lock_discipline XOK D_ok cs_ok 2 acq_ok rel_ok.
Proof.
  split; [prove_wf|split; [consistent_by rank_sc|]].
  constructor.
  - intros [|[|i]] Hi; try lia; split; reflexivity.
  - intros [|[|i]] Hi; try lia; split; reflexivity.
  - intros [|[|i]] Hi; try lia; reflexivity.
  - intros [|i] Hi; [|lia]. apply ch_rf. reflexivity.
  - intros d [->| ->]; (split; [cbv; lia|split; reflexivity]).
  - intros d1 d2 [->| ->] [->| ->] H; try discriminate;
      cbv; repeat split.
  - intros d1 d2 [->| ->] [->| ->] Hi Hlt; cbv in Hlt; try lia; contra Hi.
Qed.

(* Hence, by drf_sc, the execution restricted to D_ok is SC. *)
Corollary example_sc : acyclic (restr D_ok (sc_rel XOK)).
Proof.
  destruct example_lock_discipline as [Hwf [Hc Hld]].
  exact (drf_sc XOK _ _ _ _ _ Hwf Hc Hld).
Qed.

(* Non-vacuity of the premises of ArmTickets.tickets_distinct_arm. *)
Theorem example_tickets : rmw_adjacent XOK /\ ticket_writes XOK NEXT.
Proof.
  split.
  - intros r w x H1 H2 H3 H4 H5. destruct r, w; try contra H1;
      destruct x; first [contra H2 | contra H3 | contra H4 | contra H5].
  - constructor.
    + intros w [HW HI] [HM Hl]. destruct w; first [reflexivity | contra HI | contra Hl].
    + intros w1 w2 [_ H1] [_ H2] [_ H3] [_ H4]. destruct w1, w2;
        first [reflexivity | contra H1 | contra H2 | contra H3 | contra H4].
    + intros w HW [HM Hl] HI. destruct w; try contra HW; try contra Hl;
        try (exfalso; apply HI; split; reflexivity).
      * exists a1; split; reflexivity.
      * exists b1; split; reflexivity.
Qed.

(* Non-vacuity of ArmOwner.lock_chain: its premises hold here, and it
   gives the chain from CPU 0's unlock to CPU 1's entry read. *)
Theorem example_owner : owner_writes XOK OWNER 2 acq_ok rel_ok /\
  chain XOK (rel_ok 0) (acq_ok 1).
Proof.
  assert (How : owner_writes XOK OWNER 2 acq_ok rel_ok).
  { constructor.
    - intros w [HW HI] [HM Hl]. destruct w; first [reflexivity | contra HI | contra Hl].
    - intros w HW [HM Hl] HI. destruct w; try contra HW; try contra Hl;
        try (exfalso; apply HI; split; reflexivity).
      + left; exists a0; repeat split.
      + right; exists 0; repeat split; lia.
      + left; exists b0; repeat split.
      + right; exists 1; repeat split; lia.
    - intros [|t] Ht; [|lia]. repeat split. left; reflexivity.
    - apply (Wf_nat.well_founded_lt_compat _ cord). intros x y H.
      simpl in H. unfold co_b in H. rewrite !andb_true_iff in H.
      destruct H as [_ H]. apply Nat.ltb_lt, H. }
  split; [exact How|].
  destruct example_lock_discipline as [Hwf [[Hint _] _]].
  apply (lock_chain XOK OWNER 2 acq_ok rel_ok Hwf Hint How 0). lia.
Qed.
