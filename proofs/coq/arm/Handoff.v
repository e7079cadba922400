(* Handoff.v -- the lock's release/acquire handoff in the Arm model, for
   any well-formed candidate execution (any number of CPUs).

   A handoff chain from a release write w to an acquire read r: r reads
   from w, or reads from a write w' of an rmw whose read (acquire) reads
   from w, and so on.  In the ticket lock: the unlock (STADDLH/STLRH, L)
   writes owner; other CPUs' 32-bit ticket RMWs (LDADDA / LDAXR+STXR /
   CASA, A) rewrite owner with the value they read; the next holder's
   acquire (LDAXRH poll, or the ticket RMW itself) reads it.

   Theorem handoff: every access po-before w is ob-before every access
   po-after r.  Uses the bob terms  po; [L]  (Arm ARM: a release is
   ordered after all earlier accesses),  [L]; po; [A],  [A | Q]; po
   (acquire before all later accesses), obs (rfe), and the internal axiom
   (an rfi edge goes po-forward). *)
From Coq Require Import Relations Arith Bool.
From VRM.arm Require Import Rel Aarch64 ArmFacts.

Section Handoff.
Context {Ev : Type} (X : candidate Ev).

Inductive chain : Ev -> Ev -> Prop :=
| ch_rf : forall w r, rf X w r -> chain w r
| ch_rmw : forall w r w' r', rf X w r -> A X r -> rmw X r w' ->
    chain w' r' -> chain w r'.

Lemma int_dec : forall x y, int X x y \/ ext X x y.
Proof.
  intros x y; unfold ext, int.
  destruct (Nat.eq_dec (l_tid (lab X x)) (l_tid (lab X y)));
  destruct (l_IW (lab X x)), (l_IW (lab X y)); intuition congruence.
Qed.

(* Internal axiom: a same-thread rf edge goes po-forward. *)
Lemma rfi_po : forall w r, wf X -> internal X -> rf X w r -> int X w r ->
  po X w r.
Proof.
  intros w r Hwf Hint Hrf Hi.
  destruct (wf_rf _ Hwf _ _ Hrf) as [HW [HR [Hl _]]].
  destruct (wf_po_total _ Hwf w r Hi) as [H|H]; auto.
  - intros ->. unfold W, R in *. congruence.
  - exfalso. apply (Hint r). apply t_trans with w.
    + apply t_step. left. split; auto. split; [left; exact HR|].
      split; [right; exact HW|]. auto.
    + apply t_step. right. right. exact Hrf.
Qed.

(* Invariant along the chain, for a write: ob e w', and w' is the release
   itself or is po-after an acquire read that e is ob-before. *)
Lemma chain_ob : forall e w r, wf X -> internal X ->
  chain w r -> ob X e w ->
  (L X w \/ exists a, A X a /\ ob X e a /\ po X a w) ->
  A X r -> ob X e r.
Proof.
  intros e w r Hwf Hint Hch. induction Hch as [w r Hrf|w r w' r' Hrf HA Hrmw _ IH];
    intros Hew Hw HAr.
  - destruct (int_dec w r) as [Hi|He].
    + pose proof (rfi_po _ _ Hwf Hint Hrf Hi) as Hpo.
      destruct Hw as [HL|[a [Ha [Hea Hpa]]]].
      * apply ob_trans with w; auto. apply ob_bob.
        right; left. exists w; split; [split; auto|].
        exists r; split; auto. split; auto.
      * apply ob_trans with a; auto. apply ob_A_po; auto.
        eapply wf_po_trans; eauto.
    + apply ob_trans with w; auto. apply ob_rfe; auto.
  - assert (Her : ob X e r).
    { destruct (int_dec w r) as [Hi|He].
      + pose proof (rfi_po _ _ Hwf Hint Hrf Hi) as Hpo.
        destruct Hw as [HL|[a [Ha [Hea Hpa]]]].
        * apply ob_trans with w; auto. apply ob_bob.
          right; left. exists w; split; [split; auto|].
          exists r; split; auto. split; auto.
        * apply ob_trans with a; auto. apply ob_A_po; auto.
          eapply wf_po_trans; eauto.
      + apply ob_trans with w; auto. apply ob_rfe; auto. }
    destruct (wf_rmw _ Hwf _ _ Hrmw) as [_ [_ [_ Hpo]]].
    apply IH; auto.
    + apply ob_trans with r; auto. apply ob_A_po; auto.
    + right. exists r; auto.
Qed.

(* The handoff: release w, acquire r, chain w r.  Every e po-before w is
   ob-before every e' po-after r. *)
Theorem handoff : forall w r e e', wf X -> internal X ->
  L X w -> A X r -> chain w r -> po X e w -> po X r e' -> ob X e e'.
Proof.
  intros w r e e' Hwf Hint HL HA Hch Hew Hre.
  apply ob_trans with r.
  - apply (chain_ob e w r); auto. apply ob_po_L; auto.
  - apply ob_A_po; auto.
Qed.

(* Consequence in a consistent execution: an access e' after the acquire
   cannot be observed-before (obs: rfe | fre | coe) an access e before the
   release; in particular a read after the acquire does not read a value
   co-before a write before the release (no stale read, fre), and a write
   after the acquire is not co-before a write before the release. *)
Theorem handoff_no_stale : forall w r e e', wf X -> consistent X ->
  L X w -> A X r -> chain w r -> po X e w -> po X r e' ->
  ~ obs X e' e.
Proof.
  intros w r e e' Hwf [Hint [Hext _]] HL HA Hch Hew Hre Hobs.
  apply (Hext e). apply ob_trans with e'.
  - apply (handoff w r); auto.
  - apply ob_obs; exact Hobs.
Qed.

End Handoff.
