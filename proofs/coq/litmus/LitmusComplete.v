(* LitmusComplete.v -- completeness of Litmus.decide, against the
   relational meaning of LitmusSound.v.

   decide_complete:  in_scope p = true -> execution_of p X -> consistent X ->
                     final_cond p X -> decide p = true
   decide_correct:   in_scope p = true ->
     (decide p = true <-> exists X, execution_of p X /\ consistent X /\ final_cond p X)
   decide_forbidden: a "false" answer proves that no consistent execution
                     satisfies the final condition; mp_dmbs_forbidden uses it.

   [in_scope p] is a computable premise on the program (at most 1000
   threads; every store to a location of the init block), the limits of
   the encoding in Litmus.v; see its definition.  The proof follows the
   steps of [check]: (1) X's rf is one of the enumerated rf choices, (2)
   X's co sorts each location's non-initial writes, and that sorted list
   is one of the enumerated permutations, (3) the bounded value iteration
   reaches X's values, because value flow follows (data|rmw);rf, which
   lies in ob, and ob is acyclic, (4) the boolean relations are exactly
   X's relations and the rank-based acyclicity check accepts an acyclic
   relation. *)
From Coq Require Import List Bool Arith Lia Relations Sorting.Sorted.
Import ListNotations.
From VRM.arm Require Import Rel Aarch64.
From VRM.litmus Require Import Litmus LitmusSound.

(* ---------------------------------------------------------------------- *)
(* 1. The interpreter: the static part of every event is independent of the
   read values, and an event's value depends only on the read values of
   [vdeps]: itself for a read, its data sources and its rmw/exclusive
   partner for a write, nothing for a fence. *)

Definition vdeps (s : sev) (e : nat) : list nat :=
  match s_kind s with
  | KR => [e]
  | KW => s_data s ++ match s_rmw s with Some r => [r] | None => [] end
  | KF _ => []
  end.

Definition agree (f g : nat -> nat) (l : list nat) := forall d, In d l -> f d = g d.

Lemma agree_app_l : forall f g l1 l2, agree f g (l1 ++ l2) -> agree f g l1.
Proof. intros f g l1 l2 H d Hd. apply H, in_or_app; auto. Qed.
Lemma agree_app_r : forall f g l1 l2, agree f g (l1 ++ l2) -> agree f g l2.
Proof. intros f g l1 l2 H d Hd. apply H, in_or_app; auto. Qed.

(* Two event tables, the first event numbered b: same static parts, and
   equal values wherever the two read-value functions agree on vdeps. *)
Fixpoint vok (f g : nat -> nat) (b : nat) (l1 l2 : list (sev * nat)) : Prop :=
  match l1, l2 with
  | [], [] => True
  | x1 :: l1', x2 :: l2' => fst x1 = fst x2 /\
      (agree f g (vdeps (fst x1) b) -> snd x1 = snd x2) /\ vok f g (S b) l1' l2'
  | _, _ => False
  end.

Lemma vok_app : forall f g l1 l2 m1 m2 b, vok f g b l1 l2 ->
  vok f g (b + length l1) m1 m2 -> vok f g b (l1 ++ m1) (l2 ++ m2).
Proof.
  induction l1 as [|x1 l1 IH]; destruct l2 as [|x2 l2]; simpl;
    intros m1 m2 b H1 H2; try contradiction.
  - rewrite Nat.add_0_r in H2. exact H2.
  - destruct H1 as [A [B C]]. split; [exact A|split; [exact B|]].
    apply IH; [exact C|]. replace (S b + length l1) with (b + S (length l1)) by lia.
    exact H2.
Qed.

Lemma vok_refl : forall f g l b, vok f g b l l.
Proof. intros f g l; induction l as [|x l IH]; intros b; simpl; auto. Qed.

Lemma vok_nth : forall f g l1 l2 b, vok f g b l1 l2 ->
  length l1 = length l2 /\ forall j, j < length l1 ->
  fst (nth j l1 dflt) = fst (nth j l2 dflt) /\
  (agree f g (vdeps (fst (nth j l1 dflt)) (b + j)) -> snd (nth j l1 dflt) = snd (nth j l2 dflt)).
Proof.
  induction l1 as [|x1 l1 IH]; destruct l2 as [|x2 l2]; simpl; intros b H;
    try contradiction.
  - split; [reflexivity|intros j Hj; lia].
  - destruct H as [A [B C]]. destruct (IH l2 (S b) C) as [E G]. split; [lia|].
    intros [|j] Hj.
    + rewrite Nat.add_0_r. auto.
    + replace (b + S j) with (S b + j) by lia. apply G. lia.
Qed.

(* Registers: same dependencies; same value where f, g agree on them. *)
Definition rok f g (rg1 rg2 : regf) := forall r,
  snd (getr rg1 r) = snd (getr rg2 r) /\
  (agree f g (snd (getr rg1 r)) -> fst (getr rg1 r) = fst (getr rg2 r)).

Lemma getr_setr : forall rg rd v r, getr (setr rg rd v) r =
  if r =? 31 then (0, []) else if r =? rd then v else getr rg r.
Proof.
  intros rg rd v r. unfold getr, setr.
  destruct (r =? 31) eqn:E1; [reflexivity|].
  destruct (rd =? 31) eqn:E2.
  - apply Nat.eqb_eq in E2. subst. rewrite E1. reflexivity.
  - simpl. reflexivity.
Qed.

Lemma rok_setr : forall f g rg1 rg2 rd v1 v2, rok f g rg1 rg2 ->
  snd v1 = snd v2 -> (agree f g (snd v1) -> fst v1 = fst v2) ->
  rok f g (setr rg1 rd v1) (setr rg2 rd v2).
Proof.
  intros f g rg1 rg2 rd v1 v2 H E1 E2 r. rewrite !getr_setr.
  destruct (r =? 31); [split; auto|]. destruct (r =? rd); auto.
Qed.

Lemma rok_deps : forall f g rg1 rg2 l, rok f g rg1 rg2 -> deps_of rg1 l = deps_of rg2 l.
Proof. intros f g rg1 rg2 l H. unfold deps_of. apply flat_map_ext. intros r; apply H. Qed.

Lemma rok_refl : forall f g rg, rok f g rg rg.
Proof. intros f g rg r. split; auto. Qed.

Definition sok f g base (s1 s2 : st) :=
  rok f g (regs s1) (regs s2) /\ cdeps s1 = cdeps s2 /\ lx s1 = lx s2 /\
  nid s1 = nid s2 /\ nid s1 = base + length (out s1) /\
  vok f g base (rev (out s1)) (rev (out s2)).

Ltac sk := refine (conj _ (conj _ (conj _ (conj _ (conj _ _))))).

Lemma sok_step : forall f g base t s1 s2 i, sok f g base s1 s2 ->
  sok f g base (step t f s1 i) (step t g s2 i).
Proof.
  intros f g base t [rg1 cd1 lx1 id1 ev1] [rg2 cd2 lx2 id2 ev2] i
    [Hr [Hc [Hl [Hi [Hn Hv]]]]]; simpl in *; subst cd2 lx2 id2.
  destruct i as [a x rd lc ars|l rs lc ars|l rst rs lc|op a l rs rd lc|fn|op rd rs o|rs];
    simpl.
  - (* load *)
    sk; simpl; auto.
    + apply rok_setr; auto. simpl. intros G. apply G. left; reflexivity.
    + simpl. lia.
    + apply vok_app; [exact Hv|]. simpl. rewrite rev_length, <- Hn.
      rewrite (rok_deps _ _ _ _ ars Hr). repeat split; auto.
      intros G. apply G. left; reflexivity.
  - (* store *)
    pose proof (Hr rs) as [D V].
    destruct (getr rg1 rs) as [v1 d1], (getr rg2 rs) as [v2 d2]; simpl in D, V; subst d2.
    sk; simpl; auto; [lia|].
    apply vok_app; [exact Hv|]. simpl. rewrite (rok_deps _ _ _ _ ars Hr).
    repeat split; auto. unfold vdeps; simpl. rewrite app_nil_r. exact V.
  - (* store exclusive *)
    pose proof (Hr rs) as [D V].
    destruct (getr rg1 rs) as [v1 d1], (getr rg2 rs) as [v2 d2]; simpl in D, V; subst d2.
    sk; simpl; auto.
    + apply rok_setr; auto.
    + lia.
    + apply vok_app; [exact Hv|]. simpl. repeat split; auto.
      unfold vdeps; simpl. intros G. apply V, (agree_app_l _ _ _ _ G).
  - (* LDADD / SWP *)
    pose proof (Hr rs) as [D V].
    destruct (getr rg1 rs) as [v1 d1], (getr rg2 rs) as [v2 d2]; simpl in D, V; subst d2.
    sk; simpl; auto.
    + apply rok_setr; auto. simpl. intros G. apply G. left; reflexivity.
    + lia.
    + change (rev ev1 ++ [(SE KR t lc a false false false [] [] cd1 None, f id1)]
               ++ [(SE KW t lc false l false false [] d1 cd1 (Some id1),
                    match op with OpAdd => f id1 + v1 | OpSwp => v1 end)])
        with (rev ev1 ++ [(SE KR t lc a false false false [] [] cd1 None, f id1)]
               ++ [(SE KW t lc false l false false [] d1 cd1 (Some id1),
                    match op with OpAdd => f id1 + v1 | OpSwp => v1 end)]).
      rewrite <- !app_assoc. apply vok_app; [exact Hv|].
      rewrite rev_length, <- Hn. simpl. repeat split; auto.
      * intros G. apply G. left; reflexivity.
      * unfold vdeps; simpl. intros G.
        rewrite (V (agree_app_l _ _ _ _ G)).
        rewrite (agree_app_r _ _ _ _ G id1 (or_introl eq_refl)). reflexivity.
  - (* fence *)
    sk; simpl; auto; [lia|].
    apply vok_app; [exact Hv|]. simpl. repeat split; auto.
  - (* ALU *)
    pose proof (Hr rs) as [D1 V1].
    destruct (getr rg1 rs) as [a1 b1], (getr rg2 rs) as [a2 b2]; simpl in D1, V1; subst b2.
    assert (Ho : exists a3 b3 a4, (match o with OImm k => (k, []) | OReg r => getr rg1 r end)
                   = (a3, b3) /\
                 (match o with OImm k => (k, []) | OReg r => getr rg2 r end) = (a4, b3) /\
                 (agree f g b3 -> a3 = a4)).
    { destruct o as [k|r].
      - exists k, [], k. auto.
      - pose proof (Hr r) as [D2 V2].
        destruct (getr rg1 r) as [a3 b3], (getr rg2 r) as [a4 b4]; simpl in D2, V2.
        subst b4. exists a3, b3, a4. auto. }
    destruct Ho as [a3 [b3 [a4 [E3 [E4 V3]]]]]. rewrite E3, E4.
    sk; simpl; auto.
    apply rok_setr; auto; destruct op; simpl; auto; intros G.
    + rewrite (V1 (agree_app_l _ _ _ _ G)), (V3 (agree_app_r _ _ _ _ G)). reflexivity.
    + rewrite (V1 (agree_app_l _ _ _ _ G)), (V3 (agree_app_r _ _ _ _ G)). reflexivity.
  - (* branch *)
    sk; simpl; auto. rewrite (proj1 (Hr rs)). reflexivity.
Qed.

Lemma sok_fold : forall f g base t code s1 s2, sok f g base s1 s2 ->
  sok f g base (fold_left (step t f) code s1) (fold_left (step t g) code s2).
Proof.
  intros f g base t code; induction code as [|i c IH]; intros s1 s2 H; simpl; auto.
  apply IH, sok_step, H.
Qed.

Lemma vok_thrs : forall f g ths t base,
  vok f g base (fst (run_thrs f ths t base)) (fst (run_thrs g ths t base)).
Proof.
  intros f g ths; induction ths as [|[ir code] ths IH]; intros t base; simpl; auto.
  pose proof (sok_fold f g base t code (St (init_regs ir) [] None base [])
    (St (init_regs ir) [] None base [])) as H.
  destruct H as [_ [_ [_ [Hi [Hn Hv]]]]].
  { refine (conj (rok_refl _ _ _) (conj eq_refl (conj eq_refl (conj eq_refl (conj _ I))))).
    simpl; lia. }
  rewrite <- Hi. apply vok_app; [exact Hv|]. rewrite rev_length, <- Hn. apply IH.
Qed.

Lemma iw_length : forall m k, length (iw_evs k m) = length m.
Proof. induction m as [|v m IH]; intros k; simpl; auto. Qed.

Lemma vok_run : forall p f g, vok f g 0 (fst (run p f)) (fst (run p g)).
Proof.
  intros p f g. unfold run; simpl. apply vok_app; [apply vok_refl|].
  rewrite iw_length. apply vok_thrs.
Qed.

(* Static facts: thread t's events have tid t and are not initial writes;
   the initial write of location k is event k. *)
Definition ins_store_ok (nl : nat) (i : ins) : bool :=
  match i with
  | ISt _ _ lc _ | IStx _ _ _ lc | IAmo _ _ _ _ _ lc => lc <? nl
  | _ => true
  end.

Definition evok (nl t : nat) (x : sev * nat) :=
  s_tid (fst x) = t /\ s_IW (fst x) = false /\
  (s_kind (fst x) = KW -> s_loc (fst x) < nl).

Lemma evok_step : forall nl t f s i, ins_store_ok nl i = true ->
  Forall (evok nl t) (out s) -> Forall (evok nl t) (out (step t f s i)).
Proof.
  intros nl t f [rg cd lx id ev] i Hi H; simpl in *.
  destruct i; simpl in *;
    repeat match goal with |- context [let (_, _) := ?e in _] => destruct e end;
    simpl; repeat constructor; auto; try discriminate; intros _; apply Nat.ltb_lt; auto.
Qed.

Lemma evok_fold : forall nl t f code s, forallb (ins_store_ok nl) code = true ->
  Forall (evok nl t) (out s) -> Forall (evok nl t) (out (fold_left (step t f) code s)).
Proof.
  intros nl t f code; induction code as [|i c IH]; intros s Hc H; simpl in *; auto.
  apply andb_true_iff in Hc as [H1 H2]. apply IH; auto. apply evok_step; auto.
Qed.

Lemma evok_thrs : forall nl f ths t base,
  forallb (fun th => forallb (ins_store_ok nl) (snd th)) ths = true ->
  Forall (fun x => t <= s_tid (fst x) < t + length ths /\ s_IW (fst x) = false /\
    (s_kind (fst x) = KW -> s_loc (fst x) < nl)) (fst (run_thrs f ths t base)).
Proof.
  intros nl f ths; induction ths as [|[ir code] ths IH]; intros t base Hc; simpl in *; auto.
  apply andb_true_iff in Hc as [H1 H2]. apply Forall_app. split.
  - pose proof (evok_fold nl t f code (St (init_regs ir) [] None base []) H1 (Forall_nil _))
      as G. apply Forall_rev in G. eapply Forall_impl; [|exact G].
    intros x [A [B C]]. repeat split; auto; lia.
  - eapply Forall_impl; [|apply (IH (S t) _ H2)]. intros x [A [B C]]. repeat split; auto; lia.
Qed.

Lemma iw_nth : forall m k j, j < length m ->
  fst (nth j (iw_evs k m) dflt) = SE KW 0 (k + j) false false false true [] [] [] None.
Proof.
  induction m as [|v m IH]; intros k j Hj; simpl in *; [lia|].
  destruct j as [|j]; simpl; [rewrite Nat.add_0_r; reflexivity|].
  rewrite IH by lia. f_equal. lia.
Qed.

(* The premise of completeness: the encoding's limits.  Events past the
   table are fences of thread 1000+e (Litmus.dummy), so a real thread
   numbered 1000 or more could share a thread with one of them; and a
   coherence order is enumerated only for locations of the init block
   (p_mem), so a store elsewhere would get no rank. *)
Definition in_scope (p : prog) : bool :=
  (length (p_thr p) <=? 1000) &&
  forallb (fun th => forallb (ins_store_ok (length (p_mem p))) (snd th)) (p_thr p).

Lemma run_static : forall p f e, in_scope p = true -> e < length (fst (run p f)) ->
  s_tid (fst (nth e (fst (run p f)) dflt)) < 1000 /\
  (s_IW (fst (nth e (fst (run p f)) dflt)) = true -> s_loc (fst (nth e (fst (run p f)) dflt)) = e) /\
  (s_kind (fst (nth e (fst (run p f)) dflt)) = KW ->
     s_loc (fst (nth e (fst (run p f)) dflt)) < length (p_mem p)).
Proof.
  intros p f e Hs He. unfold in_scope in Hs. apply andb_true_iff in Hs as [H1 H2].
  apply Nat.leb_le in H1. unfold run in *; simpl in *.
  rewrite app_length, iw_length in He.
  destruct (Nat.lt_ge_cases e (length (p_mem p))) as [Lt|Ge].
  - rewrite app_nth1 by (rewrite iw_length; exact Lt). rewrite iw_nth by exact Lt.
    simpl. repeat split; auto; lia.
  - rewrite app_nth2 by (rewrite iw_length; exact Ge). rewrite iw_length.
    pose proof (evok_thrs _ f _ 0 (length (p_mem p)) H2) as G.
    rewrite Forall_forall in G.
    assert (Hj : e - length (p_mem p) < length (fst (run_thrs f (p_thr p) 0 (length (p_mem p)))))
      by lia.
    destruct (G _ (nth_In _ dflt Hj)) as [A1 [A2 A3]].
    repeat split; auto; [lia|congruence].
Qed.

Lemma agree_dec : forall f g l, agree f g l \/ exists d, In d l /\ f d <> g d.
Proof.
  intros f g l; induction l as [|x l [IH|IH]].
  - left; intros d [].
  - destruct (Nat.eq_dec (f x) (g x)) as [E|E].
    + left. intros d [<-|Hd]; auto.
    + right. exists x. split; [left|]; auto.
  - right. destruct IH as [d [Hd E]]. exists d. split; [right|]; auto.
Qed.

Lemma snd_nth : forall (l : list (sev * nat)) e, nth e (map snd l) 0 = snd (nth e l dflt).
Proof. intros l e. exact (map_nth snd l dflt e). Qed.

Lemma nth_map_seq : forall (f : nat -> nat) k e d, e < k ->
  nth e (map f (List.seq 0 k)) d = f e.
Proof.
  intros f k e d He. rewrite (nth_indep _ d (f 0)) by (rewrite map_length, seq_length; exact He).
  rewrite map_nth, seq_nth by exact He. reflexivity.
Qed.

(* Generic facts about the enumeration. *)
Lemma prod_in : forall {T} (xs : list T) ls, Forall2 (fun x c => In x c) xs ls -> In xs (prod ls).
Proof.
  intros T xs ls H; induction H as [|x c xs ls Hx _ IH]; simpl; [left; reflexivity|].
  apply in_flat_map. exists x. split; [exact Hx|]. apply in_map, IH.
Qed.

Lemma choice2 : forall {T U} (P : T -> U -> Prop) l,
  (forall a, In a l -> exists b, P a b) -> exists bs, Forall2 P l bs.
Proof.
  intros T U P l; induction l as [|a l IH]; intros H; [exists []; constructor|].
  destruct (H a (or_introl eq_refl)) as [b Hb].
  destruct IH as [bs Hbs]; [intros a' Ha'; apply H; right; exact Ha'|].
  exists (b :: bs). constructor; auto.
Qed.

Lemma Forall2_in_map : forall {T U} (P : T -> U -> Prop) (h : T -> list U) l xs,
  Forall2 P l xs -> (forall a b, In a l -> P a b -> In b (h a)) ->
  Forall2 (fun x c => In x c) xs (map h l).
Proof.
  intros T U P h l xs H; induction H as [|a b l xs Hab _ IH]; intros G; simpl; constructor.
  - apply G; [left; reflexivity|exact Hab].
  - apply IH. intros a' b' Ha'; apply G; right; exact Ha'.
Qed.

Lemma Forall2_nth_seq : forall {U} (P : nat -> U -> Prop) k a xs d,
  Forall2 P (List.seq a k) xs -> forall i, i < k -> P (a + i) (nth i xs d).
Proof.
  intros U P k; induction k as [|k IH]; intros a xs d H i Hi; [lia|].
  simpl in H. inversion H as [|a' b l' xs' Hab Hr]; subst.
  destruct i as [|i]; simpl; [rewrite Nat.add_0_r; exact Hab|].
  replace (a + S i) with (S a + i) by lia. apply IH; [exact Hr|lia].
Qed.

Lemma insert_all_in : forall x l l', In l' (insert_all x l) ->
  forall y, In y l' <-> y = x \/ In y l.
Proof.
  intros x l; induction l as [|z l IH]; intros l' H y; simpl in H.
  - destruct H as [<-|[]]. simpl. intuition.
  - destruct H as [<-|H]; [simpl; intuition|].
    apply in_map_iff in H as [l0 [<- H]]. simpl. rewrite (IH l0 H y). intuition.
Qed.

Lemma perms_in : forall l l', In l' (perms l) -> forall y, In y l' <-> In y l.
Proof.
  intros l; induction l as [|x l IH]; intros l' H y; simpl in H.
  - destruct H as [<-|[]]. reflexivity.
  - apply in_flat_map in H as [l0 [H0 H1]]. rewrite (insert_all_in x l0 l' H1 y).
    rewrite (IH l0 H0 y). simpl. intuition.
Qed.

Section Sort.
Context (T : rel nat) (Ttr : forall x y z, T x y -> T y z -> T x z)
  (Tirr : forall x, ~ T x x).

Lemma insert_sorted : forall x l, StronglySorted T l ->
  (forall y, In y l -> T x y \/ T y x) ->
  exists l', In l' (insert_all x l) /\ StronglySorted T l'.
Proof.
  intros x l; induction l as [|y l IH]; intros Hs Ht.
  - exists [x]. split; [left; reflexivity|]. repeat constructor.
  - inversion Hs as [|y' l' Hs' Hf]; subst.
    destruct (Ht y (or_introl eq_refl)) as [Hxy|Hyx].
    + exists (x :: y :: l). split; [left; reflexivity|]. constructor; [exact Hs|].
      constructor; [exact Hxy|]. eapply Forall_impl; [|exact Hf]. intros z; apply Ttr, Hxy.
    + destruct IH as [l0 [H0 H1]]; [exact Hs'|intros z Hz; apply Ht; right; exact Hz|].
      exists (y :: l0). split; [right; apply in_map, H0|]. constructor; [exact H1|].
      apply Forall_forall. intros z Hz. apply (insert_all_in x l l0 H0 z) in Hz as [<-|Hz];
        [exact Hyx|]. rewrite Forall_forall in Hf. apply Hf, Hz.
Qed.

Lemma sorted_perm : forall l, NoDup l ->
  (forall x y, In x l -> In y l -> x <> y -> T x y \/ T y x) ->
  exists l', In l' (perms l) /\ StronglySorted T l'.
Proof.
  intros l; induction l as [|x l IH]; intros Hn Ht.
  - exists []. split; [left; reflexivity|constructor].
  - inversion Hn as [|x' l' Hx Hn']; subst.
    destruct IH as [l0 [H0 H1]]; [exact Hn'|intros a b Ha Hb; apply Ht; right; auto|].
    destruct (insert_sorted x l0 H1) as [l1 [H2 H3]].
    { intros y Hy. apply (perms_in l l0 H0) in Hy. apply Ht; [left; reflexivity|right; exact Hy|].
      intros <-. contradiction. }
    exists l1. split; [|exact H3]. simpl. apply in_flat_map. exists l0. auto.
Qed.

Lemma index_lt : forall l x y, StronglySorted T l -> In x l -> In y l -> T x y ->
  index_of x l < index_of y l.
Proof.
  intros l; induction l as [|a l IH]; intros x y Hs Hx Hy Hxy; [destruct Hx|].
  inversion Hs as [|a' l' Hs' Hf]; subst. rewrite Forall_forall in Hf. simpl.
  destruct (Nat.eqb_spec x a) as [->|Ea]; destruct (Nat.eqb_spec y a) as [->|Eb].
  - destruct (Tirr a Hxy).
  - lia.
  - destruct Hx as [Hx|Hx]; [congruence|]. destruct (Tirr a (Ttr _ _ _ (Hf x Hx) Hxy)).
  - destruct Hx as [Hx|Hx]; [congruence|]. destruct Hy as [Hy|Hy]; [congruence|].
    apply -> Nat.succ_lt_mono. apply IH; auto.
Qed.
End Sort.

Lemma nth_map_seqT : forall {T} (f : nat -> T) k e d, e < k ->
  nth e (map f (List.seq 0 k)) d = f e.
Proof.
  intros T f k e d He. rewrite (nth_indep _ d (f 0)) by (rewrite map_length, seq_length; exact He).
  rewrite map_nth, seq_nth by exact He. reflexivity.
Qed.

(* Completeness of the acyclicity check: for an acyclic relation the
   longest-path rank stops growing after n rounds (a rank that still grows
   in round k+1 ends a path through k+1 distinct events). *)
Lemma fold_max : forall (c : nat -> bool) (g : nat -> nat) l a,
  let r := fold_left (fun acc x => if c x then Nat.max acc (S (g x)) else acc) l a in
  a <= r /\ (forall x, In x l -> c x = true -> S (g x) <= r) /\
  (r = a \/ exists x, In x l /\ c x = true /\ r = S (g x)).
Proof.
  intros c g l; induction l as [|x l IH]; intros a; simpl.
  - split; [lia|split; [intros _ []|left; reflexivity]].
  - destruct (c x) eqn:Cx.
    + destruct (IH (Nat.max a (S (g x)))) as [H1 [H2 H3]].
      split; [lia|split].
      * intros y [<-|Hy] Cy; [lia|auto].
      * destruct H3 as [H3|[y [Hy [Cy H3]]]]; [|right; exists y; split; [right; exact Hy|auto]].
        destruct (Nat.max_spec a (S (g x))) as [[_ E]|[_ E]]; rewrite E in *;
          [right; exists x; split; [left; reflexivity|split; [exact Cx|exact H3]]
          |left; exact H3].
    + destruct (IH a) as [H1 [H2 H3]]. split; [lia|split].
      * intros y [<-|Hy] Cy; [congruence|auto].
      * destruct H3 as [H3|[y [Hy [Cy H3]]]]; [left; exact H3|right; exists y; split; [right; exact Hy|auto]].
Qed.

Lemma fold_ext_in : forall (c c' : nat -> bool) (g : nat -> nat) l a,
  (forall x, In x l -> c x = c' x) ->
  fold_left (fun acc x => if c x then Nat.max acc (S (g x)) else acc) l a =
  fold_left (fun acc x => if c' x then Nat.max acc (S (g x)) else acc) l a.
Proof.
  intros c c' g l; induction l as [|x l IH]; intros a H; simpl; auto.
  rewrite (H x (or_introl eq_refl)). apply IH. intros y Hy; apply H; right; exact Hy.
Qed.

Section Acyc.
Context (tb : list (sev * nat)) (r : rel nat) (b : nat -> nat -> bool)
  (Hb : forall x y, b x y = true -> r x y) (Hr : acyclic r).
Local Notation nn := (n tb).
Local Notation es := (List.seq 0 (n tb)).
Definition stepr (rk : list nat) := map (fun y =>
  fold_left (fun acc x => if nth y (nth x (map (fun x => map (b x) es) es) []) false
                          then Nat.max acc (S (nth x rk 0)) else acc) es 0) es.
Definition rkk k := Nat.iter k stepr (repeat 0 nn).

Lemma mat_nth : forall x y, x < nn -> y < nn ->
  nth y (nth x (map (fun x => map (b x) es) es) []) false = b x y.
Proof.
  intros x y Hx Hy. rewrite (nth_map_seqT (fun x => map (b x) es)) by exact Hx.
  apply nth_map_seqT, Hy.
Qed.

Lemma rkk_S : forall k y, y < nn -> nth y (rkk (S k)) 0 =
  fold_left (fun acc x => if b x y then Nat.max acc (S (nth x (rkk k) 0)) else acc) es 0.
Proof.
  intros k y Hy. change (rkk (S k)) with (stepr (rkk k)). unfold stepr.
  rewrite nth_map_seq by exact Hy. apply fold_ext_in.
  intros x Hx. apply in_seq in Hx. apply mat_nth; lia.
Qed.

Lemma grow : forall k y, y < nn -> nth y (rkk k) 0 < nth y (rkk (S k)) 0 ->
  exists c, length c = S k /\ NoDup c /\ forall x, In x c -> x < nn /\ tc r x y.
Proof.
  induction k as [|k IH]; intros y Hy H; [rewrite (rkk_S 0 y Hy) in H|rewrite (rkk_S (S k) y Hy) in H].
  - destruct (fold_max (fun x => b x y) (fun x => nth x (rkk 0) 0) es 0)
      as [_ [_ [E|[x [Hx [Bx E]]]]]]; cbv beta in *; [rewrite E in H; lia|].
    apply in_seq in Hx.
    exists [x]. split; [reflexivity|split; [repeat constructor; intros []|]].
    intros z [<-|[]]. split; [lia|apply t_step, Hb, Bx].
  - destruct (fold_max (fun x => b x y) (fun x => nth x (rkk (S k)) 0) es 0)
      as [_ [_ [E|[x [Hx [Bx E]]]]]]; cbv beta in *; [rewrite E in H; lia|].
    apply in_seq in Hx. rewrite E in H. rewrite (rkk_S k y Hy) in H.
    destruct (fold_max (fun x => b x y) (fun x => nth x (rkk k) 0) es 0) as [_ [G _]].
    cbv beta in G. specialize (G x (proj2 (in_seq _ _ _) Hx) Bx).
    destruct (IH x (proj2 Hx)) as [c [Lc [Nc Hc]]]; [lia|].
    exists (x :: c). split; [simpl; congruence|split].
    + constructor; [|exact Nc]. intros Hin. apply (Hr x), (Hc x Hin).
    + intros z [<-|Hz]; [split; [lia|apply t_step, Hb, Bx]|].
      destruct (Hc z Hz) as [Lz Tz]. split; [exact Lz|]. eapply t_trans; [exact Tz|].
      apply t_step, Hb, Bx.
Qed.

Lemma acyc_complete : acyc_b tb b = true.
Proof.
  unfold acyc_b, all2. apply forallb_forall. intros x Hx. apply forallb_forall.
  intros y Hy. apply in_seq in Hx, Hy. destruct (b x y) eqn:Bxy; [|reflexivity].
  simpl. apply Nat.ltb_lt. change (lrank tb b) with (rkk (S nn)).
  assert (Stop : forall z, z < nn -> nth z (rkk (S nn)) 0 <= nth z (rkk nn) 0).
  { intros z Hz. destruct (Nat.le_gt_cases (nth z (rkk (S nn)) 0) (nth z (rkk nn) 0))
      as [G|G]; [exact G|exfalso].
    destruct (grow nn z Hz G) as [c [Lc [Nc Hc]]].
    assert (Inc : List.incl c es) by (intros w Hw; apply in_seq; split; [lia|apply Hc, Hw]).
    pose proof (NoDup_incl_length Nc Inc) as L. rewrite seq_length in L. lia. }
  rewrite (rkk_S _ y) by lia.
  destruct (fold_max (fun x => b x y) (fun x => nth x (rkk nn) 0) es 0) as [_ [G _]].
  cbv beta in G. specialize (G x (proj2 (in_seq _ _ _) (conj (Nat.le_0_l _) (proj2 Hx))) Bxy).
  pose proof (Stop x (proj2 Hx)). lia.
Qed.
End Acyc.

Section Complete.
Context (p : prog) (Hs : in_scope p = true) (X : candidate nat)
  (HX : execution_of p X) (Hc : consistent X).
Local Notation tb := (fst (run p (rv_of X))).
Local Notation tb0 := (fst (run p (fun _ => 0))).
Local Notation m := (length (fst (run p (rv_of X)))).
Local Notation V := (map snd (fst (run p (rv_of X)))).
Let Hwf := ex_wf p X HX.

Lemma lab_X : forall e, lab X e = blab tb e.
Proof. exact (ex_lab p X HX). Qed.

Lemma R_X : forall e, R X e <-> bR tb e = true.
Proof. intros e; unfold R, bR; rewrite lab_X. destruct (l_kind (blab tb e)); simpl; split; congruence. Qed.
Lemma W_X : forall e, W X e <-> bW tb e = true.
Proof. intros e; unfold W, bW; rewrite lab_X. destruct (l_kind (blab tb e)); simpl; split; congruence. Qed.
Lemma M_X : forall e, M X e <-> bM tb e = true.
Proof. intros e; unfold M, bM. rewrite R_X, W_X, orb_true_iff. tauto. Qed.
Lemma loc_X : forall x y, loc X x y <-> bloc tb x y = true.
Proof.
  intros x y; unfold loc, bloc. rewrite !andb_true_iff, !M_X, Nat.eqb_eq, !lab_X. tauto.
Qed.
Lemma int_X : forall x y, int X x y <-> bint tb x y = true.
Proof.
  intros x y; unfold int, bint. rewrite !andb_true_iff, !negb_true_iff, Nat.eqb_eq, !lab_X.
  tauto.
Qed.
Lemma int_or_ext : forall x y, int X x y \/ ext X x y.
Proof.
  intros x y. destruct (bint tb x y) eqn:E; [left; apply int_X, E|right].
  intros H. apply int_X in H. congruence.
Qed.

Lemma R_rng : forall e, R X e -> e < m.
Proof. intros e H. apply R_X in H. apply (bR_in _ _ H). Qed.
Lemma W_rng : forall e, W X e -> e < m.
Proof. intros e H. apply W_X in H. apply (bW_in _ _ H). Qed.

Lemma kind_X : forall e, e < m -> l_kind (lab X e) = s_kind (sv tb e).
Proof.
  intros e He. rewrite lab_X, blab_in by exact He. unfold sv.
  destruct (nth e tb dflt); reflexivity.
Qed.

(* The static table does not depend on the read values. *)
Lemma tb0_len : length tb0 = m.
Proof. exact (proj1 (vok_nth _ _ _ _ _ (vok_run p (fun _ => 0) (rv_of X)))). Qed.
Lemma sv0 : forall e, fst (nth e tb0 dflt) = sv tb e.
Proof.
  intros e. destruct (Nat.lt_ge_cases e m) as [He|He].
  - apply (vok_nth _ _ _ _ _ (vok_run p (fun _ => 0) (rv_of X))). rewrite tb0_len; exact He.
  - unfold sv. rewrite !nth_overflow; [reflexivity|lia|]. rewrite tb0_len; exact He.
Qed.

(* ---------------------------------------------------------------------- *)
(* 2. Values.  A value of X flows to a read only along
   (data | rmw); rf, which lies in ob; ob is irreflexive (external), so
   after k rounds of the iteration every read whose value is still wrong
   ends an ob-chain of k distinct events, and there are only m events. *)

Lemma V_nth : forall e, nth e V 0 = rv_of X e.
Proof.
  intros e. destruct (Nat.lt_ge_cases e m) as [He|He].
  - rewrite snd_nth. change (rv_of X e) with (l_val (lab X e)). rewrite lab_X, blab_in by exact He.
    destruct (nth e tb dflt); reflexivity.
  - rewrite nth_overflow by (rewrite map_length; exact He). change (rv_of X e) with (l_val (lab X e)).
    rewrite lab_X, blab_out by exact He. reflexivity.
Qed.

Lemma run_V : run p (fun e => nth e V 0) = run p (rv_of X).
Proof. apply run_ext, V_nth. Qed.

Lemma vals_nth : forall rvl w, nth w (vals_of p rvl) 0 =
  snd (nth w (fst (run p (fun e => nth e rvl 0))) dflt).
Proof. intros rvl w. unfold vals_of. apply snd_nth. Qed.

Lemma ob_trans : forall x y z, ob X x y -> ob X y z -> ob X x z.
Proof. intros x y z H1 H2. eapply t_trans; eauto. Qed.
Lemma ob_irr : forall x, ~ ob X x x.
Proof. exact (proj1 (proj2 Hc)). Qed.

Lemma dep_ob : forall d w e, (data X d w \/ rmw X d w) -> rf X w e -> ob X d e.
Proof.
  intros d w e Hd Hr. destruct (int_or_ext w e) as [I|E].
  - apply t_step. destruct Hd as [Hd|Hd].
    + right; left. unfold dob. right; right; right; right; right; right.
      exists w. split; [right; exact Hd|split; assumption].
    + right; right; left. unfold aob. right. exists w. split; [exact Hd|split; assumption].
  - apply (ob_trans _ w).
    + apply t_step. destruct Hd as [Hd|Hd].
      * right; left. unfold dob. right; left. exact Hd.
      * right; right; left. left. exact Hd.
    + apply t_step. left. left. split; assumption.
Qed.

Lemma vdeps_W : forall d w, w < m -> s_kind (sv tb w) = KW ->
  In d (vdeps (sv tb w) w) -> data X d w \/ rmw X d w.
Proof.
  intros d w Hw K H. unfold vdeps in H. rewrite K in H. apply in_app_or in H as [H|H].
  - left. apply (ex_data p X HX). unfold datab, depb, inr, n.
    rewrite (proj2 (Nat.ltb_lt _ _) Hw). simpl. apply existsb_exists.
    exists d. split; [exact H|apply Nat.eqb_refl].
  - right. apply (ex_rmw p X HX). unfold rmwb, inr, n.
    rewrite (proj2 (Nat.ltb_lt _ _) Hw).
    destruct (s_rmw (sv tb w)) as [r|]; [|destruct H].
    destruct H as [<-|[]]. apply Nat.eqb_refl.
Qed.

Lemma dep_R : forall d w, data X d w \/ rmw X d w -> R X d.
Proof.
  intros d w [H|H].
  - apply (wf_deps _ Hwf d w). right; left; exact H.
  - apply (wf_rmw _ Hwf d w H).
Qed.

Section Values.
Context (src : list nat) (Hsrc : forall e, e < m -> R X e -> rf X (nth e src 0) e).
Local Notation I k := (val_iter p src k).

Lemma I_S : forall k e, e < m -> nth e (I (S k)) 0 =
  if isR (s_kind (sv tb e)) then nth (nth e src 0) (vals_of p (I k)) 0
  else nth e (vals_of p (I k)) 0.
Proof.
  intros k e He.
  change (I (S k)) with (map (fun e => if isR (s_kind (fst (nth e tb0 dflt)))
    then nth (nth e src 0) (vals_of p (I k)) 0 else nth e (vals_of p (I k)) 0)
    (List.seq 0 (length tb0))).
  rewrite nth_map_seq by (rewrite tb0_len; exact He). rewrite sv0. reflexivity.
Qed.

Lemma I_len : forall k, length (I k) = m.
Proof.
  intros [|k].
  - unfold val_iter. simpl. rewrite repeat_length. apply tb0_len.
  - change (length (map (fun e => if isR (s_kind (fst (nth e tb0 dflt)))
      then nth (nth e src 0) (vals_of p (I k)) 0 else nth e (vals_of p (I k)) 0)
      (List.seq 0 (length tb0))) = m).
    rewrite map_length, seq_length. apply tb0_len.
Qed.

(* An event whose value is wrong after k+1 rounds has a value source
   (a read) that is wrong after k. *)
Lemma bad_src : forall k w, w < m ->
  nth w (vals_of p (I k)) 0 <> nth w V 0 ->
  exists d, In d (vdeps (sv tb w) w) /\ nth d (I k) 0 <> nth d V 0.
Proof.
  intros k w Hw H. rewrite vals_nth, snd_nth in H.
  destruct (agree_dec (fun e => nth e (I k) 0) (fun e => nth e V 0) (vdeps (sv tb w) w))
    as [G|G]; [|exact G].
  exfalso. apply H. rewrite <- run_V.
  pose proof (vok_nth _ _ _ _ _ (vok_run p (fun e => nth e (I k) 0) (fun e => nth e V 0)))
    as [Hl Hn].
  assert (Hw' : w < length (fst (run p (fun e => nth e (I k) 0)))).
  { rewrite Hl, run_V. exact Hw. }
  destruct (Hn w Hw') as [E1 E2]. apply E2. rewrite E1, run_V. exact G.
Qed.

Lemma chain : forall k e, e < m -> R X e -> nth e (I k) 0 <> nth e V 0 ->
  exists c, length c = k /\ NoDup c /\ forall x, In x c -> x < m /\ ob X x e.
Proof.
  induction k as [|k IH]; intros e He Re H.
  - exists []. split; [reflexivity|split; [constructor|intros x []]].
  - rewrite I_S in H by exact He.
    assert (K : s_kind (sv tb e) = KR) by (rewrite <- kind_X by exact He; exact Re).
    rewrite K in H. simpl in H.
    set (w := nth e src 0) in H.
    pose proof (Hsrc e He Re) as Hr. fold w in Hr.
    destruct (wf_rf _ Hwf w e Hr) as [Ww [_ [_ Vw]]].
    assert (Hw : w < m) by (apply W_rng, Ww).
    assert (H' : nth w (vals_of p (I k)) 0 <> nth w V 0).
    { rewrite !V_nth. unfold rv_of. rewrite Vw. rewrite V_nth in H. exact H. }
    destruct (bad_src k w Hw H') as [d [Hd Bd]].
    assert (Kw : s_kind (sv tb w) = KW) by (rewrite <- kind_X by exact Hw; exact Ww).
    pose proof (vdeps_W d w Hw Kw Hd) as Dd.
    pose proof (dep_R d w Dd) as Rd. pose proof (dep_ob d w e Dd Hr) as Ob.
    destruct (IH d (R_rng d Rd) Rd Bd) as [c [Lc [Nc Hc']]].
    exists (d :: c). split; [simpl; congruence|split].
    + constructor; [|exact Nc]. intros Hin. apply (ob_irr d), (Hc' d Hin).
    + intros x [<-|Hx]; [split; [apply R_rng, Rd|exact Ob]|].
      destruct (Hc' x Hx) as [Lx Ox]. split; [exact Lx|eapply ob_trans; eauto].
Qed.

Lemma read_ok : forall e, R X e -> nth e (I m) 0 = nth e V 0.
Proof.
  intros e Re. destruct (Nat.eq_dec (nth e (I m) 0) (nth e V 0)) as [E|E]; [exact E|].
  exfalso. destruct (chain m e (R_rng e Re) Re E) as [c [Lc [Nc Hc']]].
  assert (Nd : NoDup (e :: c)).
  { constructor; [|exact Nc]. intros Hin. apply (ob_irr e), (Hc' e Hin). }
  assert (Inc : List.incl (e :: c) (List.seq 0 m)).
  { intros x [<-|Hx]; apply in_seq; [pose proof (R_rng e Re)|pose proof (proj1 (Hc' x Hx))];
    lia. }
  pose proof (NoDup_incl_length Nd Inc) as G. rewrite seq_length in G.
  change (length (e :: c)) with (S (length c)) in G. lia.
Qed.

(* The iteration that [check] runs reaches X's values. *)
Lemma iter_V : val_iter p src (S (length tb0)) = V.
Proof.
  rewrite tb0_len. apply nth_ext with (d := 0) (d' := 0); [rewrite I_len, map_length; reflexivity|].
  intros e He. rewrite I_len in He.
  destruct (Nat.eq_dec (nth e (I (S m)) 0) (nth e V 0)) as [E|E]; [exact E|exfalso].
  assert (Hsrc' : forall k w, w < m -> W X w -> nth w (vals_of p (I k)) 0 <> nth w V 0 ->
            exists d, R X d /\ nth d (I k) 0 <> nth d V 0).
  { intros k w Hw Ww B. destruct (bad_src k w Hw B) as [d [Hd Bd]].
    assert (Kw : s_kind (sv tb w) = KW) by (rewrite <- kind_X by exact Hw; exact Ww).
    exists d. split; [apply (dep_R d w), (vdeps_W d w Hw Kw Hd)|exact Bd]. }
  rewrite I_S in E by exact He.
  destruct (s_kind (sv tb e)) eqn:K; cbn [isR] in E.
  - assert (Re : R X e) by (unfold R; rewrite kind_X by exact He; exact K).
    set (w := nth e src 0) in E. pose proof (Hsrc e He Re) as Hr. fold w in Hr.
    destruct (wf_rf _ Hwf w e Hr) as [Ww [_ [_ Vw]]].
    destruct (Hsrc' m w (W_rng w Ww) Ww) as [d [Rd Bd]];
      [rewrite V_nth; unfold rv_of; rewrite Vw; rewrite V_nth in E; exact E|].
    exact (Bd (read_ok d Rd)).
  - assert (We : W X e) by (unfold W; rewrite kind_X by exact He; exact K).
    destruct (Hsrc' m e He We E) as [d [Rd Bd]]. exact (Bd (read_ok d Rd)).
  - destruct (bad_src m e He E) as [d [Hd _]]. unfold vdeps in Hd. rewrite K in Hd.
    destruct Hd.
Qed.
End Values.

(* ---------------------------------------------------------------------- *)
(* 3. X's rf and co are among the enumerated candidates. *)

Local Notation kd0 e := (s_kind (fst (nth e tb0 dflt))).
Local Notation lc0 e := (s_loc (fst (nth e tb0 dflt))).
Local Notation iw0 e := (s_IW (fst (nth e tb0 dflt))).
Local Notation es0 := (List.seq 0 (length tb0)).
Local Notation ws0 := (filter (fun e => isW (kd0 e)) es0).

Lemma lab_sv : forall e, e < m -> lab X e = mklab (sv tb e, snd (nth e tb dflt)).
Proof.
  intros e He. rewrite lab_X, blab_in by exact He. unfold sv. destruct (nth e tb dflt); reflexivity.
Qed.
Lemma loc_sv : forall e, e < m -> l_loc (lab X e) = lc0 e.
Proof. intros e He. rewrite lab_sv, sv0 by exact He. reflexivity. Qed.
Lemma IW_sv : forall e, e < m -> l_IW (lab X e) = iw0 e.
Proof. intros e He. rewrite lab_sv, sv0 by exact He. reflexivity. Qed.
Lemma kind_sv : forall e, e < m -> l_kind (lab X e) = kd0 e.
Proof. intros e He. rewrite lab_sv, sv0 by exact He. reflexivity. Qed.

Lemma ws_in : forall w, In w ws0 <-> w < m /\ W X w.
Proof.
  intros w. rewrite filter_In, in_seq, tb0_len. split.
  - intros [[_ Hw] K]. split; [lia|]. unfold W. rewrite kind_sv by lia.
    destruct (kd0 w); [discriminate|reflexivity|discriminate].
  - intros [Hw Ww]. unfold W in Ww. rewrite kind_sv in Ww by exact Hw. rewrite Ww.
    split; [lia|reflexivity].
Qed.

Definition rf_cand (e : nat) :=
  if isR (kd0 e) then filter (fun w => lc0 w =? lc0 e) ws0 else [0].

Lemma src_exists : exists src, In src (prod (map rf_cand es0)) /\
  forall e, e < m -> R X e -> rf X (nth e src 0) e.
Proof.
  destruct (choice2 (fun e x => In x (rf_cand e) /\ (e < m -> R X e -> rf X x e)) es0)
    as [src Hs'].
  - intros e He. apply in_seq in He. rewrite tb0_len in He. unfold rf_cand.
    destruct (isR (kd0 e)) eqn:K.
    + assert (Re : R X e).
      { unfold R. rewrite kind_sv by lia. destruct (kd0 e); [reflexivity|discriminate|discriminate]. }
      destruct (wf_rf_total _ Hwf e Re) as [x Hx]. exists x. split; [|auto].
      destruct (wf_rf _ Hwf x e Hx) as [Wx [_ [Lx _]]]. apply filter_In. split.
      * apply ws_in. split; [apply W_rng, Wx|exact Wx].
      * rewrite <- !loc_sv by (try apply W_rng, Wx; lia). apply Nat.eqb_eq, Lx.
    + exists 0. split; [left; reflexivity|]. intros _ Re. unfold R in Re.
      rewrite kind_sv in Re by lia. rewrite Re in K. discriminate.
  - exists src. split.
    + apply prod_in. eapply Forall2_in_map; [exact Hs'|]. intros a b _ [H _]; exact H.
    + intros e He Re. pose proof (Forall2_nth_seq _ _ 0 src 0 Hs' e) as G.
      rewrite tb0_len in G. apply (G He); auto.
Qed.

Definition co_cand (l : nat) :=
  perms (filter (fun w => (lc0 w =? l) && negb (iw0 w)) ws0).
Definition rank0 (pl : list (list nat)) (e : nat) :=
  if iw0 e then 0 else S (index_of e (nth (lc0 e) pl [])).

Lemma co_tr : forall x y z, co X x y -> co X y z -> co X x z.
Proof. exact (wf_co_trans _ Hwf). Qed.
Lemma co_irr : forall x, ~ co X x x.
Proof. exact (wf_co_irr _ Hwf). Qed.

Lemma pl_exists : exists pl, In pl (prod (map co_cand (List.seq 0 (length (p_mem p))))) /\
  forall l, l < length (p_mem p) -> In (nth l pl []) (co_cand l) /\
    StronglySorted (co X) (nth l pl []).
Proof.
  destruct (choice2 (fun l pl => In pl (co_cand l) /\ StronglySorted (co X) pl)
    (List.seq 0 (length (p_mem p)))) as [pl Hp].
  - intros l _. unfold co_cand. apply (sorted_perm _ co_tr).
    + apply NoDup_filter, NoDup_filter, seq_NoDup.
    + intros x y Hx Hy Hxy. apply filter_In in Hx as [Hx Lx], Hy as [Hy Ly].
      apply ws_in in Hx as [Hx Wx], Hy as [Hy Wy].
      apply andb_true_iff in Lx as [Lx _], Ly as [Ly _]. apply Nat.eqb_eq in Lx, Ly.
      apply (wf_co_total _ Hwf); auto. split; [right; exact Wx|split; [right; exact Wy|]].
      rewrite !loc_sv by assumption. congruence.
  - exists pl. split.
    + apply prod_in. eapply Forall2_in_map; [exact Hp|]. intros a b _ [H _]; exact H.
    + intros l Hl. exact (Forall2_nth_seq _ _ 0 pl [] Hp l Hl).
Qed.

Section Co.
Context (pl : list (list nat)) (Hpl : forall l, l < length (p_mem p) ->
  In (nth l pl []) (co_cand l) /\ StronglySorted (co X) (nth l pl [])).
Local Notation rk := (map (rank0 pl) es0).

Lemma rnk_eq : forall e, e < m -> rnk rk e = rank0 pl e.
Proof. intros e He. unfold rnk. apply nth_map_seq. rewrite tb0_len; exact He. Qed.

Lemma co_rank : forall x y, co X x y -> rank0 pl x < rank0 pl y.
Proof.
  intros x y H. destruct (wf_co _ Hwf x y H) as [Wx [Wy [_ [_ Lxy]]]].
  pose proof (W_rng x Wx) as Hx. pose proof (W_rng y Wy) as Hy.
  rewrite !loc_sv in Lxy by assumption.
  unfold rank0. destruct (iw0 y) eqn:Iy.
  - exfalso. destruct (iw0 x) eqn:Ix.
    + pose proof (run_static p (fun _ => 0) x Hs ltac:(rewrite tb0_len; exact Hx)) as [_ [Sx _]].
      pose proof (run_static p (fun _ => 0) y Hs ltac:(rewrite tb0_len; exact Hy)) as [_ [Sy _]].
      specialize (Sx Ix). specialize (Sy Iy).
      assert (x = y) by congruence. subst. exact (co_irr y H).
    + apply (co_irr x). apply (co_tr _ y); [exact H|]. apply (wf_co_init _ Hwf); auto.
      * split; [exact Wy|rewrite IW_sv by exact Hy; exact Iy].
      * intros [_ E]. rewrite IW_sv in E by exact Hx. congruence.
      * split; [right; exact Wy|split; [right; exact Wx|]]. rewrite !loc_sv by assumption.
        congruence.
  - destruct (iw0 x) eqn:Ix; [lia|]. apply -> Nat.succ_lt_mono. rewrite Lxy.
    assert (Ky : kd0 y = KW) by (rewrite <- kind_sv by exact Hy; exact Wy).
    pose proof (run_static p (fun _ => 0) y Hs ltac:(rewrite tb0_len; exact Hy)) as [_ [_ Sy]].
    specialize (Sy Ky).
    destruct (Hpl _ Sy) as [Hin Hso].
    assert (Mem : forall z, z < m -> W X z -> lc0 z = lc0 y -> iw0 z = false ->
              In z (nth (lc0 y) pl [])).
    { intros z Hz Wz Lz Iz. apply (perms_in _ _ Hin z). apply filter_In. split.
      - apply ws_in; auto.
      - rewrite Lz, Iz, Nat.eqb_refl. reflexivity. }
    apply (index_lt _ co_tr co_irr); auto.
Qed.

Lemma co_iff : forall x y, co X x y <-> cob tb rk x y = true.
Proof.
  intros x y. split.
  - intros H. destruct (wf_co _ Hwf x y H) as [Wx [Wy [_ [_ Lxy]]]].
    unfold cob. apply W_X in Wx, Wy. rewrite Wx, Wy, <- !lab_X, Lxy, Nat.eqb_refl.
    rewrite !rnk_eq by (apply W_rng, W_X; assumption). apply Nat.ltb_lt, co_rank, H.
  - intros H. unfold cob in H. apply andb_true_iff in H as [H Hr].
    apply andb_true_iff in H as [H Hl]. apply andb_true_iff in H as [Wx Wy].
    apply Nat.ltb_lt in Hr. apply Nat.eqb_eq in Hl. rewrite <- !lab_X in Hl.
    apply W_X in Wx, Wy. rewrite !rnk_eq in Hr by (apply W_rng; assumption).
    assert (Hxy : x <> y) by (intros ->; lia).
    destruct (wf_co_total _ Hwf x y Wx Wy) as [G|G]; auto.
    + split; [right; exact Wx|split; [right; exact Wy|exact Hl]].
    + apply co_rank in G. lia.
Qed.
End Co.

(* ---------------------------------------------------------------------- *)
(* 4. The boolean relations of the candidate are exactly X's relations, so
   the boolean checks accept it. *)
Section Exact.
Context (src rk : list nat)
  (Hrf : forall x y, rf X x y <-> rfb tb src x y = true)
  (Hco : forall x y, co X x y <-> cob tb rk x y = true).

Definition cmpl (r : rel nat) (b : nat -> nat -> bool) := forall x y, b x y = true -> r x y.

Lemma cmpl_uni : forall r s rb sb, cmpl r rb -> cmpl s sb -> cmpl (union r s) (uni rb sb).
Proof. intros r s rb sb H1 H2 x y H. unfold uni in H. destruct (rb x y) eqn:E;
  [left; apply H1, E|right; apply H2, H]. Qed.
Lemma cmpl_itr : forall r s rb sb, cmpl r rb -> cmpl s sb -> cmpl (inter r s) (itr rb sb).
Proof. intros r s rb sb H1 H2 x y H. unfold itr in H. destruct (rb x y) eqn:E;
  [split; [apply H1, E|apply H2, H]|discriminate]. Qed.
Lemma cmpl_sq : forall r s rb sb, cmpl r rb -> cmpl s sb -> cmpl (Rel.seq r s) (sq tb rb sb).
Proof.
  intros r s rb sb H1 H2 x y H. apply existsb_exists in H as [z [_ H]].
  destruct (rb x z) eqn:E; [|discriminate]. exists z. split; [apply H1, E|apply H2, H].
Qed.
Lemma cmpl_br : forall (S : nat -> Prop) Sb, (forall e, Sb e = true -> S e) ->
  cmpl (brak S) (br Sb).
Proof. intros S Sb H x y G. unfold br in G. destruct (x =? y) eqn:E; [|discriminate].
  apply Nat.eqb_eq in E. subst y. split; [reflexivity|apply H, G]. Qed.

Lemma cR : forall e, bR tb e = true -> R X e. Proof. intros e; apply R_X. Qed.
Lemma cW : forall e, bW tb e = true -> W X e. Proof. intros e; apply W_X. Qed.
Lemma cL : forall e, bL tb e = true -> L X e.
Proof. intros e H. unfold bL in H. apply andb_true_iff in H as [H1 H2].
  split; [apply W_X, H1|rewrite lab_X; exact H2]. Qed.
Lemma cA : forall e, bA tb e = true -> A X e.
Proof. intros e H. unfold bA in H. apply andb_true_iff in H as [H1 H2].
  split; [apply R_X, H1|rewrite lab_X; exact H2]. Qed.
Lemma cAQ : forall e, bA tb e || bQ tb e = true -> A X e \/ Q X e.
Proof. intros e H. apply orb_true_iff in H as [H|H]; [left; apply cA, H|right].
  unfold bQ in H. apply andb_true_iff in H as [H1 H2].
  split; [apply R_X, H1|rewrite lab_X; exact H2]. Qed.
Lemma cfence : forall (fs : fence -> Prop) fb, (forall f, fb f = true -> fs f) ->
  forall e, bfence tb fb e = true -> fence_is X fs e.
Proof. intros fs fb H e G. unfold bfence in G. rewrite <- lab_X in G.
  destruct (l_kind (lab X e)) eqn:E; try discriminate. exists f. split; auto. Qed.
Lemma cISB : forall e, bfence tb fISB e = true -> ISB_ X e.
Proof. apply cfence. intros [] H; try discriminate; reflexivity. Qed.
Lemma cfull : forall e, bfence tb fFull e = true -> dmb_full X e.
Proof. apply cfence. intros [] H; try discriminate; auto. Qed.
Lemma cld : forall e, bfence tb fLd e = true -> dmb_ld X e.
Proof. apply cfence. intros [] H; try discriminate; auto. Qed.
Lemma cst : forall e, bfence tb fSt e = true -> dmb_st X e.
Proof. apply cfence. intros [] H; try discriminate; auto. Qed.

Lemma c_ext : cmpl (ext X) (bext tb).
Proof. intros x y H G. apply int_X in G. unfold bext in H. rewrite G in H. discriminate. Qed.
Lemma c_int : cmpl (int X) (bint tb). Proof. intros x y; apply int_X. Qed.
Lemma c_loc : cmpl (loc X) (bloc tb). Proof. intros x y; apply loc_X. Qed.
Lemma c_inv_rf : cmpl (inv (rf X)) (fun x y => rfb tb src y x).
Proof. intros x y; apply Hrf. Qed.
Lemma c_rf : cmpl (rf X) (rfb tb src). Proof. intros x y; apply Hrf. Qed.
Lemma c_co : cmpl (co X) (cob tb rk). Proof. intros x y; apply Hco. Qed.
Lemma c_po : cmpl (po X) (pob tb). Proof. intros x y; apply (ex_po p X HX). Qed.
Lemma c_rmw : cmpl (rmw X) (rmwb tb). Proof. intros x y; apply (ex_rmw p X HX). Qed.
Lemma c_addr : cmpl (addr X) (addrb tb). Proof. intros x y; apply (ex_addr p X HX). Qed.
Lemma c_data : cmpl (data X) (datab tb). Proof. intros x y; apply (ex_data p X HX). Qed.
Lemma c_ctrl : cmpl (ctrl X) (ctrlb tb). Proof. intros x y; apply (ex_ctrl p X HX). Qed.

Ltac cf := match goal with
  | |- cmpl (union _ _) (uni _ _) => apply cmpl_uni; cf
  | |- cmpl (inter _ _) (itr _ _) => apply cmpl_itr; cf
  | |- cmpl (Rel.seq _ _) (sq _ _ _) => apply cmpl_sq; cf
  | |- cmpl (brak _) (br _) => apply cmpl_br; first
      [ exact cW | exact cR | exact cL | exact cA | exact cAQ | exact cISB | exact cfull
      | exact cld | exact cst ]
  | |- cmpl (ext _) _ => exact c_ext
  | |- cmpl (int _) _ => exact c_int
  | |- cmpl (inv _) _ => exact c_inv_rf
  | |- cmpl (loc _) _ => exact c_loc
  | |- cmpl (fr _) _ => unfold fr, frb; cf
  | |- cmpl (rf _) _ => exact c_rf
  | |- cmpl (co _) _ => exact c_co
  | |- cmpl (po _) _ => exact c_po
  | |- cmpl (rmw _) _ => exact c_rmw
  | |- cmpl (addr _) _ => exact c_addr
  | |- cmpl (data _) _ => exact c_data
  | |- cmpl (ctrl _) _ => exact c_ctrl
  end.

Lemma c_int_rel : cmpl (union (po_loc X) (union (ca X) (rf X))) (intb tb src rk).
Proof. unfold intb, po_loc, ca. cf. Qed.
Lemma c_ob_base : cmpl (union (obs X) (union (dob X) (union (aob X) (bob X))))
  (obb tb src rk).
Proof.
  unfold obb, obsb, dobb, aobb, bobb, obs, dob, aob, bob, rfe, fre, coe, coi, rfi,
    rfeb, freb, coeb, coib, rfib. cf.
Qed.
Lemma c_fr : cmpl (fr X) (frb tb src rk). Proof. unfold fr, frb. cf. Qed.

Lemma all1_intro : forall f, (forall e, e < m -> f e = true) -> all1 tb f = true.
Proof. intros f H. apply forallb_forall. intros e He. apply in_seq in He. apply H. apply He. Qed.
Lemma all2_intro : forall f, (forall x y, x < m -> y < m -> f x y = true) -> all2 tb f = true.
Proof.
  intros f H. apply forallb_forall. intros x Hx. apply forallb_forall. intros y Hy.
  apply in_seq in Hx, Hy. apply H; [apply Hx|apply Hy].
Qed.

Lemma chk_cons_ok : chk_cons tb src rk = true.
Proof.
  destruct Hc as [Hi [He Ha]].
  unfold chk_cons. rewrite (acyc_complete tb _ _ c_int_rel Hi).
  rewrite (acyc_complete tb _ _ c_ob_base He).
  replace (chk_atomic tb src rk) with true; [reflexivity|symmetry].
  apply all2_intro. intros x y _ _. destruct (rmwb tb x y) eqn:Rm; [|reflexivity].
  unfold implb. apply forallb_forall. intros z _. apply negb_true_iff.
  destruct (frb tb src rk x z) eqn:E1, (bext tb x z) eqn:E2, (cob tb rk z y) eqn:E3,
    (bext tb z y) eqn:E4; try reflexivity. exfalso.
  apply (Ha x y). split; [apply c_rmw, Rm|].
  exists z. split; [split; [apply c_fr, E1|apply c_ext, E2]|split; [apply c_co, E3|apply c_ext, E4]].
Qed.
End Exact.

Ltac bsplit := repeat (apply andb_true_iff; split).
Ltac b4 := apply andb_true_iff; split; [apply andb_true_iff; split; [apply andb_true_iff; split|]|].
Ltac bdest H := repeat match type of H with
  | _ && _ = true => let H' := fresh H in apply andb_true_iff in H as [H H']
  end.

Lemma cob_rnk : forall rk x y, cob tb rk x y = true -> rnk rk x < rnk rk y.
Proof. intros rk x y H. unfold cob in H. bdest H. apply Nat.ltb_lt; assumption. Qed.

Lemma chk_wf_ok : forall src rk, (forall x y, rf X x y <-> rfb tb src x y = true) ->
  (forall x y, co X x y <-> cob tb rk x y = true) -> chk_wf tb src rk = true.
Proof.
  intros src rk Hrf Hco.
  assert (T : chk_tid tb = true).
  { apply all1_intro. intros e He. apply Nat.ltb_lt.
    exact (proj1 (run_static p (rv_of X) e Hs He)). }
  assert (Rf : chk_rf tb src = true).
  { apply all1_intro. intros y Hy. destruct (bR tb y) eqn:Ry; [|reflexivity]. unfold implb.
    assert (G : rf X (srcof src y) y).
    { apply Hrf. unfold rfb, inr, n. rewrite (proj2 (Nat.ltb_lt _ _) Hy), Ry, Nat.eqb_refl.
      reflexivity. }
    destruct (wf_rf _ Hwf _ _ G) as [Wx [_ [Lx Vx]]]. rewrite !lab_X in Lx, Vx.
    bsplit; [apply Nat.ltb_lt, W_rng, Wx|apply W_X, Wx|apply Nat.eqb_eq, Lx|apply Nat.eqb_eq, Vx]. }
  assert (Co : chk_co tb rk = true).
  { apply all2_intro. intros x y _ _.
    destruct (bW tb x && bW tb y && bloc tb x y && negb (x =? y)) eqn:G; [|reflexivity].
    unfold implb. rewrite !andb_true_iff in G. destruct G as [[[G1 G2] G3] G4].
    apply negb_true_iff, Nat.eqb_neq in G4.
    apply W_X in G1, G2. apply loc_X in G3. apply negb_true_iff, Nat.eqb_neq.
    destruct (wf_co_total _ Hwf x y G1 G2 G3 G4) as [C|C]; apply Hco, cob_rnk in C; lia. }
  assert (Ci : chk_coinit tb rk = true).
  { apply all2_intro. intros x y _ _.
    destruct (bIW tb x && bW tb y && negb (bIW tb y) && bloc tb x y) eqn:G; [|reflexivity].
    unfold implb. rewrite !andb_true_iff in G. destruct G as [[[G1 G2] G3] G4].
    apply negb_true_iff in G3. unfold bIW in G1, G3. apply andb_true_iff in G1 as [G1 G5].
    apply Nat.ltb_lt, cob_rnk, Hco. apply (wf_co_init _ Hwf).
    - split; [apply W_X, G1|rewrite lab_X; exact G5].
    - apply W_X, G2.
    - intros [_ E]. rewrite lab_X in E. rewrite G2, E in G3. discriminate.
    - apply loc_X, G4. }
  assert (Rm : chk_rmw tb = true).
  { apply all1_intro. intros y Hy. destruct (s_rmw (sv tb y)) as [x|] eqn:E; [|reflexivity].
    assert (G : rmw X x y).
    { apply (ex_rmw p X HX). unfold rmwb, inr, n. rewrite (proj2 (Nat.ltb_lt _ _) Hy), E.
      apply Nat.eqb_refl. }
    destruct (wf_rmw _ Hwf x y G) as [Rx [Wy [Lxy Pxy]]].
    b4; [apply R_X, Rx|apply W_X, Wy|apply loc_X, Lxy|apply (ex_po p X HX), Pxy]. }
  assert (D : chk_deps tb = true).
  { apply all1_intro. intros y Hy. apply forallb_forall. intros x Hx.
    assert (G : union (addr X) (union (data X) (ctrl X)) x y).
    { assert (Hy' : inr tb y = true) by (apply Nat.ltb_lt, Hy).
      apply in_app_or in Hx as [Hx|Hx]; [left|right; apply in_app_or in Hx as [Hx|Hx];
        [left|right]]; [apply (ex_addr p X HX)|apply (ex_data p X HX)|apply (ex_ctrl p X HX)];
        unfold addrb, datab, ctrlb, depb; rewrite Hy'; apply existsb_exists;
        exists x; (split; [exact Hx|apply Nat.eqb_refl]). }
    destruct (wf_deps _ Hwf x y G) as [Rx Pxy].
    apply andb_true_iff; split; [apply R_X, Rx|apply (ex_po p X HX), Pxy]. }
  unfold chk_wf. rewrite T, Rf, Co, Ci, Rm, D. reflexivity.
Qed.

Lemma eval_complete : forall rk, (forall x y, co X x y <-> cob tb rk x y = true) ->
  forall rgs c, holds X rgs c -> eval_c tb rk rgs c = true.
Proof.
  intros rk Hco rgs c; induction c as [| t r v | l v | a IHa b IHb | a IHa b IHb];
    cbn [eval_c holds]; intros H.
  - reflexivity.
  - apply Nat.eqb_eq, H.
  - destruct H as [w [Ww [Lw [Nw Vw]]]]. apply existsb_exists. exists w. split.
    + apply in_seq. split; [lia|apply W_rng, Ww].
    + rewrite <- !lab_X. b4.
      * apply W_X, Ww.
      * apply Nat.eqb_eq, Lw.
      * apply forallb_forall. intros w' _. apply negb_true_iff.
        destruct (cob tb rk w w') eqn:E; [|reflexivity]. exfalso. apply (Nw w'), Hco, E.
      * apply Nat.eqb_eq, Vw.
  - destruct H as [H1 H2]. rewrite IHa, IHb by assumption. reflexivity.
  - apply orb_true_iff. destruct H as [H|H]; [left; apply IHa|right; apply IHb]; exact H.
Qed.

Lemma list_eqb_refl : forall l, list_eqb l l = true.
Proof. induction l as [|x l IH]; simpl; [reflexivity|rewrite Nat.eqb_refl; exact IH]. Qed.

Lemma complete_here : final_cond p X -> decide p = true.
Proof.
  intros Hf. destruct src_exists as [src [Hin Hsrc]]. destruct pl_exists as [pl [Hpl Hpl']].
  assert (Hrf : forall x y, rf X x y <-> rfb tb src x y = true).
  { intros x y. unfold rfb, inr, srcof, n. split.
    - intros H. destruct (wf_rf _ Hwf x y H) as [_ [Ry _]].
      pose proof (R_rng y Ry) as Hy. pose proof (Hsrc y Hy Ry) as G.
      rewrite (wf_rf_func _ Hwf _ _ _ H G).
      rewrite (proj2 (Nat.ltb_lt _ _) Hy), (proj1 (R_X y) Ry), Nat.eqb_refl. reflexivity.
    - intros H. rewrite !andb_true_iff in H. destruct H as [[H1 H2] H3].
      apply Nat.ltb_lt in H1. apply Nat.eqb_eq in H3. subst x.
      apply Hsrc; [exact H1|apply R_X, H2]. }
  pose proof (co_iff pl Hpl') as Hco.
  unfold decide. apply existsb_exists. exists (src, map (rank0 pl) es0). split.
  - unfold candidates. apply in_flat_map. exists src. split; [exact Hin|].
    apply in_map_iff. exists pl. split; [reflexivity|exact Hpl].
  - unfold check. cbv zeta. cbn [fst snd]. rewrite (iter_V src Hsrc), run_V.
    rewrite (eval_complete _ Hco _ _ Hf), list_eqb_refl, (chk_wf_ok _ _ Hrf Hco),
      (chk_cons_ok _ _ Hrf Hco). reflexivity.
Qed.
End Complete.

(* ---------------------------------------------------------------------- *)
(* Completeness: within the encoding's limits ([in_scope]), every
   Arm-consistent candidate execution of the program that satisfies the
   final condition is found, so a "false" answer proves there is none. *)
Theorem decide_complete : forall p, in_scope p = true ->
  forall X, execution_of p X -> consistent X -> final_cond p X -> decide p = true.
Proof. intros p Hs X HX Hc Hf. exact (complete_here p Hs X HX Hc Hf). Qed.

Theorem decide_correct : forall p, in_scope p = true ->
  (decide p = true <-> exists X, execution_of p X /\ consistent X /\ final_cond p X).
Proof.
  intros p Hs. split; [apply decide_sound|].
  intros [X [HX [Hc Hf]]]. exact (decide_complete p Hs X HX Hc Hf).
Qed.

(* A forbidden answer is now a theorem. *)
Corollary decide_forbidden : forall p, in_scope p = true -> decide p = false ->
  forall X, execution_of p X -> consistent X -> ~ final_cond p X.
Proof.
  intros p Hs Hd X HX Hc Hf. rewrite (decide_complete p Hs X HX Hc Hf) in Hd. discriminate.
Qed.

(* Not vacuous: MP+dmbs (catalogue/MP+dmbs.litmus, as to_coq.py translates
   it).  P0: x := 1; DMB ISH; y := 1.  P1: r0 := y; DMB ISH; r2 := x.
   No Arm-consistent execution ends with r0 = 1 and r2 = 0. *)
Definition mp_dmbs := Prog [0; 0]
  [([(1, 100); (3, 101)], [IAlu AMov 0 31 (OImm 1); ISt false 0 0 []; IFence DMB_ISH;
                          ISt false 0 1 []]);
   ([(1, 101); (3, 100)], [ILd false false 0 1 []; IFence DMB_ISH; ILd false false 2 0 []])]
  (CAnd (CReg 1 0 1) (CReg 1 2 0)).

Theorem mp_dmbs_forbidden : forall X, execution_of mp_dmbs X -> consistent X ->
  ~ final_cond mp_dmbs X.
Proof.
  apply decide_forbidden; vm_compute; reflexivity.
Qed.
