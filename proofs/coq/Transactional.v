(* Transactional.v -- Transactional-Page-Table for lib/pgtable's map.

   Memory: locations are (table page, entry index); an entry is Inv, a
   pointer to a next-level table, or a leaf (block/page) with an output
   address.  Levels are parameterised: a virtual address is a list of
   per-level indices, one per level, so the same model covers 2-, 3- and
   4-level tables.

   A critical section (CS) is a list of writes in program order:
     WZero f        -- zeroing of a freshly allocated table page f (memset)
     WSt l v rel    -- store of v to entry l; rel = true for a release store
                       (STLR / smp_store_release), false for a plain STR.
   Freshly allocated pages hold arbitrary garbage before they are zeroed.

   The relaxed walker (the MMU, running concurrently with the CS) reads one
   entry per level.  A read of location l may return the initial value or
   the value of any write to l, except values already overwritten within
   the walker's "view": the view n is the length of the CS prefix the walker
   is known to observe.  Reading from a release store at position k raises
   the view to k+1 (release store + address-dependent load of the next
   level = message passing, which Armv8 forbids to go stale).  This is the
   per-location coherence + release/acquire-through-dependency model; it is
   an abstraction of, not a transcription of, the Armv8 axiomatic model.

   Theorem [walk_new_or_fault]: for any CS that follows the map discipline
   (zero new tables before publishing them with a release store; only write
   entries that were invalid, or entries of fresh tables after zeroing; each
   entry written at most once), every walk yields the sequential result in
   the final memory or a fault; corollary [walk_old_new_or_fault].  The
   broken twin (publish with a plain store) can yield garbage:
   [broken_publish_garbage]. *)

Require Import Arith Bool Lia List.
Import ListNotations.

Definition loc := (nat * nat)%type.

Inductive val : Type := Inv | Table (p : nat) | Leaf (pa : nat).

Definition mem := loc -> val.

Inductive wr : Type :=
| WZero (p : nat)
| WSt (l : loc) (v : val) (rel : bool).

Definition loc_eqb (a b : loc) : bool := (fst a =? fst b) && (snd a =? snd b).

Lemma loc_eqb_true : forall a b, loc_eqb a b = true -> a = b.
Proof.
  intros [a1 a2] [b1 b2] H. unfold loc_eqb in H; simpl in H.
  apply andb_true_iff in H as [H1 H2]. apply Nat.eqb_eq in H1, H2. subst; auto.
Qed.

Definition writes (w : wr) (l : loc) : option val :=
  match w with
  | WZero p => if fst l =? p then Some Inv else None
  | WSt l' v _ => if loc_eqb l l' then Some v else None
  end.

Fixpoint apply (ws : list wr) (m : mem) : mem :=
  match ws with
  | [] => m
  | w :: ws => apply ws (fun l => match writes w l with Some v => v | None => m l end)
  end.

Definition written_at (ws : list wr) (k : nat) (l : loc) (v : val) : Prop :=
  exists w, nth_error ws k = Some w /\ writes w l = Some v.

Definition wr_to ws k l : Prop := exists v, written_at ws k l v.

Definition is_rel (ws : list wr) (k : nat) : bool :=
  match nth_error ws k with Some (WSt _ _ true) => true | _ => false end.

Inductive result : Type := Fault | Ok (pa : nat).

Definition leaf_result (v : val) : result :=
  match v with Leaf pa => Ok pa | _ => Fault end.

(* read at view n of location l returns v and moves the view to n' *)
Inductive read (ws : list wr) (m0 : mem) (n : nat) (l : loc) : val -> nat -> Prop :=
| rd_init : (forall k, k < n -> ~ wr_to ws k l) -> read ws m0 n l (m0 l) n
| rd_w : forall k v,
    written_at ws k l v ->
    (forall k', k < k' < n -> ~ wr_to ws k' l) ->
    read ws m0 n l v (if is_rel ws k then max n (S k) else n).

(* relaxed walk from table p at view n *)
Inductive rwalk (ws : list wr) (m0 : mem) : nat -> nat -> list nat -> result -> Prop :=
| rw_last : forall n p i v n',
    read ws m0 n (p, i) v n' -> rwalk ws m0 n p [i] (leaf_result v)
| rw_inv : forall n p i rest n',
    read ws m0 n (p, i) Inv n' -> rwalk ws m0 n p (i :: rest) Fault
| rw_block : forall n p i rest pa n',
    rest <> [] -> read ws m0 n (p, i) (Leaf pa) n' -> rwalk ws m0 n p (i :: rest) (Ok pa)
| rw_table : forall n p i rest q n' r,
    rest <> [] -> read ws m0 n (p, i) (Table q) n' -> rwalk ws m0 n' q rest r ->
    rwalk ws m0 n p (i :: rest) r.

(* sequential walk in one memory *)
Fixpoint swalk (m : mem) (p : nat) (va : list nat) : result :=
  match va with
  | [] => Fault
  | i :: rest =>
      match rest with
      | [] => leaf_result (m (p, i))
      | _ => match m (p, i) with
             | Inv => Fault
             | Leaf pa => Ok pa
             | Table q => swalk m q rest
             end
      end
  end.

(* The map discipline of lib/pgtable. *)
Definition disciplined (ws : list wr) (m0 : mem) (fresh : nat -> bool) (root : nat) : Prop :=
  fresh root = false /\
  (* existing tables never point to fresh pages *)
  (forall l q, fresh (fst l) = false -> m0 l = Table q -> fresh q = false) /\
  (* only fresh pages are zeroed *)
  (forall k f, nth_error ws k = Some (WZero f) -> fresh f = true) /\
  (forall k l v r, nth_error ws k = Some (WSt l v r) ->
     (* each entry is stored at most once, and not zeroed afterwards *)
     (forall k', k < k' -> ~ wr_to ws k' l) /\
     (* entries of existing tables are written only where invalid *)
     (fresh (fst l) = false -> m0 l = Inv) /\
     (* entries of new tables only after zeroing *)
     (fresh (fst l) = true -> exists j, j < k /\ nth_error ws j = Some (WZero (fst l))) /\
     (* a table pointer is published with a release store, after zeroing *)
     (forall q, v = Table q -> r = true /\ fresh q = true /\
                 exists j, j < k /\ nth_error ws j = Some (WZero q))).

Lemma apply_none : forall ws m l, (forall k, ~ wr_to ws k l) -> apply ws m l = m l.
Proof.
  induction ws as [|w ws IH]; simpl; intros m l H; auto.
  rewrite IH.
  - destruct (writes w l) eqn:E; auto. exfalso. apply (H 0). exists v, w. auto.
  - intros k (v & w' & Hn & Hw). apply (H (S k)). exists v, w'. auto.
Qed.

Lemma apply_last : forall ws m k l v,
  written_at ws k l v -> (forall k', k < k' -> ~ wr_to ws k' l) -> apply ws m l = v.
Proof.
  induction ws as [|w ws IH]; simpl; intros m k l v (w' & Hn & Hw) Hlast.
  - destruct k; discriminate.
  - destruct k as [|k]; simpl in Hn.
    + inversion Hn; subst w'. rewrite apply_none.
      * rewrite Hw; auto.
      * intros k (v' & w2 & Hn2 & Hw2). apply (Hlast (S k)); [lia|]. exists v', w2. auto.
    + apply IH with k. exists w'; auto.
      intros k' Hk (v' & w2 & Hn2 & Hw2). apply (Hlast (S k')); [lia|]. exists v', w2. auto.
Qed.

Definition Good (ws : list wr) (fresh : nat -> bool) (p n : nat) : Prop :=
  fresh p = false \/ exists j, j < n /\ nth_error ws j = Some (WZero p).

Lemma Good_mono : forall ws fresh p n n', n <= n' -> Good ws fresh p n -> Good ws fresh p n'.
Proof. intros ws fresh p n n' Hle [H|(j & Hj & Hn)]; [left; auto | right; exists j; split; auto; lia]. Qed.

(* a store read by the walker is the final value of its location *)
Lemma read_store : forall ws m0 fresh root n p i k l v r,
  disciplined ws m0 fresh root ->
  nth_error ws k = Some (WSt l v r) -> writes (WSt l v r) (p, i) = Some v ->
  v = apply ws m0 (p, i) /\
  (forall q, v = Table q -> Good ws fresh q (if is_rel ws k then max n (S k) else n)).
Proof.
  intros ws m0 fresh root n p i k l v r HD Hk Hw.
  destruct HD as (_ & _ & _ & Hst). destruct (Hst k l v r Hk) as (Hlast & _ & _ & Hpub).
  simpl in Hw. destruct (loc_eqb (p, i) l) eqn:E; [|discriminate]. apply loc_eqb_true in E. subst l.
  split.
  - symmetry. apply apply_last with k; auto. exists (WSt (p, i) v r); split; auto. simpl.
    unfold loc_eqb; simpl. rewrite !Nat.eqb_refl. auto.
  - intros q ->. destruct (Hpub q eq_refl) as (-> & _ & j & Hj & Hz).
    unfold is_rel. rewrite Hk. right. exists j. split; auto. lia.
Qed.

Lemma read_ok : forall ws m0 fresh root p i n v n',
  disciplined ws m0 fresh root ->
  Good ws fresh p n -> read ws m0 n (p, i) v n' ->
  v = Inv \/ (v = apply ws m0 (p, i) /\ forall q, v = Table q -> Good ws fresh q n').
Proof.
  intros ws m0 fresh root p i n v n' HD HG Hr. pose proof HD as (Hroot & Hm0 & Hz & Hst).
  destruct Hr as [Hnone | k v (w & Hk & Hw) Hnov].
  - (* read of the initial value *)
    destruct HG as [Hnf | (j & Hj & Hzj)].
    + destruct (m0 (p, i)) eqn:E; [left; auto| |]; right;
        (split; [ rewrite apply_none; auto | ]).
      all: try (intros k (v' & w & Hk & Hw); destruct w as [f|l v'' r];
        [ apply Hz in Hk; simpl in Hw; destruct (p =? f) eqn:Ep; [|discriminate];
          apply Nat.eqb_eq in Ep; subst; congruence
        | destruct (Hst k l v'' r Hk) as (_ & Hinv & _);
          simpl in Hw; destruct (loc_eqb (p, i) l) eqn:El; [|discriminate];
          apply loc_eqb_true in El; subst l; rewrite Hinv in E; auto; discriminate ]).
      * intros q Hq. inversion Hq; subst. left. eapply (Hm0 (p, i)); eauto.
      * intros q Hq. discriminate.
    + exfalso. apply (Hnone j Hj). exists Inv, (WZero p). split; auto. simpl. rewrite Nat.eqb_refl. auto.
  - (* read from the write at position k *)
    destruct w as [f|l v' r].
    + simpl in Hw. destruct (p =? f); inversion Hw; auto.
    + right. assert (v' = v) by (simpl in Hw; destruct (loc_eqb (p, i) l); congruence). subst v'.
      eapply read_store; eauto.
Qed.

Lemma walk_good : forall ws m0 fresh root n p va r,
  disciplined ws m0 fresh root ->
  rwalk ws m0 n p va r -> Good ws fresh p n -> r = swalk (apply ws m0) p va \/ r = Fault.
Proof.
  intros ws m0 fresh root n p va r HD H. induction H as [n p i v n' Hr | n p i rest n' Hr
                                     | n p i rest pa n' Hne Hr | n p i rest q n' r Hne Hr Hw IH];
    intros HG.
  - destruct (read_ok ws m0 fresh root p i n v n' HD HG Hr) as [->|[-> _]]; simpl; auto.
  - auto.
  - destruct (read_ok ws m0 fresh root p i n _ n' HD HG Hr) as [E|[E _]]; [discriminate|].
    left. simpl. destruct rest; [congruence|]. rewrite <- E. auto.
  - destruct (read_ok ws m0 fresh root p i n _ n' HD HG Hr) as [E|[E HGq]]; [discriminate|].
    destruct (IH (HGq q eq_refl)) as [ -> | -> ]; auto.
    left. simpl. destruct rest; [congruence|]. rewrite <- E. auto.
Qed.



(* Main theorem: a relaxed walk concurrent with a disciplined map CS, from
   the (non-fresh) root at any view, yields the new translation or a fault. *)
Theorem walk_new_or_fault : forall ws m0 fresh root n va r,
  disciplined ws m0 fresh root ->
  rwalk ws m0 n root va r ->
  r = swalk (apply ws m0) root va \/ r = Fault.
Proof.
  intros ws m0 fresh root n va r HD Hw.
  eapply walk_good; eauto. left. destruct HD; auto.
Qed.

(* The sequential walk in the old memory is one of the relaxed walks (all
   reads return initial values at view 0). *)
Lemma old_walk_is_rwalk : forall ws m0 va p,
  va <> [] -> rwalk ws m0 0 p va (swalk m0 p va).
Proof.
  intros ws m0 va. induction va as [|i rest IH]; intros p Hne; [congruence|].
  assert (Hr : read ws m0 0 (p, i) (m0 (p, i)) 0) by (apply rd_init; intros; lia).
  destruct rest as [|j rest'].
  - simpl. eapply rw_last; eauto.
  - simpl. destruct (m0 (p, i)) as [|q|pa] eqn:E.
    + eapply rw_inv with (n' := 0). rewrite <- E. apply rd_init; intros; lia.
    + eapply rw_table with (n' := 0);
        [discriminate | rewrite <- E; apply rd_init; intros; lia | apply IH; discriminate].
    + eapply rw_block with (n' := 0); [discriminate | rewrite <- E; apply rd_init; intros; lia].
Qed.

(* A map never changes an existing translation: the old result is the new
   one or a fault (the address was unmapped before). *)
Theorem map_keeps_old_translations : forall ws m0 fresh root va,
  disciplined ws m0 fresh root -> va <> [] ->
  swalk m0 root va = swalk (apply ws m0) root va \/ swalk m0 root va = Fault.
Proof.
  intros. eapply walk_new_or_fault; eauto using old_walk_is_rwalk.
Qed.

(* The VRM statement: old translation, new translation, or fault. *)
Theorem walk_old_new_or_fault : forall ws m0 fresh root n va r,
  disciplined ws m0 fresh root ->
  rwalk ws m0 n root va r ->
  r = swalk m0 root va \/ r = swalk (apply ws m0) root va \/ r = Fault.
Proof.
  intros. destruct (walk_new_or_fault ws m0 fresh root n va r) as [ -> | -> ]; auto.
Qed.

(* ------------------------------------------------------------------ *)
(* Concrete instance: a 3-level map of va [3;4;5] -> pa 77 that needs two
   new tables (pages 10 and 11), in the order lib/pgtable uses: allocate
   (zero) all tables first, publish them top-down with release stores, then
   write the leaf.  Fresh pages hold garbage (Leaf 666) before zeroing. *)

Definition ex_fresh (p : nat) : bool := (p =? 10) || (p =? 11).
Definition ex_m0 : mem := fun l => if ex_fresh (fst l) then Leaf 666 else Inv.
Definition ex_va := [3; 4; 5].

Definition ex_cs (publish_rel : bool) : list wr :=
  [WZero 10; WZero 11; WSt (0, 3) (Table 10) publish_rel;
   WSt (10, 4) (Table 11) publish_rel; WSt (11, 5) (Leaf 77) false].

Ltac solve_nth :=
  repeat match goal with
  | H : nth_error _ ?k = Some _ |- _ =>
      destruct k as [|k]; simpl in H; try discriminate; try (inversion H; subst; clear H)
  end.

Lemma ex_disciplined : disciplined (ex_cs true) ex_m0 ex_fresh 0.
Proof.
  unfold disciplined. split; [reflexivity|]. split.
  { intros [p i] q Hf H. unfold ex_m0 in H. simpl in *. rewrite Hf in H. discriminate. }
  split.
  { intros k f H. solve_nth; reflexivity. }
  intros k l v r H. solve_nth;
    (split; [intros k' Hk (v' & w & Hn & Hw); solve_nth; try lia; simpl in Hw; discriminate|]);
    (split; [intros Hf; simpl in Hf; try discriminate; reflexivity|]);
    (split; [intros Hf; simpl in Hf; try discriminate|]);
    try (intros q Hq; discriminate).
  all: try (intros q Hq; inversion Hq; subst; split; [reflexivity|]; split; [reflexivity|]).
  all: first [ exists 0; split; [lia|reflexivity] | exists 1; split; [lia|reflexivity] ].
Qed.

(* Non-vacuity of the good case: both the new translation and a fault are
   possible outcomes of a concurrent walk. *)
Theorem ex_new_translation_observable : rwalk (ex_cs true) ex_m0 0 0 ex_va (Ok 77).
Proof.
  unfold ex_va. eapply rw_table with (n' := 3); [discriminate| |].
  { apply (rd_w (ex_cs true) ex_m0 0 (0, 3) 2 (Table 10)); [eexists; split; reflexivity | intros; lia]. }
  eapply rw_table with (n' := 4); [discriminate| |].
  { apply (rd_w (ex_cs true) ex_m0 3 (10, 4) 3 (Table 11)); [eexists; split; reflexivity | intros; lia]. }
  change (Ok 77) with (leaf_result (Leaf 77)). eapply rw_last.
  apply (rd_w (ex_cs true) ex_m0 4 (11, 5) 4 (Leaf 77)); [eexists; split; reflexivity | intros; lia].
Qed.

Theorem ex_fault_observable : rwalk (ex_cs true) ex_m0 0 0 ex_va Fault.
Proof.
  unfold ex_va. eapply rw_table with (n' := 3); [discriminate| |].
  { apply (rd_w (ex_cs true) ex_m0 0 (0, 3) 2 (Table 10)); [eexists; split; reflexivity | intros; lia]. }
  eapply rw_inv with (n' := 3).
  apply (rd_w (ex_cs true) ex_m0 3 (10, 4) 0 Inv); [eexists; split; reflexivity |].
  intros k' Hk (v & w & Hn & Hw). destruct k' as [|[|[|]]]; try lia; simpl in *;
    inversion Hn; subst; discriminate.
Qed.

(* Broken twin: publishing the new table with a plain store (no release)
   lets the walker follow the new pointer but read the page's pre-zeroing
   garbage -- a result that is neither the old nor the new translation nor
   a fault.  So the release ordering is necessary and the theorem above is
   not vacuous. *)
Theorem broken_publish_garbage :
  rwalk (ex_cs false) ex_m0 0 0 ex_va (Ok 666) /\
  Ok 666 <> swalk ex_m0 0 ex_va /\
  Ok 666 <> swalk (apply (ex_cs false) ex_m0) 0 ex_va /\
  Ok 666 <> Fault.
Proof.
  split; [|split; [|split]]; try (vm_compute; discriminate).
  unfold ex_va. eapply rw_table with (n' := 0); [discriminate| |].
  { apply (rd_w (ex_cs false) ex_m0 0 (0, 3) 2 (Table 10)); [eexists; split; reflexivity | intros; lia]. }
  eapply rw_block; [discriminate|].
  change (Leaf 666) with (ex_m0 (10, 4)). apply rd_init. intros; lia.
Qed.

Theorem broken_not_disciplined : ~ disciplined (ex_cs false) ex_m0 ex_fresh 0.
Proof.
  intros (_ & _ & _ & H). destruct (H 2 (0, 3) (Table 10) false eq_refl) as (_ & _ & _ & Hp).
  destruct (Hp 10 eq_refl) as [E _]. discriminate.
Qed.
