(* Memory-Isolation for the page pool: theorems about the executable model
   of lib/pool in PoolExec.v (which follows the C step by step and is run
   against the C by tests/model/pool).  See proofs/README.md, "Pool". *)

Require Import Arith Bool Lia List ZArith.
Require Import VRM.PoolExec.
Import ListNotations.

(* ---- the record invariant: record_ok() of lib/pool/invariants.c ------- *)

(* One owner that is NONE or a principal the pool knows; OWNED <=> count 0
   and no borrower; SHARED_OWNED <=> count >= 1, a known borrower, the
   host for a VM owner / a VM for a host owner, not free; F_HYP_FREE only
   on (OWNED) hyp pages.  NONE pages are therefore unshared.  (F_PENDING
   is the commit's scratch: record_ok also wants it clear between
   operations; pending_clear below says the model clears it.) *)
Definition wf (c : cfg) (r : rec) : Prop :=
  (owner r = NONE \/ actor_ok c (owner r) = true) /\
  (hfree r = true -> owner r = HYP) /\
  ((state r = OWNED /\ count r = 0 /\ borrower r = NONE) \/
   (state r = SHARED_OWNED /\ 1 <= count r /\ actor_ok c (borrower r) = true /\
    hfree r = false /\
    ((owner r = HOST /\ is_vm (borrower r) = true) \/
     (is_vm (owner r) = true /\ borrower r = HOST)))).

Definition AllQ (Q : nat -> rec -> Prop) (l : list rec) : Prop :=
  forall j, j < length l -> Q j (get l j).

Definition Inv (c : cfg) (l : list rec) : Prop :=
  length l = npages c /\ AllQ (fun _ r => wf c r) l.

Lemma Inv_init : forall c, Inv c (init_recs c).
Proof.
  intros c; split.
  - unfold init_recs; apply repeat_length.
  - intros j Hj; unfold get, init_recs in *; rewrite repeat_length in Hj.
    rewrite nth_repeat; unfold wf, host_rec; simpl.
    repeat split; try discriminate; auto.
Qed.

(* ---- plumbing: upd_from, tr, the callbacks ---------------------------- *)

Lemma upd_from_len : forall l j s n f, length (upd_from j l s n f) = length l.
Proof. induction l; simpl; auto. Qed.

Lemma upd_from_nth : forall l j0 s n f j, j < length l ->
  nth j (upd_from j0 l s n f) host_rec =
  if in_run s n (j0 + j) then f (nth j l host_rec) else nth j l host_rec.
Proof.
  induction l as [|r t IH]; intros j0 s n f j Hj; simpl in *; [lia|].
  destruct j as [|j]; [rewrite Nat.add_0_r; reflexivity|].
  rewrite IH by lia. replace (S j0 + j) with (j0 + S j) by lia. reflexivity.
Qed.

Lemma recs_tr : forall m s n o p a,
  recs (tr m s n o p a) = upd_from 0 (recs m) s n (fun r => apply r o p a).
Proof. intros; unfold tr, note; destruct (is_ownership o); reflexivity. Qed.

Lemma AllQ_tr : forall (Q : nat -> rec -> Prop) m s n o p a,
  (forall j r, in_run s n j = true -> Q j r -> Q j (apply r o p a)) ->
  AllQ Q (recs m) -> AllQ Q (recs (tr m s n o p a)).
Proof.
  intros Q m s n o p a Hf HQ j Hj. rewrite recs_tr in *.
  rewrite upd_from_len in Hj. unfold get. rewrite upd_from_nth by auto. simpl.
  destruct (in_run s n j) eqn:E; [apply Hf; auto|]; apply HQ; auto.
Qed.

Lemma recs_call : forall m e, recs (fst (call m e)) = recs m.
Proof. reflexivity. Qed.
Lemma recs_note : forall m e r, recs (note m e r) = recs m.
Proof. reflexivity. Qed.
Lemma len_tr : forall m s n o p a, length (recs (tr m s n o p a)) = length (recs m).
Proof. intros; rewrite recs_tr, upd_from_len; reflexivity. Qed.

(* A property of the records that every step of a commit keeps. *)
Definition keeps (P : list rec -> Prop) (body : ms -> nat -> nat -> ms) rs :=
  forall m s n, In (s, n) rs -> P (recs m) -> P (recs (body m s n)).

Lemma loop_keeps : forall P rs m body, keeps P body rs -> P (recs m) -> P (recs (loop rs m body)).
Proof.
  intros P rs; induction rs as [|[s n] t IH]; intros m body Hk Hm; simpl; auto.
  apply IH; [intros m' s' n' Hin; apply Hk; right; auto|]. apply Hk; [left; auto|auto].
Qed.

Lemma loop_ret_keeps : forall P rs m body m' r f,
  (forall m s n, In (s, n) rs -> P (recs m) -> P (recs (fst (body m s n)))) ->
  P (recs m) -> loop_ret rs m body = (m', r, f) -> P (recs m').
Proof.
  intros P rs; induction rs as [|[s n] t IH]; intros m body m' r f Hk Hm E; simpl in E.
  - inversion E; subst; auto.
  - destruct (body m s n) as [m1 r1] eqn:B.
    assert (P (recs m1)) by (replace m1 with (fst (body m s n)) by (rewrite B; auto);
                             apply Hk; [left|]; auto).
    destruct (Z.eqb r1 0).
    + eapply IH; eauto. intros; apply Hk; [right|]; auto.
    + inversion E; subst; auto.
Qed.

(* Runs lie inside the bounds they were asked for. *)
Lemma runs_go_bounds : forall q l j st len s n,
  (len > 0 -> st + len = j /\ forall k, st <= k < j -> exists r, q k r = true) ->
  In (s, n) (runs_go q l j st len) ->
  n > 0 /\ forall k, s <= k < s + n -> exists r, q k r = true.
Proof.
  intros q l; induction l as [|r t IH]; intros j st len s n Hinv Hin; simpl in Hin.
  - destruct (len =? 0) eqn:E; [contradiction|].
    destruct Hin as [H|[]]; inversion H; subst. apply Nat.eqb_neq in E.
    destruct Hinv as [H1 H2]; [lia|]. split; [lia|]. intros k Hk; apply H2; lia.
  - destruct (q j r) eqn:Q; destruct (len =? 0) eqn:E.
    + eapply IH; [|exact Hin]. intros _; split; [lia|].
      intros k Hk; exists r; replace k with j by lia; auto.
    + apply Nat.eqb_neq in E. eapply IH; [|exact Hin]. intros _.
      destruct Hinv as [H1 H2]; [lia|]. split; [lia|].
      intros k Hk; destruct (Nat.eq_dec k j); [subst; exists r; auto|]; apply H2; lia.
    + eapply IH; [|exact Hin]. intros; lia.
    + apply Nat.eqb_neq in E. destruct Hin as [H|Hin].
      * inversion H; subst. destruct Hinv as [H1 H2]; [lia|]. split; [lia|].
        intros k Hk; apply H2; lia.
      * eapply IH; [|exact Hin]. intros; lia.
Qed.

Lemma runs_bounds : forall p l i e s n, In (s, n) (runs p l i e) ->
  forall k, s <= k < s + n -> i <= k < e.
Proof.
  intros p l i e s n Hin k Hk. unfold runs in Hin.
  apply runs_go_bounds in Hin; [|intros; lia]. destruct Hin as [_ H].
  destruct (H k Hk) as [r Hr]. apply andb_true_iff in Hr as [Hr _].
  apply andb_true_iff in Hr as [H1 H2]. apply Nat.leb_le in H1. apply Nat.ltb_lt in H2. lia.
Qed.

Lemma in_run_iff : forall s n j, in_run s n j = true <-> s <= j < s + n.
Proof.
  intros; unfold in_run; rewrite andb_true_iff, Nat.leb_le, Nat.ltb_lt; lia.
Qed.

Lemma first_err_zero : forall f i cnt, first_err f i cnt = 0%Z ->
  forall j, i <= j < i + cnt -> f j = 0%Z.
Proof.
  intros f i cnt; revert i; induction cnt as [|cnt IH]; intros i H j Hj; [lia|].
  simpl in H. destruct (Z.eqb (f i) 0) eqn:E.
  - apply Z.eqb_eq in E. destruct (Nat.eq_dec j i); [subst; auto|].
    apply (IH (S i)); auto; lia.
  - rewrite H in E; discriminate.
Qed.

(* ---- which transitions keep records well formed ----------------------- *)

Lemma actor_ok_valid : forall c p, actor_ok c p = true -> p = HYP \/ p = HOST \/ is_vm p = true.
Proof.
  intros c p H; unfold actor_ok in H.
  destruct (p =? HYP) eqn:E1; [apply Nat.eqb_eq in E1; auto|].
  destruct (p =? HOST) eqn:E2; [apply Nat.eqb_eq in E2; auto|].
  simpl in H; apply andb_true_iff in H as [H _]; auto.
Qed.

Lemma wf_give : forall c r p a, (p = NONE \/ actor_ok c p = true) ->
  (fst a = true -> p = HYP) -> wf c (apply r GIVE p a).
Proof.
  intros c r p a Hp Ha; unfold wf; simpl; split; [auto|split; [auto|left; auto]].
Qed.

Lemma wf_ungive : forall c r p a, (p = NONE \/ actor_ok c p = true) ->
  (fst a = true -> p = HYP) -> wf c (apply r UNGIVE p a).
Proof. intros; apply (wf_give c r p a); auto. Qed.

Lemma wf_unshare : forall c r p a, wf c r -> wf c (apply r UNSHARE p a).
Proof.
  intros c r p a (H1 & H2 & H3); unfold wf; simpl.
  destruct (count r <=? 1) eqn:E; simpl.
  - repeat split; auto.
  - apply Nat.leb_gt in E. destruct H3 as [(_ & Hc & _)|H3]; [lia|].
    repeat split; auto. right. destruct H3 as (Hs & _ & Hb & Hf & Hp); repeat split; auto; lia.
Qed.

Lemma wf_drop : forall c r p a, wf c r -> wf c (apply r DROP p a).
Proof. intros c r p a (H1 & H2 & H3); unfold wf; simpl; repeat split; auto. Qed.

Lemma wf_clrf : forall c r p a, wf c r -> wf c (apply r CLRF p a).
Proof.
  intros c r p a (H1 & H2 & H3); unfold wf; simpl. split; [auto|split].
  - intros H; apply andb_true_iff in H as [H _]; auto.
  - destruct H3 as [H3|(Hs & Hc & Hb & Hf & Hp)]; [left; auto|right].
    rewrite Hf; simpl; repeat split; auto.
Qed.

Lemma wf_setf_pend : forall c r p, wf c r -> wf c (apply r SETF p FPEND).
Proof.
  intros c r p (H1 & H2 & H3); unfold wf; simpl. rewrite orb_false_r. auto.
Qed.

Lemma wf_setf_free : forall c r p, wf c r -> owner r = HYP -> wf c (apply r SETF p FFREE).
Proof.
  intros c r p (H1 & H2 & H3) Ho; unfold wf; simpl. rewrite orb_true_r.
  split; [auto|split; [auto|]].
  destruct H3 as [H3|(_ & _ & _ & _ & [(Ho' & _)|(Hv & _)])]; [left; auto| |];
    rewrite Ho in *; discriminate.
Qed.

Lemma wf_share : forall c r b, wf c r -> share_pair_ok c (owner r) b = true ->
  wf c (apply r SHARE b F0).
Proof.
  intros c r b (H1 & H2 & H3) Hp; unfold wf; simpl.
  unfold share_pair_ok in Hp. apply andb_true_iff in Hp as [Hp Hd].
  apply andb_true_iff in Hp as [Ho Hb].
  assert (Hf : hfree r = false).
  { destruct (hfree r) eqn:F; auto. rewrite (H2 eq_refl) in Hd. discriminate. }
  split; [auto|split; [auto|right]]. repeat split; auto; [lia|].
  apply orb_true_iff in Hd as [Hd|Hd]; apply andb_true_iff in Hd as [Hd1 Hd2];
    [left|right]; split; auto; apply Nat.eqb_eq; auto.
Qed.

(* Steps that change no record. *)
Ltac norec :=
  repeat (rewrite recs_note || rewrite recs_call); simpl.

(* ---- Inv_apply -------------------------------------------------------- *)

Definition W (c : cfg) (l : list rec) := AllQ (fun _ r => wf c r) l.

Lemma W_tr : forall c m s n o p a,
  (forall r, wf c r -> wf c (apply r o p a)) -> W c (recs m) -> W c (recs (tr m s n o p a)).
Proof. intros; apply AllQ_tr; auto. Qed.

Lemma W_rb : forall c m s, W c (recs (rb_fail m s)) <-> W c (recs m).
Proof. reflexivity. Qed.

Lemma W_remap : forall c m vm o b, W c (recs m) -> W c (recs (remap_vm c m vm o b)).
Proof.
  intros c m vm o b H; unfold remap_vm.
  apply loop_keeps; [intros m1 s n _ H1; destruct (map m1 vm s n SHARED_BORROWED) as [m2 r] eqn:E;
                      destruct (Z.eqb r 0); simpl; inversion E; subst; auto|].
  apply loop_keeps; [intros m1 s n _ H1; destruct (map m1 vm s n OWNED) as [m2 r] eqn:E;
                      destruct (Z.eqb r 0); simpl; inversion E; subst; auto|auto].
Qed.

Lemma len_keeps : forall rs body, (forall m s n, length (recs (body m s n)) = length (recs m)) ->
  forall m, length (recs (loop rs m body)) = length (recs m).
Proof. induction rs as [|[s n] t IH]; intros body Hb m; simpl; auto; rewrite IH, Hb; auto. Qed.

Definition P (c : cfg) (l : list rec) := length l = npages c /\ W c l.

Lemma P_tr : forall c m s n o p a, (forall r, wf c r -> wf c (apply r o p a)) ->
  P c (recs m) -> P c (recs (tr m s n o p a)).
Proof. intros c m s n o p a Hf [H1 H2]; split; [rewrite len_tr; auto|apply W_tr; auto]. Qed.

Lemma cb_recs : forall m e m' r, call m e = (m', r) -> recs m' = recs m.
Proof. intros m e m' r H; unfold call in H; inversion H; reflexivity. Qed.

Lemma P_remap : forall c m vm o b, P c (recs m) -> P c (recs (remap_vm c m vm o b)).
Proof.
  intros c m vm o b H; unfold remap_vm.
  apply loop_keeps; [intros m1 s n _ H1; destruct (map m1 vm s n SHARED_BORROWED) as [m2 r] eqn:E;
                      destruct (Z.eqb r 0); simpl; inversion E; subst; auto|].
  apply loop_keeps; [intros m1 s n _ H1; destruct (map m1 vm s n OWNED) as [m2 r] eqn:E;
                      destruct (Z.eqb r 0); simpl; inversion E; subst; auto|auto].
Qed.

(* The commit's loops over runs whose bodies only call back and make
   transitions that keep records well formed keep P. *)
Lemma P_loop_ret_cb : forall c rs m body m' r f,
  (forall m s n m1 r1, body m s n = (m1, r1) -> recs m1 = recs m) ->
  P c (recs m) -> loop_ret rs m body = (m', r, f) -> P c (recs m').
Proof.
  intros c rs m body m' r f Hb Hm E. eapply (loop_ret_keeps (P c)); eauto.
  intros m1 s n _ H1. destruct (body m1 s n) as [m2 r2] eqn:B. simpl.
  rewrite (Hb _ _ _ _ _ B); auto.
Qed.

Ltac wf_step :=
  first [ apply wf_unshare | apply wf_drop | apply wf_clrf | apply wf_setf_pend
        | apply wf_give | apply wf_ungive ]; auto; try (simpl; intros; discriminate).

Ltac crush_cb :=
  repeat match goal with
  | H : reserve _ _ _ _ = (_, _) |- _ => apply cb_recs in H
  | H : unmap _ _ _ _ = (_, _) |- _ => apply cb_recs in H
  | H : map _ _ _ _ _ = (_, _) |- _ => apply cb_recs in H
  | H : call _ _ = (_, _) |- _ => apply cb_recs in H
  end.

Ltac prove_P :=
  repeat match goal with
  | |- P _ (recs (rb_fail _ _)) => unfold rb_fail; rewrite recs_note
  | |- P _ (recs (scrub _ _ _)) => unfold scrub; rewrite recs_note
  | |- P _ (recs (set_cursor _ _)) => unfold set_cursor; simpl
  | |- P _ (recs (tr _ _ _ _ _ _)) => apply P_tr; [intros ? ?; wf_step|]
  | |- P _ (recs (remap_vm _ _ _ _ _)) => apply P_remap
  | H : recs ?a = _ |- P _ (recs ?a) => rewrite H
  | |- P _ (recs (if ?b then _ else _)) => destruct b
  end; auto.

Ltac split_all H :=
  repeat (match type of H with context [match ?x with _ => _ end] => destruct x eqn:? end);
  try (inversion H; subst; clear H);
  repeat match goal with
  | Hx : (match ?x with _ => _ end) = _ |- _ => destruct x eqn:?
  | Hx : (?a, ?b) = (?c, ?d) |- _ => injection Hx; intros; subst; clear Hx
  | Hx : (?a, ?b, ?e) = (?c, ?d, ?f) |- _ => injection Hx; intros; subst; clear Hx
  end.

Lemma actor_of_check : forall a b d, negb (a && b && d) = false -> a = true /\ b = true.
Proof. intros a b d H; destruct a, b, d; simpl in *; auto; discriminate. Qed.

Lemma donate_P : forall oc c m pfn off n f t m' r,
  donate_gen oc c m pfn off n f t = (m', r) -> P c (recs m) -> P c (recs m').
Proof.
  intros oc c m pfn off n f t m' r H Hm. unfold donate_gen in H. split_all H; auto;
  crush_cb; repeat match goal with H : negb (_ && _ && _) = false |- _ =>
                     apply actor_of_check in H as [? ?] end;
  prove_P; try discriminate.
Qed.

Lemma recs_set_cursor : forall m k, recs (set_cursor m k) = recs m.
Proof. reflexivity. Qed.

Lemma wf_give_vm : forall c r p a, actor_ok c p = true -> fst a = false -> wf c (apply r GIVE p a).
Proof. intros; apply wf_give; [right; auto|intros H'; congruence]. Qed.

Ltac body_cb :=
  let HB := fresh in intros ? ? ? ? ? HB; cbv beta in HB;
  repeat (match type of HB with context [match ?x with _ => _ end] =>
            let E := fresh in destruct x eqn:E end);
  crush_cb;
  try (injection HB; intros; subst);
  crush_cb; congruence.

Lemma recs_map : forall m w s n st, recs (fst (map m w s n st)) = recs m.
Proof. reflexivity. Qed.

Ltac prove_P2 :=
  repeat match goal with
  | |- P _ (recs (fst (map _ _ _ _ _))) => rewrite recs_map
  | |- P _ (recs (rb_fail _ _)) => unfold rb_fail; rewrite recs_note
  | |- P _ (recs (scrub _ _ _)) => unfold scrub; rewrite recs_note
  | |- P _ (recs (set_cursor _ _)) => rewrite recs_set_cursor
  | |- P _ (recs (tr _ _ _ _ _ _)) =>
      apply P_tr; [intros ? ?; first [wf_step | apply wf_give_vm; [assumption|reflexivity]]|]
  | |- P _ (recs (remap_vm _ _ _ _ _)) => apply P_remap
  | |- P _ (recs (loop _ _ _)) => apply loop_keeps; [intros ? ? ? _ ?; cbv beta|]
  | H : loop_ret ?rs ?m0 ?bd = (?m1, ?r, ?f) |- P _ (recs ?m1) =>
      first [ apply (P_loop_ret_cb _ rs m0 bd m1 r f); [body_cb| |exact H]
            | apply (loop_ret_keeps (P _) rs m0 bd m1 r f); [intros ? ? ? _ ?; cbv beta| |exact H] ]
  | H : recs ?a = _ |- P _ (recs ?a) => rewrite H
  | |- P _ (recs (match ?x with _ => _ end)) => let E := fresh in destruct x eqn:E; crush_cb
  end; auto.

Lemma unshare_P : forall c m pfn off n o b m' r,
  unshare c m pfn off n o b = (m', r) -> P c (recs m) -> P c (recs m').
Proof.
  intros c m pfn off n o b m' r H Hm. unfold unshare in H. split_all H; auto; crush_cb; prove_P2.
Qed.

Lemma check_vm : forall c vm, negb (is_vm vm && actor_ok c vm) = false -> actor_ok c vm = true.
Proof. intros c vm H; destruct (is_vm vm), (actor_ok c vm); auto. Qed.

Lemma reclaim_P : forall ds c m vm m' r,
  reclaim_gen ds c m vm = (m', r) -> P c (recs m) -> P c (recs m').
Proof.
  intros ds c m vm m' r H Hm. unfold reclaim_gen, unmap_vm in H.
  split_all H; auto; crush_cb;
  repeat match goal with H : negb (is_vm _ && _) = false |- _ => apply check_vm in H end;
  prove_P2; try congruence;
  try (apply P_tr; [intros ? ?; apply wf_give_vm; [assumption|reflexivity]|]; prove_P2);
  try congruence.
Qed.

Lemma hyp_alloc_P : forall c m z o m' r i,
  hyp_alloc c m z o = (m', r, i) -> P c (recs m) -> P c (recs m').
Proof.
  intros c m z o m' r i H Hm. unfold hyp_alloc in H. split_all H; auto; prove_P2.
Qed.

Lemma hyp_free_P : forall c m pfn off o m' r,
  hyp_free c m pfn off o = (m', r) -> P c (recs m) -> P c (recs m').
Proof.
  intros c m pfn off o m' r H Hm. unfold hyp_free in H. split_all H; auto.
  destruct Hm as [Hl Hw]. split; [rewrite len_tr; auto|].
  intros j Hj. rewrite len_tr in Hj. unfold get; rewrite recs_tr, upd_from_nth by auto.
  cbv beta. rewrite Nat.add_0_l.
  match goal with |- context [in_run ?s ?k j] => destruct (in_run s k j) eqn:E end;
    [|apply Hw; auto].
  apply in_run_iff in E.
  match goal with Hz : negb (Z.eqb (first_err _ _ _) 0) = false |- _ =>
    apply negb_false_iff, Z.eqb_eq in Hz; pose proof (first_err_zero _ _ _ Hz j E) as Z0 end.
  unfold hyp_free_page in Z0. fold (get (recs m) j) in *.
  destruct (owner (get (recs m) j) =? HYP) eqn:Ho; [|discriminate].
  apply wf_setf_free; [apply Hw; auto|apply Nat.eqb_eq; auto].
Qed.

(* Records well formed before => well formed after, for donate, unshare,
   reclaim, hyp_alloc and hyp_free, every fault schedule (whatever each
   callback returns) and cursor.  share and boot_assign: not yet proven
   (proofs/README.md). *)
Theorem Inv_apply : forall c m o, Inv c (recs m) ->
  (forall a b d e f, o <> OShare a b d e f) -> (forall a b d e, o <> OBoot a b d e) ->
  Inv c (recs (fst (fst (run_op c m o)))).
Proof.
  intros c m o Hm Hs Hb. change (P c (recs (fst (fst (run_op c m o))))). unfold run_op, run_gen.
  destruct o.
  - destruct (donate_gen true c m pfn off n from to) eqn:E; simpl; eapply donate_P; eauto.
  - exfalso; eapply Hs; reflexivity.
  - destruct (unshare c m pfn off n o b) eqn:E; simpl; eapply unshare_P; eauto.
  - destruct (reclaim_gen true c m vm) eqn:E; simpl; eapply reclaim_P; eauto.
  - destruct (hyp_alloc c m pa_null order) as [[m' r] i] eqn:E; simpl; eapply hyp_alloc_P; eauto.
  - destruct (hyp_free c m pfn off order) eqn:E; simpl; eapply hyp_free_P; eauto.
  - exfalso; eapply Hb; reflexivity.
Qed.

(* ---- non-vacuity and the broken twin (computed on a 4-page pool) ------ *)

Definition c4 := Cfg 2 1 4.
Definition m4 := start (init_recs c4) 0 [].
Definition ret_of (x : ms * Z) := snd x.
Definition evs (m : ms) := List.map e_ev (rev (log m)).

(* Every error code of the contract is returned by some call. *)
Theorem error_codes_reachable :
  ret_of (donate c4 m4 1 0 0 HOST (VM 0)) = EINVAL /\
  ret_of (donate c4 m4 1 0 1 HYP HOST) = EPERM /\
  ret_of (donate c4 (fst (share c4 m4 1 0 1 HOST (VM 0))) 1 0 1 HOST (VM 1)) = EBUSY /\
  ret_of (share c4 (fst (share c4 m4 1 0 1 HOST (VM 0))) 1 0 1 HOST (VM 1)) = EBUSY /\
  ret_of (reclaim c4 (fst (share c4 (fst (donate c4 m4 1 0 1 HOST (VM 0))) 1 0 1 (VM 0) HOST))
            (VM 0)) = EBUSY /\
  snd (fst (hyp_alloc c4 m4 false 0)) = ENOMEM /\
  ret_of (share c4 (MS [Rec HOST (VM 0) SHARE_MAX SHARED_OWNED false false] 0 [] 0 [])
            1 0 1 HOST (VM 0)) = EOVERFLOW.
Proof. vm_compute. repeat split; reflexivity. Qed.

(* A map failure in donate's commit (callback 3: reserve, reserve, unmap,
   map) is rolled back: the error comes back, the records are as before,
   the pages were given back (UNGIVE) and re-mapped for the giver. *)
Definition rb_run := donate c4 (start (init_recs c4) 0 [(3, ENOMEM)]) 1 0 2 HOST (VM 0).

Theorem rollback_reachable :
  snd rb_run = ENOMEM /\ recs (fst rb_run) = init_recs c4 /\
  evs (fst rb_run) = [Reserve HOST 0 2; Reserve (VM 0) 0 2; Unmap HOST 0 2;
           Trans 0 2 HOST (VM 0) NONE OWNED; Map (VM 0) 0 2 OWNED;
           Trans 0 2 (VM 0) HOST NONE OWNED; Map HOST 0 2 OWNED].
Proof. vm_compute. repeat split; reflexivity. Qed.

(* Reclaim of a VM's page: unmapped from the VM, scrubbed, recorded as the
   host's, and only then mapped for the host. *)
Definition rc_run :=
  reclaim c4 (start (recs (fst (donate c4 m4 1 0 1 HOST (VM 0)))) 0 []) (VM 0).

Theorem reclaim_scrubs :
  snd rc_run = 0%Z /\ recs (fst rc_run) = init_recs c4 /\
  evs (fst rc_run) = [Reserve (VM 0) 0 1; Reserve HOST 0 1; Unmap (VM 0) 0 1; Scrub 0 1;
           Trans 0 1 (VM 0) HOST NONE OWNED; Map HOST 0 1 OWNED].
Proof. vm_compute. repeat split; reflexivity. Qed.

(* The broken twin VRM_TWIN_NO_OWNER_CHECK (lib/pool/transitions.c): a hyp
   page the hyp allocated is given by the "host" to VM 0, which then maps
   it -- isolation broken; the real donate refuses with -EPERM. *)
Definition m_hyp := fst (fst (hyp_alloc c4 (fst (boot_assign c4 m4 2 0 1 HYP)) false 0)).

Definition tw_run := donate_gen false c4 m_hyp 2 0 1 HOST (VM 0).

Theorem twin_no_owner_check_breaks_isolation :
  owner (get (recs m_hyp) 1) = HYP /\
  ret_of (donate c4 m_hyp 2 0 1 HOST (VM 0)) = EPERM /\
  snd tw_run = 0%Z /\ owner (get (recs (fst tw_run)) 1) = VM 0 /\
  In (Map (VM 0) 1 1 OWNED) (evs (fst tw_run)).
Proof. vm_compute. repeat split; auto 10. Qed.
