(* TwinsC.v -- broken twins, contended path.  Two CPUs.  CPU 0 takes the
   lock uncontended (ticket 0), writes x := 1 in its critical section and
   unlocks (owner 0 -> 1).  CPU 1 takes ticket 1 while CPU 0 holds the
   lock, polls once, reads owner = 1 from CPU 0's unlock, enters, reads x,
   and unlocks.  The candidate (rf, co, values) is fixed; only the
   instructions vary.  With the twin instructions the execution in which
   CPU 1 reads the stale x = 0 is Arm-consistent; with the shipped ones the
   same candidate is not (an ob cycle). *)
From Coq Require Import List Bool Arith Lia.
Import ListNotations.
From VRM.arm Require Import Rel Aarch64 ArmFacts TicketInsns LockEvents
  Scenario.

Definition XLOC := 2.

(* io, inx, ix: initial writes of owner, next, x (all 0).
   a0..a6: CPU 0: lock (4 events of LDADDA, or of LDAXR+STXR), W x, unlock
   (2 events).  b0..b7: CPU 1: lock (4), poll, R x, unlock (2). *)
Inductive ev := io | inx | ix | a0 | a1 | a2 | a3 | a4 | a5 | a6
              | b0 | b1 | b2 | b3 | b4 | b5 | b6 | b7.

Definition all_ev := [io; inx; ix; a0; a1; a2; a3; a4; a5; a6;
  b0; b1; b2; b3; b4; b5; b6; b7].
Lemma all_ev_ok : forall e, In e all_ev.
Proof. destruct e; simpl; tauto. Qed.
Definition ev_eq : forall x y : ev, {x = y} + {x <> y}.
Proof. decide equality. Defined.

Definition pos (e : ev) : option (nat * nat) :=
  match e with
  | io | inx | ix => None
  | a0 => Some (0, 0) | a1 => Some (0, 1) | a2 => Some (0, 2)
  | a3 => Some (0, 3) | a4 => Some (0, 4) | a5 => Some (0, 5)
  | a6 => Some (0, 6)
  | b0 => Some (1, 0) | b1 => Some (1, 1) | b2 => Some (1, 2)
  | b3 => Some (1, 3) | b4 => Some (1, 4) | b5 => Some (1, 5)
  | b6 => Some (1, 6) | b7 => Some (1, 7)
  end.

Definition iloc (e : ev) := match e with inx => NEXT | ix => XLOC | _ => OWNER end.

Definition progs (lk ul : list xinsn) (t : nat) : list op :=
  match t with
  | 0 => call lk 0 ++ [Acc KW XLOC] ++ call_all ul
  | _ => call lk 1 ++ [Acc KR XLOC] ++ call_all ul
  end.

(* Values: CPU 0 reads owner 0, next 0, writes owner 0 (rewritten), next 1,
   x 1, reads owner 0 (CPU 1's rewrite), writes owner 1.  CPU 1 reads
   owner 0, next 1 (ticket 1), writes owner 0, next 2, polls owner = 1,
   reads x = 0, reads owner 1, writes owner 2. *)
Definition vals (e : ev) : nat :=
  match e with
  | a3 | a4 | a6 | b1 | b4 | b6 => 1
  | b3 | b7 => 2
  | _ => 0
  end.

Definition rf_src (e : ev) : option ev :=
  match e with
  | a0 => Some io | a1 => Some inx | a5 => Some b2
  | b0 => Some a2 | b1 => Some a3 | b4 => Some a6 | b5 => Some ix
  | b6 => Some a6
  | _ => None
  end.

(* co: owner io < a2 < b2 < a6 < b7; next inx < a3 < b3; x ix < a4. *)
Definition cord (e : ev) : nat :=
  match e with
  | a2 | a3 | a4 => 1
  | b2 | b3 => 2
  | a6 => 3
  | b7 => 4
  | _ => 0
  end.

Definition exC (lk ul : list xinsn) : candidate ev :=
  build pos iloc (progs lk ul) vals rf_src cord.

(* The stale read: CPU 1 entered by reading CPU 0's unlock write (b4 reads
   a6), yet its critical-section read b5 reads the initial x, which is
   co-before CPU 0's critical-section write a4 of x = 1. *)
Definition stale (X : candidate ev) : Prop :=
  rf X a6 b4 /\ rf X ix b5 /\ co X ix a4 /\
  l_val (lab X a4) = 1 /\ l_val (lab X b5) = 0.

(* Ranks for the two twins' executions.  rank_early: CPU 1's read of x is
   satisfied before CPU 0 writes x (poll not acquire).  rank_sink: CPU 0's
   write of x is propagated last (unlock not release). *)
Definition rank_early (e : ev) : nat :=
  match e with
  | io => 0 | inx => 1 | ix => 2 | a0 => 3 | a1 => 4 | a2 => 5 | a3 => 6
  | b0 => 7 | b1 => 8 | b2 => 9 | b3 => 10 | b5 => 11 | a4 => 12
  | a5 => 13 | a6 => 14 | b4 => 15 | b6 => 16 | b7 => 17
  end.

Definition rank_sink (e : ev) : nat :=
  match e with
  | io => 0 | inx => 1 | ix => 2 | a0 => 3 | a1 => 4 | a2 => 5 | a3 => 6
  | b0 => 7 | b1 => 8 | b2 => 9 | b3 => 10 | a5 => 11 | a6 => 12
  | b4 => 13 | b5 => 14 | b6 => 15 | b7 => 16 | a4 => 17
  end.

(* The shipped sequences give an ob cycle:
   b5 -fre-> a4 -po;[L]-> a6 -rfe-> b4 -[A];po-> b5. *)
Lemma shipped_cycle : forall lk ul,
  l_A (lab (exC lk ul) b4) = true -> l_L (lab (exC lk ul) a6) = true ->
  l_kind (lab (exC lk ul) b4) = KR -> l_kind (lab (exC lk ul) a6) = KW ->
  co (exC lk ul) ix a4 -> ~ consistent (exC lk ul).
Proof.
  intros lk ul HA HL HR HW HC. apply (cycle_inconsistent _ b5).
  apply ob_trans with a4.
  { apply ob_fre. exists ix; split; [reflexivity|exact HC].
    apply (build_ext _ _ _ _ _ _ _ _ 1 5 0 4); auto. }
  apply ob_trans with a6.
  { apply ob_po_L; [reflexivity|split; assumption]. }
  apply ob_trans with b4.
  { apply ob_rfe; [reflexivity|].
    apply (build_ext _ _ _ _ _ _ _ _ 0 6 1 4); auto. }
  apply ob_A_po; [split; assumption|reflexivity].
Qed.

(* The executions: the shipped LSE and LL/SC sequences, and three twins. *)
Definition XC_lse := exC (ship lse_lock) (ship lse_unlock).
Definition XC_llsc := exC (ship llsc_lock) (ship llsc_unlock).
(* ldaxrh -> ldrh in the polling loop of vrm_ticket_lock (LSE flavour; the
   LL/SC flavour polls with the same instruction) *)
Definition XC_ldrh := exC (twin LDAXRH (Ship LDRH) lse_lock) (ship lse_unlock).
(* staddlh -> staddh in the LSE unlock *)
Definition XC_staddh := exC (ship lse_lock) (twin STADDLH STADDH lse_unlock).
(* stlrh -> strh in the LL/SC unlock *)
Definition XC_strh := exC (ship llsc_lock) (twin STLRH STRH llsc_unlock).

Ltac consistent_by rank := consistent_b all_ev all_ev_ok rank.
Ltac prove_wf := prove_wf_b all_ev all_ev_ok ev_eq.

Theorem twin_ldrh_stale : wf XC_ldrh /\ consistent XC_ldrh /\ stale XC_ldrh.
Proof.
  split; [prove_wf|split; [consistent_by rank_early|repeat split]].
Qed.

Theorem twin_staddh_stale :
  wf XC_staddh /\ consistent XC_staddh /\ stale XC_staddh.
Proof.
  split; [prove_wf|split; [consistent_by rank_sink|repeat split]].
Qed.

Theorem twin_strh_stale : wf XC_strh /\ consistent XC_strh /\ stale XC_strh.
Proof.
  split; [prove_wf|split; [consistent_by rank_sink|repeat split]].
Qed.

(* The same candidate with the shipped instructions is well formed but
   not consistent: the contrast that makes each twin's failure genuine. *)
Theorem shipped_lse_contended_forbidden :
  wf XC_lse /\ stale XC_lse /\ ~ consistent XC_lse.
Proof.
  split; [prove_wf|split; [repeat split|apply shipped_cycle; reflexivity]].
Qed.

Theorem shipped_llsc_contended_forbidden :
  wf XC_llsc /\ stale XC_llsc /\ ~ consistent XC_llsc.
Proof.
  split; [prove_wf|split; [repeat split|apply shipped_cycle; reflexivity]].
Qed.
