(* ArmFacts.v -- general lemmas about the model of Aarch64.v. *)
From Coq Require Import Relations Lia.
From VRM.arm Require Import Rel Aarch64.

Section Facts.
Context {Ev : Type} (X : candidate Ev).

(* Consistency by a rank function, for executions without barriers and
   without address dependencies (the lock code has neither): if every edge
   that can appear in po-loc | ca | rf (internal) and in
   obs | dob | aob | bob (external) increases the rank, both axioms hold.
   Each premise is one cat term (or the part of it the others do not
   cover). *)
Lemma consistent_by_rank : forall rank,
  let lt := ranked rank in
  (forall e, ~ F X e) ->
  empty (addr X) ->
  (forall x y, co X x y -> W X x) ->
  incl (rf X) lt -> incl (co X) lt -> incl (fr X) lt ->
  incl (po_loc X) lt -> incl (data X) lt ->
  incl (seq (ctrl X) (brak (W X))) lt -> incl (rmw X) lt ->
  incl (seq (brak (L X)) (seq (po X) (brak (A X)))) lt ->
  incl (seq (brak (fun e => A X e \/ Q X e)) (po X)) lt ->
  incl (seq (po X) (brak (L X))) lt ->
  internal X /\ external X.
Proof.
  intros rank lt HF Haddr HcoW Hrf Hco Hfr Hpl Hdata Hctrl Hrmw HLA HAQ HL.
  assert (Hrfi : incl (rfi X) lt) by (intros x y [H _]; auto).
  assert (Hcoi : incl (coi X) lt) by (intros x y [H _]; auto).
  assert (Hnof : forall (S : Ev -> Prop) (r s : rel Ev),
            (forall e, S e -> F X e) -> incl (seq r (seq (brak S) s)) lt).
  { intros S r s HS. apply empty_incl.
    apply seq_brak_empty. intros e He; exact (HF e (HS e He)). }
  assert (Hdmb : forall fs e, fence_is X fs e -> F X e)
    by (intros fs e [f [Hf _]]; exists f; exact Hf).
  assert (Hdob : incl (dob X) lt).
  { unfold dob. repeat apply incl_union.
    - apply empty_incl, Haddr.
    - exact Hdata.
    - exact Hctrl.
    - intros x y [z [_ [w [[<- HI] _]]]]. destruct (HF z (Hdmb _ _ HI)).
    - intros x y [z [Hxz _]]. destruct (Haddr _ _ Hxz).
    - intros x y [z [[H|H] Hzy]].
      + assert (Hw : W X z) by (destruct Hzy as [Hc _]; eapply HcoW; exact Hc).
        apply incl_seq_ranked with (r := seq (ctrl X) (brak (W X)))
          (s := coi X); auto.
        exists z; split; auto. exists z; split; auto. split; auto.
      + apply incl_seq_ranked with (r := data X) (s := coi X); auto.
        exists z; split; auto.
    - intros x y [z [[H|H] Hzy]]; [destruct (Haddr _ _ H)|].
      apply incl_seq_ranked with (r := data X) (s := rfi X); auto.
      exists z; split; auto. }
  assert (Hbob : incl (bob X) lt).
  { unfold bob. repeat apply incl_union.
    - apply Hnof. intros e H; apply (Hdmb _ _ H).
    - exact HLA.
    - intros x y [z [_ [w [_ [w' [[<- HI] _]]]]]].
      destruct (HF w (Hdmb _ _ HI)).
    - exact HAQ.
    - intros x y [z [_ [w [_ [w' [[<- HI] _]]]]]].
      destruct (HF w (Hdmb _ _ HI)).
    - exact HL.
    - intros x y [z [Hpo [w [[<- Hz] Hc]]]].
      apply incl_seq_ranked with (r := seq (po X) (brak (L X))) (s := coi X);
        auto.
      exists z; split; auto. exists z; split; auto. split; auto. }
  split.
  - apply (acyclic_by_rank _ rank).
    repeat apply incl_union; auto.
  - apply irreflexive_tc, (acyclic_by_rank _ rank).
    apply incl_union; [|apply incl_union; [exact Hdob|
      apply incl_union; [|exact Hbob]]].
    + apply incl_union; [|apply incl_union].
      * intros x y [H _]; apply Hrf, H.
      * intros x y [H _]; apply Hfr, H.
      * intros x y [H _]; apply Hco, H.
    + apply incl_union; [exact Hrmw|]. apply incl_seq_ranked; auto.
Qed.

(* Single ob edges, for building cycles. *)
Lemma ob_obs : forall x y, obs X x y -> ob X x y.
Proof. intros x y H; apply t_step; left; exact H. Qed.

Lemma ob_bob : forall x y, bob X x y -> ob X x y.
Proof. intros x y H; apply t_step; right; right; right; exact H. Qed.

Lemma ob_aob : forall x y, aob X x y -> ob X x y.
Proof. intros x y H; apply t_step; right; right; left; exact H. Qed.

Lemma ob_rfe : forall x y, rf X x y -> ext X x y -> ob X x y.
Proof. intros x y H1 H2; apply ob_obs; left; split; assumption. Qed.

Lemma ob_fre : forall x y, fr X x y -> ext X x y -> ob X x y.
Proof. intros x y H1 H2; apply ob_obs; right; left; split; assumption. Qed.

Lemma ob_coe : forall x y, co X x y -> ext X x y -> ob X x y.
Proof. intros x y H1 H2; apply ob_obs; right; right; split; assumption. Qed.

(* bob: po; [L] -- everything before a release *)
Lemma ob_po_L : forall x y, po X x y -> L X y -> ob X x y.
Proof.
  intros x y H1 H2; apply ob_bob.
  do 5 right; left. exists y; split; [exact H1|split; auto].
Qed.

(* bob: [A | Q]; po -- everything after an acquire *)
Lemma ob_A_po : forall x y, A X x -> po X x y -> ob X x y.
Proof.
  intros x y H1 H2; apply ob_bob.
  do 3 right; left. exists x; split; [split; auto|exact H2].
Qed.

Lemma ob_trans : forall x y z, ob X x y -> ob X y z -> ob X x z.
Proof. intros; eapply t_trans; eauto. Qed.

(* An ob cycle refutes consistency (the external axiom). *)
Lemma cycle_inconsistent : forall x,
  ob X x x -> ~ consistent X.
Proof. intros x H [_ [He _]]; exact (He x H). Qed.

End Facts.
