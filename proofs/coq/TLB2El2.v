(* TLB2El2.v -- the EL2 sequence (vrm_tlb_flush_el2_va) is sufficient:
   - el2_seq_sufficient: after a leaf unmap of va0 (its leaf in table page
     tp stored invalid) and the sequence, in either form (leaf_only or
     not), no PE holds an EL2 leaf entry for va0 once the kernel PE is
     past the final DSB ISH;
   - unmap_then_free_safe: after lib/pgtable/unmap.c's unmap that empties
     tp (leaf invalid, table descriptor unlinked, flush with the non-leaf
     TLBI VAE2IS, then the page freed), from the final DSB ISH on no walk
     can reach tp any more: no PE caches a table entry pointing to it and
     no descriptor in memory does -- also after FREE tp, when tp holds
     garbage.  The leaf-only twin (TLB2El2Twins.v) shows the non-leaf form
     is what makes this true. *)

Require Import Arith Bool Lia List.
Import ListNotations.
Require Import VRM.TLB2 VRM.TLB2Prog.

(* An EL2 entry for va0 (leaf or walk cache). *)
Definition e2_of (va0 : nat) (e : entry) : Prop :=
  match e with E2 va _ => va = va0 | _ => False end.
Definition el2_of (va0 : nat) (e : entry) : Prop :=
  match e with E2 va _ | WC2 va _ => va = va0 | _ => False end.

(* Start states: only va0's table descriptor points to tp, and it points
   nowhere else (in memory and in the walk caches). *)
Definition el2_start (va0 tp : nat) (s : st) : Prop :=
  start s /\ (forall va t, l1m s va = Some t -> (va = va0 <-> t = tp)) /\
  (forall c va t, In (WC2 va t) (tlb s c) -> (va = va0 <-> t = tp)).

Ltac spec_pc :=
  repeat match goal with
  | H : (?a = ?b :> nat) -> _ |- _ => first [ specialize (H ltac:(lia)) | clear H ]
  | H : (?a <= ?b) -> _ |- _ => first [ specialize (H ltac:(lia)) | clear H ]
  | H : (?a <= ?b <= ?c) -> _ |- _ => first [ specialize (H ltac:(lia)) | clear H ]
  end.

Ltac new_entry H := apply in_upd1 in H; destruct H as [[-> [<-|H]]|[_ H]].
Ltac in_drop H := apply in_upd1 in H; destruct H as [[-> H]|[? H]];
  [apply in_drop_hit in H; destruct H as [H ?]|].

Lemma commit_proj : forall s w r,
  tlb (commit s w r) = tlb s /\ pend (commit s w r) = pend s /\
  pc (commit s w r) = pc s /\ wbuf (commit s w r) = r.
Proof. intros s [] r; repeat split. Qed.

Lemma upd2_eq : forall A (f : nat -> nat -> A) a b v, upd2 f a b v a b = v.
Proof. intros. unfold upd2. rewrite !Nat.eqb_refl. reflexivity. Qed.

Lemma in_commit_rest : forall (b1 b2 : list store) w x,
  In x (b1 ++ w :: b2) -> x <> w -> In x (b1 ++ b2).
Proof.
  intros b1 b2 w x H Hn. apply in_app_iff in H. apply in_app_iff.
  destruct H as [H|[H|H]]; auto. congruence.
Qed.

(** * Leaf unmap *)
Section Leaf.
Context (N tp va0 : nat) (lo : bool).

Definition progL : list insn := el2_unmap_leaf tp va0 lo.
Definition leafst : store := WPG tp va0 None.

Record InvL (s : st) : Prop := {
  l_w : forall w, In w (wbuf s) -> w = leafst;
  l_l1 : forall va t, l1m s va = Some t -> (va = va0 <-> t = tp);
  l_wc : forall c va t, In (WC2 va t) (tlb s c) -> (va = va0 <-> t = tp);
  l_pc0 : pc s = 0 -> wbuf s = [];
  l_pc1 : pc s = 1 -> pgm s tp va0 = None \/ wbuf s = [leafst];
  l_nobuf : 2 <= pc s -> wbuf s = [];
  l_clean : 2 <= pc s -> pgm s tp va0 = None;
  l_d2 : pc s = 2 \/ pc s = 3 -> forall c e, c < N -> In e (tlb s c) -> e2_of va0 e ->
         pc s = 3 -> doomed (pend s c) e;
  l_none : 4 <= pc s -> forall c e, c < N -> In e (tlb s c) -> ~ e2_of va0 e
}.

Lemma progL_at : forall n i, nth_error progL n = Some i ->
  (n = 0 /\ i = STR leafst) \/ (n = 1 /\ i = DSB_ISHST) \/
  (n = 2 /\ i = TLBI (if lo then VALE2IS va0 else VAE2IS va0)) \/
  (n = 3 /\ i = DSB_ISH) \/ (n = 4 /\ i = ISB).
Proof.
  unfold progL, el2_unmap_leaf, flush_el2_va. intros n i H.
  destruct n as [|[|[|[|[|n]]]]]; simpl in H; try (destruct n; discriminate);
    inversion H; subst; tauto.
Qed.

(* A walk after the leaf is invalid makes no leaf entry for va0: its
   table descriptor (from memory or walk cache) can only be tp. *)
Lemma walk_no_e2 : forall s c e, InvL s -> pgm s tp va0 = None -> walk s c e -> ~ e2_of va0 e.
Proof.
  intros s c e HI Hpg Hw. destruct Hw as [| | |va t H|va t pa [H1|H1] H2]; simpl; auto;
    intros ->.
  - apply (l_l1 _ HI) in H1. assert (t = tp) by tauto. subst. congruence.
  - apply (l_wc _ HI) in H1. assert (t = tp) by tauto. subst. congruence.
Qed.

Lemma InvL_step : forall s s', InvL s -> step N progL s s' -> InvL s'.
Proof.
  intros s s' HI Hs. pose proof HI as HI0.
  destruct HI as [Hw Hl1 Hwc H0 H1 Hnb Hcl Hd2 Hn].
  destruct Hs as [s c e Hc Hwk | s b1 w b2 Hb | s c p1 op p2 Hp | s f | s c v Hc
                 | s i s' Hi Hx].
  - (* walk *)
    constructor; simpl; auto.
    + intros d va t Hin. apply in_upd1 in Hin.
      destruct Hin as [[-> [Heq|Hin]]|[_ Hin]]; eauto.
      subst e. inversion Hwk; subst. eauto.
    + intros Hpc d x Hd Hin Hx Hpc3. new_entry Hin; eauto.
      exfalso. apply (walk_no_e2 s c e); auto. apply Hcl. lia.
    + intros Hpc d x Hd Hin. new_entry Hin; eauto.
      apply (walk_no_e2 s c e); auto. apply Hcl. lia.
  - (* commit: the only store is the invalid leaf *)
    assert (Hwo : w = leafst) by (apply Hw; rewrite Hb; apply in_app_iff; simpl; auto).
    subst w. destruct (commit_proj s leafst (b1 ++ b2)) as (Et & Ep & Epc & Eb).
    constructor; rewrite ?Et, ?Ep, ?Epc, ?Eb; auto.
    + intros x Hx. apply Hw. rewrite Hb. apply in_wbuf_commit. auto.
    + intros Hpc. exfalso. rewrite H0 in Hb by auto. eapply wbuf_nil_no_commit; eauto.
    + intros Hpc. left. simpl. apply upd2_eq.
    + intros Hpc. exfalso. rewrite Hnb in Hb by auto. eapply wbuf_nil_no_commit; eauto.
    + intros Hpc. exfalso. rewrite Hnb in Hb by auto. eapply wbuf_nil_no_commit; eauto.
  - (* TLBI completion *)
    constructor; simpl; auto.
    + intros d va t Hin. in_drop Hin; eauto.
    + intros Hpc d x Hd Hin Hx Hpc3. in_drop Hin.
      * rewrite upd1_eq. apply doomed_complete with (op := op); auto.
        rewrite <- Hp. auto.
      * rewrite upd1_neq by auto. auto.
    + intros Hpc d x Hd Hin. in_drop Hin; eauto.
  - constructor; simpl; auto.
  - constructor; simpl; auto.
  - (* kernel *)
    apply progL_at in Hi.
    destruct Hi as [[Epc ->]|[[Epc ->]|[[Epc ->]|[[Epc ->]|[Epc ->]]]]];
      inversion Hx; subst; clear Hx; rewrite Epc in *; spec_pc;
      constructor; simpl; rewrite ?Epc; intros; try lia; spec_pc; eauto.
    + match goal with Hb : wbuf s = [], Hin : In _ _ |- _ =>
        rewrite Hb in Hin; destruct Hin as [<-|[]]; reflexivity end.
    + right. match goal with Hb : wbuf s = [] |- _ => rewrite Hb; reflexivity end.
    + match goal with H1 : _ \/ _, Hb : wbuf s = [] |- _ =>
        destruct H1 as [?|Hc]; [assumption | rewrite Hb in Hc; discriminate] end.
    + (* pc 2: the TLBI dooms every leaf entry of va0 *)
      apply doomed_issue; [assumption|].
      destruct e; simpl in *; try tauto. subst. destruct lo; simpl; apply Nat.eqb_refl.
    + (* pc 3: DSB ISH *)
      intro Hold. apply (doomed_nil e).
      match goal with Hp : forall c, c < N -> pend s c = [] |- _ =>
        rewrite <- (Hp c) by assumption end.
      apply Hd2; auto.
Qed.

Lemma InvL_reach : forall s0 s, el2_start va0 tp s0 -> reach N progL s0 s -> InvL s.
Proof.
  intros s0 s [[Hb Hpc] [Hl1 Hwc]] Hr. induction Hr.
  - constructor; rewrite ?Hb, ?Hpc; intros; try lia; eauto.
    match goal with H : In _ [] |- _ => inversion H end.
  - eapply InvL_step; eauto.
Qed.

End Leaf.

Theorem el2_seq_sufficient : forall N tp va0 lo s0 s c pa,
  el2_start va0 tp s0 -> reach N (progL tp va0 lo) s0 s -> 4 <= pc s -> c < N ->
  ~ In (E2 va0 pa) (tlb s c) /\ pgm s tp va0 = None.
Proof.
  intros N tp va0 lo s0 s c pa H0 Hr Hpc Hc.
  pose proof (InvL_reach N tp va0 lo s0 s H0 Hr) as HI. split.
  - intro Hin. apply (l_none _ _ _ _ HI ltac:(lia) c _ Hc Hin). reflexivity.
  - apply (l_clean _ _ _ _ HI). lia.
Qed.

(** * Unmap that empties and frees the table page *)
Section Free.
Context (N tp va0 : nat).

Definition progF : list insn := el2_unmap_free tp va0 false.
Definition linkst : store := WL1 va0 None.

Record InvF (s : st) : Prop := {
  f_w : forall w, In w (wbuf s) -> w = leafst tp va0 \/ w = linkst;
  f_l1 : forall va t, l1m s va = Some t -> (va = va0 <-> t = tp);
  f_wc : forall c va t, In (WC2 va t) (tlb s c) -> (va = va0 <-> t = tp);
  f_pc0 : pc s = 0 -> wbuf s = [];
  f_leaf : 1 <= pc s <= 6 -> pgm s tp va0 = None \/ In (leafst tp va0) (wbuf s);
  f_link : 2 <= pc s -> l1m s va0 = None \/ In linkst (wbuf s);
  f_nobuf : 3 <= pc s -> wbuf s = [];
  f_d4 : pc s = 4 -> forall c e, c < N -> In e (tlb s c) -> el2_of va0 e -> doomed (pend s c) e;
  f_none : 5 <= pc s -> forall c e, c < N -> In e (tlb s c) -> ~ el2_of va0 e
}.

Lemma progF_at : forall n i, nth_error progF n = Some i ->
  (n = 0 /\ i = STR (leafst tp va0)) \/ (n = 1 /\ i = STR linkst) \/ (n = 2 /\ i = DSB_ISHST) \/
  (n = 3 /\ i = TLBI (VAE2IS va0)) \/ (n = 4 /\ i = DSB_ISH) \/ (n = 5 /\ i = ISB) \/
  (n = 6 /\ i = FREE tp).
Proof.
  unfold progF, el2_unmap_free, flush_el2_va. intros n i H.
  destruct n as [|[|[|[|[|[|[|n]]]]]]]; simpl in H; try (destruct n; discriminate);
    inversion H; subst; tauto.
Qed.

(* Once the link and the leaf are invalid (pc 3..6), a walk makes no EL2
   entry for va0: the descriptor is gone, and a walk-cache entry for va0
   can only point to tp, whose leaf is invalid.  From pc 5 on there is no
   walk-cache entry for va0 at all, so tp's content no longer matters. *)
Lemma walk_no_el2 : forall s c e, InvF s -> l1m s va0 = None ->
  (pgm s tp va0 = None \/ forall t, ~ In (WC2 va0 t) (tlb s c)) ->
  walk s c e -> ~ el2_of va0 e.
Proof.
  intros s c e HI Hl Hpg Hw. destruct Hw as [| | |va t H|va t pa [H1|H1] H2]; simpl; auto;
    intros ->; try congruence.
  pose proof H1 as H1'. apply (f_wc _ HI) in H1. assert (t = tp) by tauto. subst.
  destruct Hpg as [Hpg|Hpg]; [congruence | apply (Hpg tp H1')].
Qed.

Lemma InvF_step : forall s s', InvF s -> step N progF s s' -> InvF s'.
Proof.
  intros s s' HI Hs. pose proof HI as HI0.
  destruct HI as [Hw Hl1 Hwc H0 Hlf Hlk Hnb Hd4 Hn].
  destruct Hs as [s c e Hc Hwk | s b1 w b2 Hb | s c p1 op p2 Hp | s f | s c v Hc
                 | s i s' Hi Hx].
  - (* walk *)
    assert (Hl : 3 <= pc s -> l1m s va0 = None).
    { intro Hpc. destruct (Hlk ltac:(lia)) as [?|Hin]; auto. rewrite Hnb in Hin by lia. destruct Hin. }
    constructor; simpl; auto.
    + intros d va t Hin. apply in_upd1 in Hin.
      destruct Hin as [[-> [Heq|Hin]]|[_ Hin]]; eauto.
      subst e. inversion Hwk; subst. eauto.
    + intros Hpc d x Hd Hin Hx. new_entry Hin; eauto.
      exfalso. refine (walk_no_el2 s c e HI0 (Hl ltac:(lia)) _ Hwk Hx). left.
      destruct (Hlf ltac:(lia)) as [?|Hin']; auto. rewrite Hnb in Hin' by lia. destruct Hin'.
    + intros Hpc d x Hd Hin. new_entry Hin; eauto.
      refine (walk_no_el2 s c e HI0 (Hl ltac:(lia)) _ Hwk). right. intros t Ht. apply (Hn Hpc c _ Hc Ht). reflexivity.
  - (* commit of the leaf or of the link *)
    assert (Hwo : w = leafst tp va0 \/ w = linkst)
      by (apply Hw; rewrite Hb; apply in_app_iff; simpl; auto).
    destruct (commit_proj s w (b1 ++ b2)) as (Et & Ep & Epc & Eb).
    assert (Hin : forall x, In x (b1 ++ b2) -> In x (wbuf s))
      by (intros x Hx; rewrite Hb; apply in_wbuf_commit; auto).
    constructor; rewrite ?Et, ?Ep, ?Epc, ?Eb; auto.
    + destruct Hwo as [-> | ->]; simpl.
      * intros. apply Hl1. auto.
      * intros va t. unfold upd1. destruct (va =? va0); [discriminate|]. apply Hl1.
    + intros Hpc. exfalso. rewrite H0 in Hb by auto. eapply wbuf_nil_no_commit; eauto.
    + intros Hpc. destruct Hwo as [-> | ->]; simpl.
      * left. apply upd2_eq.
      * destruct (Hlf Hpc) as [?|Hx]; auto. right. rewrite Hb in Hx.
        apply (in_commit_rest _ _ _ _ Hx). discriminate.
    + intros Hpc. destruct Hwo as [-> | ->]; simpl.
      * destruct (Hlk Hpc) as [?|Hx]; auto. right. rewrite Hb in Hx.
        apply (in_commit_rest _ _ _ _ Hx). discriminate.
      * left. apply upd1_eq.
    + intros Hpc. exfalso. rewrite Hnb in Hb by auto. eapply wbuf_nil_no_commit; eauto.
  - (* TLBI completion *)
    constructor; simpl; auto.
    + intros d va t Hin. in_drop Hin; eauto.
    + intros Hpc d x Hd Hin Hx. in_drop Hin.
      * rewrite upd1_eq. apply doomed_complete with (op := op); auto.
        rewrite <- Hp. auto.
      * rewrite upd1_neq by auto. auto.
    + intros Hpc d x Hd Hin. in_drop Hin; eauto.
  - constructor; simpl; auto.
  - constructor; simpl; auto.
  - (* kernel *)
    apply progF_at in Hi.
    destruct Hi as [[Epc ->]|[[Epc ->]|[[Epc ->]|[[Epc ->]|[[Epc ->]|[[Epc ->]|[Epc ->]]]]]]];
      inversion Hx; subst; clear Hx; rewrite Epc in *; spec_pc;
      constructor; simpl; rewrite ?Epc; intros; try lia; spec_pc; eauto.
    + (* pc 0: the leaf store *)
      match goal with Hb : wbuf s = [], Hin : In _ _ |- _ =>
        rewrite Hb in Hin; destruct Hin as [<-|[]]; left; reflexivity end.
    + right. match goal with Hb : wbuf s = [] |- _ => rewrite Hb; left; reflexivity end.
    + (* pc 1: the link store *)
      match goal with Hin : In _ (_ ++ _) |- _ =>
        apply in_app_iff in Hin; destruct Hin as [Hin|[<-|[]]]; auto end.
    + destruct Hlf as [?|?]; auto. right. apply in_app_iff. auto.
    + right. apply in_app_iff. simpl. auto.
    (* pc 2: DSB ISHST: the invariant keeps "visible or buffered", and the
       buffer is now empty (f_nobuf) *)
    + (* pc 3: TLBI VAE2IS dooms leaf and walk-cache entries of va0 *)
      apply doomed_issue; [assumption|].
      destruct e; simpl in *; try tauto; subst; apply Nat.eqb_refl.
    + (* pc 4: DSB ISH *)
      intro Hold. apply (doomed_nil e).
      match goal with Hp : forall c, c < N -> pend s c = [] |- _ =>
        rewrite <- (Hp c) by assumption end.
      apply Hd4; auto.
    (* pc 6: FREE tp changes only tp's content, which no clause from pc 7
       on mentions *)
Qed.

Lemma InvF_reach : forall s0 s, el2_start va0 tp s0 -> reach N progF s0 s -> InvF s.
Proof.
  intros s0 s [[Hb Hpc] [Hl1 Hwc]] Hr. induction Hr.
  - constructor; rewrite ?Hb, ?Hpc; intros; try lia; eauto.
    match goal with H : In _ [] |- _ => inversion H end.
  - eapply InvF_step; eauto.
Qed.

End Free.

(* Main theorem: from the final DSB ISH of the unmap on (FREE tp included,
   so also while tp holds garbage), no walk of any PE can use tp: neither a
   walk-cache entry nor a descriptor in memory points to it (these are the
   two ways [w_e2] reads a table page), and no leaf entry of va0 is cached. *)
Theorem unmap_then_free_safe : forall N tp va0 s0 s c,
  el2_start va0 tp s0 -> reach N (progF tp va0) s0 s -> 5 <= pc s -> c < N ->
  (forall va, ~ (l1m s va = Some tp \/ In (WC2 va tp) (tlb s c))) /\
  (forall pa, ~ In (E2 va0 pa) (tlb s c)).
Proof.
  intros N tp va0 s0 s c H0 Hr Hpc Hc.
  pose proof (InvF_reach N tp va0 s0 s H0 Hr) as HI.
  assert (Hl : l1m s va0 = None).
  { destruct (f_link _ _ _ _ HI ltac:(lia)) as [?|Hin]; auto.
    rewrite (f_nobuf _ _ _ _ HI) in Hin by lia. destruct Hin. }
  split.
  - intros va [H|H].
    + pose proof H as H'. apply (f_l1 _ _ _ _ HI) in H. assert (va = va0) by tauto. subst. congruence.
    + pose proof H as H'. apply (f_wc _ _ _ _ HI) in H. assert (va = va0) by tauto. subst.
      apply (f_none _ _ _ _ HI ltac:(lia) c _ Hc H'). reflexivity.
  - intros pa Hin. apply (f_none _ _ _ _ HI ltac:(lia) c _ Hc Hin). reflexivity.
Qed.

(* Corollary in terms of the walk: from then on, every EL2 leaf a walk of
   any PE produces was read from a page other than tp. *)
Corollary unmap_then_free_walks_avoid_tp : forall N tp va0 s0 s c va t pa,
  el2_start va0 tp s0 -> reach N (progF tp va0) s0 s -> 5 <= pc s -> c < N ->
  (l1m s va = Some t \/ In (WC2 va t) (tlb s c)) -> pgm s t va = Some pa -> t <> tp.
Proof.
  intros N tp va0 s0 s c va t pa H0 Hr Hpc Hc Hsrc _ ->.
  apply (proj1 (unmap_then_free_safe N tp va0 s0 s c H0 Hr Hpc Hc) va). exact Hsrc.
Qed.
