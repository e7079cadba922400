(* Pool.v -- Memory-Isolation for lib/pool (page ownership, pKVM-style).

   Per physical page: owner (hyp, host, VM n, or none), the owner's state
   (Owned / SharedOwned; a borrower sees SharedBorrowed), the borrowers,
   the share count, and whose private data the page holds ([data]; None =
   zero / scrubbed).  Per principal: its stage-2 table (for the hyp: its own
   stage-1), as the set of pages it maps.

   Operations, named after the C; each checks the whole range first, then
   mutates; a failure (-EPERM) changes nothing:
     vrm_pool_donate  start n from to     ownership moves; from unmaps, to maps;
                                          a page leaving a VM or the hyp is scrubbed
     vrm_pool_share   start n owner b     b maps the page, count+1
     vrm_pool_unshare start n owner b     b unmaps the page, count-1
     vrm_pool_reclaim vm                  pages of a dead VM go back to the
                                          host, scrubbed; the VM loses its
                                          borrowed pages too
     write p pg                           p writes a page it maps; a private
                                          (owned, unshared) page then holds
                                          p's data
   Host data is not protected from the principals the host gives it to (as
   in pKVM, the host loads guest images); hyp and VM data is. *)

Require Import Arith Bool Lia List.
Import ListNotations.

Inductive principal : Type := Hyp | Host | VM (n : nat).

Definition peq_dec : forall a b : principal, {a = b} + {a <> b}.
Proof. decide equality; apply Nat.eq_dec. Defined.

Definition peqb (a b : principal) : bool := if peq_dec a b then true else false.

Lemma peqb_true : forall a b, peqb a b = true <-> a = b.
Proof. intros. unfold peqb. destruct (peq_dec a b); split; congruence. Qed.

Lemma peqb_false : forall a b, peqb a b = false <-> a <> b.
Proof. intros. unfold peqb. destruct (peq_dec a b); split; congruence. Qed.

Inductive pstate : Type := Owned | SharedOwned.

Record page : Type := mkp {
  own : option principal;
  pst : pstate;
  bws : list principal;     (* borrowers *)
  cnt : nat;                (* share count *)
  data : option principal   (* whose private data the page holds *)
}.

Record state : Type := mks {
  meta : nat -> page;
  s2 : principal -> nat -> bool   (* principal maps page *)
}.

(* the state as each principal sees a page (SharedBorrowed for borrowers) *)
Inductive view : Type := VOwned | VSharedOwned | VSharedBorrowed | VNone.
Definition page_view (m : page) (p : principal) : view :=
  match own m with
  | Some o => if peqb o p then (match pst m with Owned => VOwned | SharedOwned => VSharedOwned end)
              else if existsb (peqb p) (bws m) then VSharedBorrowed else VNone
  | None => VNone
  end.

Definition rm (x : principal) (l : list principal) : list principal :=
  filter (fun y => negb (peqb x y)) l.

Lemma in_rm : forall x y l, In y (rm x l) <-> In y l /\ y <> x.
Proof.
  intros. unfold rm. rewrite filter_In. rewrite negb_true_iff, peqb_false. intuition.
Qed.

Lemma nodup_rm : forall x l, NoDup l -> NoDup (rm x l).
Proof. intros. unfold rm. apply NoDup_filter. auto. Qed.

Lemma length_rm : forall x l, NoDup l -> In x l -> length (rm x l) = pred (length l).
Proof.
  intros x l Hnd Hin. induction l as [|y l IH]; [inversion Hin|].
  inversion Hnd; subst. unfold rm in *. simpl.
  destruct (peqb x y) eqn:E; simpl.
  - apply peqb_true in E. subst y. clear IH Hin.
    assert (forall l', ~ In x l' -> filter (fun z => negb (peqb x z)) l' = l') as Hf.
    { induction l' as [|z l' IH']; simpl; auto. intros Hn.
      destruct (peqb x z) eqn:E'; [apply peqb_true in E'; subst; tauto|].
      simpl. f_equal. apply IH'. tauto. }
    rewrite Hf; auto.
  - apply peqb_false in E. destruct Hin as [->|Hin]; [congruence|].
    rewrite IH; auto. destruct l; [inversion Hin|]. simpl. auto.
Qed.

Definition inb (p : principal) (l : list principal) : bool := existsb (peqb p) l.

Lemma inb_true : forall p l, inb p l = true <-> In p l.
Proof.
  intros. unfold inb. rewrite existsb_exists. split.
  - intros (x & Hx & E). apply peqb_true in E. subst; auto.
  - intros H. exists p. split; auto. apply peqb_true. auto.
Qed.

Definition is_owner (m : page) (p : principal) : bool :=
  match own m with Some o => peqb o p | None => false end.

Lemma is_owner_true : forall m p, is_owner m p = true <-> own m = Some p.
Proof.
  intros. unfold is_owner. destruct (own m); [rewrite peqb_true|]; split; congruence.
Qed.

Definition in_range (start n pg : nat) : bool := (start <=? pg) && (pg <? start + n).

Definition range_ok (chk : nat -> bool) (start n : nat) : bool := forallb chk (seq start n).

Lemma range_ok_spec : forall chk start n pg,
  range_ok chk start n = true -> in_range start n pg = true -> chk pg = true.
Proof.
  intros chk start n pg H Hr. unfold range_ok in H. rewrite forallb_forall in H.
  apply H. unfold in_range in Hr. apply andb_true_iff in Hr as [H1 H2].
  apply Nat.leb_le in H1. apply Nat.ltb_lt in H2. apply in_seq. lia.
Qed.

Definition is_host (p : principal) : bool := peqb p Host.

Inductive op : Type :=
| Donate (start n : nat) (from to : principal)
| Share (start n : nat) (owner b : principal)
| Unshare (start n : nat) (owner b : principal)
| Reclaim (vm : nat)
| Write (p : principal) (pg : nat).

Inductive result : Type := Ok | EPERM.

Definition fresh_page (to : principal) (d : option principal) : page := mkp (Some to) Owned [] 0 d.

Definition unshared (m : page) (b : principal) : page :=
  let l := rm b (bws m) in
  mkp (own m) (match l with [] => Owned | _ => SharedOwned end) l (pred (cnt m)) (data m).

Definition apply (s : state) (o : op) : state * result :=
  match o with
  | Donate start n from to =>
      if negb (peqb from to) &&
         range_ok (fun pg => is_owner (meta s pg) from &&
                             match bws (meta s pg) with [] => true | _ => false end) start n
      then (mks (fun pg => if in_range start n pg
                           then fresh_page to (if is_host from then data (meta s pg) else None)
                           else meta s pg)
                (fun p pg => if in_range start n pg then peqb p to else s2 s p pg), Ok)
      else (s, EPERM)
  | Share start n owner b =>
      if negb (peqb owner Hyp) && negb (peqb owner b) &&
         range_ok (fun pg => is_owner (meta s pg) owner && negb (inb b (bws (meta s pg)))) start n
      then (mks (fun pg => if in_range start n pg
                           then let m := meta s pg in
                                mkp (own m) SharedOwned (b :: bws m) (S (cnt m)) (data m)
                           else meta s pg)
                (fun p pg => if in_range start n pg && peqb p b then true else s2 s p pg), Ok)
      else (s, EPERM)
  | Unshare start n owner b =>
      if range_ok (fun pg => is_owner (meta s pg) owner && inb b (bws (meta s pg))) start n
      then (mks (fun pg => if in_range start n pg then unshared (meta s pg) b else meta s pg)
                (fun p pg => if in_range start n pg && peqb p b then false else s2 s p pg), Ok)
      else (s, EPERM)
  | Reclaim vm =>
      (mks (fun pg => let m := meta s pg in
                      if is_owner m (VM vm) then fresh_page Host None
                      else if inb (VM vm) (bws m) then unshared m (VM vm) else m)
           (fun p pg => if is_owner (meta s pg) (VM vm) then peqb p Host
                        else if peqb p (VM vm) then false else s2 s p pg), Ok)
  | Write p pg =>
      if s2 s p pg then
        let m := meta s pg in
        (mks (fun pg' => if pg' =? pg then
                           (if is_owner m p && match pst m with Owned => true | _ => false end
                            then mkp (own m) (pst m) (bws m) (cnt m) (Some p) else m)
                         else meta s pg')
             (s2 s), Ok)
      else (s, EPERM)
  end.

Definition init : state :=
  mks (fun _ => mkp (Some Host) Owned [] 0 None) (fun p _ => peqb p Host).

Inductive reachable : state -> Prop :=
| r_init : reachable init
| r_step : forall s o, reachable s -> reachable (fst (apply s o)).

(* ------------------------------------------------------------------ *)
(* Invariant. *)

Definition PInv (s : state) (pg : nat) : Prop :=
  let m := meta s pg in
  cnt m = length (bws m) /\ NoDup (bws m) /\
  (pst m = SharedOwned <-> bws m <> []) /\
  (forall b, In b (bws m) -> own m <> Some b /\ own m <> None /\ own m <> Some Hyp) /\
  (forall p, s2 s p pg = true -> own m = Some p \/ In p (bws m)) /\
  (forall p, p <> Host -> data m = Some p -> own m = Some p).

Definition Inv (s : state) : Prop := forall pg, PInv s pg.

Ltac split6 := refine (conj _ (conj _ (conj _ (conj _ (conj _ _))))).
Ltac split5 := refine (conj _ (conj _ (conj _ (conj _ _)))).

Lemma Inv_init : Inv init.
Proof.
  intros pg. unfold PInv; simpl. split6.
  - reflexivity.
  - constructor.
  - split; [discriminate | intros Hn; exfalso; apply Hn; reflexivity].
  - intros b [].
  - intros p H. apply peqb_true in H. subst. left; reflexivity.
  - intros p _ E. discriminate.
Qed.

Lemma fresh_page_inv : forall to d,
  (forall p, p <> Host -> d = Some p -> to = p) ->
  let m := fresh_page to d in
  cnt m = length (bws m) /\ NoDup (bws m) /\
  (pst m = SharedOwned <-> bws m <> []) /\
  (forall b, In b (bws m) -> own m <> Some b /\ own m <> None /\ own m <> Some Hyp) /\
  (forall p, p <> Host -> data m = Some p -> own m = Some p).
Proof.
  intros to d Hd. simpl. split5.
  - reflexivity.
  - constructor.
  - split; [discriminate | intros Hn; exfalso; apply Hn; reflexivity].
  - intros b [].
  - intros p Hp E. rewrite (Hd p Hp E). reflexivity.
Qed.

Lemma unshared_inv : forall s pg b,
  PInv s pg -> In b (bws (meta s pg)) ->
  let m := unshared (meta s pg) b in
  cnt m = length (bws m) /\ NoDup (bws m) /\
  (pst m = SharedOwned <-> bws m <> []) /\
  (forall c, In c (bws m) -> own m <> Some c /\ own m <> None /\ own m <> Some Hyp) /\
  (forall p, s2 s p pg = true -> p <> b -> own m = Some p \/ In p (bws m)) /\
  (forall p, p <> Host -> data m = Some p -> own m = Some p).
Proof.
  intros s pg b (Hc & Hnd & Hst & Hb & Hmap & Hdat) Hin. unfold unshared; simpl. split6.
  - rewrite Hc. symmetry. apply length_rm; auto.
  - apply nodup_rm; auto.
  - destruct (rm b (bws (meta s pg))); split; intros H; try discriminate; try reflexivity;
      exfalso; apply H; reflexivity.
  - intros c Hc'. apply in_rm in Hc' as [Hc' _]. apply Hb; auto.
  - intros p Hp Hne. destruct (Hmap p Hp) as [?|Hi]; [left; auto|]. right. apply in_rm; auto.
  - exact Hdat.
Qed.

Theorem Inv_apply : forall s o, Inv s -> Inv (fst (apply s o)).
Proof.
  intros s o HI pg. destruct o as [start n from to | start n owner b | start n owner b | vm | p pw].
  - (* donate *)
    simpl. destruct (negb (peqb from to) && range_ok _ start n) eqn:Hchk; [|apply HI].
    apply andb_true_iff in Hchk as [_ Hr]. unfold PInv; simpl.
    destruct (in_range start n pg) eqn:Hin.
    + pose proof (range_ok_spec _ _ _ pg Hr Hin) as Hc. simpl in Hc.
      apply andb_true_iff in Hc as [Ho _]. apply is_owner_true in Ho.
      destruct (fresh_page_inv to (if is_host from then data (meta s pg) else None)) as (A & B & C & D & E).
      { intros p Hp Hd. destruct (is_host from) eqn:Hh; [|discriminate].
        apply peqb_true in Hh. subst from. destruct (HI pg) as (_ & _ & _ & _ & _ & Hdat).
        specialize (Hdat p Hp Hd). congruence. }
      split6; [exact A | exact B | exact C | exact D | | exact E].
      intros p Hp. apply peqb_true in Hp. subst. left; reflexivity.
    + apply HI.
  - (* share *)
    simpl. destruct (negb (peqb owner Hyp) && negb (peqb owner b) && range_ok _ start n) eqn:Hchk;
      [|apply HI].
    apply andb_true_iff in Hchk as [Hchk Hr]. apply andb_true_iff in Hchk as [Hh Hob].
    apply negb_true_iff, peqb_false in Hh. apply negb_true_iff, peqb_false in Hob.
    unfold PInv; simpl. destruct (in_range start n pg) eqn:Hin; simpl; [|apply HI].
    pose proof (range_ok_spec _ _ _ pg Hr Hin) as Hc0. simpl in Hc0.
    apply andb_true_iff in Hc0 as [Ho Hnb]. apply is_owner_true in Ho.
    apply negb_true_iff in Hnb. assert (~ In b (bws (meta s pg))) as Hnb'.
    { intro H. apply inb_true in H. congruence. }
    destruct (HI pg) as (Hc & Hnd & Hst & Hb & Hmap & Hdat).
    split6.
    + rewrite Hc. reflexivity.
    + constructor; auto.
    + split; [intros _; discriminate | reflexivity].
    + intros c [<-|Hc']; [rewrite Ho; split; [|split]; congruence | apply Hb; auto].
    + intros q Hq. destruct (peqb q b) eqn:E.
      * apply peqb_true in E. subst. right; left; reflexivity.
      * try rewrite E in Hq. destruct (Hmap q Hq) as [?|?]; [left; auto | right; right; auto].
    + exact Hdat.
  - (* unshare *)
    simpl. destruct (range_ok _ start n) eqn:Hr; [|apply HI].
    unfold PInv; simpl. destruct (in_range start n pg) eqn:Hin; simpl; [|apply HI].
    pose proof (range_ok_spec _ _ _ pg Hr Hin) as Hc. simpl in Hc.
    apply andb_true_iff in Hc as [Ho Hib]. apply inb_true in Hib.
    destruct (unshared_inv s pg b (HI pg) Hib) as (A & B & C & D & E & F).
    split6; [exact A | exact B | exact C | exact D | | exact F].
    intros q Hq. destruct (peqb q b) eqn:Eq; try rewrite Eq in Hq; [discriminate|].
    apply peqb_false in Eq. auto.
  - (* reclaim *)
    unfold PInv; simpl. destruct (is_owner (meta s pg) (VM vm)) eqn:Ho.
    + destruct (fresh_page_inv Host None) as (A & B & C & D & E); [intros; discriminate|].
      split6; [exact A | exact B | exact C | exact D | | exact E].
      intros p Hp. apply peqb_true in Hp. subst. left; reflexivity.
    + destruct (inb (VM vm) (bws (meta s pg))) eqn:Hib.
      * apply inb_true in Hib.
        destruct (unshared_inv s pg (VM vm) (HI pg) Hib) as (A & B & C & D & E & F).
        split6; [exact A | exact B | exact C | exact D | | exact F].
        intros q Hq. destruct (peqb q (VM vm)) eqn:Eq; try rewrite Eq in Hq; [discriminate|].
        apply peqb_false in Eq. auto.
      * destruct (HI pg) as (Hc & Hnd & Hst & Hb & Hmap & Hdat).
        split6; [exact Hc | exact Hnd | exact Hst | exact Hb | | exact Hdat].
        intros q Hq. destruct (peqb q (VM vm)) eqn:Eq; try rewrite Eq in Hq; [discriminate|]. auto.
  - (* write *)
    simpl. destruct (s2 s p pw) eqn:Hm; [|apply HI]. unfold PInv; simpl.
    destruct (pg =? pw) eqn:Epg; [|apply HI].
    apply Nat.eqb_eq in Epg. subst pg.
    destruct (HI pw) as (Hc & Hnd & Hst & Hb & Hmap & Hdat).
    destruct (is_owner (meta s pw) p && _) eqn:Hw; simpl.
    + apply andb_true_iff in Hw as [Ho _]. apply is_owner_true in Ho.
      split6; [exact Hc | exact Hnd | exact Hst | exact Hb | exact Hmap |].
      intros q _ E. inversion E; subst. exact Ho.
    + split6; [exact Hc | exact Hnd | exact Hst | exact Hb | exact Hmap | exact Hdat].
Qed.

Theorem Inv_reachable : forall s, reachable s -> Inv s.
Proof. induction 1; [apply Inv_init | apply Inv_apply; auto]. Qed.

(* ------------------------------------------------------------------ *)
(* Main theorems. *)

(* Failure changes nothing (every op checks the whole range first). *)
Theorem failure_no_change : forall s o, snd (apply s o) = EPERM -> fst (apply s o) = s.
Proof.
  intros s o. destruct o; simpl;
    repeat match goal with |- context [if ?c then _ else _] => destruct c end;
    simpl; congruence.
Qed.

(* Share count equals the number of borrowers; borrowers are distinct. *)
Theorem share_count_exact : forall s pg,
  reachable s -> cnt (meta s pg) = length (bws (meta s pg)) /\ NoDup (bws (meta s pg)).
Proof. intros s pg H. destruct (Inv_reachable s H pg) as (A & B & _). auto. Qed.

(* A principal's stage-2 maps only pages it owns or borrows, and every
   mapped page has an owner. *)
Theorem no_unowned_mapping : forall s p pg,
  reachable s -> s2 s p pg = true ->
  (own (meta s pg) = Some p \/ In p (bws (meta s pg))) /\ own (meta s pg) <> None.
Proof.
  intros s p pg H Hm. destruct (Inv_reachable s H pg) as (_ & _ & _ & Hb & Hmap & _).
  destruct (Hmap p Hm) as [E|E]; split; auto; [congruence | apply (Hb p E)].
Qed.

(* Hyp pages are mapped by no host or VM table. *)
Theorem hyp_pages_isolated : forall s p pg,
  reachable s -> own (meta s pg) = Some Hyp -> p <> Hyp -> s2 s p pg = false.
Proof.
  intros s p pg H Ho Hp. destruct (s2 s p pg) eqn:Hm; auto. exfalso.
  destruct (Inv_reachable s H pg) as (_ & _ & _ & Hb & Hmap & _).
  destruct (Hmap p Hm) as [E|E]; [congruence|]. apply (Hb p E). auto.
Qed.

(* Another principal's private data (hyp or VM) is visible to q only if
   its owner shared the page with q: in particular a VM's pages reach the
   host only scrubbed, unless the VM shared them. *)
Theorem private_data_confined : forall s p q pg,
  reachable s -> s2 s q pg = true -> data (meta s pg) = Some p -> p <> Host -> p <> q ->
  own (meta s pg) = Some p /\ In q (bws (meta s pg)).
Proof.
  intros s p q pg H Hm Hd Hp Hpq.
  destruct (Inv_reachable s H pg) as (_ & _ & _ & _ & Hmap & Hdat).
  pose proof (Hdat p Hp Hd) as Ho. split; auto.
  destruct (Hmap q Hm) as [E|E]; auto. congruence.
Qed.

(* Reclaim: afterwards the VM maps nothing, and each page it owned is the
   host's and scrubbed (zero) -- so the host maps it only after scrubbing. *)
Theorem reclaim_scrubs : forall s vm pg,
  reachable s ->
  let s' := fst (apply s (Reclaim vm)) in
  s2 s' (VM vm) pg = false /\
  (own (meta s pg) = Some (VM vm) ->
     own (meta s' pg) = Some Host /\ data (meta s' pg) = None).
Proof.
  intros s vm pg H. simpl. split.
  - destruct (is_owner (meta s pg) (VM vm)); [reflexivity|].
    unfold peqb. destruct (peq_dec (VM vm) (VM vm)); congruence.
  - intros Ho. apply is_owner_true in Ho. rewrite Ho. auto.
Qed.

(* Non-vacuity: a VM that received a page, wrote private data and shared
   it with nobody; the host does not map it.  After reclaim the host maps
   it again, scrubbed. *)
Theorem isolation_example :
  let s1 := fst (apply init (Donate 5 1 Host (VM 1))) in
  let s2' := fst (apply s1 (Write (VM 1) 5)) in
  let s3 := fst (apply s2' (Reclaim 1)) in
  data (meta s2' 5) = Some (VM 1) /\ s2 s2' Host 5 = false /\ s2 s2' (VM 1) 5 = true /\
  s2 s3 Host 5 = true /\ data (meta s3 5) = None /\
  snd (apply s2' (Share 5 1 Host (VM 2))) = EPERM.
Proof. vm_compute. repeat split; reflexivity. Qed.
