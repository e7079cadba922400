(* BuildAnnot.v -- in every execution built by Scenario.build (any event
   type, any number of threads, any programs), a read event made by an
   instruction of a shipped lock sequence is an acquire (A), and a write
   event made by an instruction of a shipped unlock sequence is a release
   (L).  These discharge the premises lu_acq_A / lu_rel_L (ArmMutex) and
   ld_acq_A / ld_rel_L (ArmDRF) for such events, from TicketInsns.v. *)
From Coq Require Import List Arith Lia.
Import ListNotations.
From VRM.arm Require Import Rel Aarch64 TicketInsns LockEvents Scenario.

(* The i-th event of a thread was made by the op at its recorded index. *)
Lemma tevents_spec : forall p j0 i j s,
  nth_error (tevents_from j0 p) i = Some (j, s) ->
  j0 <= j /\ exists o, nth_error p (j - j0) = Some o /\ In s (op_shapes o).
Proof.
  induction p as [|o p IH]; intros j0 i j s H; simpl in H.
  - destruct i; discriminate.
  - destruct (Nat.lt_ge_cases i (length (map (fun s => (j0, s)) (op_shapes o))))
      as [Hl|Hl].
    + rewrite nth_error_app1 in H by exact Hl.
      rewrite nth_error_map in H.
      destruct (nth_error (op_shapes o) i) as [s'|] eqn:E; [|discriminate].
      injection H as <- <-. split; [lia|]. exists o.
      rewrite Nat.sub_diag. split; [reflexivity|].
      eapply nth_error_In; exact E.
    + rewrite nth_error_app2 in H by exact Hl.
      destruct (IH _ _ _ _ H) as [Hj [o' [Ho' Hs]]].
      split; [lia|]. exists o'. split; [|exact Hs].
      replace (j - j0) with (S (j - S j0)) by lia. exact Ho'.
Qed.

Section Annot.
Context {Ev : Type} (pos : Ev -> option (nat * nat)) (iloc : Ev -> nat)
        (P : nat -> list op) (vals : Ev -> nat) (rf_src : Ev -> option Ev)
        (cord : Ev -> nat).

Local Notation X := (build pos iloc P vals rf_src cord).

Lemma build_shape : forall e t i j s, pos e = Some (t, i) ->
  nth_error (tevents (P t)) i = Some (j, s) ->
  l_kind (lab X e) = s_kind s /\ l_A (lab X e) = s_A s /\
  l_L (lab X e) = s_L s.
Proof. intros e t i j s Hp Hn. simpl. unfold blab. rewrite Hp, Hn. auto. Qed.

Theorem build_acquire : forall e t i j s ins, pos e = Some (t, i) ->
  nth_error (tevents (P t)) i = Some (j, s) ->
  nth_error (P t) j = Some (Ins (Ship ins)) ->
  In ins (lse_lock ++ llsc_lock ++ [CASA; LDAXR]) -> R X e -> A X e.
Proof.
  intros e t i j s ins Hp Hn Hj Hin HR.
  destruct (build_shape e t i j s Hp Hn) as [Hk [HA _]].
  destruct (tevents_spec (P t) 0 i j s Hn) as [_ [o [Ho Hs]]].
  rewrite Nat.sub_0_r, Hj in Ho. injection Ho as <-.
  split; [exact HR|]. rewrite HA.
  apply (lock_reads_acquire ins s Hin Hs). unfold R in HR. congruence.
Qed.

Theorem build_release : forall e t i j s ins, pos e = Some (t, i) ->
  nth_error (tevents (P t)) i = Some (j, s) ->
  nth_error (P t) j = Some (Ins (Ship ins)) ->
  In ins (lse_unlock ++ llsc_unlock) -> W X e -> L X e.
Proof.
  intros e t i j s ins Hp Hn Hj Hin HW.
  destruct (build_shape e t i j s Hp Hn) as [Hk [_ HL]].
  destruct (tevents_spec (P t) 0 i j s Hn) as [_ [o [Ho Hs]]].
  rewrite Nat.sub_0_r, Hj in Ho. injection Ho as <-.
  split; [exact HW|]. rewrite HL.
  apply (unlock_writes_release ins s Hin Hs). unfold W in HW. congruence.
Qed.

End Annot.
