(* ArmGenTrylock.v -- non-vacuity of a trylock entry in
   LockProgram.generated: one CPU takes the lock with the shipped LSE
   vrm_ticket_trylock (LDR, then a successful CASA: owner = next = 0),
   writes x in its critical section and unlocks (STADDLH).  The execution
   is well formed, consistent and generated, with the trylock's LDR as
   the two reads before the CASA. *)
From Coq Require Import List Bool Arith Lia.
Import ListNotations.
From VRM.arm Require Import Rel Aarch64 ArmFacts TicketInsns LockEvents
  Scenario ArmDRF LockProgram ArmMutexGen.

Definition XLOC := 2.

(* io, inx, ix: initial writes; t0 t1: LDR; t2..t5: CASA; t6: W x;
   t7 t8: STADDLH. *)
Inductive tev := io | inx | ix | t0 | t1 | t2 | t3 | t4 | t5 | t6 | t7 | t8.

Definition all_tev := [io; inx; ix; t0; t1; t2; t3; t4; t5; t6; t7; t8].
Lemma all_tev_ok : forall e, In e all_tev.
Proof. destruct e; simpl; tauto. Qed.
Definition tev_eq : forall x y : tev, {x = y} + {x <> y}.
Proof. decide equality. Defined.

Definition tpos (e : tev) : option (nat * nat) :=
  match e with
  | io | inx | ix => None
  | t0 => Some (0, 0) | t1 => Some (0, 1) | t2 => Some (0, 2)
  | t3 => Some (0, 3) | t4 => Some (0, 4) | t5 => Some (0, 5)
  | t6 => Some (0, 6) | t7 => Some (0, 7) | t8 => Some (0, 8)
  end.
Definition tiloc (e : tev) := match e with inx => NEXT | ix => XLOC | _ => OWNER end.
Definition tprog (_ : nat) : list op :=
  call_all (ship lse_trylock) ++ [Acc KW XLOC] ++ call_all (ship lse_unlock).
(* Reads: owner 0, next 0 (LDR), owner 0, next 0 (CASA, equal: success);
   writes owner 0, next 1, x 1; unlock reads owner 0, writes 1. *)
Definition tvals (e : tev) : nat := match e with t5 | t6 | t8 => 1 | _ => 0 end.
Definition trf (e : tev) : option tev :=
  match e with
  | t0 | t2 => Some io | t1 | t3 => Some inx | t7 => Some t4 | _ => None
  end.
Definition tcord (e : tev) : nat :=
  match e with t4 | t5 | t6 => 1 | t8 => 2 | _ => 0 end.
Definition trank (e : tev) : nat :=
  match e with
  | io => 0 | inx => 1 | ix => 2 | t0 => 3 | t1 => 4 | t2 => 5 | t3 => 6
  | t4 => 7 | t5 => 8 | t6 => 9 | t7 => 10 | t8 => 11
  end.

Definition XT := build tpos tiloc tprog tvals trf tcord.

Definition hd_t (_ : unit) : holding := Hold t2 t3 t4 t5 [] t7 t8.
Definition D_t (e : tev) : Prop := e = t6.

Theorem example_trylock_generated : wf XT /\ consistent XT /\
  generated XT FLSE unit hd_t D_t (fun _ => tt).
Proof.
  split; [prove_wf_b all_tev all_tev_ok tev_eq|].
  split; [consistent_b all_tev all_tev_ok trank|].
  constructor.
  - intros []; right; split; [reflexivity|exists t0, t1; split; [reflexivity|]].
    simpl; repeat split; try reflexivity; intros z H1 H2;
      destruct z; first [contra H1 | contra H2].
  - intros []; reflexivity.
  - intros []; simpl; repeat split; try reflexivity; intros z H1 H2;
      destruct z; first [contra H1 | contra H2].
  - intros []; split; [reflexivity|intros z H1 H2; destruct z;
      first [contra H1 | contra H2]].
  - intros []; reflexivity.
  - intros []; reflexivity.
  - intros []; reflexivity.
  - intros []; reflexivity.
  - intros [] e He; destruct He.
  - intros []; reflexivity.
  - intros []; repeat split; reflexivity.
  - intros r w H. destruct r, w; try contra H.
    + exists tt; left; split; reflexivity.
    + exists tt; right; left; split; reflexivity.
    + exists tt; right; right; split; [reflexivity|split; reflexivity].
  - intros w HW Hl. destruct w; try contra HW; try contra Hl;
      try (left; split; reflexivity).
    + right; exists tt; left; reflexivity.
    + right; exists tt; right; left; reflexivity.
    + right; exists tt; right; right; reflexivity.
  - intros w [HW HI] Hl. destruct w; first [reflexivity | contra HI].
  - intros w1 w2 [_ H1] [_ H2] H. destruct w1, w2;
      first [reflexivity | contra H1 | contra H2 | contra H].
  - intros d ->. split; [right; reflexivity|split; [intros [H|H]; discriminate|
      split; reflexivity]].
  - intros [] [] _ Hn; destruct (Hn eq_refl).
  - intros [] [] _; reflexivity.
  - apply (Wf_nat.well_founded_lt_compat _ tcord). intros x y H.
    simpl in H. unfold co_b in H. rewrite !andb_true_iff in H.
    destruct H as [_ H]. apply Nat.ltb_lt, H.
Qed.

(* drf_sc_arm applies to it (one holding entered by trylock). *)
Corollary example_trylock_sc : acyclic (restr D_t (sc_rel XT)).
Proof.
  destruct example_trylock_generated as [Hwf [Hc G]].
  exact (drf_sc_arm XT tev_eq FLSE unit hd_t D_t _ G Hwf Hc).
Qed.
