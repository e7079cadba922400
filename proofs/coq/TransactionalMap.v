(* TransactionalMap.v -- Transactional-Page-Table for lib/pgtable's map
   ALGORITHM, not just for one example write list.

   Transactional.v proves [walk_old_new_or_fault] for every write list that
   is [disciplined].  Here the commit walk of one vrm_pgt_map critical
   section is a Coq function producing that write list, and we prove that
   its output is disciplined for EVERY input meeting the premises below;
   so every walk concurrent with any map the algorithm performs yields the
   old translation, the new one, or a fault ([map_walk_old_new_or_fault]).

   The model, step by step against the C (lib/pgtable):
   - A call maps a list of requests (va, pa) in VA order in one critical
     section (pgt_op_run: one lock hold, one commit walk).  va is a list of
     per-level indices as in Transactional.v; its length is the level of
     the leaf, so a block is a leaf at a shorter va.  The C decides block
     vs page (map_visit's `whole && level >= 1`, pa aligned); here that
     choice is an input, and the theorems hold for every choice.  One C
     call over a range writes the same list as this model applied to the
     leaves it writes, in VA order (argued here, not proven):
     pgt_walk_locked visits entries in VA order and descends into a table
     right after installing it, every table it installs gets at least one
     leaf below it (the range is non-empty inside the entry), and a run of
     map_run is a run of consecutive requests in one table.
   - [map_visit] follows one va from the root, one entry per level
     (walk.c: walk_entry reads the entry with vrm_read_once_64, then
     map_visit, then descends):
       * existing table entry: descend (pgt_is_table);
       * invalid entry above the leaf level: [install_table]: pop a page f
         from the op's cache (pgt_cache_pop), emit [WZero f], publish it
         with a release store [WSt (p,i) (Table f) true] (pgt_pte_write ->
         vrm_store_release_64 for table descriptors), descend into f (the
         C re-reads the entry and descends into the table it now holds);
       * invalid entry at the leaf level: [map_run]: one plain store of the
         leaf (pgt_pte_write -> vrm_write_once_64), written only because it
         was read invalid;
       * an identical leaf in the way, at the leaf level or a block above
         it: nothing written (map_visit's "identical: nothing to write"),
         status Mapped.  Identical is the C's test: same output address
         AND same attributes (vrm_pgt_desc_oa(old) + (lo - addr) == pa &&
         pgt_leaf_attrs(old) == pgt_leaf_attrs(want)); the call's
         attributes are one value [ca] for the whole call (op->attrs).
         For a block the C adds the page's offset inside the block; this
         model has no offsets (a walk through a block returns the block's
         own pa), so "identical" for a block is "the walk of va already
         returns (pa, ca)", which is what the C's test says;
       * any other valid entry where the request needs an invalid one
         (a leaf or block with another pa or other attributes, a table at
         the leaf level): nothing written for this request, status
         EExist.
         The C's plan phase (op->commit false) returns -EEXIST for a leaf
         in the way before the commit walk writes anything, so the C emits
         no write at all for such a call; the model goes on with the other
         requests, i.e. it emits a superset of what the C can emit (the
         empty list is disciplined too).  A table at the leaf level is
         descended by the C, which then maps smaller leaves: in this model
         those are further requests.
       * cache empty (-ENOMEM, "unreachable when the plan is right"):
         status ENoMem, stop this request.  Kept so that the theorems need
         no premise on the supply's length.
   - The cache pop is modelled as one write [WZero f] at the moment of the
     pop.  Justification: every write of this CPU to the page before the
     pop -- zalloc_page's zeroing in the plan phase (cache_fill), the
     free-list link stored in page[0] by cache_fill, and its clearing
     `page[0] = 0` in pgt_cache_pop -- precedes, in program order, the
     release store in pgt_install_table that publishes the page, and the
     page is unreachable from the root until that store (premise: existing
     tables never point to fresh pages; fresh pages are published only by
     that store).  A walker reaching the page read the release store, so
     it observes all of those writes (release + address dependency); their
     net effect is "every entry Inv" (the link is page aligned, bit 0
     clear: an invalid descriptor too).  One [WZero f] anywhere between
     them and the release store has the same observable effect; the pop
     immediately precedes the release store.
   - Not modelled: remap (replace: BBM and pgt_split), the plan phase and
     cache_fill themselves (only their result, a cache of distinct fresh
     pages), -EINVAL argument checks (an attribute value is any nat; the
     prot -> bits encoding is desc.c's, checked by proofs/wp/pgt_roundtrip.c).
     The one-entry updates (remap's BBM of a leaf, set_prot's in-place
     write) are modelled in Transactional.v ([inplace_*], [bbm_*]).
   - The supply is the op's cache: a list of distinct fresh pages; fresh
     pages may hold arbitrary garbage in the initial memory m0.

   Proven ([map_disciplined]): for every m0, fresh, root, supply and
   request list with (1) the root not fresh, (2) existing tables never
   pointing to fresh pages, (3) the supply duplicate-free and fresh, the
   write list is [disciplined].  Hence [map_walk_old_new_or_fault].
   [map_keeps_translations]: no existing translation changes.
   Functional correctness: [map_mapped_translates] (every request reported
   Mapped translates to its pa in the final memory, whatever the later
   requests did) and [map_single_mapped] (a single request whose path
   holds only tables and then an invalid entry, with enough pages, is
   Mapped and translates).  [map_refused_writes_nothing]: a request
   refused with EExist writes nothing.  [map_walk_mapped_no_fault]: an
   address mapped before the call is translated by every concurrent walk
   to its old translation, never a fault.  Non-vacuity: [ex_map_*] (a
   concrete call needing new tables: its write list, statuses, new
   translation, fault and old translation all observable), and the broken
   twin [ex_broken_plain_publish] (tables published with plain stores:
   a walk returns garbage). *)

From Coq Require Import Arith Bool Lia List.
Import ListNotations.
From VRM Require Import Transactional.

(* ------------------------------------------------------------------ *)
(* The algorithm. *)

Inductive status : Type :=
| Mapped    (* the leaf is in place: written now, or already identical *)
| EExist    (* a valid entry is in the way: nothing written (-EEXIST) *)
| ENoMem    (* the cache ran out (-ENOMEM) *)
| EInval.   (* empty va *)

(* pgt_cache_pop: take the next pre-allocated page. *)
Definition pgt_cache_pop (sup : list nat) : option (nat * list nat) :=
  match sup with
  | [] => None
  | f :: sup' => Some (f, sup')
  end.

(* pgt_install_table at entry (p, i): pop (= zeroed, see the header), then
   publish with a release store. *)
Definition install_table (sup : list nat) (p i : nat) : option (nat * list wr * list nat) :=
  match pgt_cache_pop sup with
  | None => None
  | Some (f, sup') => Some (f, [WZero f; WSt (p, i) (Table f) true], sup')
  end.

(* map_visit's "identical" test: the leaf in place has the requested
   output address and the requested attributes (the C: vrm_pgt_desc_oa(old)
   + offset == pa && pgt_leaf_attrs(old) == pgt_leaf_attrs(want)).  Leaf
   attributes are a nat here, standing for pgt_leaf_attrs' bits. *)
Definition identical (pa' a' pa a : nat) : bool := (pa' =? pa) && (a' =? a).

(* map_run for one slot: read invalid, so write the leaf (plain store). *)
Definition map_run (p i pa a : nat) : list wr := [WSt (p, i) (Leaf pa a) false].

(* walk_entry + map_visit along one va from table p, in memory m. *)
Fixpoint map_visit (m : mem) (sup : list nat) (p : nat) (va : list nat) (pa a : nat)
  : list wr * list nat * status :=
  match va with
  | [] => ([], sup, EInval)
  | i :: rest =>
      match rest with
      | [] =>
          match m (p, i) with
          | Inv => (map_run p i pa a, sup, Mapped)
          | Leaf pa' a' => if identical pa' a' pa a then ([], sup, Mapped) else ([], sup, EExist)
          | Table _ => ([], sup, EExist)
          end
      | _ =>
          match m (p, i) with
          | Inv =>
              match install_table sup p i with
              | None => ([], sup, ENoMem)
              | Some (f, ws, sup') =>
                  let '(ws', sup'', st) := map_visit (apply ws m) sup' f rest pa a in
                  (ws ++ ws', sup'', st)
              end
          | Table q => map_visit m sup q rest pa a
          | Leaf pa' a' => if identical pa' a' pa a then ([], sup, Mapped) else ([], sup, EExist)
          end
      end
  end.

(* The commit walk of one vrm_pgt_map critical section: the requests one
   after another, threading the memory and the cache. *)
Fixpoint vrm_pgt_map (m : mem) (sup : list nat) (root a : nat) (reqs : list (list nat * nat))
  : list wr * list nat * list status :=
  match reqs with
  | [] => ([], sup, [])
  | (va, pa) :: reqs' =>
      let '(ws, sup', st) := map_visit m sup root va pa a in
      let '(ws', sup'', sts) := vrm_pgt_map (apply ws m) sup' root a reqs' in
      (ws ++ ws', sup'', st :: sts)
  end.

Definition map_writes m0 sup root ca reqs : list wr := fst (fst (vrm_pgt_map m0 sup root ca reqs)).
Definition map_statuses m0 sup root ca reqs : list status := snd (vrm_pgt_map m0 sup root ca reqs).

(* The path of va from p holds tables and then an invalid entry (at the
   leaf level or above it): nothing is in the way. *)
Fixpoint path_clear (m : mem) (p : nat) (va : list nat) : Prop :=
  match va with
  | [] => False
  | i :: rest =>
      match rest with
      | [] => m (p, i) = Inv
      | _ => match m (p, i) with
             | Inv => True
             | Table q => path_clear m q rest
             | Leaf _ _ => False
             end
      end
  end.

(* ------------------------------------------------------------------ *)
(* Generic facts. *)

Lemma apply_app : forall A B m, apply (A ++ B) m = apply B (apply A m).
Proof. induction A as [|w A IH]; simpl; auto. Qed.

Lemma loc_eqb_refl : forall l, loc_eqb l l = true.
Proof. intros [a b]. unfold loc_eqb; simpl. rewrite !Nat.eqb_refl. auto. Qed.

Lemma loc_eqb_neq : forall a b, a <> b -> loc_eqb a b = false.
Proof.
  intros a b H. destruct (loc_eqb a b) eqn:E; auto. apply loc_eqb_true in E. contradiction.
Qed.

Lemma nth_error_in_firstn : forall (A : Type) (ws : list A) k k' x,
  nth_error ws k = Some x -> k < k' -> In x (firstn k' ws).
Proof.
  induction ws as [|a ws IH]; intros k k' x H Hlt; [destruct k; discriminate|].
  destruct k' as [|k']; [lia|]. destruct k as [|k]; simpl in H |- *.
  - inversion H; auto.
  - right. apply IH with k; auto. lia.
Qed.

Lemma in_firstn_nth_error : forall (A : Type) (ws : list A) k x,
  In x (firstn k ws) -> exists j, j < k /\ nth_error ws j = Some x.
Proof.
  induction ws as [|a ws IH]; intros k x H; [destruct k; simpl in H; contradiction|].
  destruct k as [|k]; simpl in H; [contradiction|]. destruct H as [<-|H].
  - exists 0. split; [lia|reflexivity].
  - destruct (IH k x H) as (j & Hj & Hn). exists (S j). split; [lia|exact Hn].
Qed.

Lemma path_clear_head_inv : forall m p j rest, m (p, j) = Inv -> path_clear m p (j :: rest).
Proof. intros m p j rest H. destruct rest; simpl; rewrite H; auto. Qed.

(* Unfolding equations of map_visit (so proofs need not [simpl] through
   [apply]). *)
Lemma map_visit_leaf : forall m sup p i pa a,
  map_visit m sup p [i] pa a =
  match m (p, i) with
  | Inv => (map_run p i pa a, sup, Mapped)
  | Leaf pa' a' => if identical pa' a' pa a then ([], sup, Mapped) else ([], sup, EExist)
  | Table _ => ([], sup, EExist)
  end.
Proof. reflexivity. Qed.

Lemma map_visit_deeper : forall m sup p i j rest pa a,
  map_visit m sup p (i :: j :: rest) pa a =
  match m (p, i) with
  | Inv =>
      match install_table sup p i with
      | None => ([], sup, ENoMem)
      | Some (f, ws, sup') =>
          let '(ws', sup'', st) := map_visit (apply ws m) sup' f (j :: rest) pa a in
          (ws ++ ws', sup'', st)
      end
  | Table q => map_visit m sup q (j :: rest) pa a
  | Leaf pa' a' => if identical pa' a' pa a then ([], sup, Mapped) else ([], sup, EExist)
  end.
Proof. reflexivity. Qed.

(* ------------------------------------------------------------------ *)
(* Discipline as a property of each write relative to its prefix. *)

Section Proofs.
Context (m0 : mem) (fresh : nat -> bool).
(* the call's leaf attributes (the C's op->attrs, one value per call) *)
Context (ca : nat).

Definition stored (pre : list wr) (l : loc) : Prop := exists v r, In (WSt l v r) pre.
Definition zeroed (pre : list wr) (f : nat) : Prop := In (WZero f) pre.

(* appending w to the prefix pre is a good step *)
Definition step_ok (pre : list wr) (w : wr) : Prop :=
  match w with
  | WZero f => fresh f = true /\ (forall l, stored pre l -> fst l <> f)
  | WSt l v r =>
      ~ stored pre l /\
      (fresh (fst l) = false -> m0 l = Inv) /\
      (fresh (fst l) = true -> zeroed pre (fst l)) /\
      (forall q, v = Table q -> r = true /\ fresh q = true /\ zeroed pre q)
  end.

(* every write of ws is a good step after pre and the writes before it *)
Definition all_good (pre ws : list wr) : Prop :=
  forall k w, nth_error ws k = Some w -> step_ok (pre ++ firstn k ws) w.

Lemma all_good_nil : forall pre, all_good pre [].
Proof. intros pre [|k] w H; discriminate. Qed.

Lemma all_good_single : forall pre w, step_ok pre w -> all_good pre [w].
Proof.
  intros pre w H [|k] w' Hk; simpl in Hk; [|destruct k; discriminate].
  inversion Hk; subst. simpl. rewrite app_nil_r. auto.
Qed.

Lemma all_good_app : forall pre A B,
  all_good pre A -> all_good (pre ++ A) B -> all_good pre (A ++ B).
Proof.
  intros pre A B HA HB k w Hk. rewrite firstn_app.
  destruct (Nat.lt_ge_cases k (length A)) as [Hlt|Hge].
  - rewrite nth_error_app1 in Hk by auto. replace (k - length A) with 0 by lia.
    simpl. rewrite app_nil_r. apply HA; auto.
  - rewrite nth_error_app2 in Hk by auto. rewrite firstn_all2 by lia.
    rewrite app_assoc. apply HB; auto.
Qed.

(* The step condition is enough: a list of good steps is disciplined. *)
Lemma all_good_disciplined : forall ws root,
  fresh root = false ->
  (forall l q, fresh (fst l) = false -> m0 l = Table q -> fresh q = false) ->
  all_good [] ws -> disciplined ws m0 fresh root.
Proof.
  intros ws root Hroot Hm0 Hall. split; [exact Hroot|]. split; [exact Hm0|]. split.
  { intros k f Hk. apply (Hall k _ Hk). }
  intros k l v r Hk. pose proof (Hall k _ Hk) as (Hns & Hold & Hz & Ht). simpl in *.
  split; [|split; [exact Hold|split]].
  - intros k' Hlt (v' & w' & Hk' & Hw').
    assert (Hst : stored (firstn k' ws) l)
      by (exists v, r; eapply nth_error_in_firstn; eauto).
    pose proof (Hall k' _ Hk') as Hok. simpl in Hok.
    destruct w' as [f|l' v'' r'']; simpl in Hw'.
    + destruct (fst l =? f) eqn:E; [|discriminate]. apply Nat.eqb_eq in E.
      destruct Hok as [_ Hok]. exact (Hok l Hst E).
    + destruct (loc_eqb l l') eqn:E; [|discriminate]. apply loc_eqb_true in E. subst l'.
      destruct Hok as [Hok _]. exact (Hok Hst).
  - intros Hf. destruct (in_firstn_nth_error _ _ _ _ (Hz Hf)) as (j & Hj & Hn). eauto.
  - intros q Hq. destruct (Ht q Hq) as (Hr & Hfq & Hzq).
    destruct (in_firstn_nth_error _ _ _ _ Hzq) as (j & Hj & Hn). eauto.
Qed.

(* ------------------------------------------------------------------ *)
(* The invariant of the commit walk, on the writes so far (pre) and the
   remaining cache (sup).  A page is "good" if it is an existing page or
   a fresh page already popped (= zeroed): the walk only ever stands in
   good pages. *)

Definition good_page (pre : list wr) (p : nat) : Prop := fresh p = false \/ zeroed pre p.

Record inv (pre : list wr) (sup : list nat) : Prop := {
  (* the cache: distinct fresh pages, never zeroed or written so far *)
  inv_nodup : NoDup sup;
  inv_sup : forall f, In f sup ->
      fresh f = true /\ ~ zeroed pre f /\ (forall l, stored pre l -> fst l <> f);
  (* tables in good pages point to good pages *)
  inv_tables : forall l q, good_page pre (fst l) -> apply pre m0 l = Table q -> good_page pre q;
  (* a stored entry is valid now (so it is never stored again) *)
  inv_stored : forall l, stored pre l -> apply pre m0 l <> Inv;
  (* an entry of an existing page invalid now was invalid in m0 *)
  inv_old : forall l, fresh (fst l) = false -> apply pre m0 l = Inv -> m0 l = Inv
}.

(* writes after pre leave every valid entry of a good page unchanged *)
Definition keeps (pre ws : list wr) : Prop :=
  forall l, good_page pre (fst l) -> apply pre m0 l <> Inv -> apply (pre ++ ws) m0 l = apply pre m0 l.

Lemma apply_snoc : forall pre w l,
  apply (pre ++ [w]) m0 l = match writes w l with Some v => v | None => apply pre m0 l end.
Proof. intros. rewrite apply_app. reflexivity. Qed.

Lemma good_app : forall pre ws p, good_page pre p -> good_page (pre ++ ws) p.
Proof. intros pre ws p [H|H]; [left; auto | right; apply in_or_app; auto]. Qed.

Lemma keeps_nil : forall pre, keeps pre [].
Proof. intros pre l _ _. rewrite app_nil_r. auto. Qed.

Lemma keeps_app : forall pre A B, keeps pre A -> keeps (pre ++ A) B -> keeps pre (A ++ B).
Proof.
  intros pre A B HA HB l Hg Hv. rewrite app_assoc.
  rewrite HB; rewrite ?HA; auto. apply good_app; auto.
Qed.

(* a good page is not in the cache *)
Lemma good_not_sup : forall pre sup p f, inv pre sup -> good_page pre p -> In f sup -> p <> f.
Proof.
  intros pre sup p f HI [Hp|Hp] Hf <-; destruct (inv_sup _ _ HI p Hf) as (Hfr & Hz & _);
    [congruence | contradiction].
Qed.

Lemma inv_init : forall sup,
  (forall l q, fresh (fst l) = false -> m0 l = Table q -> fresh q = false) ->
  NoDup sup -> (forall f, In f sup -> fresh f = true) -> inv [] sup.
Proof.
  intros sup Hm0 Hnd Hsup. constructor; auto.
  - intros f Hf. split; [auto|]. split; [intros H; exact H|].
    intros l (v & r & H). destruct H.
  - intros l q [Hl|[]] Hq. left. eauto.
  - intros l (v & r & []).
Qed.

(* pgt_cache_pop: zeroing the popped page keeps the invariant *)
Lemma inv_zero : forall pre f sup, inv pre (f :: sup) -> inv (pre ++ [WZero f]) sup.
Proof.
  intros pre f sup HI. pose proof HI as [Hnd Hsup Htab Hst Hold].
  destruct (Hsup f (or_introl eq_refl)) as (Hff & Hzf & Hsf).
  inversion Hnd as [|? ? Hnin Hnd']; subst.
  assert (Hstored : forall l, stored (pre ++ [WZero f]) l -> stored pre l).
  { intros l (v & r & H). apply in_app_or in H as [H|[H|[]]]; [exists v, r; auto|discriminate]. }
  constructor; auto.
  - intros g Hg. destruct (Hsup g (or_intror Hg)) as (Hfg & Hzg & Hsg).
    split; [exact Hfg|]. split.
    + intros H. apply in_app_or in H as [H|[H|[]]]; [contradiction|].
      inversion H; subst. contradiction.
    + intros l Hl. apply Hsg, Hstored, Hl.
  - intros l q Hg Hq. rewrite apply_snoc in Hq. simpl in Hq.
    destruct (fst l =? f) eqn:E; [discriminate|]. apply Nat.eqb_neq in E.
    apply good_app. apply (Htab l); auto.
    destruct Hg as [Hg|Hg]; [left; auto|]. apply in_app_or in Hg as [Hg|[Hg|[]]].
    + right; exact Hg.
    + inversion Hg; subst. contradiction.
  - intros l Hl. rewrite apply_snoc. simpl. apply Hstored in Hl.
    destruct (fst l =? f) eqn:E; [apply Nat.eqb_eq in E; exfalso; exact (Hsf l Hl E)|].
    apply Hst; auto.
  - intros l Hfl. rewrite apply_snoc. simpl.
    destruct (fst l =? f) eqn:E; [apply Nat.eqb_eq in E; congruence|]. apply Hold; auto.
Qed.

(* pgt_pte_write of a valid value to an invalid entry of a good page *)
Lemma inv_store : forall pre sup p i v r,
  inv pre sup -> good_page pre p -> apply pre m0 (p, i) = Inv -> v <> Inv ->
  (forall q, v = Table q -> good_page pre q) ->
  inv (pre ++ [WSt (p, i) v r]) sup.
Proof.
  intros pre sup p i v r HI Hp Hinv Hv Hq. pose proof HI as [Hnd Hsup Htab Hst Hold].
  assert (Hstored : forall l, stored (pre ++ [WSt (p, i) v r]) l -> stored pre l \/ l = (p, i)).
  { intros l (v' & r' & H). apply in_app_or in H as [H|[H|[]]]; [left; exists v', r'; auto|].
    inversion H; auto. }
  assert (Hzeroed : forall g, zeroed (pre ++ [WSt (p, i) v r]) g -> zeroed pre g).
  { intros g H. apply in_app_or in H as [H|[H|[]]]; [auto|discriminate]. }
  assert (Hgood : forall g, good_page (pre ++ [WSt (p, i) v r]) g -> good_page pre g).
  { intros g [H|H]; [left; exact H|right; apply Hzeroed, H]. }
  constructor; auto.
  - intros g Hg. destruct (Hsup g Hg) as (Hfg & Hzg & Hsg).
    split; [exact Hfg|]. split; [intros H; apply Hzg, Hzeroed, H|].
    intros l Hl. destruct (Hstored l Hl) as [Hl' | ->]; auto.
    simpl. eapply good_not_sup; eauto.
  - intros l q Hg Hlq. apply good_app. rewrite apply_snoc in Hlq. simpl in Hlq.
    destruct (loc_eqb l (p, i)) eqn:E.
    + inversion Hlq; subst. auto.
    + apply (Htab l); auto.
  - intros l Hl. rewrite apply_snoc. simpl. destruct (loc_eqb l (p, i)) eqn:E; auto.
    destruct (Hstored l Hl) as [Hl' | ->]; [apply Hst; auto|]. rewrite loc_eqb_refl in E. discriminate.
  - intros l Hfl. rewrite apply_snoc. simpl. destruct (loc_eqb l (p, i)) eqn:E; [congruence|].
    apply Hold; auto.
Qed.

(* the pop and the store are good steps *)
Lemma step_zero : forall pre f sup, inv pre (f :: sup) -> step_ok pre (WZero f).
Proof.
  intros pre f sup HI. destruct (inv_sup _ _ HI f (or_introl eq_refl)) as (Hf & _ & Hs).
  simpl. auto.
Qed.

Lemma step_store : forall pre sup p i v r,
  inv pre sup -> good_page pre p -> apply pre m0 (p, i) = Inv ->
  (forall q, v = Table q -> r = true /\ fresh q = true /\ zeroed pre q) ->
  step_ok pre (WSt (p, i) v r).
Proof.
  intros pre sup p i v r HI Hp Hinv Ht. simpl. split; [|split; [|split]].
  - intros Hs. exact (inv_stored _ _ HI _ Hs Hinv).
  - intros Hf. apply (inv_old _ _ HI); auto.
  - intros Hf. destruct Hp; [congruence|auto].
  - exact Ht.
Qed.

(* ------------------------------------------------------------------ *)
(* map_visit keeps the invariant, appends only good steps, keeps every
   valid entry of a good page, and a Mapped request translates. *)

Lemma map_visit_spec : forall va p pre sup pa ws sup' st,
  inv pre sup -> good_page pre p ->
  map_visit (apply pre m0) sup p va pa ca = (ws, sup', st) ->
  all_good pre ws /\ inv (pre ++ ws) sup' /\ keeps pre ws /\
  (st = Mapped -> swalk (apply (pre ++ ws) m0) p va = Ok pa ca).
Proof.
  induction va as [|i rest IH]; intros p pre sup pa ws sup' st HI Hp Hmv.
  { simpl in Hmv. inversion Hmv; subst. rewrite app_nil_r.
    split; [apply all_good_nil|]. split; [auto|]. split; [apply keeps_nil|]. discriminate. }
  destruct rest as [|j rest].
  - (* leaf level *)
    rewrite map_visit_leaf in Hmv. destruct (apply pre m0 (p, i)) as [|q|pa' a'] eqn:E.
    + inversion Hmv; subst. unfold map_run.
      split; [apply all_good_single; eapply step_store; eauto; discriminate|].
      split; [apply inv_store; auto; discriminate|]. split.
      * intros l Hg Hv. rewrite apply_snoc. simpl.
        destruct (loc_eqb l (p, i)) eqn:El; auto. apply loc_eqb_true in El. congruence.
      * intros _. simpl. rewrite apply_snoc. simpl. rewrite loc_eqb_refl. auto.
    + inversion Hmv; subst. rewrite app_nil_r.
      split; [apply all_good_nil|]. split; [auto|]. split; [apply keeps_nil|]. discriminate.
    + destruct (identical pa' a' pa ca) eqn:Ep; inversion Hmv; subst; rewrite app_nil_r;
        (split; [apply all_good_nil|]); (split; [auto|]); (split; [apply keeps_nil|]);
        [|discriminate].
      intros _. simpl. rewrite E. unfold identical in Ep.
      apply andb_true_iff in Ep as [Ep1 Ep2]. apply Nat.eqb_eq in Ep1, Ep2. subst. auto.
  - (* above the leaf level *)
    rewrite map_visit_deeper in Hmv. destruct (apply pre m0 (p, i)) as [|q|pa' a'] eqn:E.
    + (* invalid: install_table, then descend *)
      unfold install_table, pgt_cache_pop in Hmv. destruct sup as [|f sup0].
      { inversion Hmv; subst. rewrite app_nil_r.
        split; [apply all_good_nil|]. split; [auto|]. split; [apply keeps_nil|]. discriminate. }
      set (w1 := WZero f) in *. set (w2 := WSt (p, i) (Table f) true) in *.
      assert (Hpf : p <> f) by (eapply good_not_sup; eauto; left; auto).
      assert (HI1 : inv (pre ++ [w1]) sup0) by (apply inv_zero; auto).
      assert (Hp1 : good_page (pre ++ [w1]) p) by (apply good_app; auto).
      assert (E1 : apply (pre ++ [w1]) m0 (p, i) = Inv).
      { rewrite apply_snoc. simpl. replace (p =? f) with false by (symmetry; apply Nat.eqb_neq; auto).
        auto. }
      assert (Hz1 : zeroed (pre ++ [w1]) f) by (apply in_or_app; right; left; auto).
      assert (HI2 : inv ((pre ++ [w1]) ++ [w2]) sup0).
      { apply inv_store; auto; [discriminate|]. intros q Hq; inversion Hq; subst. right; auto. }
      rewrite <- app_assoc in HI2. simpl in HI2.
      rewrite <- apply_app in Hmv.
      destruct (map_visit (apply (pre ++ [w1; w2]) m0) sup0 f (j :: rest) pa ca)
        as [[ws' sup''] st'] eqn:Hrec.
      inversion Hmv; subst ws sup'' st'. clear Hmv.
      change (w1 :: w2 :: ws') with ([w1; w2] ++ ws').
      assert (Hf2 : good_page (pre ++ [w1; w2]) f).
      { right. apply in_or_app. right. left. auto. }
      destruct (IH f (pre ++ [w1; w2]) sup0 pa ws' sup' st HI2 Hf2 Hrec)
        as (Hgood & HIend & Hkeep & Hmapped).
      assert (Hsplit : [w1; w2] ++ ws' = [w1] ++ [w2] ++ ws') by reflexivity.
      assert (Hpre : pre ++ [w1; w2] = (pre ++ [w1]) ++ [w2]) by (rewrite <- app_assoc; auto).
      split; [|split; [|split]].
      * rewrite Hsplit. apply all_good_app.
        { apply all_good_single. eapply step_zero; eauto. }
        apply all_good_app.
        { apply all_good_single. eapply step_store; eauto.
          intros q Hq; injection Hq as <-. split; [auto|]. split; [|exact Hz1].
          destruct (inv_sup _ _ HI f (or_introl eq_refl)); tauto. }
        rewrite <- app_assoc. simpl. exact Hgood.
      * rewrite app_assoc. exact HIend.
      * intros l Hg Hv.
        assert (Hl1 : apply (pre ++ [w1; w2]) m0 l = apply pre m0 l).
        { rewrite Hpre, apply_snoc. simpl.
          destruct (loc_eqb l (p, i)) eqn:El; [apply loc_eqb_true in El; subst; congruence|].
          rewrite apply_snoc. simpl.
          destruct (fst l =? f) eqn:Ef; [|auto]. apply Nat.eqb_eq in Ef. exfalso.
          apply (good_not_sup pre (f :: sup0) (fst l) f HI Hg); auto. left; auto. }
        rewrite app_assoc, Hkeep; auto.
        { apply good_app; auto. }
        rewrite Hl1; auto.
      * intros Hst. specialize (Hmapped Hst).
        assert (Hpi : apply ((pre ++ [w1; w2]) ++ ws') m0 (p, i) = Table f).
        { rewrite Hkeep.
          - rewrite Hpre, apply_snoc. simpl. rewrite loc_eqb_refl. auto.
          - apply good_app; auto.
          - rewrite Hpre, apply_snoc. simpl. rewrite loc_eqb_refl. discriminate. }
        rewrite app_assoc. simpl (swalk _ p _). rewrite Hpi. exact Hmapped.
    + (* existing table: descend *)
      assert (Hq : good_page pre q) by (eapply (inv_tables _ _ HI (p, i)); eauto).
      destruct (IH q pre sup pa ws sup' st HI Hq Hmv) as (Hgood & HIend & Hkeep & Hmapped).
      split; [auto|]. split; [auto|]. split; [auto|].
      intros Hst. simpl. rewrite Hkeep; auto; [|congruence]. rewrite E. auto.
    + (* a block in the way: identical (Mapped, nothing written) or EExist *)
      destruct (identical pa' a' pa ca) eqn:Ep; inversion Hmv; subst; rewrite app_nil_r;
        (split; [apply all_good_nil|]); (split; [auto|]); (split; [apply keeps_nil|]);
        [|discriminate].
      intros _. simpl. rewrite E. unfold identical in Ep.
      apply andb_true_iff in Ep as [Ep1 Ep2]. apply Nat.eqb_eq in Ep1, Ep2. subst. auto.
Qed.

(* a translation held by good pages survives writes that keep them *)
Lemma swalk_kept : forall va pre sup p pa M,
  inv pre sup -> good_page pre p -> swalk (apply pre m0) p va = Ok pa ca ->
  (forall l, good_page pre (fst l) -> apply pre m0 l <> Inv -> M l = apply pre m0 l) ->
  swalk M p va = Ok pa ca.
Proof.
  induction va as [|i rest IH]; intros pre sup p pa M HI Hp Hw HM; [discriminate|].
  destruct rest as [|j rest].
  - simpl in *. rewrite HM; auto. destruct (apply pre m0 (p, i)); discriminate.
  - simpl in Hw |- *. destruct (apply pre m0 (p, i)) as [|q|pa'] eqn:E; [discriminate| |];
      rewrite HM; auto; try congruence; rewrite E; auto.
    eapply IH; eauto. eapply (inv_tables _ _ HI (p, i)); eauto.
Qed.

Lemma vrm_pgt_map_spec : forall reqs pre sup root ws sup' sts,
  inv pre sup -> good_page pre root ->
  vrm_pgt_map (apply pre m0) sup root ca reqs = (ws, sup', sts) ->
  all_good pre ws /\ inv (pre ++ ws) sup' /\ keeps pre ws /\ length sts = length reqs /\
  (forall k va pa, nth_error reqs k = Some (va, pa) -> nth_error sts k = Some Mapped ->
     swalk (apply (pre ++ ws) m0) root va = Ok pa ca).
Proof.
  induction reqs as [|[va pa] reqs IH]; intros pre sup root ws sup' sts HI Hr Hm.
  { simpl in Hm. inversion Hm; subst. rewrite app_nil_r.
    split; [apply all_good_nil|]. split; [auto|]. split; [apply keeps_nil|]. split; [auto|].
    intros [|k]; discriminate. }
  simpl in Hm. destruct (map_visit (apply pre m0) sup root va pa ca) as [[ws1 sup1] st1] eqn:E1.
  rewrite <- apply_app in Hm.
  destruct (vrm_pgt_map (apply (pre ++ ws1) m0) sup1 root ca reqs) as [[ws2 sup2] sts2] eqn:E2.
  inversion Hm; subst ws sup2 sts. clear Hm.
  destruct (map_visit_spec va root pre sup pa ws1 sup1 st1 HI Hr E1) as (G1 & I1 & K1 & M1).
  destruct (IH (pre ++ ws1) sup1 root ws2 sup' sts2 I1 (good_app _ _ _ Hr) E2)
    as (G2 & I2 & K2 & L2 & M2).
  split; [apply all_good_app; auto|]. split; [rewrite app_assoc; auto|].
  split; [apply keeps_app; auto|]. split; [simpl; auto|].
  intros [|k] va' pa' Hk Hs; simpl in Hk, Hs.
  - inversion Hk; inversion Hs; subst. rewrite app_assoc.
    apply (swalk_kept va' (pre ++ ws1) sup1 root pa' _ I1 (good_app _ _ _ Hr) (M1 eq_refl) K2).
  - rewrite app_assoc. eauto.
Qed.

(* install_table at an invalid entry of a good page: the invariant holds
   after it, and the new table is good and all invalid *)
Lemma install_fresh : forall pre f sup0 p i,
  inv pre (f :: sup0) -> good_page pre p -> apply pre m0 (p, i) = Inv ->
  inv (pre ++ [WZero f; WSt (p, i) (Table f) true]) sup0 /\
  good_page (pre ++ [WZero f; WSt (p, i) (Table f) true]) f /\
  (forall j, apply (pre ++ [WZero f; WSt (p, i) (Table f) true]) m0 (f, j) = Inv).
Proof.
  intros pre f sup0 p i HI Hp E.
  assert (Hpf : p <> f) by (eapply good_not_sup; eauto; left; auto).
  replace (pre ++ [WZero f; WSt (p, i) (Table f) true])
    with ((pre ++ [WZero f]) ++ [WSt (p, i) (Table f) true]) by (rewrite <- app_assoc; auto).
  split; [|split].
  - apply inv_store.
    + apply inv_zero; auto.
    + apply good_app; auto.
    + rewrite apply_snoc. simpl.
      replace (p =? f) with false by (symmetry; apply Nat.eqb_neq; auto). auto.
    + discriminate.
    + intros q Hq; injection Hq as <-. right. apply in_or_app; right; left; auto.
  - right. apply in_or_app. left. apply in_or_app. right. left. auto.
  - intros j. rewrite apply_snoc. simpl.
    replace (loc_eqb (f, j) (p, i)) with false
      by (symmetry; apply loc_eqb_neq; intros H; inversion H; congruence).
    rewrite apply_snoc. simpl. rewrite Nat.eqb_refl. auto.
Qed.

(* an unobstructed path: the request is Mapped, or runs out of cache, and
   with enough pages it is Mapped *)
Lemma map_visit_clear : forall va p pre sup pa ws sup' st,
  inv pre sup -> good_page pre p -> path_clear (apply pre m0) p va ->
  map_visit (apply pre m0) sup p va pa ca = (ws, sup', st) ->
  (st = Mapped \/ st = ENoMem) /\ (length va <= S (length sup) -> st = Mapped).
Proof.
  induction va as [|i rest IH]; intros p pre sup pa ws sup' st HI Hp Hc Hmv;
    [contradiction|].
  destruct rest as [|j rest].
  - rewrite map_visit_leaf in Hmv. simpl in Hc. rewrite Hc in Hmv. inversion Hmv; auto.
  - rewrite map_visit_deeper in Hmv. simpl in Hc.
    destruct (apply pre m0 (p, i)) as [|q|pa'] eqn:E; [| |contradiction].
    + unfold install_table, pgt_cache_pop in Hmv.
      destruct sup as [|f sup0].
      { inversion Hmv; subst. split; [auto|]. simpl. lia. }
      destruct (install_fresh pre f sup0 p i HI Hp E) as (HI2 & Hf2 & Hz2).
      rewrite <- apply_app in Hmv.
      destruct (map_visit (apply (pre ++ [WZero f; WSt (p, i) (Table f) true]) m0)
                  sup0 f (j :: rest) pa ca) as [[ws' sup''] st'] eqn:Hrec.
      inversion Hmv; subst st'.
      destruct (IH f _ sup0 pa ws' sup'' st HI2 Hf2 (path_clear_head_inv _ _ _ _ (Hz2 j)) Hrec)
        as [Hc1 Hc2].
      split; [exact Hc1|]. intros Hlen. apply Hc2. simpl in Hlen |- *. lia.
    + destruct (IH q pre sup pa ws sup' st HI) as [Hc1 Hc2].
      * eapply (inv_tables _ _ HI (p, i)); eauto.
      * exact Hc.
      * exact Hmv.
      * split; [exact Hc1|]. intros Hlen. apply Hc2. simpl in Hlen |- *. lia.
Qed.

(* a request refused with EExist writes nothing: the valid entry in the
   way is met before any table is installed (below a new table everything
   is invalid), as the C's plan phase finds it before the commit walk *)
Lemma map_visit_eexist : forall va p pre sup pa ws sup',
  inv pre sup -> good_page pre p ->
  map_visit (apply pre m0) sup p va pa ca = (ws, sup', EExist) -> ws = [].
Proof.
  induction va as [|i rest IH]; intros p pre sup pa ws sup' HI Hp Hmv.
  { simpl in Hmv. inversion Hmv. }
  destruct rest as [|j rest].
  - rewrite map_visit_leaf in Hmv.
    destruct (apply pre m0 (p, i)) as [|q|pa' a'] eqn:E; [inversion Hmv| inversion Hmv; auto|].
    destruct (identical pa' a' pa ca); inversion Hmv; auto.
  - rewrite map_visit_deeper in Hmv.
    destruct (apply pre m0 (p, i)) as [|q|pa' a'] eqn:E;
      [| |destruct (identical pa' a' pa ca); inversion Hmv; auto].
    + unfold install_table, pgt_cache_pop in Hmv.
      destruct sup as [|f sup0]; [inversion Hmv|].
      destruct (install_fresh pre f sup0 p i HI Hp E) as (HI2 & Hf2 & Hz2).
      rewrite <- apply_app in Hmv.
      destruct (map_visit (apply (pre ++ [WZero f; WSt (p, i) (Table f) true]) m0)
                  sup0 f (j :: rest) pa ca) as [[ws' sup''] st'] eqn:Hrec.
      inversion Hmv; subst st'.
      destruct (map_visit_clear (j :: rest) f _ sup0 pa ws' sup'' EExist HI2 Hf2
                  (path_clear_head_inv _ _ _ _ (Hz2 j)) Hrec) as [[H|H] _]; discriminate.
    + apply (IH q pre sup pa ws sup' HI); [|exact Hmv]. eapply (inv_tables _ _ HI (p, i)); eauto.
Qed.

End Proofs.

(* ------------------------------------------------------------------ *)
(* Main theorems, about the algorithm's own output. *)

(* The write list of every vrm_pgt_map critical section is disciplined. *)
Theorem map_disciplined : forall m0 fresh root sup ca reqs,
  fresh root = false ->
  (forall l q, fresh (fst l) = false -> m0 l = Table q -> fresh q = false) ->
  NoDup sup -> (forall f, In f sup -> fresh f = true) ->
  disciplined (map_writes m0 sup root ca reqs) m0 fresh root.
Proof.
  intros m0 fresh root sup ca reqs Hroot Hm0 Hnd Hsup. unfold map_writes.
  destruct (vrm_pgt_map m0 sup root ca reqs) as [[ws sup'] sts] eqn:E. simpl.
  apply (all_good_disciplined m0 fresh ws root Hroot Hm0).
  change m0 with (apply [] m0) in E at 1.
  eapply (vrm_pgt_map_spec m0 fresh); eauto using inv_init.
  left; auto.
Qed.

(* Transactional-Page-Table for the algorithm: a walk concurrent with any
   vrm_pgt_map commit walk, from any view, yields the old translation, the
   new one, or a fault. *)
Theorem map_walk_old_new_or_fault : forall m0 fresh root sup ca reqs n va r,
  fresh root = false ->
  (forall l q, fresh (fst l) = false -> m0 l = Table q -> fresh q = false) ->
  NoDup sup -> (forall f, In f sup -> fresh f = true) ->
  rwalk (map_writes m0 sup root ca reqs) m0 n root va r ->
  r = swalk m0 root va \/ r = swalk (apply (map_writes m0 sup root ca reqs) m0) root va \/ r = Fault.
Proof.
  intros m0 fresh root sup ca reqs n va r Hroot Hm0 Hnd Hsup Hw.
  apply (walk_old_new_or_fault _ m0 fresh root n va r); [apply map_disciplined; auto | exact Hw].
Qed.

(* No fault window on the map path: an address mapped before the call is
   translated by every concurrent walk, at any view, to exactly its old
   translation, which is also its translation after the call. *)
Theorem map_walk_mapped_no_fault : forall m0 fresh root sup ca reqs n va r pa a,
  fresh root = false ->
  (forall l q, fresh (fst l) = false -> m0 l = Table q -> fresh q = false) ->
  NoDup sup -> (forall f, In f sup -> fresh f = true) ->
  swalk m0 root va = Ok pa a ->
  rwalk (map_writes m0 sup root ca reqs) m0 n root va r ->
  r = Ok pa a /\ swalk (apply (map_writes m0 sup root ca reqs) m0) root va = Ok pa a.
Proof.
  intros m0 fresh root sup ca reqs n va r pa a Hroot Hm0 Hnd Hsup Hs Hw.
  apply (walk_mapped_no_fault _ m0 fresh root n va r pa a); auto.
  apply map_disciplined; auto.
Qed.

(* and a map never changes an existing translation *)
Theorem map_keeps_translations : forall m0 fresh root sup ca reqs va,
  fresh root = false ->
  (forall l q, fresh (fst l) = false -> m0 l = Table q -> fresh q = false) ->
  NoDup sup -> (forall f, In f sup -> fresh f = true) -> va <> [] ->
  swalk m0 root va = swalk (apply (map_writes m0 sup root ca reqs) m0) root va \/
  swalk m0 root va = Fault.
Proof.
  intros m0 fresh root sup ca reqs va Hroot Hm0 Hnd Hsup Hva.
  apply (map_keeps_old_translations _ m0 fresh root va); [apply map_disciplined; auto | exact Hva].
Qed.

(* Functional correctness: every request reported Mapped translates to its
   pa in the final memory (later requests never disturb it). *)
Theorem map_mapped_translates : forall m0 fresh root sup ca reqs k va pa,
  fresh root = false ->
  (forall l q, fresh (fst l) = false -> m0 l = Table q -> fresh q = false) ->
  NoDup sup -> (forall f, In f sup -> fresh f = true) ->
  nth_error reqs k = Some (va, pa) -> nth_error (map_statuses m0 sup root ca reqs) k = Some Mapped ->
  swalk (apply (map_writes m0 sup root ca reqs) m0) root va = Ok pa ca.
Proof.
  intros m0 fresh root sup ca reqs k va pa Hroot Hm0 Hnd Hsup Hk Hs.
  unfold map_writes, map_statuses in *.
  destruct (vrm_pgt_map m0 sup root ca reqs) as [[ws sup'] sts] eqn:E. simpl in *.
  change m0 with (apply [] m0) in E at 1.
  destruct (vrm_pgt_map_spec m0 fresh ca reqs [] sup root ws sup' sts) as (_ & _ & _ & _ & H);
    eauto using inv_init.
  left; auto.
Qed.

(* A single request whose path holds existing tables then an invalid entry
   (no leaf in the way), with at least one page per level above the leaf,
   is Mapped and translates to its pa afterwards. *)
Theorem map_single_mapped : forall m0 fresh root sup ca va pa,
  fresh root = false ->
  (forall l q, fresh (fst l) = false -> m0 l = Table q -> fresh q = false) ->
  NoDup sup -> (forall f, In f sup -> fresh f = true) ->
  path_clear m0 root va -> length va <= S (length sup) ->
  map_statuses m0 sup root ca [(va, pa)] = [Mapped] /\
  swalk (apply (map_writes m0 sup root ca [(va, pa)]) m0) root va = Ok pa ca.
Proof.
  intros m0 fresh root sup ca va pa Hroot Hm0 Hnd Hsup Hc Hlen.
  assert (Hst : map_statuses m0 sup root ca [(va, pa)] = [Mapped]).
  { unfold map_statuses. simpl.
    destruct (map_visit m0 sup root va pa ca) as [[ws sup'] st] eqn:E. simpl.
    change m0 with (apply [] m0) in E at 1.
    destruct (map_visit_clear m0 fresh ca va root [] sup pa ws sup' st) as [_ H];
      auto using inv_init; [left; auto | rewrite H; auto]. }
  split; auto. eapply map_mapped_translates with (k := 0); eauto. rewrite Hst. auto.
Qed.

(* A refused request writes nothing (its write list is empty; the C
   refuses the whole call in its plan phase, which writes nothing either).
   Stated for the first request; [map_visit_eexist] is the same for any
   request, after any writes of the requests before it. *)
Theorem map_refused_writes_nothing : forall m0 fresh root sup ca va pa ws sup',
  fresh root = false ->
  (forall l q, fresh (fst l) = false -> m0 l = Table q -> fresh q = false) ->
  NoDup sup -> (forall f, In f sup -> fresh f = true) ->
  map_visit m0 sup root va pa ca = (ws, sup', EExist) -> ws = [].
Proof.
  intros m0 fresh root sup ca va pa ws sup' Hroot Hm0 Hnd Hsup E.
  change m0 with (apply [] m0) in E at 1.
  eapply (map_visit_eexist m0 fresh); eauto using inv_init. left; auto.
Qed.

(* ------------------------------------------------------------------ *)
(* Non-vacuity: a 3-level table with existing tables 5 and 6 under root 0
   (leaves (42, attrs 1) at (6,3) and (46, attrs 2) at (6,8), a block
   (43, attrs 1) at (5,7)), fresh pages 10..13 full of garbage, cache
   [10; 11; 12], call attributes 1.  Requests, in VA order: an identical
   leaf, a new leaf in an existing table, the same pa as a leaf in place
   but other attributes (refused: -EEXIST), one blocked by the block (other
   pa), one under the block that it already translates identically, one
   needing two new tables, a second leaf in the new table, a block in the
   new level-1 table, and one that runs out of cache after one install. *)

Definition ex_fresh (p : nat) : bool := (10 <=? p) && (p <=? 13).
Definition ex_m0 : mem := fun l =>
  if loc_eqb l (0, 1) then Table 5
  else if loc_eqb l (5, 2) then Table 6
  else if loc_eqb l (6, 3) then Leaf 42 1
  else if loc_eqb l (6, 8) then Leaf 46 2
  else if loc_eqb l (5, 7) then Leaf 43 1
  else if ex_fresh (fst l) then Leaf 666 0
  else Inv.
Definition ex_sup := [10; 11; 12].
Definition ex_reqs : list (list nat * nat) :=
  [([1; 2; 3], 42); ([1; 2; 4], 44); ([1; 2; 8], 46); ([1; 7; 0], 45); ([1; 7; 1], 43);
   ([3; 4; 5], 77); ([3; 4; 6], 78); ([3; 5], 79); ([4; 1; 1], 80)].

Definition ex_ws := map_writes ex_m0 ex_sup 0 1 ex_reqs.

Lemma ex_m0_tables : forall l q, ex_fresh (fst l) = false -> ex_m0 l = Table q -> ex_fresh q = false.
Proof.
  intros l q Hf H. unfold ex_m0 in H. rewrite Hf in H.
  repeat match type of H with context [if ?c then _ else _] => destruct c end;
    try discriminate; inversion H; reflexivity.
Qed.

Lemma ex_sup_ok : NoDup ex_sup /\ (forall f, In f ex_sup -> ex_fresh f = true).
Proof.
  split.
  - repeat constructor; simpl; intuition discriminate.
  - intros f [<-|[<-|[<-|[]]]]; reflexivity.
Qed.

(* The write list, in lib/pgtable's order: zero, publish with release,
   descend; leaves with plain stores. *)
Definition ex_expected : list wr :=
  [WSt (6, 4) (Leaf 44 1) false;
   WZero 10; WSt (0, 3) (Table 10) true; WZero 11; WSt (10, 4) (Table 11) true;
   WSt (11, 5) (Leaf 77 1) false; WSt (11, 6) (Leaf 78 1) false; WSt (10, 5) (Leaf 79 1) false;
   WZero 12; WSt (0, 4) (Table 12) true].

Theorem ex_map_writes :
  ex_ws = ex_expected /\
  map_statuses ex_m0 ex_sup 0 1 ex_reqs =
    [Mapped; Mapped; EExist; EExist; Mapped; Mapped; Mapped; Mapped; ENoMem].
Proof. split; reflexivity. Qed.

(* The attribute compare: a leaf with the requested pa but other
   attributes is refused (-EEXIST) and nothing is written; with the
   attributes in place the same request is identical (Mapped). *)
Theorem ex_map_attrs_mismatch_refused :
  map_statuses ex_m0 ex_sup 0 1 [([1; 2; 8], 46)] = [EExist] /\
  map_writes ex_m0 ex_sup 0 1 [([1; 2; 8], 46)] = [] /\
  map_statuses ex_m0 ex_sup 0 2 [([1; 2; 8], 46)] = [Mapped] /\
  map_writes ex_m0 ex_sup 0 2 [([1; 2; 8], 46)] = [].
Proof. repeat split; reflexivity. Qed.

Theorem ex_map_disciplined : disciplined ex_ws ex_m0 ex_fresh 0.
Proof.
  apply map_disciplined; [reflexivity | exact ex_m0_tables | apply ex_sup_ok | apply ex_sup_ok].
Qed.

(* the general functional-correctness theorem applies (statuses Mapped) *)
Theorem ex_map_translates :
  swalk (apply ex_ws ex_m0) 0 [1; 2; 4] = Ok 44 1 /\
  swalk (apply ex_ws ex_m0) 0 [1; 7; 1] = Ok 43 1 /\
  swalk (apply ex_ws ex_m0) 0 [3; 4; 5] = Ok 77 1 /\
  swalk (apply ex_ws ex_m0) 0 [3; 5] = Ok 79 1.
Proof.
  pose proof ex_sup_ok as [Hnd Hsup].
  split; [|split; [|split]];
    [ apply (map_mapped_translates _ ex_fresh _ _ _ _ 1)
    | apply (map_mapped_translates _ ex_fresh _ _ _ _ 4)
    | apply (map_mapped_translates _ ex_fresh _ _ _ _ 5)
    | apply (map_mapped_translates _ ex_fresh _ _ _ _ 7) ];
    first [ reflexivity | exact ex_m0_tables | exact Hnd | exact Hsup ].
Qed.

(* A concurrent walk of [3; 4; 5] can see the new translation or the old
   one (a fault here). *)
Theorem ex_map_new_observable : rwalk ex_ws ex_m0 0 0 [3; 4; 5] (Ok 77 1).
Proof.
  pose proof (proj1 ex_map_writes) as Hws. rewrite Hws.
  eapply rw_table with (n' := 3); [discriminate| |].
  { apply (rd_w ex_expected ex_m0 0 (0, 3) 2 (Table 10)); [eexists; split; reflexivity | intros; lia]. }
  eapply rw_table with (n' := 5); [discriminate| |].
  { apply (rd_w ex_expected ex_m0 3 (10, 4) 4 (Table 11)); [eexists; split; reflexivity | intros; lia]. }
  change (Ok 77 1) with (leaf_result (Leaf 77 1)). eapply rw_last.
  apply (rd_w ex_expected ex_m0 5 (11, 5) 5 (Leaf 77 1)); [eexists; split; reflexivity | intros; lia].
Qed.

Theorem ex_map_fault_observable : rwalk ex_ws ex_m0 0 0 [3; 4; 5] Fault.
Proof.
  pose proof (proj1 ex_map_writes) as Hws. rewrite Hws.
  eapply rw_table with (n' := 3); [discriminate| |].
  { apply (rd_w ex_expected ex_m0 0 (0, 3) 2 (Table 10)); [eexists; split; reflexivity | intros; lia]. }
  eapply rw_inv with (n' := 3).
  apply (rd_w ex_expected ex_m0 3 (10, 4) 1 Inv); [eexists; split; reflexivity |].
  intros k' Hk (v & w & Hn & Hw). assert (k' = 2) as -> by lia.
  simpl in Hn. inversion Hn; subst. discriminate.
Qed.

(* not touched by any write of the critical section *)
Lemma ex_untouched : forall l k, l = (0, 1) \/ l = (5, 2) \/ l = (6, 3) -> ~ wr_to ex_ws k l.
Proof.
  intros l k Hl (v & w & Hn & Hw). rewrite (proj1 ex_map_writes) in Hn.
  do 10 (destruct k as [|k]; [simpl in Hn; inversion Hn; subst w;
                             destruct Hl as [ -> | [ -> | -> ] ]; simpl in Hw; discriminate|]).
  destruct k; discriminate.
Qed.

(* an old translation stays visible, even to a walk whose view covers the
   whole critical section (view 10), and is the final one *)
Theorem ex_map_old_kept : rwalk ex_ws ex_m0 10 0 [1; 2; 3] (Ok 42 1) /\
  swalk (apply ex_ws ex_m0) 0 [1; 2; 3] = Ok 42 1.
Proof.
  split; [|reflexivity].
  eapply rw_table with (q := 5) (n' := 10); [discriminate| |].
  { change (Table 5) with (ex_m0 (0, 1)). apply rd_init. intros k _. apply ex_untouched; auto. }
  eapply rw_table with (q := 6) (n' := 10); [discriminate| |].
  { change (Table 6) with (ex_m0 (5, 2)). apply rd_init. intros k _. apply ex_untouched; auto. }
  change (Ok 42 1) with (leaf_result (ex_m0 (6, 3))). eapply rw_last. apply rd_init.
  intros k _. apply ex_untouched; auto.
Qed.

(* Broken twin: the same algorithm with every descriptor written by a plain
   store (pgt_pte_write without vrm_store_release_64 for tables).  A walker
   can follow the new table pointer and read the page's pre-zeroing
   garbage: neither the old translation, nor the new one, nor a fault.  So
   the release store in install_table is necessary. *)
Definition plain_publish (ws : list wr) : list wr :=
  map (fun w => match w with WSt l v _ => WSt l v false | WZero f => WZero f end) ws.

Theorem ex_broken_plain_publish :
  rwalk (plain_publish ex_ws) ex_m0 0 0 [3; 4; 5] (Ok 666 0) /\
  Ok 666 0 <> swalk ex_m0 0 [3; 4; 5] /\
  Ok 666 0 <> swalk (apply (plain_publish ex_ws) ex_m0) 0 [3; 4; 5] /\
  Ok 666 0 <> Fault /\
  ~ disciplined (plain_publish ex_ws) ex_m0 ex_fresh 0.
Proof.
  rewrite (proj1 ex_map_writes).
  split; [|split; [|split; [|split]]]; try (vm_compute; discriminate).
  - eapply rw_table with (n' := 0); [discriminate| |].
    { apply (rd_w (plain_publish ex_expected) ex_m0 0 (0, 3) 2 (Table 10));
        [eexists; split; reflexivity | intros; lia]. }
    eapply rw_block; [discriminate|].
    change (Leaf 666 0) with (ex_m0 (10, 4)). apply rd_init. intros; lia.
  - intros (_ & _ & _ & H).
    destruct (H 2 (0, 3) (Table 10) false eq_refl) as (_ & _ & _ & Hp).
    destruct (Hp 10 eq_refl) as [E _]. discriminate.
Qed.
