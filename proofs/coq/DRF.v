(* DRF.v -- DRF-Kernel and No-Barrier-Misuse for data protected by the
   ticket lock of Ticket.v.

   An execution is a trace (list of events, in interleaving order) produced
   by the ticket-lock transition system of Ticket.v plus accesses to shared,
   lock-protected data.  The DRF-Kernel discipline is built into the model:
   a thread can perform an access only while it is in its critical section
   (this is what the C checker's "held by me" assertions enforce).

   Happens-before is built only from
     - program order (po): earlier and later events of the same thread, and
     - synchronises-with (sw): the release that ends critical section k
       (vrm_ticket_unlock: STLRH/STADDLH writes owner = k+1) to the acquire
       that reads owner = k+1 (LDAXRH in vrm_ticket_lock, or the successful
       CAS step of vrm_ticket_trylock, Ticket.v's two-step model: the
       aarch64 CASA / LDAXR reads the owner half with acquire; the generic
       C's acquire load of owner is po-before its CAS, so its
       happens-before contains this edge too),
   closed transitively.  No-Barrier-Misuse is exactly the requirement that
   these two edges exist (acquire on the lock-taking load, release on the
   unlock store); nothing else orders events of different threads.

   Theorem [drf]: any two accesses to protected data by different threads
   are ordered by happens-before, i.e. the kernel is data-race free.

   Broken twins: [twin_no_sw_race] (without the sw edge, i.e. without
   the release/acquire pair, the run of [drf_nonvacuous] has two writes of
   one location by two threads unordered by happens-before) and
   [twin_unlocked_access_race] (an access outside the critical section,
   DRF-Kernel dropped, races with the holder's access even with sw).
   All of this is about the SC interleaving model; the Arm-model
   counterparts are in arm/. *)

Require Import Arith Lia List.
Import ListNotations.
Require Import VRM.Ticket.

Inductive event : Type :=
| ETake (t k : nat)              (* ticket k taken (relaxed RMW on next) *)
| EAcq (t k : nat)               (* acquire read of owner = k: lock entered *)
| ERel (t k : nat)               (* release write owner := k+1: unlock *)
| ETryLoad (t o : nat)           (* trylock's first load (owner = o); no sw edge *)
| ETryFail (t : nat)             (* failed trylock CAS *)
| EAcc (t x : nat) (w : bool).   (* access to protected location x, w = write *)

Definition tid (e : event) : nat :=
  match e with
  | ETake t _ | EAcq t _ | ERel t _ | ETryLoad t _ | ETryFail t | EAcc t _ _ => t
  end.

Definition ev_of (l : label) : event :=
  match l with
  | LTake i t => ETake i t
  | LEnter i t => EAcq i t
  | LUnlock i t => ERel i t
  | LTryLoad i o => ETryLoad i o
  | LTryOk i t => EAcq i t
  | LTryFail i => ETryFail i
  end.

Inductive run (N : nat) : state -> list event -> Prop :=
| run_init : run N init []
| run_lock : forall s tr l s',
    run N s tr -> lstep N s l s' -> run N s' (tr ++ [ev_of l])
| run_access : forall s tr c k x w,
    run N s tr -> c < N -> pcs s c = Critical k -> run N s (tr ++ [EAcc c x w]).

Inductive hb (tr : list event) : nat -> nat -> Prop :=
| hb_po : forall i j e1 e2, i < j ->
    nth_error tr i = Some e1 -> nth_error tr j = Some e2 -> tid e1 = tid e2 -> hb tr i j
| hb_sw : forall i j t1 t2 k, i < j ->
    nth_error tr i = Some (ERel t1 k) -> nth_error tr j = Some (EAcq t2 (S k)) -> hb tr i j
| hb_trans : forall i j k, hb tr i j -> hb tr j k -> hb tr i k.

(* ---------------------------------------------------------------- *)
(* List lemmas. *)

Lemma nth_lt : forall (tr : list event) i e, nth_error tr i = Some e -> i < length tr.
Proof. intros. apply nth_error_Some. congruence. Qed.

Lemma nth_app_some : forall (tr l : list event) i e,
  nth_error tr i = Some e -> nth_error (tr ++ l) i = Some e.
Proof. intros. rewrite nth_error_app1; auto. eapply nth_lt; eauto. Qed.

Lemma nth_last : forall (tr : list event) e, nth_error (tr ++ [e]) (length tr) = Some e.
Proof. intros. rewrite nth_error_app2 by lia. rewrite Nat.sub_diag. reflexivity. Qed.

Lemma nth_app_inv : forall (tr : list event) e i e',
  nth_error (tr ++ [e]) i = Some e' -> nth_error tr i = Some e' \/ (i = length tr /\ e' = e).
Proof.
  intros tr e i e' H. destruct (lt_dec i (length tr)).
  - left. rewrite nth_error_app1 in H; auto.
  - right. rewrite nth_error_app2 in H by lia.
    destruct (i - length tr) eqn:E; simpl in H.
    + inversion H; split; auto; lia.
    + destruct n0; discriminate.
Qed.

Lemma hb_app : forall tr l i j, hb tr i j -> hb (tr ++ l) i j.
Proof.
  intros tr l i j H. induction H.
  - eapply hb_po; eauto using nth_app_some.
  - eapply hb_sw; eauto using nth_app_some.
  - eapply hb_trans; eauto.
Qed.

(* ---------------------------------------------------------------- *)
(* The invariant. *)

Definition is_acc (tr : list event) (i a : nat) : Prop :=
  exists x w, nth_error tr i = Some (EAcc a x w).

Definition no_critical (s : state) : Prop := forall c k, pcs s c <> Critical k.

Definition Frontier (s : state) (tr : list event) : Prop :=
  (* the current holder entered at q, and every earlier access is its own
     (after q) or happens-before q *)
  (forall c k, pcs s c = Critical k ->
     exists q, nth_error tr q = Some (EAcq c k) /\
       forall i a, is_acc tr i a -> (a = c /\ q < i) \/ hb tr i q) /\
  (* lock free: every access happens-before the last release *)
  (no_critical s ->
     (owner s = 0 -> forall i a, ~ is_acc tr i a) /\
     (forall o, owner s = S o ->
        exists r t, nth_error tr r = Some (ERel t o) /\ forall i a, is_acc tr i a -> hb tr i r)).

Definition RaceFree (tr : list event) : Prop :=
  forall i j a b, i < j -> is_acc tr i a -> is_acc tr j b -> a <> b -> hb tr i j.

Lemma is_acc_app_inv : forall tr e i a,
  is_acc (tr ++ [e]) i a -> is_acc tr i a \/ (i = length tr /\ exists x w, e = EAcc a x w).
Proof.
  intros tr e i a (x & w & H). apply nth_app_inv in H as [H|[-> H]].
  - left; exists x, w; auto.
  - right; split; auto; exists x, w; auto.
Qed.

Lemma is_acc_app : forall tr l i a, is_acc tr i a -> is_acc (tr ++ l) i a.
Proof. intros tr l i a (x & w & H). exists x, w. apply nth_app_some; auto. Qed.

Lemma is_acc_lt : forall tr i a, is_acc tr i a -> i < length tr.
Proof. intros tr i a (x & w & H). eapply nth_lt; eauto. Qed.

Lemma is_acc_app_nonacc : forall tr e i a,
  (forall a x w, e <> EAcc a x w) -> is_acc (tr ++ [e]) i a -> is_acc tr i a.
Proof.
  intros tr e i a He H. apply is_acc_app_inv in H as [H|[_ (x & w & E)]]; auto.
  exfalso; eapply He; eauto.
Qed.

Lemma ev_of_nonacc : forall l a x w, ev_of l <> EAcc a x w.
Proof. destruct l; simpl; discriminate. Qed.

Lemma run_reachable : forall N s tr, run N s tr -> reachable N s.
Proof.
  intros N s tr H. induction H; auto.
  - constructor.
  - eapply r_step; eauto. exists l; auto.
Qed.

(* Race-freedom is preserved by appending a non-access event. *)
Lemma racefree_nonacc : forall tr e,
  (forall a x w, e <> EAcc a x w) -> RaceFree tr -> RaceFree (tr ++ [e]).
Proof.
  intros tr e He HR i j a b Hij Hi Hj Hab.
  apply is_acc_app_nonacc in Hi; auto. apply is_acc_app_nonacc in Hj; auto.
  apply hb_app. eapply HR; eauto.
Qed.

(* Entering the lock with ticket k when nobody holds it. *)
Lemma enter_frontier : forall s tr c k,
  no_critical s -> owner s = k -> Frontier s tr ->
  forall i a, is_acc (tr ++ [EAcq c k]) i a ->
     (a = c /\ length tr < i) \/ hb (tr ++ [EAcq c k]) i (length tr).
Proof.
  intros s tr c k Hnc Hk [_ F2] i a Hi.
  apply is_acc_app_nonacc in Hi; [|intros; discriminate].
  destruct (F2 Hnc) as [F0 FS]. destruct k as [|o].
  - exfalso. eapply F0; eauto.
  - destruct (FS o Hk) as (r & t & Hr & Hall). right.
    eapply hb_trans. apply hb_app, (Hall i a Hi).
    eapply hb_sw; [| apply nth_app_some; eauto | apply nth_last].
    eapply nth_lt; eauto.
Qed.

Theorem run_invariant : forall N s tr,
  run N s tr -> Frontier s tr /\ RaceFree tr.
Proof.
  intros N s tr H. induction H as [| s tr l s' Hrun IH Hs | s tr c k x w Hrun IH Hc Hk].
  - (* initial state *)
    split; [split|].
    + intros c k Hc. simpl in Hc. discriminate.
    + intros _. split.
      * intros _ i a (x & w & Hi). destruct i; discriminate.
      * intros o Ho. discriminate.
    + intros i j a b _ (x & w & Hi). destruct i; discriminate.
  - (* a lock step *)
    destruct IH as [[F1 F2] HR].
    pose proof (inv_reachable N s (run_reachable N s tr Hrun)) as HI.
    pose proof (run_reachable N s tr Hrun) as Hr.
    split; [| apply racefree_nonacc; auto using ev_of_nonacc].
    inversion Hs as [s0 i Hi Hp | s0 i t Hi Hp Ho | s0 i t Hi Hp | s0 i Hi Hp
                    | s0 i o Hi Hp Ho | s0 i o Hi Hp Ho];
      subst; simpl.
    + (* take: the set of critical threads is unchanged *)
      split.
      * intros c k Hck. simpl in Hck. destruct (Nat.eq_dec c i) as [->|Hne].
        { rewrite upd_eq in Hck. discriminate. }
        rewrite upd_neq in Hck by auto. destruct (F1 c k Hck) as (q & Hq & Hall).
        exists q. split; [apply nth_app_some; auto|].
        intros i0 a Ha. apply is_acc_app_nonacc in Ha; [|intros; discriminate].
        destruct (Hall i0 a Ha) as [?|?]; [left; auto | right; apply hb_app; eauto].
      * intros Hnc. simpl in *.
        assert (no_critical s) as Hnc0.
        { intros c k Hck. destruct (Nat.eq_dec c i) as [->|Hne]; [congruence|].
          apply (Hnc c k). simpl. rewrite upd_neq; auto. }
        destruct (F2 Hnc0) as [F0 FS]. split.
        { intros Ho i0 a Ha. apply is_acc_app_nonacc in Ha; [|intros; discriminate]. eapply F0; eauto. }
        { intros o Ho. destruct (FS o Ho) as (r & t & Hr' & Hall). exists r, t.
          split; [apply nth_app_some; auto|].
          intros i0 a Ha. apply is_acc_app_nonacc in Ha; [|intros; discriminate]. apply hb_app; eauto. }
    + (* enter with ticket t = owner *)
      assert (no_critical s) as Hnc.
      { intros c k Hck. destruct HI as (_ & _ & H3 & H4 & _). destruct (H3 c k Hck) as [-> _].
        destruct (Nat.eq_dec c i) as [->|Hne]; [congruence|].
        apply (H4 c i (owner s)); auto; [rewrite Hck | rewrite Hp]; reflexivity. }
      split.
      * intros c k Hck. simpl in Hck. destruct (Nat.eq_dec c i) as [->|Hne].
        { rewrite upd_eq in Hck. inversion Hck; subst. exists (length tr).
          split; [apply nth_last|]. eapply enter_frontier; eauto. split; auto. }
        rewrite upd_neq in Hck by auto. exfalso. eapply Hnc; eauto.
      * intros Hnc'. exfalso. eapply (Hnc' i). simpl. apply upd_eq.
    + (* unlock of ticket t = owner *)
      destruct HI as (_ & _ & H3 & H4 & _). destruct (H3 i t Hp) as [Ht _]. subst t.
      assert (no_critical (mk (S (owner s)) (next s) (upd (pcs s) i Idle))) as Hnc.
      { intros c k Hck. simpl in Hck. destruct (Nat.eq_dec c i) as [->|Hne].
        - rewrite upd_eq in Hck. discriminate.
        - rewrite upd_neq in Hck by auto. apply Hne.
          eapply mutual_exclusion; eauto. }
      split.
      * intros c k Hck. exfalso. eapply Hnc; eauto.
      * intros _. simpl. split; [intros; lia|].
        intros o Ho. inversion Ho; subst o. exists (length tr), i. split; [apply nth_last|].
        intros i0 a Ha. apply is_acc_app_nonacc in Ha; [|intros; discriminate].
        destruct (F1 i (owner s) Hp) as (q & Hq & Hall).
        destruct (Hall i0 a Ha) as [[-> Hlt]|Hhb].
        { destruct Ha as (x & w & Hx). eapply hb_po; [eapply nth_lt; eauto
                                                    | apply nth_app_some; eauto | apply nth_last | reflexivity]. }
        { eapply hb_trans; [apply hb_app; eauto|].
          eapply hb_po; [eapply nth_lt; eauto | apply nth_app_some; eauto | apply nth_last | reflexivity]. }
    + (* trylock load: the set of critical threads is unchanged *)
      split.
      * intros c k Hck. simpl in Hck. destruct (Nat.eq_dec c i) as [->|Hne].
        { rewrite upd_eq in Hck. discriminate. }
        rewrite upd_neq in Hck by auto. destruct (F1 c k Hck) as (q & Hq & Hall).
        exists q. split; [apply nth_app_some; auto|].
        intros i0 a Ha. apply is_acc_app_nonacc in Ha; [|intros; discriminate].
        destruct (Hall i0 a Ha) as [?|?]; [left; auto | right; apply hb_app; eauto].
      * intros Hnc. simpl in *.
        assert (no_critical s) as Hnc0.
        { intros c k Hck. destruct (Nat.eq_dec c i) as [->|Hne]; [congruence|].
          apply (Hnc c k). simpl. rewrite upd_neq; auto. }
        destruct (F2 Hnc0) as [F0 FS]. split.
        { intros Ho i0 a Ha. apply is_acc_app_nonacc in Ha; [|intros; discriminate]. eapply F0; eauto. }
        { intros o Ho. destruct (FS o Ho) as (r & t & Hr' & Hall). exists r, t.
          split; [apply nth_app_some; auto|].
          intros i0 a Ha. apply is_acc_app_nonacc in Ha; [|intros; discriminate]. apply hb_app; eauto. }
    + (* trylock CAS success: o <= owner <= next = o, so owner = next = o *)
      (* after [subst], o is [next s] *)
      destruct HI as (H1 & _ & H3 & _ & H5). pose proof (H5 i _ Hp) as Hle.
      assert (owner s = next s) as Hown by lia.
      assert (no_critical s) as Hnc.
      { intros c k Hck. destruct (H3 c k Hck). lia. }
      split.
      * intros c k Hck. simpl in Hck. destruct (Nat.eq_dec c i) as [->|Hne].
        { rewrite upd_eq in Hck. inversion Hck; subst. exists (length tr).
          split; [apply nth_last|]. eapply enter_frontier; eauto. split; auto. }
        rewrite upd_neq in Hck by auto. exfalso. eapply Hnc; eauto.
      * intros Hnc'. exfalso. apply (Hnc' i (next s)). simpl. apply upd_eq.
    + (* trylock CAS failure: back to Idle, critical threads unchanged *)
      split.
      * intros c k Hck. simpl in Hck. destruct (Nat.eq_dec c i) as [->|Hne].
        { rewrite upd_eq in Hck. discriminate. }
        rewrite upd_neq in Hck by auto. destruct (F1 c k Hck) as (q & Hq & Hall).
        exists q. split; [apply nth_app_some; auto|].
        intros i0 a Ha. apply is_acc_app_nonacc in Ha; [|intros; discriminate].
        destruct (Hall i0 a Ha) as [?|?]; [left; auto | right; apply hb_app; eauto].
      * intros Hnc. simpl in *.
        assert (no_critical s) as Hnc0.
        { intros c k Hck. destruct (Nat.eq_dec c i) as [->|Hne]; [congruence|].
          apply (Hnc c k). simpl. rewrite upd_neq; auto. }
        destruct (F2 Hnc0) as [F0 FS]. split.
        { intros Ho' i0 a Ha. apply is_acc_app_nonacc in Ha; [|intros; discriminate]. eapply F0; eauto. }
        { intros o' Ho'. destruct (FS o' Ho') as (r & t & Hr' & Hall). exists r, t.
          split; [apply nth_app_some; auto|].
          intros i0 a Ha. apply is_acc_app_nonacc in Ha; [|intros; discriminate]. apply hb_app; eauto. }
  - (* an access by the lock holder c *)
    destruct IH as [[F1 F2] HR].
    pose proof (run_reachable N s tr Hrun) as Hr.
    destruct (F1 c k Hk) as (q & Hq & Hall).
    assert (Hhbq : forall i a, is_acc tr i a -> a <> c -> hb (tr ++ [EAcc c x w]) i (length tr)).
    { intros i a Ha Hne. destruct (Hall i a Ha) as [[? _]|Hhb]; [congruence|].
      eapply hb_trans; [apply hb_app; eauto|].
      eapply hb_po; [eapply nth_lt; eauto | apply nth_app_some; eauto | apply nth_last | reflexivity]. }
    split; [split|].
    + intros c' k' Hck'. assert (c' = c) by (eapply mutual_exclusion; eauto). subst c'.
      rewrite Hk in Hck'. inversion Hck'; subst k'. exists q. split; [apply nth_app_some; auto|].
      intros i a Ha. apply is_acc_app_inv in Ha as [Ha|[-> (x' & w' & E)]].
      * destruct (Hall i a Ha) as [?|?]; [left; auto | right; apply hb_app; eauto].
      * inversion E; subst. left. split; auto. eapply nth_lt; eauto.
    + intros Hnc. exfalso. eapply Hnc; eauto.
    + intros i j a b Hij Hi Hj Hab.
      apply is_acc_app_inv in Hj as [Hj|[-> (x' & w' & E)]].
      * apply is_acc_app_inv in Hi as [Hi|[-> _]].
        -- apply hb_app; eauto.
        -- exfalso. apply is_acc_lt in Hj. lia.
      * inversion E; subst. apply is_acc_app_inv in Hi as [Hi|[-> _]]; [|lia].
        eapply Hhbq; eauto.
Qed.

(* ---------------------------------------------------------------- *)
(* Main theorem: data-race freedom of lock-protected accesses.  Any two
   accesses (in particular conflicting ones: same location, at least one
   write) by different threads are ordered by happens-before. *)
Theorem drf : forall N s tr i j a b x y w1 w2,
  run N s tr -> i < j ->
  nth_error tr i = Some (EAcc a x w1) ->
  nth_error tr j = Some (EAcc b y w2) ->
  a <> b -> hb tr i j.
Proof.
  intros N s tr i j a b x y w1 w2 Hrun Hij Hi Hj Hab.
  destruct (run_invariant N s tr Hrun) as [_ HR].
  eapply HR; eauto; [exists x, w1 | exists y, w2]; auto.
Qed.

(* Non-vacuity: a run in which two different threads write the same
   protected location, handing the lock over from thread 0 to thread 1. *)
Theorem drf_nonvacuous : exists s tr,
  run 2 s tr /\ nth_error tr 2 = Some (EAcc 0 7 true) /\ nth_error tr 6 = Some (EAcc 1 7 true).
Proof.
  set (s1 := mk 0 1 (upd (fun _ => Idle) 0 (Waiting 0))).
  set (s2 := mk 0 1 (upd (pcs s1) 0 (Critical 0))).
  set (s3 := mk 1 1 (upd (pcs s2) 0 Idle)).
  set (s4 := mk 1 2 (upd (pcs s3) 1 (Waiting 1))).
  set (s5 := mk 1 2 (upd (pcs s4) 1 (Critical 1))).
  exists s5, [ETake 0 0; EAcq 0 0; EAcc 0 7 true; ERel 0 0; ETake 1 1; EAcq 1 1; EAcc 1 7 true].
  split; [|split; reflexivity].
  change [ETake 0 0; EAcq 0 0; EAcc 0 7 true; ERel 0 0; ETake 1 1; EAcq 1 1; EAcc 1 7 true]
    with ((((((([] ++ [ev_of (LTake 0 0)]) ++ [ev_of (LEnter 0 0)]) ++ [EAcc 0 7 true])
             ++ [ev_of (LUnlock 0 0)]) ++ [ev_of (LTake 1 1)]) ++ [ev_of (LEnter 1 1)]) ++ [EAcc 1 7 true]).
  eapply run_access with (k := 1); [| lia | reflexivity].
  eapply run_lock with (s := s4); [| apply (s_enter 2 s4 1 1); auto].
  eapply run_lock with (s := s3); [| apply (s_take 2 s3 1); auto].
  eapply run_lock with (s := s2); [| apply (s_unlock 2 s2 0 0); auto].
  eapply run_access with (k := 0); [| lia | reflexivity].
  eapply run_lock with (s := s1); [| apply (s_enter 2 s1 0 0); auto].
  eapply run_lock with (s := init); [apply run_init | apply (s_take 2 init 0); auto].
Qed.

(* ---------------------------------------------------------------- *)
(* Broken twins. *)

(* Twin 1, No-Barrier-Misuse: drop the synchronises-with edge (a relaxed
   unlock store or a relaxed lock-taking load: no release/acquire pair).
   Happens-before is then program order only, and the run of
   [drf_nonvacuous] has a data race: two writes of location 7 by threads 0
   and 1 that are not ordered. *)
Inductive hb_nosw (tr : list event) : nat -> nat -> Prop :=
| hbn_po : forall i j e1 e2, i < j ->
    nth_error tr i = Some e1 -> nth_error tr j = Some e2 -> tid e1 = tid e2 -> hb_nosw tr i j
| hbn_trans : forall i j k, hb_nosw tr i j -> hb_nosw tr j k -> hb_nosw tr i k.

Lemma hb_nosw_tid : forall tr i j, hb_nosw tr i j ->
  exists e1 e2, nth_error tr i = Some e1 /\ nth_error tr j = Some e2 /\ tid e1 = tid e2.
Proof.
  intros tr i j H. induction H as [i j e1 e2 _ H1 H2 Ht | i j k _ (a & b & Ha & Hb & Hab) _ (c & d & Hc & Hd & Hcd)].
  - exists e1, e2. auto.
  - exists a, d. split; [auto|split; [auto|]]. rewrite Hb in Hc. inversion Hc; subst. congruence.
Qed.

Theorem twin_no_sw_race : exists s tr,
  run 2 s tr /\ nth_error tr 2 = Some (EAcc 0 7 true) /\ nth_error tr 6 = Some (EAcc 1 7 true) /\
  ~ hb_nosw tr 2 6 /\ hb tr 2 6.
Proof.
  destruct drf_nonvacuous as (s & tr & Hr & H2 & H6). exists s, tr.
  split; [auto|split; [auto|split; [auto|split]]].
  - intros H. destruct (hb_nosw_tid _ _ _ H) as (e1 & e2 & E1 & E2 & Et).
    rewrite H2 in E1. rewrite H6 in E2. inversion E1; inversion E2; subst. discriminate.
  - eapply drf; eauto; lia.
Qed.

(* Twin 2, DRF-Kernel: drop the discipline that only the lock holder
   accesses protected data (an access anywhere, as by code that forgot to
   take the lock).  With the sw edges kept, a write by thread 1 while
   thread 0 holds the lock races with thread 0's write. *)
Inductive run_nodisc (N : nat) : state -> list event -> Prop :=
| rnd_init : run_nodisc N init []
| rnd_lock : forall s tr l s',
    run_nodisc N s tr -> lstep N s l s' -> run_nodisc N s' (tr ++ [ev_of l])
| rnd_access : forall s tr c x w,
    run_nodisc N s tr -> c < N -> run_nodisc N s (tr ++ [EAcc c x w]).

(* the last edge of a happens-before path *)
Lemma hb_last : forall tr i j, hb tr i j ->
  exists i' e1 e2, i' < j /\ nth_error tr i' = Some e1 /\ nth_error tr j = Some e2 /\
    (tid e1 = tid e2 \/ exists t k, e1 = ERel t k /\ e2 = EAcq (tid e2) (S k)).
Proof.
  intros tr i j H. induction H as [i j e1 e2 Hij H1 H2 Ht | i j t1 t2 k Hij H1 H2 | i j k _ _ _ IH].
  - exists i, e1, e2. auto.
  - exists i, (ERel t1 k), (EAcq t2 (S k)). split; [auto|split; [auto|split; [auto|]]].
    right. exists t1, k. auto.
  - exact IH.
Qed.

Theorem twin_unlocked_access_race : exists s tr,
  run_nodisc 2 s tr /\ nth_error tr 2 = Some (EAcc 0 7 true) /\
  nth_error tr 3 = Some (EAcc 1 7 true) /\ ~ hb tr 2 3.
Proof.
  set (s1 := mk 0 1 (upd (fun _ => Idle) 0 (Waiting 0))).
  set (s2 := mk 0 1 (upd (pcs s1) 0 (Critical 0))).
  exists s2, [ETake 0 0; EAcq 0 0; EAcc 0 7 true; EAcc 1 7 true].
  split; [|split; [reflexivity|split; [reflexivity|]]].
  - change [ETake 0 0; EAcq 0 0; EAcc 0 7 true; EAcc 1 7 true]
      with (((([] ++ [ev_of (LTake 0 0)]) ++ [ev_of (LEnter 0 0)]) ++ [EAcc 0 7 true])
            ++ [EAcc 1 7 true]).
    apply rnd_access; [|lia]. apply rnd_access; [|lia].
    eapply rnd_lock with (s := s1); [| apply (s_enter 2 s1 0 0); auto].
    eapply rnd_lock with (s := init); [apply rnd_init | apply (s_take 2 init 0); auto].
  - intros H. destruct (hb_last _ _ _ H) as (i' & e1 & e2 & Hlt & E1 & E2 & Hk).
    simpl in E2. inversion E2; subst e2.
    destruct i' as [|[|[|]]]; try lia; simpl in E1; inversion E1; subst e1;
      destruct Hk as [Hk|(t & k & Hk & _)]; discriminate.
Qed.
