(* Ticket.v -- the libvrm ticket lock (include/vrm/ticket.h, lib/locks/ticket.c)
   as a transition system over N threads with arbitrary interleaving.

   Lock word: owner (ticket now served) and next (next ticket handed out).
   Tickets are unbounded [nat]; the C uses u16 halves (at most 65535
   waiters, wraparound not modelled -- see proofs/README.md).

   Per-thread program counter:
     Idle        -- not holding and not waiting for the lock
     Waiting t   -- inside vrm_ticket_lock, holding ticket t, spinning
     Critical t  -- holds the lock; t is the ticket it was served with

   One step = one atomic action of the C:
     vrm_ticket_lock, part 1  (LDADDA / LDAXR-STXR on next):  take t = next, next := next+1
     vrm_ticket_lock, part 2  (LDAXRH of owner observes t):    enter critical section
     vrm_ticket_unlock        (STADDLH / STLRH on owner):       owner := owner+1
     vrm_ticket_trylock, two steps, as the C:
       load  (generic: acquire load of owner; aarch64: LDR of the word):
             remember o = owner                              (Idle -> Trying o)
       CAS   (generic: CAS next o -> o+1; aarch64: CASA / LDAXR-STXR of the
             word (o, o) -> (o, o+1)): succeeds iff next = o, then the
             thread holds ticket o (Trying o -> Critical o, next := o+1);
             otherwise it fails, writing nothing (Trying o -> Idle).
       The generic CAS compares next only; the aarch64 one compares both
       halves.  In every reachable state with Trying o, o <= owner <= next,
       so next = o iff (owner, next) = (o, o): the two conditions agree
       ([trylock_cas_conditions_agree]).  aarch64's early exit (the LDR
       sees owner <> next) is the load followed by a failing CAS: next only
       grows, so the CAS condition stays false.
   A broken twin ([twin_blind_trylock_two_holders]): the second step a
   plain store of next = o+1 without the compare (load, then store): two
   threads are in their critical sections at once. *)

Require Import Arith Lia.

Inductive pc : Type :=
| Idle
| Waiting (t : nat)
| Critical (t : nat)
| Trying (o : nat).     (* inside vrm_ticket_trylock: its load read owner = o *)

Record state : Type := mk {
  owner : nat;
  next : nat;
  pcs : nat -> pc
}.

Definition upd (f : nat -> pc) (i : nat) (v : pc) : nat -> pc :=
  fun j => if Nat.eq_dec j i then v else f j.

Definition init : state := mk 0 0 (fun _ => Idle).

(* Step labels: they are used by DRF.v to build the event trace. *)
Inductive label : Type :=
| LTake (i t : nat)        (* vrm_ticket_lock: atomic fetch-add of next *)
| LEnter (i t : nat)       (* vrm_ticket_lock: acquire load sees owner = t *)
| LUnlock (i t : nat)      (* vrm_ticket_unlock: release store owner := t+1 *)
| LTryLoad (i o : nat)     (* vrm_ticket_trylock: first load, owner = o *)
| LTryOk (i t : nat)       (* vrm_ticket_trylock: CAS succeeds (acquire), ticket t *)
| LTryFail (i : nat).      (* vrm_ticket_trylock: CAS fails, no write *)

Inductive lstep (N : nat) : state -> label -> state -> Prop :=
| s_take : forall s i,
    i < N -> pcs s i = Idle ->
    lstep N s (LTake i (next s)) (mk (owner s) (S (next s)) (upd (pcs s) i (Waiting (next s))))
| s_enter : forall s i t,
    i < N -> pcs s i = Waiting t -> owner s = t ->
    lstep N s (LEnter i t) (mk (owner s) (next s) (upd (pcs s) i (Critical t)))
| s_unlock : forall s i t,
    i < N -> pcs s i = Critical t ->
    lstep N s (LUnlock i t) (mk (S (owner s)) (next s) (upd (pcs s) i Idle))
| s_try_load : forall s i,
    i < N -> pcs s i = Idle ->
    lstep N s (LTryLoad i (owner s)) (mk (owner s) (next s) (upd (pcs s) i (Trying (owner s))))
| s_try_ok : forall s i o,
    i < N -> pcs s i = Trying o -> next s = o ->
    lstep N s (LTryOk i o) (mk (owner s) (S (next s)) (upd (pcs s) i (Critical o)))
| s_try_fail : forall s i o,
    i < N -> pcs s i = Trying o -> next s <> o ->
    lstep N s (LTryFail i) (mk (owner s) (next s) (upd (pcs s) i Idle)).

Definition step N s s' := exists l, lstep N s l s'.

Inductive reachable (N : nat) : state -> Prop :=
| r_init : reachable N init
| r_step : forall s s', reachable N s -> step N s s' -> reachable N s'.

(* Labelled multi-step, to count completed critical sections. *)
Inductive lstar (N : nat) : state -> list label -> state -> Prop :=
| ls_refl : forall s, lstar N s nil s
| ls_step : forall s l s' ls s'', lstep N s l s' -> lstar N s' ls s'' -> lstar N s (cons l ls) s''.

Definition is_unlock (l : label) : bool :=
  match l with LUnlock _ _ => true | _ => false end.

Fixpoint unlocks (ls : list label) : nat :=
  match ls with
  | nil => 0
  | cons l ls => (if is_unlock l then 1 else 0) + unlocks ls
  end.

Definition ticket_of (p : pc) : option nat :=
  match p with Idle => None | Waiting t => Some t | Critical t => Some t | Trying _ => None end.

(* ------------------------------------------------------------------ *)
(* The invariant. *)

Definition Inv (s : state) : Prop :=
  owner s <= next s /\
  (forall i t, pcs s i = Waiting t -> owner s <= t < next s) /\
  (forall i t, pcs s i = Critical t -> t = owner s /\ t < next s) /\
  (forall i j t, i <> j -> ticket_of (pcs s i) = Some t -> ticket_of (pcs s j) = Some t -> False) /\
  (forall i o, pcs s i = Trying o -> o <= owner s).

Lemma upd_eq : forall f i v, upd f i v i = v.
Proof. intros. unfold upd. destruct (Nat.eq_dec i i); congruence. Qed.

Lemma upd_neq : forall f i j v, j <> i -> upd f i v j = f j.
Proof. intros. unfold upd. destruct (Nat.eq_dec j i); congruence. Qed.

Lemma ticket_bound : forall s i t, Inv s -> ticket_of (pcs s i) = Some t -> owner s <= t < next s.
Proof.
  intros s i t (H1 & H2 & H3 & H4 & H5) Ht.
  destruct (pcs s i) eqn:E; simpl in Ht; inversion Ht; subst.
  - apply (H2 i); auto.
  - destruct (H3 i t E); lia.
Qed.

Lemma Inv_init : Inv init.
Proof.
  unfold Inv, init; simpl. repeat split; intros; try lia; discriminate.
Qed.

Lemma Inv_lstep : forall N s l s', Inv s -> lstep N s l s' -> Inv s'.
Proof.
  intros N s l s' HI Hs. pose proof HI as (H1 & H2 & H3 & H4 & H5).
  destruct Hs as [s i Hi Hp | s i t Hi Hp Ho | s i t Hi Hp | s i Hi Hp
                 | s i o Hi Hp Ho | s i o Hi Hp Ho];
    unfold Inv; simpl.
  - (* take *)
    refine (conj _ (conj _ (conj _ (conj _ _)))); try lia.
    + intros j t Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. inversion Hj; lia.
      * rewrite upd_neq in Hj by auto. specialize (H2 j t Hj); lia.
    + intros j t Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. specialize (H3 j t Hj); lia.
    + intros a b t Hab Ha Hb.
      destruct (Nat.eq_dec a i) as [->|Ha']; destruct (Nat.eq_dec b i) as [->|Hb'];
        [congruence| | |].
      * rewrite upd_eq in Ha. rewrite upd_neq in Hb by auto. simpl in Ha. inversion Ha; subst.
        pose proof (ticket_bound s b _ HI Hb). lia.
      * rewrite upd_eq in Hb. rewrite upd_neq in Ha by auto. simpl in Hb. inversion Hb; subst.
        pose proof (ticket_bound s a _ HI Ha). lia.
      * rewrite upd_neq in Ha, Hb by auto. eauto.
    + intros j o Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. eauto.
  - (* enter *)
    refine (conj _ (conj _ (conj _ (conj _ _)))); try lia.
    + intros j t' Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. eauto.
    + intros j t' Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. inversion Hj; subst. specialize (H2 i _ Hp). lia.
      * rewrite upd_neq in Hj by auto. specialize (H3 j t' Hj); lia.
    + intros a b t' Hab Ha Hb.
      destruct (Nat.eq_dec a i) as [->|Ha']; destruct (Nat.eq_dec b i) as [->|Hb'];
        [congruence| | |].
      * rewrite upd_eq in Ha. rewrite upd_neq in Hb by auto. simpl in Ha.
        apply (H4 i b t' Hab); auto. rewrite Hp. auto.
      * rewrite upd_eq in Hb. rewrite upd_neq in Ha by auto. simpl in Hb.
        apply (H4 a i t' Hab); auto. rewrite Hp. auto.
      * rewrite upd_neq in Ha, Hb by auto. eauto.
    + intros j o Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. eauto.
  - (* unlock *)
    destruct (H3 i t Hp) as [Ht Htn]. subst t.
    refine (conj _ (conj _ (conj _ (conj _ _)))); try lia.
    + intros j t' Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. specialize (H2 j t' Hj).
        assert (t' <> owner s).
        { intro; subst. apply (H4 i j (owner s)); auto. rewrite Hp; auto. rewrite Hj; auto. }
        lia.
    + intros j t' Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. exfalso. destruct (H3 j t' Hj) as [-> _].
        apply (H4 i j (owner s)); auto. rewrite Hp; auto. rewrite Hj; auto.
    + intros a b t' Hab Ha Hb.
      destruct (Nat.eq_dec a i) as [->|Ha']; destruct (Nat.eq_dec b i) as [->|Hb'];
        [congruence| | |].
      * rewrite upd_eq in Ha. discriminate.
      * rewrite upd_eq in Hb. discriminate.
      * rewrite upd_neq in Ha, Hb by auto. eauto.
    + intros j o Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. specialize (H5 j o Hj). lia.
  - (* trylock load: remember owner *)
    refine (conj _ (conj _ (conj _ (conj _ _)))); try lia.
    + intros j t Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. eauto.
    + intros j t Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. eauto.
    + intros a b t Hab Ha Hb.
      destruct (Nat.eq_dec a i) as [->|Ha']; destruct (Nat.eq_dec b i) as [->|Hb'];
        [congruence| | |].
      * rewrite upd_eq in Ha. discriminate.
      * rewrite upd_eq in Hb. discriminate.
      * rewrite upd_neq in Ha, Hb by auto. eauto.
    + intros j o Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. inversion Hj; lia.
      * rewrite upd_neq in Hj by auto. eauto.
  - (* trylock CAS success: next = o, and o <= owner <= next, so owner = next = o *)
    pose proof (H5 i o Hp). assert (owner s = o) by lia. subst o.
    refine (conj _ (conj _ (conj _ (conj _ _)))); try lia.
    + intros j t Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. specialize (H2 j t Hj). lia.
    + intros j t Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. inversion Hj; subst. lia.
      * rewrite upd_neq in Hj by auto. specialize (H3 j t Hj). lia.
    + intros a b t Hab Ha Hb.
      destruct (Nat.eq_dec a i) as [->|Ha']; destruct (Nat.eq_dec b i) as [->|Hb'];
        [congruence| | |].
      * rewrite upd_eq in Ha. rewrite upd_neq in Hb by auto. simpl in Ha. inversion Ha; subst.
        pose proof (ticket_bound s b _ HI Hb). lia.
      * rewrite upd_eq in Hb. rewrite upd_neq in Ha by auto. simpl in Hb. inversion Hb; subst.
        pose proof (ticket_bound s a _ HI Ha). lia.
      * rewrite upd_neq in Ha, Hb by auto. eauto.
    + intros j o Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. eauto.
  - (* trylock CAS failure: no write, back to Idle *)
    refine (conj _ (conj _ (conj _ (conj _ _)))); try lia.
    + intros j t Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. eauto.
    + intros j t Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. eauto.
    + intros a b t Hab Ha Hb.
      destruct (Nat.eq_dec a i) as [->|Ha']; destruct (Nat.eq_dec b i) as [->|Hb'];
        [congruence| | |].
      * rewrite upd_eq in Ha. discriminate.
      * rewrite upd_eq in Hb. discriminate.
      * rewrite upd_neq in Ha, Hb by auto. eauto.
    + intros j o' Hj. destruct (Nat.eq_dec j i) as [->|Hne].
      * rewrite upd_eq in Hj. discriminate.
      * rewrite upd_neq in Hj by auto. eauto.
Qed.

Theorem inv_reachable : forall N s, reachable N s -> Inv s.
Proof.
  intros N s H. induction H.
  - apply Inv_init.
  - destruct H0 as [l Hl]. eapply Inv_lstep; eauto.
Qed.

(* ------------------------------------------------------------------ *)
(* Main theorems. *)

(* Mutual exclusion: in every reachable state at most one thread is in
   its critical section. *)
Theorem mutual_exclusion : forall N s i j ti tj,
  reachable N s -> pcs s i = Critical ti -> pcs s j = Critical tj -> i = j.
Proof.
  intros N s i j ti tj Hr Hi Hj.
  destruct (inv_reachable N s Hr) as (_ & _ & H3 & H4 & _).
  destruct (Nat.eq_dec i j) as [|Hne]; auto. exfalso.
  destruct (H3 i ti Hi) as [-> _]. destruct (H3 j tj Hj) as [-> _].
  apply (H4 i j (owner s)); auto; [rewrite Hi | rewrite Hj]; reflexivity.
Qed.

(* owner <= next, and the tickets held by waiting/critical threads are
   pairwise distinct and lie in [owner, next). *)
Theorem owner_le_next : forall N s, reachable N s -> owner s <= next s.
Proof. intros N s H. apply (inv_reachable N s H). Qed.

Theorem tickets_distinct : forall N s i j t,
  reachable N s -> i <> j ->
  ticket_of (pcs s i) = Some t -> ticket_of (pcs s j) = Some t -> False.
Proof. intros N s i j t H. apply (inv_reachable N s H). Qed.

Theorem waiting_ticket_range : forall N s i t,
  reachable N s -> pcs s i = Waiting t -> owner s <= t < next s.
Proof. intros N s i t H. apply (inv_reachable N s H). Qed.

(* The thread that holds the lock is the one whose ticket equals owner. *)
Theorem critical_is_owner : forall N s i t,
  reachable N s -> pcs s i = Critical t -> t = owner s.
Proof. intros N s i t H Hc. apply (inv_reachable N s H) in Hc. tauto. Qed.

(* FIFO, part 1: a ticket taken while thread i waits with ticket t is larger than t. *)
Theorem fifo_later_ticket_larger : forall N s s' i j t t',
  reachable N s -> pcs s i = Waiting t -> lstep N s (LTake j t') s' -> t < t'.
Proof.
  intros N s s' i j t t' Hr Hw Hs. inversion Hs; subst.
  pose proof (waiting_ticket_range N s i t Hr Hw). lia.
Qed.

(* FIFO, part 2: if i waits with ticket t and j waits with a later ticket
   t' > t, then j cannot be in its critical section while i still waits
   with t -- whatever the interleaving in between. *)
Theorem fifo_no_overtaking : forall N s i j t t',
  reachable N s -> pcs s i = Waiting t -> pcs s j = Critical t' -> t < t' -> False.
Proof.
  intros N s i j t t' Hr Hi Hj Hlt.
  pose proof (waiting_ticket_range N s i t Hr Hi).
  pose proof (critical_is_owner N s j t' Hr Hj). lia.
Qed.

Lemma lstar_reachable : forall N s ls s', reachable N s -> lstar N s ls s' -> reachable N s'.
Proof.
  intros N s ls s' Hr H. induction H; auto.
  apply IHlstar. eapply r_step; eauto. exists l; auto.
Qed.

Lemma lstar_unlocks : forall N s ls s', lstar N s ls s' -> owner s' = owner s + unlocks ls.
Proof.
  intros N s ls s' H. induction H; simpl; [lia|].
  inversion H; subst; simpl in *; lia.
Qed.

(* Bounded bypass: while thread i waits with ticket t, at most t - owner
   critical sections (unlocks) complete, whatever the interleaving; i is
   served after exactly the holders of tickets owner .. t-1. *)
Theorem bounded_bypass : forall N s ls s' i t,
  reachable N s -> pcs s i = Waiting t ->
  lstar N s ls s' -> pcs s' i = Waiting t ->
  unlocks ls <= t - owner s.
Proof.
  intros N s ls s' i t Hr Hw Hls Hw'.
  pose proof (lstar_unlocks N s ls s' Hls).
  pose proof (waiting_ticket_range N s' i t (lstar_reachable N s ls s' Hr Hls) Hw').
  lia.
Qed.

(* Non-vacuity: a reachable state with one thread in its critical section
   and another waiting (so the premises above are satisfiable). *)
Theorem contended_state_reachable : exists s,
  reachable 2 s /\ pcs s 0 = Critical 0 /\ pcs s 1 = Waiting 1.
Proof.
  set (s1 := mk 0 1 (upd (fun _ => Idle) 0 (Waiting 0))).
  set (s2 := mk 0 2 (upd (pcs s1) 1 (Waiting 1))).
  set (s3 := mk 0 2 (upd (pcs s2) 0 (Critical 0))).
  exists s3. split; [|split; reflexivity].
  apply r_step with s2; [apply r_step with s1; [apply r_step with init; [constructor|]|]|].
  - exists (LTake 0 0). apply (s_take 2 init 0); auto.
  - exists (LTake 1 1). apply (s_take 2 s1 1); auto.
  - exists (LEnter 0 0). apply (s_enter 2 s2 0 0); auto.
Qed.

(* ------------------------------------------------------------------ *)
(* The two-step trylock. *)

(* The two C flavours' CAS conditions agree in every reachable state: the
   generic CAS compares next with o, the aarch64 CASA / LDAXR-STXR the
   whole word with (o, o). *)
Theorem trylock_cas_conditions_agree : forall N s i o,
  reachable N s -> pcs s i = Trying o -> (next s = o <-> owner s = o /\ next s = o).
Proof.
  intros N s i o Hr Hp. destruct (inv_reachable N s Hr) as (H1 & _ & _ & _ & H5).
  specialize (H5 i o Hp). split; [intros; lia | tauto].
Qed.

(* Non-vacuity: the trylock succeeds on a free lock, and its CAS fails when
   another thread took ticket o and entered between its load and its CAS
   (the case the compare exists for). *)
Theorem trylock_success_reachable : exists s,
  reachable 1 s /\ pcs s 0 = Critical 0 /\ next s = 1.
Proof.
  set (s1 := mk 0 0 (upd (fun _ => Idle) 0 (Trying 0))).
  exists (mk 0 1 (upd (pcs s1) 0 (Critical 0))). split; [|split; reflexivity].
  apply r_step with s1; [apply r_step with init; [constructor|]|].
  - exists (LTryLoad 0 0). apply (s_try_load 1 init 0); auto.
  - exists (LTryOk 0 0). apply (s_try_ok 1 s1 0 0); auto.
Qed.

Theorem trylock_cas_fails_after_overtake : exists s s',
  reachable 2 s /\ pcs s 0 = Trying 0 /\ pcs s 1 = Critical 0 /\
  lstep 2 s (LTryFail 0) s' /\ pcs s' 0 = Idle.
Proof.
  set (s1 := mk 0 0 (upd (fun _ => Idle) 0 (Trying 0))).
  set (s2 := mk 0 1 (upd (pcs s1) 1 (Waiting 0))).
  set (s3 := mk 0 1 (upd (pcs s2) 1 (Critical 0))).
  exists s3, (mk 0 1 (upd (pcs s3) 0 Idle)).
  split; [|split; [reflexivity|split; [reflexivity|split; [|reflexivity]]]].
  - apply r_step with s2; [apply r_step with s1; [apply r_step with init; [constructor|]|]|].
    + exists (LTryLoad 0 0). apply (s_try_load 2 init 0); auto.
    + exists (LTake 1 0). apply (s_take 2 s1 1); auto.
    + exists (LEnter 1 0). apply (s_enter 2 s2 1 0); auto.
  - apply (s_try_fail 2 s3 0 0); auto. simpl. discriminate.
Qed.

(* Broken twin: a trylock whose second step does not re-check -- after its
   load it stores next := o+1 and enters (a load then a plain store, not a
   CAS).  Its steps added to the model's: mutual exclusion fails. *)
Inductive bstep (N : nat) : state -> state -> Prop :=
| b_step : forall s l s', lstep N s l s' -> bstep N s s'
| b_blind_try : forall s i o,
    i < N -> pcs s i = Trying o ->
    bstep N s (mk (owner s) (S o) (upd (pcs s) i (Critical o))).

Inductive breachable (N : nat) : state -> Prop :=
| br_init : breachable N init
| br_step : forall s s', breachable N s -> bstep N s s' -> breachable N s'.

Theorem twin_blind_trylock_two_holders : exists s,
  breachable 2 s /\ pcs s 0 = Critical 0 /\ pcs s 1 = Critical 0.
Proof.
  set (s1 := mk 0 0 (upd (fun _ => Idle) 0 (Trying 0))).
  set (s2 := mk 0 1 (upd (pcs s1) 1 (Waiting 0))).
  set (s3 := mk 0 1 (upd (pcs s2) 1 (Critical 0))).
  exists (mk 0 1 (upd (pcs s3) 0 (Critical 0))). split; [|split; reflexivity].
  apply br_step with s3; [apply br_step with s2; [apply br_step with s1;
    [apply br_step with init; [constructor|]|]|]|].
  - apply b_step with (LTryLoad 0 0). apply (s_try_load 2 init 0); auto.
  - apply b_step with (LTake 1 0). apply (s_take 2 s1 1); auto.
  - apply b_step with (LEnter 1 0). apply (s_enter 2 s2 1 0); auto.
  - apply (b_blind_try 2 s3 0 0); auto.
Qed.
