(* Scenario.v -- a finite candidate execution built from thread programs
   (lists of ops, see LockEvents.v), for the concrete executions of the
   broken-twin theorems.  The caller gives a finite event type, where each
   event sits (thread, index in that thread's event list; None = initial
   write), the values, rf (as the write each read reads from) and the
   coherence order (as a per-location rank).  Labels, po, rmw, the
   dependencies and co are computed from the programs, so a change to
   TicketInsns.v changes these executions.  Section Check turns wf and
   the premises of ArmFacts.consistent_by_rank (and atomic) into boolean
   checks over all events or pairs of events, proven sound once here;
   each execution's checks are then evaluated by vm_compute. *)
From Coq Require Import List Bool Arith Lia.
Import ListNotations.
From VRM.arm Require Import Rel Aarch64 ArmFacts TicketInsns LockEvents.

Definition isR (k : kind) := match k with KR => true | _ => false end.
Definition isW (k : kind) := match k with KW => true | _ => false end.

Section Build.
Context {Ev : Type} (pos : Ev -> option (nat * nat)) (iloc : Ev -> nat)
        (P : nat -> list op) (vals : Ev -> nat) (rf_src : Ev -> option Ev)
        (cord : Ev -> nat).

Definition ent (e : Ev) : option (nat * shape) :=
  match pos e with
  | Some (t, i) => nth_error (tevents (P t)) i
  | None => None
  end.

Definition blab (e : Ev) : label :=
  match pos e with
  | None => Lab KW 0 (iloc e) (vals e) false false false false true
  | Some (t, i) =>
      match nth_error (tevents (P t)) i with
      | Some (_, s) => Lab (s_kind s) t (s_loc s) (vals e) (s_A s) false
                           (s_L s) (s_X s) false
      | None => Lab (KF ISB) t 0 0 false false false false false
      end
  end.

Definition insn_at (t j : nat) : option xinsn :=
  match nth_error (P t) j with Some o => op_insn o | None => None end.

Definition po_b (x y : Ev) : bool :=
  match pos x, pos y with
  | Some (t, i), Some (t', j) => (t =? t') && (i <? j)
  | _, _ => false
  end.

(* rmw: the read and write of one atomic instruction, or of an exclusive
   load and the store-exclusive right after it, to the same location. *)
Definition pair_b (f : nat -> nat -> nat -> shape -> shape -> bool) (x y : Ev) :=
  match pos x, pos y with
  | Some (t, i), Some (t', j) =>
      (t =? t') && (i <? j) &&
      match nth_error (tevents (P t)) i, nth_error (tevents (P t')) j with
      | Some (jx, sx), Some (jy, sy) =>
          isR (s_kind sx) && isW (s_kind sy) && f t jx jy sx sy
      | _, _ => false
      end
  | _, _ => false
  end.

Definition amo_at t j :=
  match insn_at t j with Some i => is_amo i | None => false end.
Definition feeds_at t j1 j2 :=
  match insn_at t j1, insn_at t j2 with
  | Some a, Some b => feeds a b
  | _, _ => false
  end.

Definition rmw_b := pair_b (fun t jx jy sx sy =>
  (s_loc sx =? s_loc sy) &&
  ((jx =? jy) && amo_at t jx || (jy =? S jx) && s_X sx && s_X sy)).
Definition data_b := pair_b (fun t jx jy _ _ =>
  (jy =? S jx) && feeds_at t jx jy).

Definition co_b (x y : Ev) : bool :=
  isW (l_kind (blab x)) && isW (l_kind (blab y)) &&
  (l_loc (blab x) =? l_loc (blab y)) && (cord x <? cord y).

(* ctrl over-approximated: every read to every po-later event (more
   dependencies only remove consistent executions, so the existential
   theorems are not weakened by it). No address dependencies. *)
Definition build : candidate Ev := {|
  lab := blab;
  po := fun x y => po_b x y = true;
  rf := fun x y => rf_src y = Some x;
  co := fun x y => co_b x y = true;
  rmw := fun x y => rmw_b x y = true;
  addr := fun _ _ => False;
  data := fun x y => data_b x y = true;
  ctrl := fun x y => l_kind (blab x) = KR /\ po_b x y = true |}.

Lemma build_po_trans : forall x y z,
  po build x y -> po build y z -> po build x z.
Proof.
  simpl; unfold po_b; intros x y z.
  destruct (pos x) as [[t1 i1]|], (pos y) as [[t2 i2]|], (pos z) as [[t3 i3]|];
    try discriminate.
  rewrite !andb_true_iff, !Nat.eqb_eq, !Nat.ltb_lt. lia.
Qed.

Lemma build_po_irr : forall x, ~ po build x x.
Proof.
  simpl; unfold po_b; intros x.
  destruct (pos x) as [[t i]|]; [|discriminate].
  rewrite !andb_true_iff, Nat.ltb_lt. lia.
Qed.

Lemma build_co_trans : forall x y z,
  co build x y -> co build y z -> co build x z.
Proof.
  simpl; unfold co_b; intros x y z.
  rewrite !andb_true_iff, !Nat.eqb_eq, !Nat.ltb_lt. intuition congruence || lia.
Qed.

Lemma build_co_irr : forall x, ~ co build x x.
Proof.
  simpl; unfold co_b; intros x.
  rewrite !andb_true_iff, !Nat.ltb_lt. lia.
Qed.

Lemma build_co_wf : forall x y, co build x y ->
  W build x /\ W build y /\ loc build x y.
Proof.
  simpl; unfold co_b, W, loc, M; simpl; intros x y H.
  rewrite !andb_true_iff, Nat.eqb_eq in H.
  destruct H as [[[H1 H2] H3] _].
  destruct (l_kind (blab x)) eqn:Ex, (l_kind (blab y)) eqn:Ey;
    try discriminate.
  repeat split; simpl; auto.
Qed.

Lemma build_rf_func : forall x x' y, rf build x y -> rf build x' y -> x = x'.
Proof. simpl; intros x x' y H1 H2; congruence. Qed.

Lemma build_ctrl : forall x y, ctrl build x y -> R build x /\ po build x y.
Proof. simpl; intros x y H; exact H. Qed.

Lemma build_tid : forall e t i, pos e = Some (t, i) -> l_tid (blab e) = t.
Proof.
  intros e t i H; unfold blab; rewrite H.
  destruct (nth_error (tevents (P t)) i) as [[_ s]|]; reflexivity.
Qed.

(* Events of different threads are external to each other. *)
Lemma build_ext : forall x y t i t' j, pos x = Some (t, i) ->
  pos y = Some (t', j) -> t <> t' -> ext build x y.
Proof.
  intros x y t i t' j Hx Hy Hn [H _]; simpl in H.
  rewrite (build_tid _ _ _ Hx), (build_tid _ _ _ Hy) in H; auto.
Qed.

Lemma build_no_addr : empty (addr build).
Proof. intros x y H; exact H. Qed.

End Build.

(* Deciding the premises of wf and of consistent_by_rank on a finite
   event type: each premise becomes one boolean check over all pairs of
   events (an enumeration [evs]), evaluated by vm_compute. *)
Section Check.
Context {Ev : Type} (pos : Ev -> option (nat * nat)) (iloc : Ev -> nat)
        (P : nat -> list op) (vals : Ev -> nat) (rf_src : Ev -> option Ev)
        (cord : Ev -> nat) (evs : list Ev) (evs_all : forall e, In e evs)
        (eqd : forall x y : Ev, {x = y} + {x <> y}).

Local Notation X := (build pos iloc P vals rf_src cord).
Local Notation lb := (blab pos iloc P vals).

Definition bR e := isR (l_kind (lb e)).
Definition bW e := isW (l_kind (lb e)).
Definition bA e := bR e && l_A (lb e).
Definition bQ e := bR e && l_Q (lb e).
Definition bL e := bW e && l_L (lb e).
Definition bIW e := bW e && l_IW (lb e).
Definition bF e := match l_kind (lb e) with KF _ => true | _ => false end.
Definition bloc x y := (bR x || bW x) && (bR y || bW y) &&
  (l_loc (lb x) =? l_loc (lb y)).
Definition bint x y := (l_tid (lb x) =? l_tid (lb y)) &&
  negb (l_IW (lb x)) && negb (l_IW (lb y)).
Definition beq x y := if eqd x y then true else false.
Definition pob := po_b pos.
Definition cob := co_b pos iloc P vals cord.

Definition all1 (f : Ev -> bool) := forallb f evs.
Definition all2 (f : Ev -> Ev -> bool) := forallb (fun x => forallb (f x) evs) evs.

Lemma all1_ok : forall f, all1 f = true -> forall x, f x = true.
Proof. intros f H x. apply (proj1 (forallb_forall _ _) H), evs_all. Qed.

Lemma all2_ok : forall f, all2 f = true -> forall x y, f x y = true.
Proof.
  intros f H x y. apply (proj1 (forallb_forall _ _)
    (proj1 (forallb_forall _ _) H x (evs_all x))), evs_all.
Qed.

Ltac kind_bool := intros e; unfold bR, bW, bF, bA, bQ, bL, bIW, R, W, F, A, Q, L, IW;
  simpl; destruct (l_kind (lb e)); simpl; intuition (try discriminate; eauto).

Lemma R_b : forall e, R X e -> bR e = true. Proof. kind_bool. Qed.
Lemma W_b : forall e, W X e -> bW e = true. Proof. kind_bool. Qed.
Lemma b_R : forall e, bR e = true -> R X e. Proof. kind_bool. Qed.
Lemma b_W : forall e, bW e = true -> W X e. Proof. kind_bool. Qed.
Lemma A_b : forall e, A X e -> bA e = true.
Proof. intros e [H1 H2]. unfold bA. rewrite (R_b e H1); exact H2. Qed.
Lemma Q_b : forall e, Q X e -> bQ e = true.
Proof. intros e [H1 H2]. unfold bQ. rewrite (R_b e H1); exact H2. Qed.
Lemma L_b : forall e, L X e -> bL e = true.
Proof. intros e [H1 H2]. unfold bL. rewrite (W_b e H1); exact H2. Qed.
Lemma b_IW : forall e, bIW e = true -> IW X e.
Proof.
  unfold bIW; intros e H; apply andb_true_iff in H as [H1 H2].
  split; [apply b_W; exact H1|exact H2].
Qed.
Lemma IW_b : forall e, IW X e -> bIW e = true.
Proof. intros e [H1 H2]. unfold bIW. rewrite (W_b e H1); exact H2. Qed.
Lemma F_b : forall e, F X e -> bF e = true.
Proof. intros e [f H]. unfold bF. simpl in H. rewrite H; reflexivity. Qed.
Lemma M_b : forall e, M X e -> bR e || bW e = true.
Proof.
  intros e [H|H]; [rewrite (R_b e H)|rewrite (W_b e H), orb_true_r]; reflexivity.
Qed.
Lemma b_M : forall e, bR e || bW e = true -> M X e.
Proof.
  intros e H; apply orb_true_iff in H as [H|H]; [left; apply b_R|right; apply b_W];
    exact H.
Qed.
Lemma loc_b : forall x y, loc X x y -> bloc x y = true.
Proof.
  intros x y [H1 [H2 H3]]. unfold bloc. rewrite (M_b x H1), (M_b y H2).
  simpl in H3. rewrite H3, Nat.eqb_refl. reflexivity.
Qed.
Lemma b_loc : forall x y, bloc x y = true -> loc X x y.
Proof.
  unfold bloc; intros x y H. apply andb_true_iff in H as [H H3].
  apply andb_true_iff in H as [H1 H2].
  split; [apply b_M, H1|split; [apply b_M, H2|apply Nat.eqb_eq, H3]].
Qed.
Lemma b_int : forall x y, bint x y = true -> int X x y.
Proof.
  unfold bint, int; simpl; intros x y H.
  apply andb_true_iff in H as [H H3]. apply andb_true_iff in H as [H1 H2].
  apply Nat.eqb_eq in H1. apply negb_true_iff in H2, H3. auto.
Qed.
Lemma ext_b : forall x y, ext X x y -> bint x y = false.
Proof.
  intros x y H. destruct (bint x y) eqn:E; auto. destruct (H (b_int x y E)).
Qed.

Ltac use2 H x y := pose proof (all2_ok _ H x y) as G; cbv beta in G.

(* wf *)
Lemma wf_by_bool :
  all2 (fun x y => implb (pob x y) (bint x y)) = true ->
  all2 (fun x y => implb (bint x y && negb (beq x y)) (pob x y || pob y x)) = true ->
  all1 (fun y => match rf_src y with
    | Some x => bW x && bR y && (l_loc (lb x) =? l_loc (lb y)) &&
                (l_val (lb x) =? l_val (lb y))
    | None => negb (bR y) end) = true ->
  all2 (fun x y => implb (bW x && bW y && bloc x y && negb (beq x y))
                         (cob x y || cob y x)) = true ->
  all2 (fun x y => implb (bIW x && bW y && negb (bIW y) && bloc x y) (cob x y)) = true ->
  all2 (fun x y => implb (rmw_b pos P x y) (bR x && bW y && bloc x y && pob x y)) = true ->
  all2 (fun x y => implb (data_b pos P x y) (bR x && pob x y)) = true ->
  wf X.
Proof.
  intros Hpi Hpt Hrf Hct Hci Hrmw Hdata. constructor.
  - intros x y H. use2 Hpi x y. simpl in H; unfold pob in G; rewrite H in G.
    apply b_int, G.
  - apply build_po_trans.
  - apply build_po_irr.
  - intros x y Hi Hn. use2 Hpt x y. unfold beq in G.
    destruct (eqd x y) as [E|_]; [destruct (Hn E)|].
    destruct (bint x y) eqn:Eb.
    + simpl in G. unfold pob in G. simpl.
      destruct (po_b pos x y); [left; reflexivity|right; exact G].
    + unfold bint in Eb. destruct Hi as [H1 [H2 H3]]. simpl in H1, H2, H3.
      rewrite H1, H2, H3, Nat.eqb_refl in Eb. discriminate.
  - intros x y H. simpl in H. pose proof (all1_ok _ Hrf y) as G. cbv beta in G.
    rewrite H in G. repeat rewrite andb_true_iff in G.
    destruct G as [[[G1 G2] G3] G4].
    split; [apply b_W, G1|split; [apply b_R, G2|]].
    split; apply Nat.eqb_eq; assumption.
  - apply build_rf_func.
  - intros y Hy. pose proof (all1_ok _ Hrf y) as G. cbv beta in G.
    destruct (rf_src y) as [x|] eqn:E; [exists x; exact E|].
    rewrite (R_b y Hy) in G. discriminate.
  - apply build_co_wf.
  - apply build_co_trans.
  - apply build_co_irr.
  - intros x y Hx Hy Hl Hn. use2 Hct x y. unfold beq in G.
    destruct (eqd x y) as [E|_]; [destruct (Hn E)|].
    rewrite (W_b x Hx), (W_b y Hy), (loc_b x y Hl) in G. simpl in G.
    unfold cob in G. simpl.
    destruct (co_b pos iloc P vals cord x y); [left; reflexivity|right; exact G].
  - intros x y Hx Hy Hny Hl. use2 Hci x y.
    rewrite (IW_b x Hx), (W_b y Hy), (loc_b x y Hl) in G.
    destruct (bIW y) eqn:E; [destruct (Hny (b_IW y E))|exact G].
  - intros x y H. use2 Hrmw x y. simpl in H. rewrite H in G. simpl in G.
    repeat rewrite andb_true_iff in G. destruct G as [[[G1 G2] G3] G4].
    split; [apply b_R, G1|split; [apply b_W, G2|split; [apply b_loc, G3|exact G4]]].
  - intros x y [H|[H|H]]; [destruct H| |apply build_ctrl, H].
    use2 Hdata x y. simpl in H. rewrite H in G. simpl in G.
    apply andb_true_iff in G as [G1 G2]. split; [apply b_R, G1|exact G2].
Qed.

(* The rank premises of consistent_by_rank, and atomic. *)
Definition lt_b (rank : Ev -> nat) x y := rank x <? rank y.

Lemma by_rank_bool : forall rank,
  all1 (fun e => negb (bF e)) = true ->
  all1 (fun y => match rf_src y with
    | Some x => lt_b rank x y
    | None => true end) = true ->
  all2 (fun x y => implb (cob x y) (lt_b rank x y)) = true ->
  all2 (fun x y => match rf_src x with
    | Some w => implb (cob w y) (lt_b rank x y)
    | None => true end) = true ->
  all2 (fun x y => implb (pob x y && bloc x y) (lt_b rank x y)) = true ->
  all2 (fun x y => implb (data_b pos P x y) (lt_b rank x y)) = true ->
  all2 (fun x y => implb (bR x && pob x y && bW y) (lt_b rank x y)) = true ->
  all2 (fun x y => implb (rmw_b pos P x y) (lt_b rank x y)) = true ->
  all2 (fun x y => implb (bL x && pob x y && bA y) (lt_b rank x y)) = true ->
  all2 (fun x y => implb ((bA x || bQ x) && pob x y) (lt_b rank x y)) = true ->
  all2 (fun x y => implb (pob x y && bL y) (lt_b rank x y)) = true ->
  internal X /\ external X.
Proof.
  intros rank HF Hrf Hco Hfr Hpl Hdata Hctrl Hrmw HLA HAQ HL.
  apply (consistent_by_rank _ rank).
  - intros e He. pose proof (all1_ok _ HF e) as G. cbv beta in G. rewrite (F_b e He) in G.
    discriminate.
  - apply build_no_addr.
  - intros x y H. apply (build_co_wf _ _ _ _ _ _ x y H).
  - intros x y H. pose proof (all1_ok _ Hrf y) as G. cbv beta in G. simpl in H. rewrite H in G.
    apply Nat.ltb_lt, G.
  - intros x y H. use2 Hco x y. simpl in H. unfold cob in G. rewrite H in G.
    apply Nat.ltb_lt, G.
  - intros x y [w [H1 H2]]. use2 Hfr x y. simpl in H1, H2. rewrite H1 in G.
    unfold cob in G. rewrite H2 in G. apply Nat.ltb_lt, G.
  - intros x y [H1 H2]. use2 Hpl x y. simpl in H1. unfold pob in G.
    rewrite H1, (loc_b x y H2) in G. apply Nat.ltb_lt, G.
  - intros x y H. use2 Hdata x y. simpl in H. rewrite H in G.
    apply Nat.ltb_lt, G.
  - intros x y [z [[H0 H1] [<- H2]]]. use2 Hctrl x z. unfold pob in G.
    rewrite (R_b x H0), H1, (W_b z H2) in G. apply Nat.ltb_lt, G.
  - intros x y H. use2 Hrmw x y. simpl in H. rewrite H in G.
    apply Nat.ltb_lt, G.
  - intros x y [z [[<- H1] [w [H2 [<- H3]]]]]. use2 HLA x w. simpl in H2.
    unfold pob in G. rewrite (L_b x H1), H2, (A_b w H3) in G. apply Nat.ltb_lt, G.
  - intros x y [z [[<- [H1|H1]] H2]]; use2 HAQ x y; simpl in H2; unfold pob in G.
    + rewrite (A_b x H1), H2 in G. apply Nat.ltb_lt, G.
    + rewrite (Q_b x H1), orb_true_r, H2 in G. apply Nat.ltb_lt, G.
  - intros x y [z [H1 [<- H2]]]. use2 HL x z. simpl in H1. unfold pob in G.
    rewrite H1, (L_b z H2) in G. apply Nat.ltb_lt, G.
Qed.

Lemma atomic_by_bool :
  all2 (fun x y => implb (rmw_b pos P x y) (match rf_src x with
    | Some w => forallb (fun z => negb (cob w z && negb (bint x z) &&
                                        cob z y && negb (bint z y))) evs
    | None => true end)) = true ->
  atomic X.
Proof.
  intros H x y [H1 [z [[[w [H2 H3]] H4] [H5 H6]]]].
  use2 H x y. simpl in H1, H2, H3, H5. rewrite H1, H2 in G. simpl in G.
  pose proof (proj1 (forallb_forall _ _) G z (evs_all z)) as G'.
  unfold cob in G'. rewrite H3, H5, (ext_b _ _ H4), (ext_b _ _ H6) in G'.
  discriminate.
Qed.

End Check.

(* Tactics: each boolean premise is closed by computation. *)
Ltac vmr := vm_compute; reflexivity.
Ltac prove_wf_b evs evs_all eqd :=
  apply (wf_by_bool _ _ _ _ _ _ evs evs_all eqd); vmr.
Ltac consistent_b evs evs_all rank :=
  match goal with |- consistent ?X =>
    assert (HIE : internal X /\ external X)
      by (apply (by_rank_bool _ _ _ _ _ _ evs evs_all rank); vmr);
    destruct HIE as [HI HE]; split; [exact HI|split; [exact HE|]];
    apply (atomic_by_bool _ _ _ _ _ _ evs evs_all); vmr
  end.

(* For closed goals: [contra H] refutes a computed hypothesis. *)
Ltac contra H := exfalso; vm_compute in H; intuition congruence.
