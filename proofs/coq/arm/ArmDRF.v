(* ArmDRF.v -- DRF-Kernel and No-Barrier-Misuse in axiomatic form, in the
   Arm model, for any number of CPUs and critical sections.

   D is the set of protected (shared, non-lock) accesses; cs d is the
   critical section (lock-order index) that d lies in.  Critical section i
   starts with the acquire read acq i and ends with the release write
   rel i; rel i hands the lock to acq (i+1) through a chain (Handoff.v).

   Theorem drf_sc: if every protected access lies inside its critical
   section, the execution restricted to D is sequentially consistent:
   acyclic (po | rf | co | fr) on D. *)
From Coq Require Import Relations Arith Lia.
From VRM.arm Require Import Rel Aarch64 ArmFacts Handoff.

Section DRF.
Context {Ev : Type} (X : candidate Ev).

(* The lock's handoffs and the discipline, as named premises. *)
Record lock_discipline (D : Ev -> Prop) (cs : Ev -> nat) (n : nat)
    (acq rel : nat -> Ev) : Prop := {
  (* the unlock write is a release (STADDLH / STLRH) *)
  ld_rel_L : forall i, i < n -> L X (rel i);
  (* the lock-taking read is an acquire (LDAXRH, or LDADDA/LDAXR/CASA) *)
  ld_acq_A : forall i, i < n -> A X (acq i);
  (* critical section i: acquire po-before release *)
  ld_acq_rel : forall i, i < n -> po X (acq i) (rel i);
  (* rel i reaches acq (i+1) through rf and acquire rmws *)
  ld_chain : forall i, S i < n -> chain X (rel i) (acq (S i));
  (* DRF-Kernel: each protected access is inside its critical section *)
  ld_inside : forall d, D d ->
    cs d < n /\ po X (acq (cs d)) d /\ po X d (rel (cs d));
  (* one critical section runs on one CPU *)
  ld_same_cs : forall d1 d2, D d1 -> D d2 -> cs d1 = cs d2 -> int X d1 d2;
  (* a CPU's critical sections are numbered in its program order *)
  ld_cs_po : forall d1 d2, D d1 -> D d2 -> int X d1 d2 -> cs d1 < cs d2 ->
    po X d1 d2
}.

Lemma handoff_acq : forall D cs n acq rel d k, wf X -> internal X ->
  lock_discipline D cs n acq rel -> D d -> S (cs d) + k < n ->
  ob X d (acq (S (cs d) + k)).
Proof.
  intros D cs n acq rel d k Hwf Hint Hld Hd.
  destruct (ld_inside _ _ _ _ _ Hld d Hd) as [Hn [_ Hdr]].
  induction k as [|k IH]; intros Hk.
  - rewrite Nat.add_0_r in *.
    apply (chain_ob X d (rel (cs d))); auto.
    + apply (ld_chain _ _ _ _ _ Hld); exact Hk.
    + apply ob_po_L; [exact Hdr|apply (ld_rel_L _ _ _ _ _ Hld); exact Hn].
    + left; apply (ld_rel_L _ _ _ _ _ Hld); exact Hn.
    + apply (ld_acq_A _ _ _ _ _ Hld); exact Hk.
  - rewrite Nat.add_succ_r in *.
    apply (chain_ob X d (rel (S (cs d) + k))); auto.
    + apply (ld_chain _ _ _ _ _ Hld); exact Hk.
    + apply ob_trans with (acq (S (cs d) + k)); [apply IH; lia|].
      apply ob_A_po; [apply (ld_acq_A _ _ _ _ _ Hld); lia|].
      apply (ld_acq_rel _ _ _ _ _ Hld); lia.
    + left; apply (ld_rel_L _ _ _ _ _ Hld); lia.
    + apply (ld_acq_A _ _ _ _ _ Hld); exact Hk.
Qed.

(* Accesses of earlier critical sections are ob-before those of later
   ones (any distance apart): the Arm-model counterpart of DRF.drf's
   happens-before between protected accesses. *)
Theorem cs_ob : forall D cs n acq rel d1 d2, wf X -> internal X ->
  lock_discipline D cs n acq rel -> D d1 -> D d2 -> cs d1 < cs d2 ->
  ob X d1 d2.
Proof.
  intros D cs n acq rel d1 d2 Hwf Hint Hld H1 H2 Hlt.
  destruct (ld_inside _ _ _ _ _ Hld d2 H2) as [Hn [Ha _]].
  set (k := cs d2 - S (cs d1)).
  assert (Hk : cs d2 = S (cs d1) + k) by (unfold k; lia).
  apply ob_trans with (acq (S (cs d1) + k)).
  - eapply handoff_acq; eauto. lia.
  - apply ob_A_po; [apply (ld_acq_A _ _ _ _ _ Hld); lia|].
    rewrite <- Hk. exact Ha.
Qed.

Definition sc_rel := union (po X) (union (rf X) (union (co X) (fr X))).

(* An SC edge against po on one CPU contradicts the internal axiom. *)
Lemma int_edge_po : forall x y, wf X -> internal X ->
  union (rf X) (union (co X) (fr X)) x y -> po X y x -> False.
Proof.
  intros x y Hwf Hint Hxy Hyx. apply (Hint y).
  assert (Hl : loc X y x).
  { destruct Hxy as [H|[H|[w [H1 H2]]]].
    - destruct (wf_rf _ Hwf _ _ H) as [HW [HR [Hl _]]].
      split; [left; exact HR|split; [right; exact HW|auto]].
    - destruct (wf_co _ Hwf _ _ H) as [_ [_ [Hx [Hy Hl]]]].
      split; [exact Hy|split; [exact Hx|auto]].
    - destruct (wf_rf _ Hwf _ _ H1) as [_ [HR [Hl1 _]]].
      destruct (wf_co _ Hwf _ _ H2) as [_ [HW [_ [_ Hl2]]]].
      split; [right; exact HW|split; [left; exact HR|congruence]]. }
  apply t_trans with x.
  - apply t_step; left; split; auto.
  - apply t_step; right. destruct Hxy as [H|[H|H]].
    + right; exact H.
    + left; right; exact H.
    + left; left; exact H.
Qed.

Lemma sc_irr : forall x, wf X -> ~ union (rf X) (union (co X) (fr X)) x x.
Proof.
  intros x Hwf [H|[H|[w [H1 H2]]]].
  - destruct (wf_rf _ Hwf _ _ H) as [HW [HR _]]. unfold W, R in *; congruence.
  - exact (wf_co_irr _ Hwf x H).
  - destruct (wf_rf _ Hwf _ _ H1) as [_ [HR _]].
    destruct (wf_co _ Hwf _ _ H2) as [_ [HW _]]. unfold W, R in *; congruence.
Qed.

Theorem drf_sc : forall D cs n acq rel, wf X -> consistent X ->
  lock_discipline D cs n acq rel -> acyclic (restr D sc_rel).
Proof.
  intros D cs n acq rel Hwf [Hint [Hext _]] Hld.
  set (ord := fun x y => cs x < cs y \/ (cs x = cs y /\ po X x y)).
  apply (acyclic_by_order _ ord).
  - intros x y z [H1|[H1 H1']] [H2|[H2 H2']]; unfold ord; try lia.
    right; split; [lia|eapply wf_po_trans; eauto].
  - intros x [H|[_ H]]; [lia|exact (wf_po_irr _ Hwf x H)].
  - intros x y [Hx [Hy Hxy]].
    destruct (lt_eq_lt_dec (cs x) (cs y)) as [[Hlt|Heq]|Hgt].
    + left; exact Hlt.
    + right; split; auto.
      destruct Hxy as [Hpo|Hxy]; auto.
      destruct (wf_po_total _ Hwf x y (ld_same_cs _ _ _ _ _ Hld x y Hx Hy Heq))
        as [H|H]; auto.
      * intros ->. destruct (sc_irr y Hwf Hxy).
      * destruct (int_edge_po x y Hwf Hint Hxy H).
    + exfalso. pose proof (cs_ob D cs n acq rel y x Hwf Hint Hld Hy Hx Hgt) as Hob.
      destruct (int_dec X x y) as [Hi|He].
      * assert (Hi' : int X y x) by (destruct Hi as [? [? ?]]; split; auto).
        pose proof (ld_cs_po _ _ _ _ _ Hld y x Hy Hx Hi' Hgt) as Hpo.
        destruct Hxy as [Hpo'|Hxy].
        -- exact (wf_po_irr _ Hwf x (wf_po_trans _ Hwf _ _ _ Hpo' Hpo)).
        -- exact (int_edge_po x y Hwf Hint Hxy Hpo).
      * apply (Hext y). apply ob_trans with x; auto.
        destruct Hxy as [Hpo|[H|[H|H]]].
        -- destruct He. apply (wf_po_int _ Hwf _ _ Hpo).
        -- apply ob_rfe; auto.
        -- apply ob_coe; auto.
        -- apply ob_fre; auto.
Qed.

End DRF.
