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

(* ---- share and boot_assign -------------------------------------------- *)

(* share: records well formed, and the pages of the call's range [i, e)
   owned by [o] (the check phase says so; no step of share changes an
   owner). *)
Definition SQ (c : cfg) (o i e : nat) (l : list rec) :=
  length l = npages c /\ AllQ (fun j r => wf c r /\ (i <= j < e -> owner r = o)) l.

Lemma SQ_P : forall c o i e l, SQ c o i e l -> P c l.
Proof. intros c o i e l [H1 H2]; split; auto; intros j Hj; apply H2; auto. Qed.

Lemma SQ_tr_keep : forall c o i e m s k op p a,
  (forall r, wf c r -> wf c (apply r op p a)) ->
  (forall r, owner (apply r op p a) = owner r) ->
  SQ c o i e (recs m) -> SQ c o i e (recs (tr m s k op p a)).
Proof.
  intros c o i e m s k op p a Hw Ho [H1 H2]; split; [rewrite len_tr; auto|].
  apply AllQ_tr; auto. intros j r _ [Hr Hj]; split; auto. rewrite Ho; auto.
Qed.

Lemma SQ_tr_share : forall c o b i e m s k q l,
  share_pair_ok c o b = true -> In (s, k) (runs q l i e) ->
  SQ c o i e (recs m) -> SQ c o i e (recs (tr m s k SHARE b F0)).
Proof.
  intros c o b i e m s k q l Hp Hin [H1 H2]; split; [rewrite len_tr; auto|].
  apply AllQ_tr; auto. intros j r Hj [Hr Ho]. apply in_run_iff in Hj.
  pose proof (runs_bounds _ _ _ _ _ _ Hin j Hj) as Hb. specialize (Ho Hb).
  split; [apply wf_share; auto; rewrite Ho; auto|]. intros _; simpl; auto.
Qed.

Lemma SQ_call : forall c o i e m ev m' r, call m ev = (m', r) ->
  SQ c o i e (recs m) -> SQ c o i e (recs m').
Proof. intros; erewrite cb_recs; eauto. Qed.

Ltac prove_SQ :=
  repeat match goal with
  | |- SQ _ _ _ _ (recs (fst (map _ _ _ _ _))) => rewrite recs_map
  | |- SQ _ _ _ _ (recs (rb_fail _ _)) => unfold rb_fail; rewrite recs_note
  | |- SQ _ _ _ _ (recs (tr _ _ _ SHARE _ _)) => eapply SQ_tr_share; [eassumption|eassumption|]
  | |- SQ _ _ _ _ (recs (tr _ _ _ _ _ _)) =>
      apply SQ_tr_keep; [intros ? ?; wf_step|intros ?; first [reflexivity|simpl; destruct (_ <=? _); reflexivity]|]
  | |- SQ _ _ _ _ (recs (loop _ _ _)) => apply loop_keeps; [intros ? ? ? ? ?; cbv beta|]
  | H : loop_ret ?rs ?m0 ?bd = (?m1, ?r, ?f) |- SQ _ _ _ _ (recs ?m1) =>
      apply (loop_ret_keeps (SQ _ _ _ _) rs m0 bd m1 r f); [intros ? ? ? ? ?; cbv beta| |exact H]
  | H : call _ _ = (?m1, _) |- SQ _ _ _ _ (recs ?m1) => eapply SQ_call; [exact H|]
  | H : reserve _ _ _ _ = (?m1, _) |- SQ _ _ _ _ (recs ?m1) => eapply SQ_call; [exact H|]
  | H : unmap _ _ _ _ = (?m1, _) |- SQ _ _ _ _ (recs ?m1) => eapply SQ_call; [exact H|]
  | H : map _ _ _ _ _ = (?m1, _) |- SQ _ _ _ _ (recs ?m1) => eapply SQ_call; [exact H|]
  | |- SQ _ _ _ _ (recs (fst (reserve _ _ _ _))) => unfold reserve; rewrite recs_call
  | |- SQ _ _ _ _ (recs (fst (unmap _ _ _ _))) => unfold unmap; rewrite recs_call
  | |- SQ _ _ _ _ (recs (match ?x with _ => _ end)) => let E := fresh in destruct x eqn:E
  end; auto.

Lemma share_P : forall c m pfn off n o b m' r,
  share c m pfn off n o b = (m', r) -> P c (recs m) -> P c (recs m').
Proof.
  intros c m pfn off n o b m' r H Hm. unfold share in H.
  destruct (pool_range c pfn off n) as [idx|] eqn:R; [|inversion H; subst; auto].
  destruct (share_pair_ok c o b) eqn:Hp; simpl in H; [|inversion H; subst; auto].
  destruct (Z.eqb (first_err (fun j => share_page o b (get (recs m) j)) idx n) 0) eqn:Z0;
    simpl in H; [|inversion H; subst; auto].
  apply Z.eqb_eq in Z0.
  assert (HS : SQ c o idx (idx + n) (recs m)).
  { destruct Hm as [Hl Hw]; split; auto. intros j Hj; split; [apply Hw; auto|].
    intros Hr. pose proof (first_err_zero _ _ _ Z0 j Hr) as Z1. unfold share_page in Z1.
    destruct (owner (get (recs m) j) =? o) eqn:Ho; [apply Nat.eqb_eq; auto|discriminate]. }
  apply (SQ_P c o idx (idx + n)). clear Hm Z0 R.
  split_all H; auto; prove_SQ.
Qed.

Lemma boot_assign_P : forall c m pfn off n o m' r,
  boot_assign c m pfn off n o = (m', r) -> P c (recs m) -> P c (recs m').
Proof.
  intros c m pfn off n o m' r H Hm. unfold boot_assign in H.
  destruct (pool_range c pfn off n) as [idx|]; [|inversion H; subst; auto].
  destruct ((o =? NONE) || (o =? HYP) || (o =? HOST)) eqn:Ho; simpl in H;
    [|inversion H; subst; auto].
  destruct (Z.eqb _ 0); simpl in H; inversion H; subst; clear H; auto.
  apply P_tr; auto. intros r0 _.
  destruct (o =? HYP) eqn:E2; [apply Nat.eqb_eq in E2; subst; apply wf_give; auto|].
  destruct (o =? NONE) eqn:E1; [apply Nat.eqb_eq in E1; subst; apply wf_give; auto; simpl; discriminate|].
  destruct (o =? HOST) eqn:E3; [|discriminate]. apply Nat.eqb_eq in E3; subst.
  apply wf_give; auto; simpl; discriminate.
Qed.

(* Records well formed before => well formed after, for every operation
   (donate, share, unshare, reclaim, hyp_alloc, hyp_free, boot_assign),
   every fault schedule (whatever each callback returns) and cursor. *)
Theorem Inv_apply : forall c m o, Inv c (recs m) ->
  Inv c (recs (fst (fst (run_op c m o)))).
Proof.
  intros c m o Hm. change (P c (recs (fst (fst (run_op c m o))))). unfold run_op, run_gen.
  destruct o.
  - destruct (donate_gen true c m pfn off n from to) eqn:E; simpl; eapply donate_P; eauto.
  - destruct (share c m pfn off n o b) eqn:E; simpl; eapply share_P; eauto.
  - destruct (unshare c m pfn off n o b) eqn:E; simpl; eapply unshare_P; eauto.
  - destruct (reclaim_gen true c m vm) eqn:E; simpl; eapply reclaim_P; eauto.
  - destruct (hyp_alloc c m pa_null order) as [[m' r] i] eqn:E; simpl; eapply hyp_alloc_P; eauto.
  - destruct (hyp_free c m pfn off order) eqn:E; simpl; eapply hyp_free_P; eauto.
  - destruct (boot_assign c m pfn off n o) eqn:E; simpl; eapply boot_assign_P; eauto.
Qed.

(* ---- rejected calls change nothing ------------------------------------ *)

(* [ncb] counts the ops callbacks (reserve, unmap, map) an operation made. *)
Lemma ncb_call : forall m e m' r, call m e = (m', r) -> ncb m' = S (ncb m).
Proof. intros m e m' r H; unfold call in H; inversion H; reflexivity. Qed.

Ltac ncb_simpl_in H :=
  cbn [ncb fst snd tr note call reserve unmap map scrub rb_fail set_cursor is_ownership] in H.
Ltac ncb_simpl :=
  cbn [ncb fst snd tr note call reserve unmap map scrub rb_fail set_cursor is_ownership].

Lemma loop_ncb : forall rs m body, (forall m s n, ncb m <= ncb (body m s n)) ->
  ncb m <= ncb (loop rs m body).
Proof.
  induction rs as [|[s n] t IH]; intros m body Hb; simpl; auto.
  specialize (IH (body m s n) body Hb). specialize (Hb m s n). lia.
Qed.

Lemma loop_ret_ncb : forall rs m body m' r f,
  (forall m s n, ncb m < ncb (fst (body m s n))) ->
  loop_ret rs m body = (m', r, f) -> ncb m <= ncb m' /\ (r <> 0%Z -> ncb m < ncb m').
Proof.
  induction rs as [|[s n] t IH]; intros m body m' r f Hb E; simpl in E.
  - inversion E; subst; split; [lia|intros H; exfalso; apply H; reflexivity].
  - destruct (body m s n) as [m1 r1] eqn:B. pose proof (Hb m s n) as H1.
    rewrite B in H1; simpl in H1. destruct (Z.eqb r1 0).
    + destruct (IH m1 body m' r f Hb E). split; intros; lia.
    + inversion E; subst. split; intros; lia.
Qed.

Ltac ncb_body :=
  intros; cbv beta;
  repeat match goal with
  | |- context [match ?x with _ => _ end] =>
      let E := fresh in destruct x eqn:E;
      try (apply ncb_call in E; ncb_simpl_in E)
  end; ncb_simpl; lia.

Lemma remap_ncb : forall c m vm o b, ncb m <= ncb (remap_vm c m vm o b).
Proof.
  intros; unfold remap_vm.
  match goal with |- _ <= ncb (loop _ ?m0 _) =>
    apply (Nat.le_trans _ (ncb m0)); [|apply loop_ncb; ncb_body] end.
  apply loop_ncb; ncb_body.
Qed.

Ltac ncb_facts :=
  repeat match goal with
  | H : call _ _ = (_, _) |- _ => apply ncb_call in H; ncb_simpl_in H
  | H : reserve _ _ _ _ = (_, _) |- _ => apply ncb_call in H; ncb_simpl_in H
  | H : unmap _ _ _ _ = (_, _) |- _ => apply ncb_call in H; ncb_simpl_in H
  | H : map _ _ _ _ _ = (_, _) |- _ => apply ncb_call in H; ncb_simpl_in H
  | H : loop_ret _ _ _ = (_, _, _) |- _ =>
      apply loop_ret_ncb in H; [ncb_simpl_in H|ncb_body]
  | H : context [loop ?rs ?m0 ?body] |- _ =>
      let X := fresh in
      assert (X : ncb m0 <= ncb (loop rs m0 body)) by (apply loop_ncb; ncb_body);
      ncb_simpl_in X;
      let L := fresh "L" in set (L := loop rs m0 body) in *; clearbody L
  | H : context [remap_vm ?c ?m0 ?vm ?o ?b] |- _ =>
      let X := fresh in
      assert (X : ncb m0 <= ncb (remap_vm c m0 vm o b)) by apply remap_ncb;
      ncb_simpl_in X;
      let L := fresh "L" in set (L := remap_vm c m0 vm o b) in *; clearbody L
  | H : context [ncb (match ?x with _ => _ end)] |- _ => destruct x; ncb_simpl_in H
  | H : negb _ = true |- _ => apply negb_true_iff in H
  | H : negb _ = false |- _ => apply negb_false_iff in H
  | H : Z.eqb _ _ = true |- _ => apply Z.eqb_eq in H
  | H : Z.eqb _ _ = false |- _ => apply Z.eqb_neq in H
  end.

Ltac ncb_goal :=
  repeat match goal with
  | |- _ < ncb (loop _ ?m0 _) =>
      apply (Nat.lt_le_trans _ (ncb m0)); [|apply loop_ncb; ncb_body]
  | |- _ < ncb (remap_vm _ ?m0 _ _ _) =>
      apply (Nat.lt_le_trans _ (ncb m0)); [|apply remap_ncb]
  | |- _ < ncb (match ?x with _ => _ end) => destruct x
  | |- _ => progress ncb_simpl
  end.

Ltac rej_tac E Hr :=
  split_all E; ncb_facts; cbn [fst snd] in Hr;
  first [ exfalso; apply Hr; reflexivity | left; reflexivity
        | right; ncb_goal; lia ].

Lemma run_op_rejected : forall c m o,
  snd (fst (run_op c m o)) <> 0%Z ->
  fst (fst (run_op c m o)) = m \/ ncb m < ncb (fst (fst (run_op c m o))).
Proof.
  intros c m o. unfold run_op, run_gen. destruct o.
  - destruct (donate_gen true c m pfn off n from to) as [m' r] eqn:E; simpl; intros Hr.
    unfold donate_gen in E. rej_tac E Hr.
  - destruct (share c m pfn off n o b) as [m' r] eqn:E; simpl; intros Hr.
    unfold share in E. rej_tac E Hr.
  - destruct (unshare c m pfn off n o b) as [m' r] eqn:E; simpl; intros Hr.
    unfold unshare in E. rej_tac E Hr.
  - destruct (reclaim_gen true c m vm) as [m' r] eqn:E; simpl; intros Hr.
    unfold reclaim_gen, unmap_vm in E. rej_tac E Hr.
  - destruct (hyp_alloc c m pa_null order) as [[m' r] i] eqn:E; simpl; intros Hr.
    unfold hyp_alloc in E. rej_tac E Hr.
  - destruct (hyp_free c m pfn off order) as [m' r] eqn:E; simpl; intros Hr.
    unfold hyp_free in E. rej_tac E Hr.
  - destruct (boot_assign c m pfn off n o) as [m' r] eqn:E; simpl; intros Hr.
    unfold boot_assign in E. rej_tac E Hr.
Qed.

(* An operation that returns an error and made no ops callback (the error
   came from its check phase) changed nothing: records, cursor, log (so no
   map, unmap, scrub or transition was logged) and callback count are as
   before.  For every fault schedule and cursor. *)
Theorem rejected_no_effect : forall c m o,
  snd (fst (run_op c m o)) <> 0%Z -> ncb (fst (fst (run_op c m o))) = ncb m ->
  fst (fst (run_op c m o)) = m.
Proof.
  intros c m o Hr Hn. destruct (run_op_rejected c m o Hr) as [H|H]; auto. lia.
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

(* ---- reclaim: the host maps only what was unmapped and scrubbed ------- *)

(* No map-for-the-host event. *)
Definition NoHM (X : list ev) : Prop := forall s k st, ~ In (Map HOST s k st) X.

(* In the events [E] (oldest first), every map of a page for the host is
   preceded by a scrub covering the page and, before that, an unmap from
   the VM [vm] covering it. *)
Definition scrub_before_host_map (vm : nat) (E : list ev) : Prop :=
  forall i s k st j, nth_error E i = Some (Map HOST s k st) -> s <= j < s + k ->
  exists i2 s2 k2 i1 s1 k1, i2 < i1 < i /\
    nth_error E i2 = Some (Unmap vm s2 k2) /\ s2 <= j < s2 + k2 /\
    nth_error E i1 = Some (Scrub s1 k1) /\ s1 <= j < s1 + k1.

Lemma Good_nohm : forall vm E, NoHM E -> scrub_before_host_map vm E.
Proof.
  intros vm E H i s k st j Hi _. exfalso; eapply H; eapply nth_error_In; eauto.
Qed.

Lemma Good_app_nohm : forall vm E X, scrub_before_host_map vm E -> NoHM X ->
  scrub_before_host_map vm (E ++ X).
Proof.
  intros vm E X HG HX i s k st j Hi Hj. destruct (lt_dec i (length E)) as [L|L].
  - rewrite nth_error_app1 in Hi by auto.
    destruct (HG i s k st j Hi Hj) as (i2 & s2 & k2 & i1 & s1 & k1 & Hlt & H2 & C2 & H1 & C1).
    exists i2, s2, k2, i1, s1, k1. rewrite !nth_error_app1 by lia. auto.
  - rewrite nth_error_app2 in Hi by lia. exfalso; eapply HX; eapply nth_error_In; eauto.
Qed.

Lemma Good_hand : forall vm E s k t st, scrub_before_host_map vm E ->
  In (Unmap vm s k) E -> (forall a b d, t <> Map HOST a b d) ->
  scrub_before_host_map vm (E ++ [Scrub s k; t; Map HOST s k st]).
Proof.
  intros vm E s k t st HG HU Ht i s' k' st' j Hi Hj.
  destruct (lt_dec i (length E)) as [L|L].
  - rewrite nth_error_app1 in Hi by auto.
    destruct (HG i s' k' st' j Hi Hj) as (i2 & s2 & k2 & i1 & s1 & k1 & Hlt & H2 & C2 & H1 & C1).
    exists i2, s2, k2, i1, s1, k1. rewrite !nth_error_app1 by lia. auto.
  - rewrite nth_error_app2 in Hi by lia.
    destruct (i - length E) as [|[|[|x]]] eqn:D; simpl in Hi; inversion Hi; subst.
    + exfalso; eapply Ht; eauto.
    + destruct (In_nth_error _ _ HU) as [i2 H2].
      assert (i2 < length E) by (apply nth_error_Some; rewrite H2; discriminate).
      exists i2, s', k', (length E), s', k'. split; [lia|].
      rewrite nth_error_app1 by auto. rewrite nth_error_app2, Nat.sub_diag by lia.
      auto.
    + destruct x; discriminate.
Qed.

(* m' only appended events that are no map for the host. *)
Definition Ext (m m' : ms) : Prop := exists X, evs m' = evs m ++ X /\ NoHM X.

Lemma Ext_refl : forall m, Ext m m.
Proof. intros m; exists []; rewrite app_nil_r; split; auto; intros ? ? ? []. Qed.

Lemma Ext_trans : forall a b d, Ext a b -> Ext b d -> Ext a d.
Proof.
  intros a b d [X [H1 H2]] [Y [H3 H4]]. exists (X ++ Y). rewrite H3, H1, app_assoc.
  split; auto. intros s k st Hin; apply in_app_or in Hin as [Hin|Hin]; [eapply H2|eapply H4]; eauto.
Qed.

Lemma evs_note : forall m e r, evs (note m e r) = evs m ++ [e].
Proof. intros; unfold evs, note; simpl; rewrite map_app; reflexivity. Qed.

Lemma evs_call : forall m e m' r, call m e = (m', r) -> evs m' = evs m ++ [e].
Proof. intros m e m' r H; unfold call in H; inversion H; subst; unfold evs; simpl; rewrite map_app; reflexivity. Qed.

Lemma Ext_note_r : forall m0 m1 e r, Ext m0 m1 -> (forall a b d, e <> Map HOST a b d) ->
  Ext m0 (note m1 e r).
Proof.
  intros m0 m1 e r H He. apply (Ext_trans _ m1); auto. exists [e]; rewrite evs_note; split; auto.
  intros a b d [Hx|[]]; eapply He; eauto.
Qed.

Lemma Ext_call_r : forall m0 m1 e m2 r, Ext m0 m1 -> call m1 e = (m2, r) ->
  (forall a b d, e <> Map HOST a b d) -> Ext m0 m2.
Proof.
  intros m0 m1 e m2 r H Hc He. apply (Ext_trans _ m1); auto. exists [e].
  rewrite (evs_call _ _ _ _ Hc); split; auto. intros a b d [Hx|[]]; eapply He; eauto.
Qed.

Lemma Ext_fst_call_r : forall m0 m1 e, Ext m0 m1 ->
  (forall a b d, e <> Map HOST a b d) -> Ext m0 (fst (call m1 e)).
Proof. intros m0 m1 e H He; eapply Ext_call_r; eauto; reflexivity. Qed.

Lemma Ext_tr_r : forall m0 m1 s k o p a, Ext m0 m1 -> Ext m0 (tr m1 s k o p a).
Proof.
  intros m0 m1 s k o p a H. unfold tr. destruct (is_ownership o).
  - apply Ext_note_r; [|intros ? ? ? ?; discriminate].
    apply (Ext_trans _ m1); auto; exists []; rewrite app_nil_r; split; [reflexivity|intros ? ? ? []].
  - apply (Ext_trans _ m1); auto; exists []; rewrite app_nil_r; split; [reflexivity|intros ? ? ? []].
Qed.

Lemma Ext_loop_r : forall rs m0 m1 body, Ext m0 m1 ->
  (forall m s k, In (s, k) rs -> Ext m (body m s k)) -> Ext m0 (loop rs m1 body).
Proof.
  induction rs as [|[s k] t IH]; intros m0 m1 body H Hb; simpl; auto.
  apply IH; [apply (Ext_trans _ m1); auto; apply Hb; left; auto|].
  intros; apply Hb; right; auto.
Qed.

Lemma Ext_loop_ret_r : forall rs m0 m1 body m2 r f, Ext m0 m1 ->
  (forall m s k, In (s, k) rs -> Ext m (fst (body m s k))) ->
  loop_ret rs m1 body = (m2, r, f) -> Ext m0 m2.
Proof.
  induction rs as [|[s k] t IH]; intros m0 m1 body m2 r f H Hb E; simpl in E.
  - inversion E; subst; auto.
  - destruct (body m1 s k) as [m3 r3] eqn:B.
    assert (Ext m0 m3).
    { apply (Ext_trans _ m1); auto. replace m3 with (fst (body m1 s k)) by (rewrite B; auto).
      apply Hb; left; auto. }
    destruct (Z.eqb r3 0); [|inversion E; subst; auto].
    eapply IH; eauto. intros; apply Hb; right; auto.
Qed.

Lemma Ext_call_h : forall m1 e m2 r, call m1 e = (m2, r) -> forall m0, Ext m0 m1 ->
  (forall a b d, e <> Map HOST a b d) -> Ext m0 m2.
Proof. intros; eapply Ext_call_r; eauto. Qed.

Lemma Ext_loop_ret_h : forall rs m1 body m2 r f, loop_ret rs m1 body = (m2, r, f) ->
  forall m0, Ext m0 m1 -> (forall m s k, In (s, k) rs -> Ext m (fst (body m s k))) -> Ext m0 m2.
Proof. intros; eapply Ext_loop_ret_r; eauto. Qed.

Ltac not_hm :=
  let a := fresh in let b := fresh in let d := fresh in let Heq := fresh in
  intros a b d Heq; inversion Heq; subst;
  try match goal with H : is_vm _ = true |- _ => vm_compute in H; discriminate end.

Ltac ext_tac :=
  repeat match goal with
  | |- Ext ?a ?a => apply Ext_refl
  | |- Ext _ (loop _ _ _) => apply Ext_loop_r; [|intros ? ? ? _; cbv beta]
  | |- Ext _ (tr _ _ _ _ _ _) => apply Ext_tr_r
  | |- Ext _ (rb_fail _ _) => unfold rb_fail; apply Ext_note_r; [|not_hm]
  | |- Ext _ (fst (reserve _ _ _ _)) => apply Ext_fst_call_r; [|not_hm]
  | |- Ext _ (fst (unmap _ _ _ _)) => apply Ext_fst_call_r; [|not_hm]
  | |- Ext _ (fst (map _ _ _ _ _)) => apply Ext_fst_call_r; [|not_hm]
  | H : reserve _ _ _ _ = (?m, _) |- Ext _ ?m => apply (Ext_call_h _ _ _ _ H); [|not_hm]
  | H : unmap _ _ _ _ = (?m, _) |- Ext _ ?m => apply (Ext_call_h _ _ _ _ H); [|not_hm]
  | H : map _ _ _ _ _ = (?m, _) |- Ext _ ?m => apply (Ext_call_h _ _ _ _ H); [|not_hm]
  | H : loop_ret _ _ _ = (?m, _, _) |- Ext _ ?m =>
      apply (Ext_loop_ret_h _ _ _ _ _ _ H); [|intros ? ? ? _; cbv beta]
  | |- Ext _ (fst (_, _)) => cbn [fst]
  | |- Ext _ (fst (match ?x with _ => _ end)) => let E := fresh in destruct x eqn:E
  | |- Ext _ (match ?x with _ => _ end) => let E := fresh in destruct x eqn:E
  end.

Lemma Ext_remap_r : forall c m0 m1 vm o b, is_vm vm = true -> Ext m0 m1 ->
  Ext m0 (remap_vm c m1 vm o b).
Proof. intros c m0 m1 vm o b Hv H. unfold remap_vm. ext_tac; auto. Qed.

Lemma Ext_final : forall vm m m', Ext m m' ->
  exists E, evs m' = evs m ++ E /\ scrub_before_host_map vm E.
Proof. intros vm m m' [X [H1 H2]]; exists X; split; auto; apply Good_nohm; auto. Qed.

(* ... and, in addition, every run of [rs] was unmapped from [vm]. *)
Definition GF (vm : nat) (rs : list (nat * nat)) (m0 m : ms) : Prop :=
  exists E, evs m = evs m0 ++ E /\ scrub_before_host_map vm E /\
    forall s k, In (s, k) rs -> In (Unmap vm s k) E.

Lemma GF_ext : forall vm rs m0 m1 m2, GF vm rs m0 m1 -> Ext m1 m2 -> GF vm rs m0 m2.
Proof.
  intros vm rs m0 m1 m2 (E & H1 & H2 & H3) (X & H4 & H5). exists (E ++ X).
  rewrite H4, H1, app_assoc. split; auto. split; [apply Good_app_nohm; auto|].
  intros; apply in_or_app; left; auto.
Qed.

Lemma unmaps_ev : forall vm rs m1 m2 f,
  loop_ret rs m1 (fun m s k => unmap m vm s k) = (m2, 0%Z, f) ->
  exists X, evs m2 = evs m1 ++ X /\ NoHM X /\ forall s k, In (s, k) rs -> In (Unmap vm s k) X.
Proof.
  intros vm; induction rs as [|[s k] t IH]; intros m1 m2 f E; cbn [loop_ret] in E.
  - inversion E; subst. exists []; rewrite app_nil_r; split; auto; split; [intros ? ? ? []|].
    intros ? ? [].
  - destruct (unmap m1 vm s k) as [m3 r3] eqn:U. destruct (Z.eqb r3 0) eqn:Z3.
    + destruct (IH m3 m2 f E) as (X & H1 & H2 & H3). exists (Unmap vm s k :: X).
      rewrite H1, (evs_call _ _ _ _ U), <- app_assoc. split; [reflexivity|split].
      * intros a b d [Hx|Hx]; [discriminate|eapply H2; eauto].
      * intros s' k' [Hx|Hx]; [inversion Hx; subst; left; auto|right; auto].
    + inversion E; subst. discriminate.
Qed.

Lemma GF_unmaps : forall vm rs m0 m1 m2 f, Ext m0 m1 ->
  loop_ret rs m1 (fun m s k => unmap m vm s k) = (m2, 0%Z, f) -> GF vm rs m0 m2.
Proof.
  intros vm rs m0 m1 m2 f (Y & H1 & H2) L. destruct (unmaps_ev _ _ _ _ _ L) as (X & H3 & H4 & H5).
  exists (Y ++ X). rewrite H3, H1, app_assoc. split; auto. split.
  - apply Good_nohm. intros a b d Hin; apply in_app_or in Hin as [Hin|Hin]; [eapply H2|eapply H4]; eauto.
  - intros; apply in_or_app; right; auto.
Qed.

Lemma evs_tr_give : forall m s k p a, exists t, evs (tr m s k GIVE p a) = evs m ++ [t] /\
  forall x y z, t <> Map HOST x y z.
Proof. intros; unfold tr; simpl. eexists; rewrite evs_note; split; [reflexivity|]. intros; discriminate. Qed.

Lemma GF_hand : forall vm rs m0 m1 s k, GF vm rs m0 m1 -> In (s, k) rs ->
  GF vm rs m0 (fst (map (tr (scrub m1 s k) s k GIVE HOST FPEND) HOST s k OWNED)).
Proof.
  intros vm rs m0 m1 s k (E & H1 & H2 & H3) Hin.
  destruct (evs_tr_give (scrub m1 s k) s k HOST FPEND) as (t & Ht & Hn).
  exists (E ++ [Scrub s k; t; Map HOST s k OWNED]). split; [|split].
  - unfold map. rewrite (evs_call _ _ _ _ (surjective_pairing _)), Ht. unfold scrub.
    rewrite evs_note, H1. rewrite <- !app_assoc. reflexivity.
  - apply Good_hand; auto.
  - intros; apply in_or_app; left; auto.
Qed.

Lemma GF_loop_ret : forall vm rs m0 rs' m1 body m2 r f, GF vm rs m0 m1 ->
  (forall m s k, In (s, k) rs' -> GF vm rs m0 m -> GF vm rs m0 (fst (body m s k))) ->
  loop_ret rs' m1 body = (m2, r, f) -> GF vm rs m0 m2.
Proof.
  intros vm rs m0 rs'; induction rs' as [|[s k] t IH]; intros m1 body m2 r f H Hb E; simpl in E.
  - inversion E; subst; auto.
  - destruct (body m1 s k) as [m3 r3] eqn:B.
    assert (GF vm rs m0 m3) by (replace m3 with (fst (body m1 s k)) by (rewrite B; auto);
                                apply Hb; [left|]; auto).
    destruct (Z.eqb r3 0); [|inversion E; subst; auto].
    eapply IH; eauto. intros; apply Hb; [right|]; auto.
Qed.

Lemma GF_final : forall vm rs m0 m, GF vm rs m0 m ->
  exists E, evs m = evs m0 ++ E /\ scrub_before_host_map vm E.
Proof. intros vm rs m0 m (E & H1 & H2 & _); eauto. Qed.

Lemma recs_loop_ret_cb : forall rs m body m' r f,
  (forall m s n, recs (fst (body m s n)) = recs m) ->
  loop_ret rs m body = (m', r, f) -> recs m' = recs m.
Proof.
  intros rs m body m' r f Hb E.
  apply (loop_ret_keeps (fun l => l = recs m) rs m body m' r f); auto.
  intros m1 s n _ H; rewrite Hb; auto.
Qed.

Lemma recs_loop_ret_cb_h : forall rs m body m' r f, loop_ret rs m body = (m', r, f) ->
  (forall m s n, recs (fst (body m s n)) = recs m) -> recs m' = recs m.
Proof. intros; eapply recs_loop_ret_cb; eauto. Qed.

Ltac ext_tac2 :=
  repeat (ext_tac; try match goal with
  | |- Ext _ (remap_vm _ _ _ _ _) => apply Ext_remap_r; [assumption|]
  end).

Ltac rc_split :=
  repeat (match goal with
  | |- context [loop_ret ?rs ?m0 ?b] =>
      let L := fresh "L" in destruct (loop_ret rs m0 b) as [[? ?] ?] eqn:L
  | |- context [Z.eqb ?r 0] => let Z := fresh "Z" in destruct (Z.eqb r 0) eqn:Z
  | |- context [match runs ?p ?l ?i ?e with _ => _ end] =>
      let R := fresh "R" in destruct (runs p l i e) eqn:R
  end; cbv beta iota zeta delta [negb];
  try solve [match goal with H : Z.eqb _ 0 = false |- _ => vm_compute in H; discriminate H end]).

Lemma recs_body_cb : forall (f : ms -> ms * Z) m, (forall m, recs (fst (f m)) = recs m) ->
  recs (fst (f m)) = recs m.
Proof. auto. Qed.

(* Reclaim of a VM, every fault schedule: in the events it logged, every
   map for the host of a page comes after a scrub covering the page, which
   comes after an unmap from the VM covering it. *)
Theorem reclaim_scrub_before_host_map : forall c m vm,
  exists E, evs (fst (reclaim c m vm)) = evs m ++ E /\ scrub_before_host_map vm E.
Proof.
  intros c m vm. unfold reclaim, reclaim_gen, unmap_vm.
  destruct (negb (is_vm vm && actor_ok c vm)) eqn:Hv;
    [apply Ext_final; apply Ext_refl|].
  assert (Hvm : is_vm vm = true) by (destruct (is_vm vm); auto).
  cbv beta iota zeta delta [negb].
  rc_split; cbn [fst snd]; try discriminate; try solve [apply Ext_final; ext_tac2].
  all: match goal with
  | Lu : loop_ret (runs (owned_by ?v) (recs ?mA) 0 ?e) ?mA _ = (?mB, ?zB, ?nB),
    Zu : Z.eqb ?zB 0 = true,
    Lb : loop_ret (runs (borrowed_by ?v) (recs ?mB) 0 ?e) ?mB _ = (?mC, _, _),
    Lh : loop_ret (runs (owned_by ?v) (recs ?mC) 0 ?e) ?mC
           _ = (?m4, ?z3, ?n3) |- _ =>
      apply Z.eqb_eq in Zu; subst zB;
      assert (HrB : recs mB = recs mA) by (apply (recs_loop_ret_cb_h _ _ _ _ _ _ Lu); intros; reflexivity);
      assert (HrC : recs mC = recs mB) by (apply (recs_loop_ret_cb_h _ _ _ _ _ _ Lb); intros; reflexivity);
      assert (G1 : GF v (runs (owned_by vm) (recs mA) 0 e) m mB)
        by (apply (GF_unmaps _ _ _ mA _ nB); [ext_tac2|exact Lu]);
      assert (G2 : GF v (runs (owned_by vm) (recs mA) 0 e) m mC)
        by (apply (GF_ext _ _ _ mB); [exact G1|ext_tac2]);
      assert (G3 : GF v (runs (owned_by vm) (recs mA) 0 e) m m4)
        by (refine (GF_loop_ret _ _ _ _ _ _ _ _ _ G2 _ Lh);
            intros ? ? ? Hin HG; cbv beta; apply GF_hand; [exact HG|];
            rewrite HrC, HrB in Hin; exact Hin);
      eapply GF_final; eapply GF_ext; [exact G3|]; ext_tac2
  end.
Qed.
