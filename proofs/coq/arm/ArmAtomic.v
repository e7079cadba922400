(* ArmAtomic.v -- two rmws cannot read the same write (any well-formed
   consistent candidate).  This is the Arm-model basis of distinct
   tickets: two ticket RMWs on NEXT (LDADDA, or LDAXR/STXR) never read the
   same NEXT write.  Uses the atomic axiom (empty rmw & (fre; coe)) for
   the cross-CPU case and the internal axiom (coherence) for the rest.

   Premise rmw_adjacent: no write of the same CPU to the same location
   lies po-between the read and the write of an rmw.  True of LDADDA,
   CASA and STADDLH (one instruction) and of the lock's LDAXR/STXR pair
   (no store between them); the cat model does not forbid it in general. *)
From Coq Require Import Relations.
From VRM.arm Require Import Rel Aarch64 ArmFacts Handoff.

Section Atomic.
Context {Ev : Type} (X : candidate Ev).

Definition rmw_adjacent := forall r w x, rmw X r w -> po X r x -> po X x w ->
  W X x -> loc X x r -> False.

Lemma int_sym : forall x y, int X x y -> int X y x.
Proof. intros x y [H1 [H2 H3]]; split; auto. Qed.

Lemma int_trans : forall x y z, int X x y -> int X y z -> int X x z.
Proof. intros x y z [H1 [H2 H3]] [H4 [H5 H6]]; split; [congruence|auto]. Qed.

Lemma RW_neq : forall x y, R X x -> W X y -> x <> y.
Proof. intros x y H1 H2 ->. unfold R, W in *; congruence. Qed.

(* A po_loc edge closing a cycle with one ca or rf edge. *)
Lemma cyc2 : forall x y, internal X -> po_loc X x y ->
  union (ca X) (rf X) y x -> False.
Proof.
  intros x y Hint H1 H2. apply (Hint x). apply t_trans with y;
    apply t_step; [left; exact H1|right; exact H2].
Qed.

Lemma mk_loc : forall x y, M X x -> M X y ->
  l_loc (lab X x) = l_loc (lab X y) -> loc X x y.
Proof. intros; split; auto. Qed.

(* The write an rmw reads from is co-before the rmw's write. *)
Lemma rmw_source_co : forall w0 r w, wf X -> internal X ->
  rf X w0 r -> rmw X r w -> co X w0 w.
Proof.
  intros w0 r w Hwf Hint Hrf Hrmw.
  destruct (wf_rf _ Hwf _ _ Hrf) as [HW0 [HR [Hl0 _]]].
  destruct (wf_rmw _ Hwf _ _ Hrmw) as [_ [HW [[_ [_ Hl]] Hpo]]].
  assert (Hpl : po_loc X r w).
  { split; auto. split; [left; exact HR|split; [right; exact HW|exact Hl]]. }
  destruct (wf_co_total _ Hwf w0 w HW0 HW) as [H|H]; auto.
  - apply mk_loc; [right; exact HW0|right; exact HW|congruence].
  - intros <-. destruct (cyc2 r w0 Hint Hpl); right; exact Hrf.
  - exfalso. apply (Hint r). apply t_trans with w; [apply t_step; left; exact Hpl|].
    apply t_trans with w0; apply t_step; right; [left; right; exact H|right; exact Hrf].
Qed.

Lemma half : forall w0 w1 r2 w2, wf X -> consistent X -> rmw_adjacent ->
  rf X w0 r2 -> rmw X r2 w2 -> co X w0 w1 -> co X w1 w2 -> False.
Proof.
  intros w0 w1 r2 w2 Hwf [Hint [_ Hat]] Hadj Hrf Hrmw H01 H12.
  assert (Hfr : fr X r2 w1) by (exists w0; split; auto).
  destruct (wf_rf _ Hwf _ _ Hrf) as [HW0 [HR [Hl0 _]]].
  destruct (wf_co _ Hwf _ _ H01) as [_ [HW1 [_ [_ Hl01]]]].
  destruct (wf_co _ Hwf _ _ H12) as [_ [HW2 [_ [_ Hl12]]]].
  destruct (wf_rmw _ Hwf _ _ Hrmw) as [_ [_ [_ Hpo2]]].
  assert (Hi22 : int X r2 w2) by exact (wf_po_int _ Hwf _ _ Hpo2).
  destruct (int_dec X r2 w1) as [Hi|He].
  - destruct (wf_po_total _ Hwf r2 w1 Hi (RW_neq _ _ HR HW1)) as [Hp|Hp].
    + assert (Hi12 : int X w1 w2) by exact (int_trans _ _ _ (int_sym _ _ Hi) Hi22).
      assert (Hn : w1 <> w2) by (intros <-; exact (wf_co_irr _ Hwf _ H12)).
      destruct (wf_po_total _ Hwf w1 w2 Hi12 Hn) as [Hq|Hq].
      * apply (Hadj r2 w2 w1 Hrmw Hp Hq HW1).
        apply mk_loc; [right; exact HW1|left; exact HR|congruence].
      * apply (cyc2 w2 w1 Hint); [|left; right; exact H12].
        split; auto. apply mk_loc; [right; exact HW2|right; exact HW1|congruence].
    + apply (cyc2 w1 r2 Hint); [|left; left; exact Hfr].
      split; auto. apply mk_loc; [right; exact HW1|left; exact HR|congruence].
  - destruct (int_dec X w1 w2) as [Hi12|He12].
    + apply He. exact (int_trans _ _ _ Hi22 (int_sym _ _ Hi12)).
    + apply (Hat r2 w2). split; auto. exists w1; split; split; auto.
Qed.

(* Two rmws that read the same write have the same write. *)
Theorem rmw_exclusive_source : forall w0 r1 w1 r2 w2, wf X -> consistent X ->
  rmw_adjacent -> rmw X r1 w1 -> rmw X r2 w2 ->
  rf X w0 r1 -> rf X w0 r2 -> w1 <> w2 -> False.
Proof.
  intros w0 r1 w1 r2 w2 Hwf Hc Hadj Hm1 Hm2 Hr1 Hr2 Hn.
  pose proof Hc as [Hint _].
  pose proof (rmw_source_co _ _ _ Hwf Hint Hr1 Hm1) as H1.
  pose proof (rmw_source_co _ _ _ Hwf Hint Hr2 Hm2) as H2.
  destruct (wf_co _ Hwf _ _ H1) as [_ [HW1 [_ [_ Hl1]]]].
  destruct (wf_co _ Hwf _ _ H2) as [_ [HW2 [_ [_ Hl2]]]].
  destruct (wf_co_total _ Hwf w1 w2 HW1 HW2) as [H|H]; auto.
  - apply mk_loc; [right; exact HW1|right; exact HW2|congruence].
  - exact (half w0 w1 r2 w2 Hwf Hc Hadj Hr2 Hm2 H1 H).
  - exact (half w0 w2 r1 w1 Hwf Hc Hadj Hr1 Hm1 H2 H).
Qed.

End Atomic.
