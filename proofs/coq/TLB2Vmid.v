(* TLB2Vmid.v -- VMID tags.
   - s2_seq_spares_other_vmids: the stage-2 sequence for VMID v0 removes no
     entry tagged with another VMID (nor any EL2 entry): a TLBI by IPA or
     VMALLE1IS acts on one VMID only (R4).
   - rollover_sufficient: when a VMID changes owner, TLBI ALLE1IS; DSB ISH
     (vrm_tlb_flush_all_el1, lib/vmid/vmid.c line 131) leaves no EL1&0
     entry of any VMID that disagrees with the stage-2 tables now in
     memory; twin_rollover_no_alle1is: without the TLBI, the old owner's
     combined entry translates the new owner's VA to the old owner's page.
   The change of owner is modelled as the kernel's stores that give VMID v
   its new stage-2 tables, before the flush.  In lib/vmid the flush is at
   the rollover, before the handout, and relies on no PE running the old
   owner's VMID in between (the allocator's reserved/active slots); that
   argument is not modelled here (PEs may switch to any VMID at any time),
   so the stores come first. *)

Require Import Arith Bool Lia List.
Import ListNotations.
Require Import VRM.TLB2 VRM.TLB2Prog VRM.TLB2Twins.

Definition vmid_of (e : entry) : option nat :=
  match e with
  | S1 v _ _ _ | S2 v _ _ | C12 v _ _ _ => Some v
  | _ => None
  end.

Theorem s2_seq_spares_other_vmids : forall v0 ipa0 make op e,
  In (TLBI op) (s2_change v0 ipa0 make) -> vmid_of e <> Some v0 -> hits op e = false.
Proof.
  intros v0 ipa0 make op e Hin Hv.
  assert (Hop : op = IPAS2E1IS v0 ipa0 \/ op = VMALLE1IS v0).
  { unfold s2_change, flush_s2_ipa in Hin. destruct make; simpl in Hin; intuition congruence. }
  destruct Hop as [-> | ->]; destruct e; simpl in *; auto;
    destruct (Nat.eqb_spec v0 vmid); subst; auto; congruence.
Qed.

(* An EL1&0 entry agrees with stage-2 memory m: a stage-2 entry is the
   descriptor in m, a combined entry's output is mapped by some IPA of its
   VMID in m (a combined entry does not record its IPA). *)
Definition agrees (m : nat -> nat -> option nat) (e : entry) : Prop :=
  match e with
  | S2 v i pa => m v i = Some pa
  | C12 v _ _ pa => exists ipa, m v ipa = Some pa
  | _ => True
  end.

Definition rollover (stores : list store) : list insn := map STR stores ++ flush_all_el1.

Section Rollover.
Context (N : nat) (stores : list store).
Let k := length stores.

Record InvR (s : st) : Prop := {
  r_nobuf : k + 1 <= pc s -> wbuf s = [];
  r_issued : pc s = k + 2 -> forall c, c < N ->
    In ALLE1IS (pend s c) \/ forall e, In e (tlb s c) -> agrees (s2m s) e;
  r_done : k + 3 <= pc s -> forall c e, c < N -> In e (tlb s c) -> agrees (s2m s) e
}.

Lemma rollover_at : forall n i, nth_error (rollover stores) n = Some i ->
  (n < k /\ exists w, i = STR w) \/ (n = k /\ i = DSB_ISHST) \/
  (n = k + 1 /\ i = TLBI ALLE1IS) \/ (n = k + 2 /\ i = DSB_ISH) \/ (n = k + 3 /\ i = ISB).
Proof.
  intros n i H. unfold rollover in H. subst k.
  destruct (Nat.lt_ge_cases n (length stores)) as [Hl|Hl].
  - rewrite nth_error_app1 in H by (rewrite map_length; auto).
    rewrite nth_error_map in H. destruct (nth_error stores n); inversion H. left. eauto.
  - rewrite nth_error_app2 in H by (rewrite map_length; auto). rewrite map_length in H.
    unfold flush_all_el1 in H.
    destruct (n - length stores) as [|[|[|[|m]]]] eqn:E; simpl in H; inversion H; subst;
      [right; left | right; right; left | right; right; right; left | right; right; right; right
      | destruct m; discriminate]; split; auto; lia.
Qed.

(* A walk makes only entries that agree, given agreeing stage-2 entries. *)
Lemma walk_agrees : forall s c e, (forall x, In x (tlb s c) -> agrees (s2m s) x) ->
  walk s c e -> agrees (s2m s) e.
Proof.
  intros s c e Ht Hw. destruct Hw as [ipa pa H|a va ipa H|a va ipa pa H1 [H2|H2]|va tp H|va tp pa H1 H2];
    simpl; eauto.
  apply Ht in H2. simpl in H2. eauto.
Qed.

Lemma not_alle1_agrees : forall m e, hits ALLE1IS e = false -> agrees m e.
Proof. intros m [] H; simpl in *; auto; discriminate. Qed.

Lemma InvR_step : forall s s', InvR s -> step N (rollover stores) s s' -> InvR s'.
Proof.
  intros s s' [Hnb Hi2 Hd] Hs.
  destruct Hs as [s c e Hc Hwk | s b1 w b2 Hb | s c p1 op p2 Hp | s f | s c v Hc
                 | s i s' Hi Hx].
  - constructor; simpl; auto.
    + intros Hpc d Hd'. destruct (Hi2 Hpc d Hd') as [?|Ha]; auto. right.
      intros x Hin. apply in_upd1 in Hin. destruct Hin as [[-> [<-|Hin]]|[_ Hin]]; auto.
      apply (walk_agrees s c); auto.
    + intros Hpc d x Hd' Hin. apply in_upd1 in Hin. destruct Hin as [[-> [<-|Hin]]|[_ Hin]]; eauto.
      apply (walk_agrees s c); eauto.
  - (* no store is buffered from the DSB ISHST on *)
    assert (Hpc : pc s < k + 1).
    { destruct (Nat.lt_ge_cases (pc s) (k + 1)) as [?|Hge]; auto.
      rewrite (Hnb Hge) in Hb. exfalso. eapply wbuf_nil_no_commit; eauto. }
    assert (Ep : pc (commit s w (b1 ++ b2)) = pc s) by (destruct w; reflexivity).
    constructor; rewrite Ep; intros; lia.
  - constructor; simpl; auto.
    + intros Hpc d Hd'. destruct (Nat.eq_dec d c) as [->|Hn].
      * rewrite !upd1_eq. destruct (Hi2 Hpc c Hd') as [Hin|Ha].
        -- rewrite Hp in Hin. apply in_app_iff in Hin. destruct Hin as [Hin|[Hin|Hin]].
           ++ left. apply in_app_iff. auto.
           ++ subst op. right. intros x Hx. apply in_drop_hit in Hx. apply not_alle1_agrees. tauto.
           ++ left. apply in_app_iff. auto.
        -- right. intros x Hx. apply in_drop_hit in Hx. apply Ha. tauto.
      * rewrite !upd1_neq by auto. auto.
    + intros Hpc d x Hd' Hin. apply in_upd1 in Hin. destruct Hin as [[-> Hin]|[_ Hin]]; eauto.
      apply in_drop_hit in Hin. destruct Hin. eauto.
  - constructor; simpl; auto.
  - constructor; simpl; auto.
  - apply rollover_at in Hi.
    destruct Hi as [[Hpc [w ->]]|[[Hpc ->]|[[Hpc ->]|[[Hpc ->]|[Hpc ->]]]]];
      inversion Hx; subst; clear Hx; constructor; simpl; intros; try lia; auto;
      try (apply Hnb; lia).
    + (* TLBI ALLE1IS: outstanding on every PE *)
      left. match goal with Hc : c < N |- _ => apply Nat.ltb_lt in Hc; rewrite Hc end.
      apply in_app_iff. simpl. auto.
    + (* DSB ISH: completed everywhere *)
      match goal with Hp : forall c, c < N -> pend s c = [] |- _ =>
        destruct (Hi2 ltac:(lia) c ltac:(assumption)) as [Hin|Ha];
        [rewrite (Hp c ltac:(assumption)) in Hin; destruct Hin | auto] end.
    + eapply Hd; eauto. lia.
Qed.

Lemma InvR_reach : forall s0 s, start s0 -> reach N (rollover stores) s0 s -> InvR s.
Proof.
  intros s0 s [Hb Hpc] Hr. induction Hr.
  - constructor; intros; exfalso; lia.
  - eapply InvR_step; eauto.
Qed.

End Rollover.

Theorem rollover_sufficient : forall N stores s0 s c e,
  start s0 -> reach N (rollover stores) s0 s -> length stores + 3 <= pc s -> c < N ->
  In e (tlb s c) -> agrees (s2m s) e.
Proof.
  intros. eapply (r_done N stores s); eauto. eapply InvR_reach; eauto.
Qed.

(* VMID 1 gets a new owner, whose IPA 2 is page 8; without TLBI ALLE1IS
   (drop 2 of the one-store rollover) PE 0 still translates VA 5 of VMID 1
   to the old owner's page 7, which no stage-2 descriptor of VMID 1 maps. *)
Theorem twin_rollover_no_alle1is : exists s,
  reach 1 (drop 2 (rollover [WS2 1 2 (Some 8)])) init0 s /\
  pc s = length (drop 2 (rollover [WS2 1 2 (Some 8)])) /\
  In (C12 1 0 5 7) (tlb s 0) /\ forall ipa, s2m s 1 ipa <> Some 7.
Proof.
  pose proof (r_refl 1 (drop 2 (rollover [WS2 1 2 (Some 8)])) init0) as R.
  go R fill_c12_mem.
  go R k_str. go R commit0. go R k_dsbst. go R k_dsb. go R k_isb.
  eexists; split; [exact R|]. split; [reflexivity|]. split; [cbn; tauto|].
  intros ipa. cbn. unfold upd2. simpl. destruct (ipa =? 2); discriminate.
Qed.

(* Non-vacuity: the same change with the shipped flush runs to its end. *)
Theorem rollover_completes : exists s,
  reach 1 (rollover [WS2 1 2 (Some 8)]) init0 s /\
  pc s = length (rollover [WS2 1 2 (Some 8)]) /\ tlb s 0 = [].
Proof.
  pose proof (r_refl 1 (rollover [WS2 1 2 (Some 8)]) init0) as R.
  go R fill_c12_mem.
  go R k_str. go R commit0. go R k_dsbst. go R k_tlbi. go R ltac:(complete0 (@nil tlbi)).
  go R k_dsb. go R k_isb.
  eexists; split; [exact R|]. split; reflexivity.
Qed.
