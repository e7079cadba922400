(* TLB2S2.v -- the stage-2 sequence (vrm_tlb_flush_s2_ipa, after the break
   store; optionally followed by the make store of break-before-make) is
   sufficient: once the kernel PE is past the final DSB ISH, no PE's TLB
   holds a stage-2-only or a combined entry with the old output page, and
   no stage-2 descriptor in memory names it, in every later state too.
   So the old page can be handed on (lib/pool).

   Why it works, step by step (the invariant [Inv]):
   - STR; DSB ISHST: the invalid descriptor is visible, so no walk
     produces IPA -> pold any more (R1);
   - TLBI IPAS2E1IS: every stage-2-only entry IPA -> pold is doomed on
     every PE (removed when the TLBI completes there); combined entries may
     still be made from such an entry until it is gone;
   - DSB ISH: every PE has completed it (R2): no stage-2-only old entry
     remains, so no new combined old entry can be made;
   - TLBI VMALLE1IS: every combined entry of the VMID is doomed (R3);
   - DSB ISH: completed everywhere: no combined old entry remains. *)

Require Import Arith Bool Lia List.
Import ListNotations.
Require Import VRM.TLB2 VRM.TLB2Prog.

Section Stage2.
Context (N v0 ipa0 pold : nat) (make : option nat).
Context (make_new : forall p, make = Some p -> p <> pold).

Definition prog2 : list insn := s2_change v0 ipa0 make.

Definition old_s2 (e : entry) : Prop := match e with S2 _ _ pa => pa = pold | _ => False end.
Definition old_c12 (e : entry) : Prop := match e with C12 _ _ _ pa => pa = pold | _ => False end.
(* Entries with output pold belong to (v0, ipa0): pold was mapped there only. *)
Definition tag_ok (e : entry) : Prop :=
  match e with
  | S2 v i pa => pa = pold -> v = v0 /\ i = ipa0
  | C12 v _ _ pa => pa = pold -> v = v0
  | _ => True
  end.
Definition store_ok (w : store) : Prop :=
  w = WS2 v0 ipa0 None \/ exists p, make = Some p /\ w = WS2 v0 ipa0 (Some p).
Definition mem_only (m : nat -> nat -> option nat) : Prop :=
  forall v i, m v i = Some pold -> v = v0 /\ i = ipa0.
Definition mem_clean (m : nat -> nat -> option nat) : Prop := forall v i, m v i <> Some pold.

Record Inv (s : st) : Prop := {
  i_w : forall w, In w (wbuf s) -> store_ok w;
  i_only : mem_only (s2m s);
  i_tag : forall c e, In e (tlb s c) -> tag_ok e;
  i_pc0 : pc s = 0 -> wbuf s = [];
  i_pc1 : pc s = 1 -> mem_clean (s2m s) \/ wbuf s = [WS2 v0 ipa0 None];
  i_nobuf : 2 <= pc s <= 7 -> wbuf s = [];
  i_clean : 2 <= pc s -> mem_clean (s2m s);
  i_d3 : pc s = 3 -> forall c e, c < N -> In e (tlb s c) -> old_s2 e -> doomed (pend s c) e;
  i_nos2 : 4 <= pc s -> forall c e, c < N -> In e (tlb s c) -> ~ old_s2 e;
  i_d5 : pc s = 5 -> forall c e, c < N -> In e (tlb s c) -> old_c12 e -> doomed (pend s c) e;
  i_noc : 6 <= pc s -> forall c e, c < N -> In e (tlb s c) -> ~ old_c12 e
}.

Lemma commit_proj : forall s w r,
  tlb (commit s w r) = tlb s /\ pend (commit s w r) = pend s /\
  pc (commit s w r) = pc s /\ wbuf (commit s w r) = r.
Proof. intros s [] r; repeat split. Qed.

(* Committing one of the program's stores leaves no descriptor naming pold. *)
Lemma commit_clean : forall s w r,
  mem_only (s2m s) -> store_ok w -> mem_clean (s2m (commit s w r)).
Proof.
  intros s w r Ho [->|[p [Hp ->]]]; simpl; intros v i; unfold upd2;
    destruct ((v =? v0) && (i =? ipa0)) eqn:E.
  - discriminate.
  - intro H. apply Ho in H as [-> ->]. rewrite !Nat.eqb_refl in E. discriminate.
  - intro H. inversion H. apply (make_new p Hp). auto.
  - intro H. apply Ho in H as [-> ->]. rewrite !Nat.eqb_refl in E. discriminate.
Qed.

Lemma clean_only : forall m, mem_clean m -> mem_only m.
Proof. intros m H v i E. exfalso. exact (H v i E). Qed.

Lemma walk_tag : forall s c e, mem_only (s2m s) -> (forall x, In x (tlb s c) -> tag_ok x) ->
  walk s c e -> tag_ok e.
Proof.
  intros s c e Ho Ht Hw. destruct Hw as [ipa pa H|a va ipa H|a va ipa pa H1 H2|va tp H|va tp pa H1 H2];
    simpl; auto.
  - intros ->. apply Ho. auto.
  - intros ->. destruct H2 as [H2|H2].
    + apply Ho in H2. tauto.
    + apply Ht in H2. simpl in H2. tauto.
Qed.

Lemma walk_no_s2 : forall s c e, mem_clean (s2m s) -> walk s c e -> ~ old_s2 e.
Proof. intros s c e Hc Hw. destruct Hw; simpl; auto. intros ->. eapply Hc; eauto. Qed.

Lemma walk_no_c12 : forall s c e, mem_clean (s2m s) ->
  (forall x, In x (tlb s c) -> ~ old_s2 x) -> walk s c e -> ~ old_c12 e.
Proof.
  intros s c e Hc Hn Hw. destruct Hw as [| |a va ipa pa H1 [H2|H2]| |]; simpl; auto; intros ->.
  - eapply Hc; eauto.
  - apply (Hn _ H2). reflexivity.
Qed.

Ltac new_entry H := apply in_upd1 in H; destruct H as [[-> [<-|H]]|[_ H]].
Ltac in_drop H := apply in_upd1 in H; destruct H as [[-> H]|[? H]];
  [apply in_drop_hit in H; destruct H as [H ?]|].

(* The program, instruction by instruction. *)
Lemma prog2_at : forall n i, nth_error prog2 n = Some i ->
  (n = 0 /\ i = STR (WS2 v0 ipa0 None)) \/ (n = 1 /\ i = DSB_ISH) \/
  (n = 2 /\ i = TLBI (IPAS2E1IS v0 ipa0)) \/ (n = 3 /\ i = DSB_ISH) \/
  (n = 4 /\ i = TLBI (VMALLE1IS v0)) \/ (n = 5 /\ i = DSB_ISH) \/ (n = 6 /\ i = ISB) \/
  (n = 7 /\ exists p, make = Some p /\ i = STR (WS2 v0 ipa0 (Some p))).
Proof.
  unfold prog2, s2_change, flush_s2_ipa. intros n i H.
  destruct n as [|[|[|[|[|[|[|[|n]]]]]]]]; simpl in H; try (inversion H; subst; tauto).
  - destruct make as [p|]; simpl in H; inversion H. subst. right; right; right; right; right; right; right.
    split; eauto.
  - destruct make as [p|]; simpl in H; [destruct n|]; discriminate.
Qed.

(* Use or drop the invariant's clauses whose pc premise is now decided. *)
Ltac spec_pc :=
  repeat match goal with
  | H : (?a = ?b :> nat) -> _ |- _ =>
      first [ specialize (H ltac:(lia)) | clear H ]
  | H : (?a <= ?b) -> _ |- _ =>
      first [ specialize (H ltac:(lia)) | clear H ]
  | H : (?a <= ?b <= ?c) -> _ |- _ =>
      first [ specialize (H ltac:(lia)) | clear H ]
  end.

Lemma Inv_step : forall s s', Inv s -> step N prog2 s s' -> Inv s'.
Proof.
  intros s s' HI Hs. destruct HI as [Hw Ho Ht H0 H1 Hnb Hcl Hd3 Hn2 Hd5 Hnc].
  destruct Hs as [s c e Hc Hwk | s b1 w b2 Hb | s c p1 op p2 Hp | s f | s c v Hc
                 | s i s' Hi Hx].
  - (* a walk fills PE c's TLB *)
    pose proof (walk_tag s c e Ho (Ht c) Hwk) as Hte.
    constructor; simpl; auto.
    + intros d x Hin. new_entry Hin; eauto.
    + intros Hpc d x Hd Hin Hold. new_entry Hin; eauto.
      exfalso. apply (walk_no_s2 s c e); auto. apply Hcl. lia.
    + intros Hpc d x Hd Hin. new_entry Hin; eauto.
      apply (walk_no_s2 s c e); auto. apply Hcl. lia.
    + intros Hpc d x Hd Hin Hold. new_entry Hin; eauto.
      exfalso. apply (walk_no_c12 s c e); auto.
      * apply Hcl. lia.
      * intros y Hy. exact (Hn2 ltac:(lia) c y Hc Hy).
    + intros Hpc d x Hd Hin. new_entry Hin; eauto.
      apply (walk_no_c12 s c e); auto.
      * apply Hcl. lia.
      * intros y Hy. exact (Hn2 ltac:(lia) c y Hc Hy).
  - (* a buffered store becomes visible *)
    assert (Hwo : store_ok w) by (apply Hw; rewrite Hb; apply in_app_iff; simpl; auto).
    destruct (commit_proj s w (b1 ++ b2)) as (Et & Ep & Epc & Eb).
    pose proof (commit_clean s w (b1 ++ b2) Ho Hwo) as Hcc.
    constructor; rewrite ?Et, ?Ep, ?Epc, ?Eb; auto using clean_only.
    + intros x Hx. apply Hw. rewrite Hb. apply in_wbuf_commit. auto.
    + intros Hpc. exfalso. rewrite H0 in Hb by auto. eapply wbuf_nil_no_commit; eauto.
    + intros Hpc. exfalso. rewrite Hnb in Hb by auto. eapply wbuf_nil_no_commit; eauto.
  - (* a TLBI completes on PE c: it only removes entries *)
    constructor; simpl; auto.
    + intros d x Hin. in_drop Hin; eauto.
    + intros Hpc d x Hd Hin Hold. in_drop Hin.
      * rewrite upd1_eq. apply doomed_complete with (op := op); auto.
        rewrite <- Hp. auto.
      * rewrite upd1_neq by auto. auto.
    + intros Hpc d x Hd Hin. in_drop Hin; eauto.
    + intros Hpc d x Hd Hin Hold. in_drop Hin.
      * rewrite upd1_eq. apply doomed_complete with (op := op); auto.
        rewrite <- Hp. auto.
      * rewrite upd1_neq by auto. auto.
    + intros Hpc d x Hd Hin. in_drop Hin; eauto.
  - (* the guest rewrites its stage-1 tables *)
    constructor; simpl; auto.
  - (* a context switch *)
    constructor; simpl; auto.
  - (* the kernel PE's next instruction *)
    apply prog2_at in Hi.
    destruct Hi as [[Epc ->]|[[Epc ->]|[[Epc ->]|[[Epc ->]|[[Epc ->]|[[Epc ->]|[[Epc ->]|
                    [Epc [p [Hp ->]]]]]]]]]];
      inversion Hx; subst; clear Hx; rewrite Epc in *; spec_pc;
      constructor; simpl; rewrite ?Epc; intros; try lia; spec_pc; eauto.
    + (* pc 0: the break store is buffered *)
      match goal with Hb : wbuf s = [], Hin : In _ _ |- _ =>
        rewrite Hb in Hin; destruct Hin as [<-|[]]; left; reflexivity end.
    + right. match goal with Hb : wbuf s = [] |- _ => rewrite Hb; reflexivity end.
    + (* pc 1: DSB ISHST waited for the break to be visible *)
      match goal with H1 : _ \/ _, Hb : wbuf s = [] |- _ =>
        destruct H1 as [?|Hc]; [assumption | rewrite Hb in Hc; discriminate] end.
    + (* pc 2: TLBI IPAS2E1IS: every old stage-2 entry is doomed *)
      apply doomed_issue; [assumption|].
      match goal with Hin : In ?e (tlb s ?c), Hold : old_s2 ?e |- _ =>
        pose proof (Ht c e Hin) as Hte; destruct e; simpl in Hold, Hte; try tauto;
        destruct (Hte Hold) as [-> ->]; simpl; rewrite !Nat.eqb_refl; reflexivity end.
    + (* pc 3: DSB ISH: nothing outstanding, so nothing doomed remains *)
      intro Hold. apply (doomed_nil e).
      match goal with Hp : forall c, c < N -> pend s c = [] |- _ =>
        rewrite <- (Hp c) by assumption end.
      apply Hd3; assumption.
    + (* pc 4: TLBI VMALLE1IS: every old combined entry is doomed *)
      apply doomed_issue; [assumption|].
      match goal with Hin : In ?e (tlb s ?c), Hold : old_c12 ?e |- _ =>
        pose proof (Ht c e Hin) as Hte; destruct e; simpl in Hold, Hte; try tauto;
        rewrite (Hte Hold); simpl; rewrite !Nat.eqb_refl; reflexivity end.
    + (* pc 5: DSB ISH *)
      intro Hold. apply (doomed_nil e).
      match goal with Hp : forall c, c < N -> pend s c = [] |- _ =>
        rewrite <- (Hp c) by assumption end.
      apply Hd5; assumption.
    + (* pc 7: the make store (break-before-make) is buffered *)
      match goal with Hb : wbuf s = [], Hin : In _ _ |- _ =>
        rewrite Hb in Hin; destruct Hin as [<-|[]]; right; eauto end.
Qed.

Definition good_start (s : st) : Prop :=
  start s /\ mem_only (s2m s) /\ forall c e, In e (tlb s c) -> tag_ok e.

Lemma Inv_start : forall s, good_start s -> Inv s.
Proof.
  intros s [[Hb Hpc] [Ho Ht]]. constructor; rewrite ?Hb, ?Hpc; intros; try lia; eauto.
  match goal with H : In _ [] |- _ => inversion H end.
Qed.

Lemma Inv_reach : forall s0 s, good_start s0 -> reach N prog2 s0 s -> Inv s.
Proof.
  intros s0 s H0 Hr. induction Hr; [apply Inv_start; auto | eapply Inv_step; eauto].
Qed.

End Stage2.

(* Main theorem.  From any start state in which pold is mapped, in stage
   2, at most at (v0, ipa0) and every TLB entry with output pold is of
   (v0, ipa0) -- whatever else the TLBs hold and whatever TLBIs are
   outstanding --, after the final DSB ISH of the sequence (pc >= 6) no PE
   holds a stage-2-only or combined entry with output pold, and no
   stage-2 descriptor names pold.  For [make = None] this is unmap; for
   [make = Some p] (p <> pold) break-before-make. *)
Theorem stage2_seq_sufficient : forall N v0 ipa0 pold make s0 s c e,
  (forall p, make = Some p -> p <> pold) ->
  good_start v0 ipa0 pold s0 ->
  reach N (prog2 v0 ipa0 make) s0 s -> 6 <= pc s -> c < N -> In e (tlb s c) ->
  ~ old_s2 pold e /\ ~ old_c12 pold e /\ (forall v i, s2m s v i <> Some pold).
Proof.
  intros N v0 ipa0 pold make s0 s c e Hm H0 Hr Hpc Hc He.
  pose proof (Inv_reach N v0 ipa0 pold make Hm s0 s H0 Hr) as HI.
  split; [|split].
  - eapply i_nos2; eauto. lia.
  - eapply i_noc; eauto.
  - apply (i_clean _ _ _ _ _ _ HI). lia.
Qed.

(* The same, in the words of the issue: no entry of VMID v0 translates
   ipa0 (stage-2-only) or any VA (combined) to pold. *)
Corollary stage2_no_stale_translation : forall N v0 ipa0 pold s0 s c a va,
  good_start v0 ipa0 pold s0 ->
  reach N (prog2 v0 ipa0 None) s0 s -> 6 <= pc s -> c < N ->
  ~ In (S2 v0 ipa0 pold) (tlb s c) /\ ~ In (C12 v0 a va pold) (tlb s c).
Proof.
  intros N v0 ipa0 pold s0 s c a va H0 Hr Hpc Hc.
  assert (Hm : forall p, (None : option nat) = Some p -> p <> pold) by discriminate.
  split; intro Hin;
    destruct (stage2_seq_sufficient N v0 ipa0 pold None s0 s c _ Hm H0 Hr Hpc Hc Hin)
      as (Hs2 & Hc12 & _).
  - apply Hs2. reflexivity.
  - apply Hc12. reflexivity.
Qed.
