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
   [broken_publish_garbage].

   Which paths have a fault window, for an address mapped both before and
   after the critical section:
   - map (disciplined): none.  [walk_mapped_before_sees_old],
     [walk_mapped_no_fault]: every walk of an address mapped before sees
     exactly the old translation, which is also the new one (map never
     writes a valid entry, so nothing on the old path changes).
   - an in-place store of one entry, old and new value invalid or a leaf
     (set_prot's permission-only change over the live leaf; one map
     leaf): none.  [inplace_old_or_new], [inplace_mapped_no_fault].
   - break-before-make of one leaf (pgt_bbm: store 0, TLBI sequence, store
     the new leaf; remap, set_prot's memory-type change): yes.
     [bbm_old_new_or_fault]: old, new or a fault; [bbm_fault_observable]:
     the fault happens on an address mapped before and after;
     [bbm_view_past_make_new], [bbm_fault_only_in_window]: a walk whose
     view includes the make store sees the new translation, so a fault
     is only seen by a walk that can still read the break.
   - pgt_split (a block replaced by a prefilled table, through BBM) is
     not covered by these theorems (the model has no output-address
     offsets, so a block and its copy into a table are not the same
     translation here); it has BBM's break window too. *)

Require Import Arith Bool Lia List.
Import ListNotations.

Definition loc := (nat * nat)%type.

(* A leaf carries its output address pa and its attributes a: the bits
   lib/pgtable's pgt_leaf_attrs keeps (every bit but OA[47:12] and the type
   bits: permissions, memory type, shareability, AF, ...). *)
Inductive val : Type := Inv | Table (p : nat) | Leaf (pa a : nat).

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

(* A translation: output address and attributes, or a fault. *)
Inductive result : Type := Fault | Ok (pa a : nat).

Definition leaf_result (v : val) : result :=
  match v with Leaf pa a => Ok pa a | _ => Fault end.

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
| rw_block : forall n p i rest pa a n',
    rest <> [] -> read ws m0 n (p, i) (Leaf pa a) n' -> rwalk ws m0 n p (i :: rest) (Ok pa a)
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
             | Leaf pa a => Ok pa a
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
                                     | n p i rest pa a n' Hne Hr | n p i rest q n' r Hne Hr Hw IH];
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
   write the leaf.  Fresh pages hold garbage (Leaf 666 0) before zeroing. *)

Definition ex_fresh (p : nat) : bool := (p =? 10) || (p =? 11).
Definition ex_m0 : mem := fun l => if ex_fresh (fst l) then Leaf 666 0 else Inv.
Definition ex_va := [3; 4; 5].

Definition ex_cs (publish_rel : bool) : list wr :=
  [WZero 10; WZero 11; WSt (0, 3) (Table 10) publish_rel;
   WSt (10, 4) (Table 11) publish_rel; WSt (11, 5) (Leaf 77 1) false].

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
Theorem ex_new_translation_observable : rwalk (ex_cs true) ex_m0 0 0 ex_va (Ok 77 1).
Proof.
  unfold ex_va. eapply rw_table with (n' := 3); [discriminate| |].
  { apply (rd_w (ex_cs true) ex_m0 0 (0, 3) 2 (Table 10)); [eexists; split; reflexivity | intros; lia]. }
  eapply rw_table with (n' := 4); [discriminate| |].
  { apply (rd_w (ex_cs true) ex_m0 3 (10, 4) 3 (Table 11)); [eexists; split; reflexivity | intros; lia]. }
  change (Ok 77 1) with (leaf_result (Leaf 77 1)). eapply rw_last.
  apply (rd_w (ex_cs true) ex_m0 4 (11, 5) 4 (Leaf 77 1)); [eexists; split; reflexivity | intros; lia].
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
  rwalk (ex_cs false) ex_m0 0 0 ex_va (Ok 666 0) /\
  Ok 666 0 <> swalk ex_m0 0 ex_va /\
  Ok 666 0 <> swalk (apply (ex_cs false) ex_m0) 0 ex_va /\
  Ok 666 0 <> Fault.
Proof.
  split; [|split; [|split]]; try (vm_compute; discriminate).
  unfold ex_va. eapply rw_table with (n' := 0); [discriminate| |].
  { apply (rd_w (ex_cs false) ex_m0 0 (0, 3) 2 (Table 10)); [eexists; split; reflexivity | intros; lia]. }
  eapply rw_block; [discriminate|].
  change (Leaf 666 0) with (ex_m0 (10, 4)). apply rd_init. intros; lia.
Qed.

Theorem broken_not_disciplined : ~ disciplined (ex_cs false) ex_m0 ex_fresh 0.
Proof.
  intros (_ & _ & _ & H). destruct (H 2 (0, 3) (Table 10) false eq_refl) as (_ & _ & _ & Hp).
  destruct (Hp 10 eq_refl) as [E _]. discriminate.
Qed.

(* ------------------------------------------------------------------ *)
(* No fault window for the map path: an address mapped before a
   disciplined (map) critical section is translated by every concurrent
   walk to exactly its old translation, which is also the new one.  The
   map writes only invalid entries of existing tables and entries of
   fresh pages, so nothing on the old path changes. *)

Lemma no_write_valid : forall ws m0 fresh root l k,
  disciplined ws m0 fresh root -> fresh (fst l) = false -> m0 l <> Inv -> ~ wr_to ws k l.
Proof.
  intros ws m0 fresh root l k (_ & _ & Hz & Hst) Hf Hv (v & w & Hn & Hw).
  destruct w as [f|l' v' r]; simpl in Hw.
  - destruct (fst l =? f) eqn:E; [|discriminate]. apply Nat.eqb_eq in E. subst f.
    rewrite (Hz k (fst l) Hn) in Hf. discriminate.
  - destruct (loc_eqb l l') eqn:E; [|discriminate]. apply loc_eqb_true in E. subst l'.
    destruct (Hst k l v' r Hn) as (_ & Hinv & _). exact (Hv (Hinv Hf)).
Qed.

Lemma read_unwritten : forall ws m0 n l v n',
  (forall k, ~ wr_to ws k l) -> read ws m0 n l v n' -> v = m0 l.
Proof.
  intros ws m0 n l v n' Hnw Hr. destruct Hr as [_ | k v Hk _]; auto.
  exfalso. apply (Hnw k). exists v. exact Hk.
Qed.

Lemma swalk_cons : forall m p i rest, rest <> [] ->
  swalk m p (i :: rest) =
  match m (p, i) with Inv => Fault | Leaf pa a => Ok pa a | Table q => swalk m q rest end.
Proof. intros m p i rest H. destruct rest; [congruence|reflexivity]. Qed.

Lemma walk_mapped_gen : forall ws m0 fresh root n p va r,
  disciplined ws m0 fresh root -> rwalk ws m0 n p va r ->
  fresh p = false -> swalk m0 p va <> Fault -> r = swalk m0 p va.
Proof.
  intros ws m0 fresh root n p va r HD H.
  induction H as [n p i v n' Hr | n p i rest n' Hr
                 | n p i rest pa a n' Hne Hr | n p i rest q n' r Hne Hr Hw IH];
    intros Hf Hs.
  - assert (m0 (p, i) <> Inv) as Hv by (simpl in Hs; intros E; rewrite E in Hs; auto).
    rewrite (read_unwritten _ _ _ _ _ _ (fun k => no_write_valid _ _ _ _ (p, i) k HD Hf Hv) Hr).
    reflexivity.
  - assert (m0 (p, i) <> Inv) as Hv.
    { intros E. apply Hs. destruct rest; simpl; rewrite E; auto. }
    apply (read_unwritten _ _ _ _ _ _ (fun k => no_write_valid _ _ _ _ (p, i) k HD Hf Hv)) in Hr.
    congruence.
  - rewrite swalk_cons in Hs |- * by auto.
    assert (m0 (p, i) <> Inv) as Hv by (intros E; rewrite E in Hs; auto).
    apply (read_unwritten _ _ _ _ _ _ (fun k => no_write_valid _ _ _ _ (p, i) k HD Hf Hv)) in Hr.
    rewrite <- Hr. reflexivity.
  - rewrite swalk_cons in Hs |- * by auto.
    assert (m0 (p, i) <> Inv) as Hv by (intros E; rewrite E in Hs; auto).
    apply (read_unwritten _ _ _ _ _ _ (fun k => no_write_valid _ _ _ _ (p, i) k HD Hf Hv)) in Hr.
    rewrite <- Hr in Hs |- *. apply IH; auto.
    destruct HD as (_ & Hm0 & _). exact (Hm0 (p, i) q Hf (eq_sym Hr)).
Qed.

(* Mapped before: every concurrent walk sees exactly the old translation
   (no fault, no new translation). *)
Theorem walk_mapped_before_sees_old : forall ws m0 fresh root n va r,
  disciplined ws m0 fresh root -> swalk m0 root va <> Fault ->
  rwalk ws m0 n root va r -> r = swalk m0 root va.
Proof.
  intros ws m0 fresh root n va r HD Hs Hw. eapply walk_mapped_gen; eauto.
  destruct HD; auto.
Qed.

(* The reviewers' statement for the map path: an address mapped before is
   mapped after to the same translation, and a concurrent walk never
   faults on it. *)
Theorem walk_mapped_no_fault : forall ws m0 fresh root n va r pa a,
  disciplined ws m0 fresh root -> swalk m0 root va = Ok pa a ->
  rwalk ws m0 n root va r ->
  r = Ok pa a /\ swalk (apply ws m0) root va = Ok pa a.
Proof.
  intros ws m0 fresh root n va r pa a HD Hs Hw.
  assert (va <> []) as Hva by (intros ->; discriminate).
  split.
  - rewrite <- Hs. eapply walk_mapped_before_sees_old; eauto. rewrite Hs. discriminate.
  - destruct (map_keeps_old_translations ws m0 fresh root va HD Hva) as [E|E];
      rewrite Hs in E; [auto|discriminate].
Qed.

(* ------------------------------------------------------------------ *)
(* Updates of one live entry: lib/pgtable's in-place write (set_prot's
   permission-only change: pgt_pte_write over the live leaf) and
   break-before-make (pgt_bbm: store 0, TLBI sequence, store the new
   entry).  The entry's old and new values are terminal (invalid or a
   leaf): a leaf replaced by a leaf.  (A block replaced by a table --
   pgt_split -- is not covered: see proofs/README.md.)  The TLBI between
   break and make is no memory write; TLBs are TLBI.v's subject. *)

Definition terminal (v : val) : Prop := match v with Table _ => False | _ => True end.

Definition upd_mem (m : mem) (l : loc) (u : val) : mem :=
  fun l' => if loc_eqb l' l then u else m l'.

(* every write of ws is a store of a terminal value to l *)
Definition one_entry (ws : list wr) (l : loc) : Prop :=
  forall k w, nth_error ws k = Some w -> exists v r, w = WSt l v r /\ terminal v.

Lemma one_entry_written : forall ws l k l' v,
  one_entry ws l -> written_at ws k l' v -> l' = l /\ terminal v.
Proof.
  intros ws l k l' v H1 (w & Hn & Hw). destruct (H1 k w Hn) as (v' & r & -> & Ht).
  simpl in Hw. destruct (loc_eqb l' l) eqn:E; [|discriminate]. apply loc_eqb_true in E.
  inversion Hw; subst. auto.
Qed.

Lemma read_view_mono : forall ws m0 n l v n', read ws m0 n l v n' -> n <= n'.
Proof. intros ws m0 n l v n' H. destruct H; [lia|]. destruct (is_rel ws k); lia. Qed.

Lemma read_value : forall ws m0 n l v n',
  read ws m0 n l v n' -> v = m0 l \/ exists k, written_at ws k l v.
Proof. intros ws m0 n l v n' H. destruct H; [left; auto | right; eauto]. Qed.

Lemma upd_other : forall m l u l', l' <> l -> upd_mem m l u l' = m l'.
Proof.
  intros m l u l' H. unfold upd_mem. destruct (loc_eqb l' l) eqn:E; auto.
  apply loc_eqb_true in E. contradiction.
Qed.

Lemma upd_same : forall m l u, upd_mem m l u l = u.
Proof.
  intros m [a b] u. unfold upd_mem, loc_eqb; simpl. rewrite !Nat.eqb_refl. reflexivity.
Qed.

Lemma loc_dec : forall a b : loc, {a = b} + {a <> b}.
Proof. intros [a1 a2] [b1 b2]. destruct (Nat.eq_dec a1 b1), (Nat.eq_dec a2 b2); subst;
  [left; auto | right; congruence | right; congruence | right; congruence]. Qed.

Lemma swalk_ext : forall m m' p va, (forall l, m l = m' l) -> swalk m p va = swalk m' p va.
Proof.
  intros m m' p va H. revert p. induction va as [|i rest IH]; intros p; [reflexivity|].
  destruct rest as [|j rest]; simpl; rewrite H; [reflexivity|].
  destruct (m' (p, i)); auto. apply IH.
Qed.

(* A walk concurrent with a one-entry CS: it either never depends on l
   (then it is the walk of m0 with any value at l), or it read at l a value
   u readable at a view at least its own, and it is the walk of m0 with u
   at l. *)
Lemma walk_one_entry : forall ws m0 l n p va r,
  one_entry ws l -> terminal (m0 l) -> rwalk ws m0 n p va r ->
  (forall u, r = swalk (upd_mem m0 l u) p va) \/
  exists u n1 n2, n <= n1 /\ read ws m0 n1 l u n2 /\ r = swalk (upd_mem m0 l u) p va.
Proof.
  intros ws m0 l n p va r H1 Ht H.
  assert (Hother : forall l' n v n', l' <> l -> read ws m0 n l' v n' -> v = m0 l').
  { intros l' n0 v n' Hne Hr. apply (read_unwritten ws m0 n0 l' v n'); auto.
    intros k (v' & Hk). apply Hne. exact (proj1 (one_entry_written _ _ _ _ _ H1 Hk)). }
  induction H as [n p i v n' Hr | n p i rest n' Hr
                 | n p i rest pa a n' Hne Hr | n p i rest q n' r Hne Hr Hw IH].
  - destruct (loc_dec (p, i) l) as [E|E].
    + right. exists v, n, n'. subst l. split; [lia|split; [auto|]]. simpl. rewrite upd_same. auto.
    + left. intros u. simpl. rewrite upd_other by auto. rewrite (Hother _ _ _ _ E Hr). auto.
  - destruct (loc_dec (p, i) l) as [E|E].
    + right. exists Inv, n, n'. subst l. split; [lia|split; [auto|]].
      destruct rest; simpl; rewrite upd_same; auto.
    + left. intros u. apply Hother in Hr; auto.
      destruct rest; simpl; rewrite upd_other by auto; rewrite <- Hr; auto.
  - destruct (loc_dec (p, i) l) as [E|E].
    + right. exists (Leaf pa a), n, n'. subst l. split; [lia|split; [auto|]].
      rewrite swalk_cons, upd_same by auto. auto.
    + left. intros u. rewrite swalk_cons by auto. rewrite upd_other by auto.
      apply Hother in Hr; auto. rewrite <- Hr. auto.
  - destruct (loc_dec (p, i) l) as [E|E].
    + exfalso. subst l. destruct (read_value _ _ _ _ _ _ Hr) as [E|(k & Hk)].
      * rewrite <- E in Ht. exact Ht.
      * exact (proj2 (one_entry_written _ _ _ _ _ H1 Hk)).
    + pose proof (read_view_mono _ _ _ _ _ _ Hr) as Hle. apply Hother in Hr; auto.
      destruct IH as [Hall|(u & n1 & n2 & Hn1 & Hr1 & Hu)].
      * left. intros u. rewrite swalk_cons by auto. rewrite upd_other by auto.
        rewrite <- Hr. apply Hall.
      * right. exists u, n1, n2. split; [lia|split; [auto|]].
        rewrite swalk_cons by auto. rewrite upd_other by auto. rewrite <- Hr. exact Hu.
Qed.

Lemma swalk_upd_self : forall m l p va, swalk (upd_mem m l (m l)) p va = swalk m p va.
Proof.
  intros m l p va. apply swalk_ext. intros l'. destruct (loc_dec l' l) as [->|E].
  - apply upd_same.
  - apply upd_other; auto.
Qed.

(* Writing a terminal value u at l changes a walk at most to u's result. *)
Lemma swalk_upd_terminal : forall m l u p va, terminal u ->
  swalk (upd_mem m l u) p va = swalk m p va \/ swalk (upd_mem m l u) p va = leaf_result u.
Proof.
  intros m l u p va Hu. revert p. induction va as [|i rest IH]; intros p; [left; auto|].
  destruct (loc_dec (p, i) l) as [E|E].
  - right. subst l. destruct rest as [|j rest]; [simpl; rewrite upd_same; auto|].
    rewrite swalk_cons, upd_same by discriminate.
    destruct u; simpl in *; [auto|contradiction|auto].
  - destruct rest as [|j rest]; [simpl; rewrite upd_other by auto; left; auto|].
    rewrite (swalk_cons (upd_mem m l u)), (swalk_cons m), upd_other by (auto; discriminate).
    destruct (m (p, i)); auto.
Qed.

(* In-place update of one entry: a single store [WSt l v r] (set_prot
   without a memory-type change: pgt_pte_write over the live leaf; or one
   leaf of map over an invalid entry).  No fault window: every walk yields
   the old or the new translation. *)
Theorem inplace_old_or_new : forall m0 l v rel n root va r,
  terminal (m0 l) -> terminal v ->
  rwalk [WSt l v rel] m0 n root va r ->
  r = swalk m0 root va \/ r = swalk (apply [WSt l v rel] m0) root va.
Proof.
  intros m0 l v rel n root va r Ht Hv Hw.
  assert (H1 : one_entry [WSt l v rel] l).
  { intros [|[|k]] w Hk; simpl in Hk; inversion Hk; subst. exists v, rel. auto. }
  assert (Hnew : forall p va, swalk (apply [WSt l v rel] m0) p va = swalk (upd_mem m0 l v) p va).
  { intros p va'. apply swalk_ext. intros l'. simpl. unfold upd_mem. destruct (loc_eqb l' l); auto. }
  rewrite Hnew. destruct (walk_one_entry _ _ _ _ _ _ _ H1 Ht Hw) as [Hall|(u & n1 & n2 & _ & Hr & Hu)].
  - left. rewrite (Hall (m0 l)). apply swalk_upd_self.
  - destruct (read_value _ _ _ _ _ _ Hr) as [E|(k & w & Hk & Hwk)].
    + left. subst u r. apply swalk_upd_self.
    + right. destruct k as [|[|k]]; simpl in Hk; inversion Hk; subst w.
      simpl in Hwk. unfold loc_eqb in Hwk. rewrite !Nat.eqb_refl in Hwk.
      inversion Hwk; subst. auto.
Qed.

(* The reviewers' statement holds for this path: mapped before and after,
   a concurrent walk never faults. *)
Theorem inplace_mapped_no_fault : forall m0 l v rel n root va r,
  terminal (m0 l) -> terminal v ->
  swalk m0 root va <> Fault -> swalk (apply [WSt l v rel] m0) root va <> Fault ->
  rwalk [WSt l v rel] m0 n root va r -> r <> Fault.
Proof.
  intros m0 l v rel n root va r Ht Hv H0 H1 Hw.
  destruct (inplace_old_or_new m0 l v rel n root va r Ht Hv Hw) as [->| ->]; auto.
Qed.

(* Break-before-make of one entry, as pgt_bbm: the break (store 0, a
   plain store), then -- after the TLBI sequence -- the make (store of the
   new entry; rel = true for a table descriptor, which is not terminal and
   so not covered here, false for a leaf). *)
Definition bbm_cs (l : loc) (v : val) (rel : bool) : list wr := [WSt l Inv false; WSt l v rel].

Lemma bbm_one_entry : forall l v rel, terminal v -> one_entry (bbm_cs l v rel) l.
Proof.
  intros l v rel Hv [|[|k]] w Hk; simpl in Hk; inversion Hk; subst.
  - exists Inv, false. simpl. auto.
  - exists v, rel. auto.
  - destruct k; discriminate.
Qed.

Lemma bbm_new : forall m0 l v rel p va,
  swalk (apply (bbm_cs l v rel) m0) p va = swalk (upd_mem m0 l v) p va.
Proof.
  intros. apply swalk_ext. intros l'. simpl. unfold upd_mem. destruct (loc_eqb l' l); auto.
Qed.

(* BBM: old, new, or a fault.  The fault is real (bbm_fault_observable):
   the reviewers' no-fault statement does not hold for BBM. *)
Theorem bbm_old_new_or_fault : forall m0 l v rel n root va r,
  terminal (m0 l) -> terminal v ->
  rwalk (bbm_cs l v rel) m0 n root va r ->
  r = swalk m0 root va \/ r = swalk (apply (bbm_cs l v rel) m0) root va \/ r = Fault.
Proof.
  intros m0 l v rel n root va r Ht Hv Hw. rewrite bbm_new.
  destruct (walk_one_entry _ _ _ _ _ _ _ (bbm_one_entry l v rel Hv) Ht Hw)
    as [Hall|(u & n1 & n2 & _ & Hr & Hu)].
  - left. rewrite (Hall (m0 l)). apply swalk_upd_self.
  - subst r. destruct (read_value _ _ _ _ _ _ Hr) as [E|(k & w & Hk & Hwk)].
    + left. subst u. apply swalk_upd_self.
    + destruct k as [|[|[|k]]]; simpl in Hk; inversion Hk; subst w;
        simpl in Hwk; unfold loc_eqb in Hwk; rewrite !Nat.eqb_refl in Hwk; inversion Hwk; subst.
      * destruct (swalk_upd_terminal m0 l Inv root va I) as [E|E]; rewrite E; auto.
      * auto.
Qed.

(* The fault window is the break: a walk whose view includes the make
   store (n >= 2: it is known to observe both stores, e.g. it started
   after the make was visible) sees the new translation. *)
Theorem bbm_view_past_make_new : forall m0 l v rel n root va r,
  terminal (m0 l) -> terminal v -> 2 <= n ->
  rwalk (bbm_cs l v rel) m0 n root va r ->
  r = swalk (apply (bbm_cs l v rel) m0) root va.
Proof.
  intros m0 l v rel n root va r Ht Hv Hn Hw. rewrite bbm_new.
  destruct (walk_one_entry _ _ _ _ _ _ _ (bbm_one_entry l v rel Hv) Ht Hw)
    as [Hall|(u & n1 & n2 & Hn1 & Hr & Hu)]; [apply Hall|].
  subst r. destruct Hr as [Hnone | k u Hk Hnov].
  - exfalso. apply (Hnone 0); [lia|]. exists Inv, (WSt l Inv false).
    split; [reflexivity|]. simpl. unfold loc_eqb. rewrite !Nat.eqb_refl. reflexivity.
  - destruct Hk as (w & Hk & Hwk). destruct k as [|[|[|k]]]; simpl in Hk; inversion Hk; subst w.
    + exfalso. apply (Hnov 1); [lia|]. exists v, (WSt l v rel).
      split; [reflexivity|]. simpl. unfold loc_eqb. rewrite !Nat.eqb_refl. reflexivity.
    + simpl in Hwk. unfold loc_eqb in Hwk. rewrite !Nat.eqb_refl in Hwk. inversion Hwk. auto.
Qed.

(* Hence a fault on an address mapped before and after happens only in
   the break window: to a walk whose view does not include the make. *)
Theorem bbm_fault_only_in_window : forall m0 l v rel n root va,
  terminal (m0 l) -> terminal v ->
  swalk (apply (bbm_cs l v rel) m0) root va <> Fault ->
  rwalk (bbm_cs l v rel) m0 n root va Fault -> n < 2.
Proof.
  intros m0 l v rel n root va Ht Hv Hnew Hw.
  destruct (Nat.lt_ge_cases n 2) as [|Hn]; auto. exfalso. apply Hnew.
  symmetry. eapply bbm_view_past_make_new; eauto.
Qed.

(* Non-vacuity: root 0 -> table 5 -> leaf (pa 40, attrs 1) at (5, 2);
   BBM to (pa 41, attrs 1), as remap does.  va [1; 2] is mapped before and
   after, and a concurrent walk can fault (it reads the break); it can also
   see the old and the new translation. *)
Definition bbm_m0 : mem := fun l =>
  if loc_eqb l (0, 1) then Table 5 else if loc_eqb l (5, 2) then Leaf 40 1 else Inv.

Theorem bbm_fault_observable :
  swalk bbm_m0 0 [1; 2] = Ok 40 1 /\
  swalk (apply (bbm_cs (5, 2) (Leaf 41 1) false) bbm_m0) 0 [1; 2] = Ok 41 1 /\
  rwalk (bbm_cs (5, 2) (Leaf 41 1) false) bbm_m0 0 0 [1; 2] Fault /\
  rwalk (bbm_cs (5, 2) (Leaf 41 1) false) bbm_m0 0 0 [1; 2] (Ok 40 1) /\
  rwalk (bbm_cs (5, 2) (Leaf 41 1) false) bbm_m0 0 0 [1; 2] (Ok 41 1).
Proof.
  assert (Hroot : read (bbm_cs (5, 2) (Leaf 41 1) false) bbm_m0 0 (0, 1) (Table 5) 0).
  { change (Table 5) with (bbm_m0 (0, 1)). apply rd_init. intros; lia. }
  split; [reflexivity|split; [reflexivity|split; [|split]]].
  - eapply rw_table; [discriminate|exact Hroot|].
    change Fault with (leaf_result Inv). eapply rw_last.
    apply (rd_w _ bbm_m0 0 (5, 2) 0 Inv); [eexists; split; reflexivity | intros; lia].
  - eapply rw_table; [discriminate|exact Hroot|].
    change (Ok 40 1) with (leaf_result (bbm_m0 (5, 2))). eapply rw_last.
    apply rd_init. intros; lia.
  - eapply rw_table; [discriminate|exact Hroot|].
    change (Ok 41 1) with (leaf_result (Leaf 41 1)). eapply rw_last.
    apply (rd_w _ bbm_m0 0 (5, 2) 1 (Leaf 41 1)); [eexists; split; reflexivity | intros; lia].
Qed.
