(* TwinsU.v -- broken twin ldadda -> ldadd, on the uncontended path.  Two
   CPUs.  CPU 0 takes the lock (ticket 0), writes x := 1, unlocks (owner
   0 -> 1).  CPU 1's LDADD(A) then reads owner = 1 (CPU 0's unlock write)
   and next = 1: its ticket is the owner, so it enters without polling,
   reads x and unlocks.  Without acquire on that RMW the read of x may be
   satisfied before CPU 0's write of x (ctrl; [R] is not ordered without
   ISB), so the stale x = 0 is Arm-consistent; with LDADDA it is not. *)
From Coq Require Import List Bool Arith Lia.
Import ListNotations.
From VRM.arm Require Import Rel Aarch64 ArmFacts TicketInsns LockEvents
  Scenario TwinsC.

(* io, inx, ix: initial writes.  a0..a6: CPU 0 as in TwinsC.  b0..b6:
   CPU 1: lock (4 events), R x, unlock (2 events). *)
Inductive evu := uo | un | ux | c0 | c1 | c2 | c3 | c4 | c5 | c6
               | d0 | d1 | d2 | d3 | d4 | d5 | d6.

Definition all_evu := [uo; un; ux; c0; c1; c2; c3; c4; c5; c6;
  d0; d1; d2; d3; d4; d5; d6].
Lemma all_evu_ok : forall e, In e all_evu.
Proof. destruct e; simpl; tauto. Qed.
Definition evu_eq : forall x y : evu, {x = y} + {x <> y}.
Proof. decide equality. Defined.

Definition posu (e : evu) : option (nat * nat) :=
  match e with
  | uo | un | ux => None
  | c0 => Some (0, 0) | c1 => Some (0, 1) | c2 => Some (0, 2)
  | c3 => Some (0, 3) | c4 => Some (0, 4) | c5 => Some (0, 5)
  | c6 => Some (0, 6)
  | d0 => Some (1, 0) | d1 => Some (1, 1) | d2 => Some (1, 2)
  | d3 => Some (1, 3) | d4 => Some (1, 4) | d5 => Some (1, 5)
  | d6 => Some (1, 6)
  end.

Definition ilocu (e : evu) := match e with un => NEXT | ux => XLOC | _ => OWNER end.

Definition progsu (lk ul : list xinsn) (t : nat) : list op :=
  match t with
  | 0 => call lk 0 ++ [Acc KW XLOC] ++ call_all ul
  | _ => call lk 0 ++ [Acc KR XLOC] ++ call_all ul
  end.

(* CPU 0: reads owner 0, next 0, writes owner 0, next 1, x 1, reads owner
   0 (its own rewrite), writes owner 1.  CPU 1: reads owner 1, next 1,
   writes owner 1 (rewritten), next 2, reads x = 0, reads owner 1, writes
   owner 2. *)
Definition valsu (e : evu) : nat :=
  match e with
  | c3 | c4 | c6 | d0 | d1 | d2 | d5 => 1
  | d3 | d6 => 2
  | _ => 0
  end.

Definition rf_srcu (e : evu) : option evu :=
  match e with
  | c0 => Some uo | c1 => Some un | c5 => Some c2
  | d0 => Some c6 | d1 => Some c3 | d4 => Some ux | d5 => Some d2
  | _ => None
  end.

(* co: owner uo < c2 < c6 < d2 < d6; next un < c3 < d3; x ux < c4. *)
Definition cordu (e : evu) : nat :=
  match e with
  | c2 | c3 | c4 => 1
  | c6 | d3 => 2
  | d2 => 3
  | d6 => 4
  | _ => 0
  end.

Definition exU (lk ul : list xinsn) : candidate evu :=
  build posu ilocu (progsu lk ul) valsu rf_srcu cordu.

(* CPU 1 entered by reading CPU 0's unlock write in its ticket RMW (d0
   reads c6), yet its critical-section read d4 reads the initial x,
   co-before CPU 0's critical-section write c4 of x = 1. *)
Definition staleu (X : candidate evu) : Prop :=
  rf X c6 d0 /\ rf X ux d4 /\ co X ux c4 /\
  l_val (lab X c4) = 1 /\ l_val (lab X d4) = 0.

Definition rank_u (e : evu) : nat :=
  match e with
  | uo => 0 | un => 1 | ux => 2 | c0 => 3 | c1 => 4 | c2 => 5 | c3 => 6
  | d4 => 7 | c4 => 8 | c5 => 9 | c6 => 10 | d0 => 11 | d1 => 12
  | d2 => 13 | d3 => 14 | d5 => 15 | d6 => 16
  end.

Definition XU_lse := exU (ship lse_lock) (ship lse_unlock).
(* ldadda -> ldadd in vrm_ticket_lock (LSE) *)
Definition XU_ldadd := exU (twin LDADDA LDADD lse_lock) (ship lse_unlock).

Theorem twin_ldadd_stale :
  wf XU_ldadd /\ consistent XU_ldadd /\ staleu XU_ldadd.
Proof.
  split; [prove_wf_b all_evu all_evu_ok evu_eq|
    split; [consistent_b all_evu all_evu_ok rank_u|repeat split]].
Qed.

(* Shipped: d4 -fre-> c4 -po;[L]-> c6 -rfe-> d0 -[A];po-> d4. *)
Theorem shipped_lse_uncontended_forbidden :
  wf XU_lse /\ staleu XU_lse /\ ~ consistent XU_lse.
Proof.
  split; [prove_wf_b all_evu all_evu_ok evu_eq|split; [repeat split|]].
  apply (cycle_inconsistent _ d4).
  apply ob_trans with c4.
  { apply ob_fre. exists ux; split; reflexivity.
    apply (build_ext _ _ _ _ _ _ _ _ 1 4 0 4); auto. }
  apply ob_trans with c6.
  { apply ob_po_L; [reflexivity|split; reflexivity]. }
  apply ob_trans with d0.
  { apply ob_rfe; [reflexivity|].
    apply (build_ext _ _ _ _ _ _ _ _ 0 6 1 0); auto. }
  apply ob_A_po; [split; reflexivity|reflexivity].
Qed.
