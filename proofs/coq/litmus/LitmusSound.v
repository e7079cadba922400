(* LitmusSound.v -- what Litmus.decide means, and its soundness.

   [execution_of p X]: X (events = nat) is a candidate execution of p: each
   event's label is the one the interpreter [run] gives when every read
   returns the value X gives it (events past the table are unused
   fences), po/rmw/addr/data/ctrl are the program's, and X is well formed
   (Aarch64.wf: rf from a same-location same-value write, co a total
   order per location with the initial write first, ...).
   [final_cond p X]: the final condition, with registers from the
   interpreter and memory = the value of the co-last write.

   decide_sound:  decide p = true ->
     exists X, execution_of p X /\ consistent X /\ final_cond p X.
   (Completeness, the converse, is not proved here; see README.) *)
From Coq Require Import List Bool Arith Lia.
Import ListNotations.
From VRM.arm Require Import Rel Aarch64.
From VRM.litmus Require Import Litmus.

Definition rv_of (X : candidate nat) (e : nat) := l_val (lab X e).

Fixpoint holds (X : candidate nat) (rgs : list regf) (c : cond) : Prop :=
  match c with
  | CTrue => True
  | CReg t r v => fst (lookup (nth t rgs []) r) = v
  | CMem l v => exists w, W X w /\ l_loc (lab X w) = l /\
                  (forall w', ~ co X w w') /\ l_val (lab X w) = v
  | CAnd a b => holds X rgs a /\ holds X rgs b
  | COr a b => holds X rgs a \/ holds X rgs b
  end.

Record execution_of (p : prog) (X : candidate nat) : Prop := {
  ex_lab : forall e, lab X e = blab (fst (run p (rv_of X))) e;
  ex_po : forall x y, po X x y <-> pob (fst (run p (rv_of X))) x y = true;
  ex_rmw : forall x y, rmw X x y <-> rmwb (fst (run p (rv_of X))) x y = true;
  ex_addr : forall x y, addr X x y <-> addrb (fst (run p (rv_of X))) x y = true;
  ex_data : forall x y, data X x y <-> datab (fst (run p (rv_of X))) x y = true;
  ex_ctrl : forall x y, ctrl X x y <-> ctrlb (fst (run p (rv_of X))) x y = true;
  ex_wf : wf X }.

Definition final_cond (p : prog) (X : candidate nat) : Prop :=
  holds X (snd (run p (rv_of X))) (p_cond p).

(* The interpreter only looks at read values through rv. *)
Lemma run_ext : forall p f g, (forall e, f e = g e) -> run p f = run p g.
Proof.
  intros p f g H. unfold run.
  assert (S1 : forall t s i, step t f s i = step t g s i).
  { intros t [rg cd lx id ev] i; destruct i; simpl; rewrite ?H; reflexivity. }
  assert (S2 : forall t code s, fold_left (step t f) code s = fold_left (step t g) code s).
  { intros t code; induction code as [|i c IH]; intros s; simpl; [reflexivity|].
    rewrite S1; apply IH. }
  assert (S3 : forall ths t b, run_thrs f ths t b = run_thrs g ths t b).
  { intros ths; induction ths as [|[ir code] ths IH]; intros t b; simpl; [reflexivity|].
    rewrite S2, IH; reflexivity. }
  rewrite S3; reflexivity.
Qed.

Section Sound.
Context (tb : list (sev * nat)) (src rk : list nat).
Local Notation n := (n tb).

Definition cX : candidate nat := {|
  lab := blab tb;
  po := fun x y => pob tb x y = true;
  rf := fun x y => rfb tb src x y = true;
  co := fun x y => cob tb rk x y = true;
  rmw := fun x y => rmwb tb x y = true;
  addr := fun x y => addrb tb x y = true;
  data := fun x y => datab tb x y = true;
  ctrl := fun x y => ctrlb tb x y = true |}.
Local Notation X := cX.

Ltac bs := repeat (match goal with
  | H : _ && _ = true |- _ => apply andb_true_iff in H; destruct H
  | H : (_ =? _) = true |- _ => apply Nat.eqb_eq in H
  | H : (_ <? _) = true |- _ => apply Nat.ltb_lt in H
  | H : negb _ = true |- _ => apply negb_true_iff in H
  end).

Lemma all1_ok : forall f, all1 tb f = true -> forall x, x < n -> f x = true.
Proof.
  intros f H x Hx. apply (proj1 (forallb_forall _ _) H). apply in_seq. lia.
Qed.
Lemma all2_ok : forall f, all2 tb f = true -> forall x y, x < n -> y < n -> f x y = true.
Proof.
  intros f H x y Hx Hy. apply (proj1 (forallb_forall _ _)
    (proj1 (forallb_forall _ _) H x (proj2 (in_seq _ _ _) (conj (Nat.le_0_l _) Hx)))).
  apply in_seq. lia.
Qed.

Lemma blab_out : forall e, n <= e -> blab tb e = dummy e.
Proof. intros e H. unfold blab. destruct (e <? n) eqn:E; bs; [lia|reflexivity]. Qed.
Lemma blab_in : forall e, e < n -> blab tb e = mklab (nth e tb dflt).
Proof. intros e H. unfold blab. apply Nat.ltb_lt in H. rewrite H. reflexivity. Qed.

Lemma bR_in : forall e, bR tb e = true -> e < n.
Proof. intros e H. destruct (Nat.lt_ge_cases e n); auto.
  unfold bR in H. rewrite blab_out in H; [discriminate|auto]. Qed.
Lemma bW_in : forall e, bW tb e = true -> e < n.
Proof. intros e H. destruct (Nat.lt_ge_cases e n); auto.
  unfold bW in H. rewrite blab_out in H; [discriminate|auto]. Qed.

Lemma R_b : forall e, R X e <-> bR tb e = true.
Proof. intros e; unfold R, bR; simpl. destruct (l_kind (blab tb e)); simpl; split; congruence. Qed.
Lemma W_b : forall e, W X e <-> bW tb e = true.
Proof. intros e; unfold W, bW; simpl. destruct (l_kind (blab tb e)); simpl; split; congruence. Qed.
Lemma M_b : forall e, M X e <-> bM tb e = true.
Proof. intros e; unfold M, bM. rewrite R_b, W_b, orb_true_iff. tauto. Qed.
Lemma loc_b : forall x y, loc X x y <-> bloc tb x y = true.
Proof.
  intros x y; unfold loc, bloc. rewrite !andb_true_iff, !M_b, Nat.eqb_eq. simpl. tauto.
Qed.
Lemma int_b : forall x y, int X x y <-> bint tb x y = true.
Proof.
  intros x y; unfold int, bint. rewrite !andb_true_iff, !negb_true_iff, Nat.eqb_eq.
  simpl. tauto.
Qed.
Lemma ext_b : forall x y, ext X x y -> bext tb x y = true.
Proof.
  intros x y H. unfold bext. destruct (bint tb x y) eqn:E; [|reflexivity].
  exfalso; apply H, int_b, E.
Qed.

(* Reflection of the Prop relations of X into the booleans. *)
Definition refl (r : rel nat) (b : nat -> nat -> bool) := forall x y, r x y -> b x y = true.
Definition rngL (r : rel nat) := forall x y, r x y -> x < n.
Definition rngR (r : rel nat) := forall x y, r x y -> y < n.

Lemma refl_uni : forall r s rb sb, refl r rb -> refl s sb -> refl (union r s) (uni rb sb).
Proof. intros r s rb sb H1 H2 x y [H|H]; unfold uni;
  [rewrite (H1 _ _ H)|destruct (rb x y); [|rewrite (H2 _ _ H)]]; reflexivity. Qed.
Lemma refl_itr : forall r s rb sb, refl r rb -> refl s sb -> refl (inter r s) (itr rb sb).
Proof. intros r s rb sb H1 H2 x y [H H']; unfold itr; rewrite (H1 _ _ H); apply H2, H'. Qed.
Lemma sq_intro : forall rb sb x z y, z < n -> rb x z = true -> sb z y = true ->
  sq tb rb sb x y = true.
Proof.
  intros rb sb x z y Hz H1 H2. apply existsb_exists. exists z. split.
  - apply in_seq; lia.
  - rewrite H1; exact H2.
Qed.
Lemma refl_sq_l : forall r s rb sb, refl r rb -> refl s sb -> rngR r ->
  refl (seq r s) (sq tb rb sb).
Proof. intros r s rb sb H1 H2 Hr x y [z [Ha Hb]]. eapply sq_intro; eauto. Qed.
Lemma refl_sq_r : forall r s rb sb, refl r rb -> refl s sb -> rngL s ->
  refl (seq r s) (sq tb rb sb).
Proof. intros r s rb sb H1 H2 Hr x y [z [Ha Hb]]. eapply sq_intro; eauto. Qed.
Lemma refl_br : forall (S : nat -> Prop) Sb, (forall e, S e -> Sb e = true) ->
  refl (brak S) (br Sb).
Proof. intros S Sb H x y [<- Hx]. unfold br. rewrite Nat.eqb_refl. apply H, Hx. Qed.

Lemma rngR_seq : forall r s, rngR s -> rngR (seq r s).
Proof. intros r s H x y [z [_ Hb]]; eapply H; eauto. Qed.
Lemma rngL_seq : forall r s, rngL r -> rngL (seq r s).
Proof. intros r s H x y [z [Ha _]]; eapply H; eauto. Qed.
Lemma rngR_union : forall r s, rngR r -> rngR s -> rngR (union r s).
Proof. intros r s H1 H2 x y [H|H]; eauto. Qed.
Lemma rngL_union : forall r s, rngL r -> rngL s -> rngL (union r s).
Proof. intros r s H1 H2 x y [H|H]; eauto. Qed.
Lemma rngL_inter : forall r s, rngL r -> rngL (inter r s).
Proof. intros r s H x y [Ha _]; eauto. Qed.
Lemma rngR_inter : forall r s, rngR r -> rngR (inter r s).
Proof. intros r s H x y [Ha _]; eauto. Qed.
Lemma rng_brakW : rngR (brak (W X)).
Proof. intros x y [<- H]. apply bW_in, W_b, H. Qed.
Lemma rng_brakR : rngR (brak (R X)).
Proof. intros x y [<- H]. apply bR_in, R_b, H. Qed.
Lemma rngL_brakL : rngL (brak (L X)).
Proof. intros x y [<- [H _]]. apply bW_in, W_b, H. Qed.
Lemma rngL_brakW : rngL (brak (W X)).
Proof. intros x y [<- H]. apply bW_in, W_b, H. Qed.
Lemma rngL_brakAQ : rngL (brak (fun e => A X e \/ Q X e)).
Proof. intros x y [<- [[H _]|[H _]]]; apply bR_in, R_b, H. Qed.
Lemma rngR_brakL : rngR (brak (L X)).
Proof. intros x y [<- [H _]]. apply bW_in, W_b, H. Qed.
Lemma rngR_brakA : rngR (brak (A X)).
Proof. intros x y [<- [H _]]. apply bR_in, R_b, H. Qed.
Lemma rngL_brakR : rngL (brak (R X)).
Proof. intros x y [<- H]. apply bR_in, R_b, H. Qed.

Lemma po_rng : forall x y, pob tb x y = true -> x < n /\ y < n.
Proof. unfold pob, inr; intros x y H; bs; auto. Qed.
Lemma co_rng : forall x y, cob tb rk x y = true -> x < n /\ y < n.
Proof. unfold cob; intros x y H; bs; split; apply bW_in; auto. Qed.
Lemma rngL_po : rngL (po X). Proof. intros x y H; apply (po_rng x y H). Qed.
Lemma rngR_po : rngR (po X). Proof. intros x y H; apply (po_rng x y H). Qed.
Lemma rngL_co : rngL (co X). Proof. intros x y H; apply (co_rng x y H). Qed.
Lemma rngR_co : rngR (co X). Proof. intros x y H; apply (co_rng x y H). Qed.

Section Checks.
Context (Hwf : chk_wf tb src rk = true).

Lemma hwf : chk_tid tb = true /\ chk_rf tb src = true /\ chk_co tb rk = true /\
  chk_coinit tb rk = true /\ chk_rmw tb = true /\ chk_deps tb = true.
Proof.
  unfold chk_wf in Hwf.
  destruct (chk_tid tb), (chk_rf tb src), (chk_co tb rk), (chk_coinit tb rk),
    (chk_rmw tb), (chk_deps tb); try discriminate; repeat split.
Qed.

Lemma rf_ok : forall x y, rfb tb src x y = true -> x < n /\ y < n /\
  bW tb x = true /\ bR tb y = true /\ l_loc (blab tb x) = l_loc (blab tb y) /\
  l_val (blab tb x) = l_val (blab tb y).
Proof.
  intros x y H. destruct hwf as [_ [Hrf _]]. unfold rfb, inr in H. bs. subst x.
  pose proof (all1_ok _ Hrf y H) as G. cbv beta in G. rewrite H1 in G. simpl in G.
  unfold inr in G. bs. repeat split; auto.
Qed.

Lemma deps_ok : forall x y, (addrb tb x y = true \/ datab tb x y = true \/
  ctrlb tb x y = true) -> bR tb x = true /\ pob tb x y = true.
Proof.
  intros x y H. destruct hwf as [_ [_ [_ [_ [_ Hd]]]]].
  assert (Hy : y < n /\ In x (s_addr (sv tb y) ++ s_data (sv tb y) ++ s_ctrl (sv tb y))).
  { unfold addrb, datab, ctrlb, depb, inr in H.
    destruct H as [H|[H|H]]; bs; apply existsb_exists in H0 as [z [Hz Ez]]; bs; subst;
      split; auto; rewrite !in_app_iff; auto. }
  destruct Hy as [Hy Hin]. pose proof (all1_ok _ Hd y Hy) as G. cbv beta in G.
  pose proof (proj1 (forallb_forall _ _) G x Hin) as G'. cbv beta in G'. bs. split; auto.
Qed.

Lemma rmw_ok : forall x y, rmwb tb x y = true ->
  bR tb x = true /\ bW tb y = true /\ bloc tb x y = true /\ pob tb x y = true.
Proof.
  intros x y H. destruct hwf as [_ [_ [_ [_ [Hr _]]]]]. unfold rmwb, inr in H. bs.
  pose proof (all1_ok _ Hr y H) as G. cbv beta in G.
  destruct (s_rmw (sv tb y)) as [z|]; [|discriminate]. bs. subst. repeat split; auto.
Qed.

Lemma rngL_rf : rngL (rf X). Proof. intros x y H; apply (rf_ok x y H). Qed.
Lemma rngR_rf : rngR (rf X). Proof. intros x y H; apply (rf_ok x y H). Qed.
Lemma rngL_rmw : rngL (rmw X).
Proof. intros x y H; destruct (rmw_ok x y H) as [_ [_ [_ P]]]; apply (po_rng x y P). Qed.
Lemma rngR_rmw : rngR (rmw X).
Proof. intros x y H; destruct (rmw_ok x y H) as [_ [_ [_ P]]]; apply (po_rng x y P). Qed.
Lemma rngL_addr : rngL (addr X).
Proof. intros x y H; destruct (deps_ok x y (or_introl H)) as [_ P]; apply (po_rng x y P). Qed.
Lemma rngR_addr : rngR (addr X).
Proof. intros x y H; destruct (deps_ok x y (or_introl H)) as [_ P]; apply (po_rng x y P). Qed.
Lemma rngL_data : rngL (data X).
Proof. intros x y H; destruct (deps_ok x y (or_intror (or_introl H))) as [_ P]; apply (po_rng x y P). Qed.
Lemma rngR_data : rngR (data X).
Proof. intros x y H; destruct (deps_ok x y (or_intror (or_introl H))) as [_ P]; apply (po_rng x y P). Qed.
Lemma rngL_ctrl : rngL (ctrl X).
Proof. intros x y H; destruct (deps_ok x y (or_intror (or_intror H))) as [_ P]; apply (po_rng x y P). Qed.
Lemma rngR_ctrl : rngR (ctrl X).
Proof. intros x y H; destruct (deps_ok x y (or_intror (or_intror H))) as [_ P]; apply (po_rng x y P). Qed.
Lemma rngL_fr : rngL (fr X).
Proof. intros x y [z [H _]]. apply (rf_ok z x H). Qed.
Lemma rngR_fr : rngR (fr X).
Proof. intros x y [z [_ H]]. apply (co_rng z y H). Qed.

Lemma wf_X : wf X.
Proof.
  destruct hwf as [Ht [Hrf [Hco [Hci [Hrmw Hd]]]]].
  assert (Tid : forall e, e < n -> l_tid (blab tb e) < 1000).
  { intros e He. pose proof (all1_ok _ Ht e He) as G; cbv beta in G. bs.
    rewrite blab_in by exact He. unfold sv in G. destruct (nth e tb dflt); exact G. }
  constructor; simpl.
  - intros x y H. apply int_b. unfold pob, bint, inr in *.
    rewrite ?andb_true_iff, ?negb_true_iff, ?Nat.eqb_eq, ?Nat.ltb_lt in *. tauto.
  - unfold pob, inr; intros x y z H1 H2.
    rewrite ?andb_true_iff, ?negb_true_iff, ?Nat.eqb_eq, ?Nat.ltb_lt in *.
    intuition (try lia; try congruence).
  - unfold pob; intros x H; bs; lia.
  - intros x y Hi Hn. apply int_b in Hi. unfold bint in Hi.
    rewrite ?andb_true_iff, ?negb_true_iff, ?Nat.eqb_eq in Hi.
    destruct Hi as [[Ht1 Hi1] Hi2].
    destruct (Nat.lt_ge_cases x n) as [Hx|Hx], (Nat.lt_ge_cases y n) as [Hy|Hy].
    + unfold pob, inr. rewrite ?andb_true_iff, ?negb_true_iff, ?Nat.eqb_eq, ?Nat.ltb_lt.
      destruct (Nat.lt_total x y) as [Lt|[Lt|Lt]]; [left|contradiction|right]; repeat split; first [assumption | congruence].
    + exfalso. pose proof (Tid x Hx). rewrite (blab_out y Hy) in Ht1. simpl in Ht1. lia.
    + exfalso. pose proof (Tid y Hy). rewrite (blab_out x Hx) in Ht1. simpl in Ht1. lia.
    + exfalso. rewrite (blab_out x Hx), (blab_out y Hy) in Ht1. simpl in Ht1. lia.
  - intros x y H. destruct (rf_ok x y H) as [_ [_ [H1 [H2 [H3 H4]]]]].
    split; [apply W_b|split; [apply R_b|]]; auto.
  - unfold rfb; intros x x' y H1 H2; bs; congruence.
  - intros y Hy. apply R_b in Hy. exists (srcof src y). unfold rfb, inr.
    rewrite (proj2 (Nat.ltb_lt _ _) (bR_in y Hy)), Hy, Nat.eqb_refl. reflexivity.
  - intros x y H. unfold cob in H. bs. split; [apply W_b; auto|split; [apply W_b; auto|]].
    apply loc_b. unfold bloc, bM. repeat match goal with E : bW _ _ = true |- _ =>
      rewrite E, orb_true_r; clear E end. simpl. apply Nat.eqb_eq; assumption.
  - unfold cob; intros x y z H1 H2.
    rewrite ?andb_true_iff, ?Nat.eqb_eq, ?Nat.ltb_lt in *. intuition (try lia; try congruence).
  - unfold cob; intros x H; bs; lia.
  - intros x y Hx Hy Hl Hn. apply W_b in Hx, Hy. apply loc_b in Hl as Hl'.
    pose proof (all2_ok _ Hco x y (bW_in x Hx) (bW_in y Hy)) as G. cbv beta in G.
    rewrite Hx, Hy, Hl' in G. destruct (Nat.eqb_spec x y) as [E|_]; [contradiction|].
    simpl in G. apply negb_true_iff, Nat.eqb_neq in G.
    unfold bloc in Hl'. apply andb_true_iff in Hl' as [_ Hl']. apply Nat.eqb_eq in Hl'.
    unfold cob. rewrite Hx, Hy, Hl', Nat.eqb_refl. simpl.
    destruct (Nat.lt_total (rnk rk x) (rnk rk y)) as [Lt|[Lt|Lt]];
      [left|contradiction|right]; apply Nat.ltb_lt; auto.
  - intros x y [Hx Hix] Hy Hny Hl. apply W_b in Hx, Hy. apply loc_b in Hl.
    pose proof (all2_ok _ Hci x y (bW_in x Hx) (bW_in y Hy)) as G. cbv beta in G.
    unfold bIW in G. rewrite Hx, Hy, Hl in G. simpl in Hix. rewrite Hix in G.
    destruct (l_IW (blab tb y)) eqn:E; [destruct Hny; split; [apply W_b|]; auto|].
    simpl in G. unfold cob. rewrite Hx, Hy, G. unfold bloc in Hl.
    apply andb_true_iff in Hl as [_ Hl]. rewrite Hl. reflexivity.
  - intros x y H. destruct (rmw_ok x y H) as [H1 [H2 [H3 H4]]].
    split; [apply R_b|split; [apply W_b|split; [apply loc_b|]]]; auto.
  - intros x y H. assert (G : addrb tb x y = true \/ datab tb x y = true \/ ctrlb tb x y = true)
      by (destruct H as [H|[H|H]]; auto).
    destruct (deps_ok x y G). split; [apply R_b|]; auto.
Qed.

(* The sets *)
Lemma A_b : forall e, A X e -> bA tb e = true.
Proof. intros e [H1 H2]. unfold bA. apply R_b in H1. rewrite H1. exact H2. Qed.
Lemma Q_b : forall e, Q X e -> bQ tb e = true.
Proof. intros e [H1 H2]. unfold bQ. apply R_b in H1. rewrite H1. exact H2. Qed.
Lemma L_b : forall e, L X e -> bL tb e = true.
Proof. intros e [H1 H2]. unfold bL. apply W_b in H1. rewrite H1. exact H2. Qed.
Lemma AQ_b : forall e, A X e \/ Q X e -> bA tb e || bQ tb e = true.
Proof. intros e [H|H]; [rewrite (A_b e H)|rewrite (Q_b e H), orb_true_r]; reflexivity. Qed.
Lemma fence_b : forall (fs : fence -> Prop) fb, (forall f, fs f -> fb f = true) ->
  forall e, fence_is X fs e -> bfence tb fb e = true.
Proof. intros fs fb H e [f [E Hf]]. unfold bfence. simpl in E. rewrite E. auto. Qed.
Lemma ISB_b : forall e, ISB_ X e -> bfence tb fISB e = true.
Proof. apply fence_b. intros f ->; reflexivity. Qed.
Lemma full_b : forall e, dmb_full X e -> bfence tb fFull e = true.
Proof. apply fence_b. intros f [->| ->]; reflexivity. Qed.
Lemma ld_b : forall e, dmb_ld X e -> bfence tb fLd e = true.
Proof. apply fence_b. intros f [->| ->]; reflexivity. Qed.
Lemma st_b : forall e, dmb_st X e -> bfence tb fSt e = true.
Proof. apply fence_b. intros f [->| ->]; reflexivity. Qed.

Lemma refl_id : forall b : nat -> nat -> bool, refl (fun x y => b x y = true) b.
Proof. intros b x y H; exact H. Qed.
Lemma refl_ext : refl (ext X) (bext tb). Proof. exact ext_b. Qed.
Lemma refl_int : refl (int X) (bint tb). Proof. intros x y H; apply int_b, H. Qed.
Lemma refl_inv_rf : refl (inv (rf X)) (fun x y => rfb tb src y x).
Proof. intros x y H; exact H. Qed.
Lemma refl_loc : refl (loc X) (bloc tb). Proof. intros x y H; apply loc_b, H. Qed.

(* Base facts first: [apply] would otherwise unfold fr or brak into seq/inter. *)
Ltac rng := solve [repeat first [ apply rngL_fr | apply rngR_fr
  | apply rng_brakW | apply rng_brakR | apply rngL_brakL | apply rngL_brakAQ
  | apply rngR_brakL | apply rngR_brakA | apply rngL_brakW | apply rngL_brakR
  | apply rngL_po | apply rngR_po | apply rngL_co | apply rngR_co | apply rngL_rf
  | apply rngR_rf | apply rngL_rmw | apply rngR_rmw | apply rngL_addr | apply rngR_addr
  | apply rngL_data | apply rngR_data | apply rngL_ctrl | apply rngR_ctrl
  | apply rngR_seq | apply rngL_seq | apply rngR_union
  | apply rngL_union | apply rngL_inter | apply rngR_inter ]].
Ltac rfl := match goal with
  | |- refl (union _ _) (uni _ _) => apply refl_uni; rfl
  | |- refl (inter _ _) (itr _ _) => apply refl_itr; rfl
  | |- refl (seq _ _) (sq _ _ _) =>
      first [ apply refl_sq_l; [rfl|rfl|rng] | apply refl_sq_r; [rfl|rfl|rng] ]
  | |- refl (brak _) (br _) => apply refl_br; first
      [ exact (fun e H => proj1 (W_b e) H) | exact (fun e H => proj1 (R_b e) H)
      | exact L_b | exact A_b | exact AQ_b | exact ISB_b | exact full_b | exact ld_b
      | exact st_b ]
  | |- refl (ext _) _ => exact refl_ext
  | |- refl (int _) _ => exact refl_int
  | |- refl (inv _) _ => exact refl_inv_rf
  | |- refl (loc _) _ => exact refl_loc
  | |- refl (fr _) _ => unfold fr, frb; rfl
  | |- refl _ _ => apply refl_id
  end.

Lemma refl_int_rel : refl (union (po_loc X) (union (ca X) (rf X))) (intb tb src rk).
Proof. unfold intb, po_loc, ca. rfl. Qed.

Lemma refl_ob_base : refl (union (obs X) (union (dob X) (union (aob X) (bob X))))
  (obb tb src rk).
Proof.
  unfold obb, obsb, dobb, aobb, bobb, obs, dob, aob, bob, rfe, fre, coe, coi, rfi,
    rfeb, freb, coeb, coib, rfib. rfl.
Qed.

Lemma refl_fr : refl (fr X) (frb tb src rk).
Proof. unfold fr, frb. rfl. Qed.

Lemma acyc_ok : forall (r : rel nat) b, refl r b -> rngL r -> rngR r ->
  acyc_b tb b = true -> acyclic r.
Proof.
  intros r b Hr HL HR H. apply (acyclic_by_rank _ (fun e => nth e (lrank tb b) 0)).
  intros x y Hxy. unfold ranked. unfold acyc_b in H.
  pose proof (all2_ok _ H x y (HL _ _ Hxy) (HR _ _ Hxy)) as G. cbv beta in G.
  rewrite (Hr _ _ Hxy) in G. apply Nat.ltb_lt, G.
Qed.

Context (Hcons : chk_cons tb src rk = true).

Lemma consistent_X : consistent X.
Proof.
  unfold chk_cons in Hcons.
  destruct (acyc_b tb (intb tb src rk)) eqn:E1; [|discriminate].
  destruct (chk_atomic tb src rk) eqn:E2; [|discriminate].
  split; [|split].
  - unfold internal. apply (acyc_ok _ _ refl_int_rel); [unfold po_loc, ca; rng|
      unfold po_loc, ca; rng|exact E1].
  - unfold external, ob. apply irreflexive_tc.
    apply (acyc_ok _ _ refl_ob_base); [|  |exact Hcons];
    unfold obs, dob, aob, bob, rfe, fre, coe, coi, rfi; rng.
  - intros x y [H1 [z [[Hfr He1] [Hco He2]]]].
    destruct (rmw_ok x y H1) as [_ [_ [_ Hp]]]. destruct (po_rng x y Hp) as [Hx Hy].
    pose proof (all2_ok _ E2 x y Hx Hy) as G. cbv beta in G.
    rewrite H1 in G. simpl in G.
    pose proof (proj1 (forallb_forall _ _) G z (proj2 (in_seq _ _ _)
      (conj (Nat.le_0_l _) (proj1 (co_rng z y Hco))))) as G'. cbv beta in G'.
    rewrite (refl_fr x z Hfr), (ext_b x z He1), (ext_b z y He2) in G'.
    simpl in Hco. rewrite Hco in G'. discriminate.
Qed.
End Checks.

Lemma eval_ok : forall rgs c, eval_c tb rk rgs c = true -> holds X rgs c.
Proof.
  intros rgs c; induction c as [| t r v | l v | a IHa b IHb | a IHa b IHb]; simpl; intros H.
  - exact I.
  - apply Nat.eqb_eq, H.
  - apply existsb_exists in H as [w [Hw H]]. bs. exists w.
    split; [apply W_b; auto|split; [auto|split; [|auto]]].
    intros w' Hc. simpl in Hc. destruct (co_rng w w' Hc) as [_ Hw'].
    match goal with Hf : forallb _ _ = true |- _ =>
      pose proof (proj1 (forallb_forall _ _) Hf w' (proj2 (in_seq _ _ _)
        (conj (Nat.le_0_l _) Hw'))) as G end.
    cbv beta in G. rewrite Hc in G. discriminate.
  - apply andb_true_iff in H as [H1 H2]. split; auto.
  - apply orb_true_iff in H as [H|H]; [left|right]; auto.
Qed.
End Sound.

Lemma list_eqb_ok : forall a b, list_eqb a b = true -> a = b.
Proof.
  induction a as [|x a IH]; destruct b as [|y b]; simpl; intros H; try discriminate; auto.
  apply andb_true_iff in H as [H1 H2]. apply Nat.eqb_eq in H1. subst. f_equal. auto.
Qed.

Lemma lazy_and : forall a b : bool, (if a then b else false) = true -> a = true /\ b = true.
Proof. intros [|] b H; [auto|discriminate]. Qed.

Lemma check_sound : forall p rvl src rk,
  let r := run p (fun e => nth e rvl 0) in
  eval_c (fst r) rk (snd r) (p_cond p) = true -> list_eqb rvl (map snd (fst r)) = true ->
  chk_wf (fst r) src rk = true -> chk_cons (fst r) src rk = true ->
  exists X, execution_of p X /\ consistent X /\ final_cond p X.
Proof.
  intros p rvl src rk r H1 H2 H3 H4.
  assert (Er0 : r = run p (fun e => nth e rvl 0)) by reflexivity. clearbody r.
  apply list_eqb_ok in H2.
  assert (Ev : forall e, rv_of (cX (fst r) src rk) e = nth e rvl 0).
  { intros e. unfold rv_of. simpl. rewrite H2.
    destruct (Nat.lt_ge_cases e (n (fst r))) as [He|He].
    - rewrite blab_in by exact He.
      change 0 with (snd dflt). rewrite map_nth.
      destruct (nth e (fst r) dflt); reflexivity.
    - rewrite blab_out by exact He. rewrite nth_overflow; [reflexivity|].
      rewrite map_length. exact He. }
  assert (Er : run p (rv_of (cX (fst r) src rk)) = r) by (transitivity (run p (fun e => nth e rvl 0)); [apply run_ext; exact Ev|symmetry; exact Er0]).
  exists (cX (fst r) src rk). split; [|split].
  - constructor; rewrite ?Er; try reflexivity; try (intros; reflexivity);
      try (intros; apply iff_refl). apply wf_X; exact H3.
  - apply consistent_X; assumption.
  - unfold final_cond. rewrite Er. apply eval_ok, H1.
Qed.

(* Soundness: a "true" answer is witnessed by a consistent candidate
   execution of the program that satisfies the final condition. *)
Theorem decide_sound : forall p, decide p = true ->
  exists X, execution_of p X /\ consistent X /\ final_cond p X.
Proof.
  intros p H. unfold decide in H. apply existsb_exists in H as [[src rk] [_ H]].
  simpl in H. unfold check in H.
  revert H. generalize (val_iter p src (S (length (fst (run p (fun _ => 0)))))).
  intros rvl H. cbv zeta in H.
  apply lazy_and in H as [H H4]. apply lazy_and in H as [H H3].
  apply lazy_and in H as [H1 H2].
  exact (check_sound p rvl src rk H1 H2 H3 H4).
Qed.
