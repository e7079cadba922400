(* PgtFlush.v -- the TLB outputs of unmap and set_prot, on the model of
   lib/pgtable (PgtModel.v, step = step_gen Shipped): o_flush (the one
   range flush, pgt_flush_range, ran) and o_bbm (the entries that went
   through break-before-make, bbm.c pgt_bbm, one TLBI each).
   PgtUnmapProt.v proves what these calls do to translations; this file
   proves that the TLB maintenance the C promises for it is there.

   What is proven, for every normal or kernel table of either stage that
   meets PgtMapRange.v's levels_ok (as in PgtUnmapProt.v: start level
   0..3 and 2^ia_bits within the root's 512 entries, so the walk from
   the root visits the entry translate reads for every address of the
   range), and, by the *_reachable theorems, for every table reached
   from vrm_pgt_init by any sequence of calls (init_ok, run_ok):
   - vrm_pgt_unmap (ia, size) returning 0:
     unmap_flushes_if_cleared: if an address of [ia, ia + size)
     translated before, the range flush runs (o_flush = true): a mapping
     that goes away is always followed by the flush (unmap.c: invalidate
     the leaves, then one flush over the range, then the frees);
     unmap_bbm_only_split: every address in o_bbm is the base b of an
     aligned block-sized piece [b, b + esz lv) (lv < 3, so a 1 GiB or
     2 MiB block) that the range covers only partly, and b was mapped
     before by a leaf of level lvl <= lv (a block at least that large:
     the piece lay inside one block).  So only the split of a partly
     covered block goes through BBM; lvl = lv for the first split of a
     block, lvl < lv for the splits bbm.c pgt_split's new table gets
     when the range covers its entries partly too.
   - vrm_pgt_set_prot (ia, size, prot) returning 0, x of the range that
     translated to prot p0 before:
     set_prot_flushes_if_removed: if p0 and prot have the same memory
     type and grants p0 has a bit grants prot lacks (read, write,
     execute at EL1 / EL2, execute at EL0: prot.c grants), the range
     flush runs, exactly the test prot.c prot_visit (PgtModel.v
     prot_tbl) makes before setting op->flush;
     set_prot_bbm_if_memtype: if the memory type changes, an entry
     holding x went through BBM (pgt_bbm's own TLBI), the split of its
     block or the in-place BBM of the leaf: that TLBI, not the range
     flush, removes the old permissions then (prot_tbl sets no flush on
     that branch, so the first theorem needs the same memory type).
   - on a kernel table (c_kernel = true):
     kernel_unmap_no_tlb, kernel_set_prot_no_tlb: a call that returns 0
     has o_bbm = [] and o_flush = false: it changed no entry (WriteOnce.v),
     so there is nothing to break or flush.
   - the table pages an unmap frees, for every table (no levels_ok, no
     reachability needed, so no *_reachable versions):
     unmap_no_flush_keeps_tables: an unmap, whatever it returns, that
     reports no range flush (o_flush = false) leaves p_live (the count of
     live table pages) at least what it was; unmap_frees_only_with_flush:
     one that returns 0 with fewer table pages live than before (it
     unlinked and freed a table) reports the flush, which unmap.c runs
     before the frees.  In the walk, unmap_post's unlink (-1) always sets
     the flush, and a split's +1 comes before the walk below it
     (unmap_tbl_R, with the preorder acc_R).
   The hypotheses: levels_ok for the theorems about an address x of the
   range or the table before (PgtUnmapProt.v levels_ok_needed: without
   it a call can skip the entry translate reads); the kernel theorems
   need none.  The rest comes from the result 0: range_ok held (the range
   is page aligned, so a page is never split), and the walk did not fail.

   Not proven here: which table pages are freed, i.e. that the pages
   freed are exactly the tables the walk unlinks (and that p_live equals
   live_pages: the differential test compares p_live with the C's
   allocator every call and with live_pages at every full-table
   comparison); only the count of live table pages is proven, and only
   that it goes down with the flush set.  Nor that an unmap with nothing
   to clear and nothing to free does not flush, the order of o_bbm, and
   the flushes' and TLBIs' effect on TLBs (TLBI.v, TLB2*.v model those
   sequences).

   unmap_flush_nonvacuous: concrete tables on which each theorem's
   hypotheses hold and o_flush / o_bbm take both values: the unmap of a
   block flushes, the unmap of a page of it BBMs the block, a set_prot
   that only adds a permission does not flush and one that removes it
   does, a memory-type change BBMs, and kernel calls that return 0.
   unmap_free_nonvacuous: nt1's block unmap returns 0, takes p_live from
   3 to 1 and flushes; a one-page unmap splits (4) and flushes; a hole's
   unmap keeps 3 and does not flush.

   Broken twin: step_gen NoUnmapFlush (PgtModel.v flush_of: the unmap
   reports no flush, as the C twin VRM_TWIN_NO_PGT_FLUSH does no flush);
   twin_nounmapflush_breaks_flush proves unmap_flushes_if_cleared false
   for it (a concrete counterexample by vm_compute), and
   twin_nounmapflush_breaks_free unmap_frees_only_with_flush (the same
   unmap returns 0, p_live 3 -> 1, and no flush). *)

Require Import ZArith Bool List Lia.
Require Import Coq.FSets.FMapPositive.
Require Import VRM.PgtModel VRM.WriteOnce VRM.PgtMapRange VRM.PgtUnmapProt.
Import ListNotations.
Open Scope Z_scope.

(* ---- one table's walk: a preorder on what the walk accumulates that
   every visit establishes holds between the first and the last acc, and
   between each visit's acc and the last *)
Section IterR.
Context (R : acc -> acc -> Prop).
Context (Rrefl : forall a, R a a).
Context (Rtrans : forall a b c, R a b -> R b c -> R a c).

Lemma tbl_iter_R : forall f k i ad st t a t' a',
  (forall j a0 e' a1, 0 <= j < Z.of_nat k ->
     f (i + j) (ad + j * st) (get t (i + j)) a0 = ROk (e', a1) -> R a0 a1) ->
  tbl_iter f k i ad st t a = ROk (t', a') -> R a a'.
Proof.
  intros f. induction k as [|k IH]; cbn [tbl_iter]; intros i ad st t a t' a' Hf H.
  - injection H as _ <-. apply Rrefl.
  - destruct (f i ad (get t i) a) as [[e' a1]|x] eqn:E; [|discriminate].
    apply (Rtrans _ a1).
    + apply (Hf 0 a e'); [lia|]. rewrite Z.add_0_r, Z.mul_0_l, Z.add_0_r. exact E.
    + eapply IH; [|exact H].
      intros j a0 e'' a2 Hj Hf'. apply (Hf (j + 1) a0 e''); [lia|].
      replace (i + (j + 1)) with (i + 1 + j) by ring.
      replace (ad + (j + 1) * st) with (ad + st + j * st) by ring.
      rewrite get_set in Hf'. destruct (Z.eqb_spec i (i + 1 + j)); [lia | exact Hf'].
Qed.

Lemma tbl_iter_visit_R : forall f,
  (forall i ad e a0 e' a1, f i ad e a0 = ROk (e', a1) -> R a0 a1) ->
  forall k i ad st t a t' a',
  tbl_iter f k i ad st t a = ROk (t', a') ->
  forall j, 0 <= j < Z.of_nat k ->
  exists a0 a1, f (i + j) (ad + j * st) (get t (i + j)) a0 = ROk (get t' (i + j), a1) /\
                R a1 a'.
Proof.
  intros f Hf. induction k as [|k IH]; cbn [tbl_iter]; intros i ad st t a t' a' H j Hj; [lia|].
  destruct (f i ad (get t i) a) as [[e' a1]|x] eqn:E; [|discriminate].
  destruct (Z.eq_dec j 0) as [-> | Hj0].
  - exists a, a1. rewrite Z.add_0_r, Z.mul_0_l, Z.add_0_r.
    rewrite (tbl_iter_below _ _ _ _ _ _ _ _ _ H i) by lia.
    rewrite get_set, Z.eqb_refl. split; [exact E|].
    eapply tbl_iter_R; [|exact H]. intros; eauto.
  - destruct (IH _ _ _ _ _ _ _ H (j - 1)) as (a0 & a2 & E2 & HR); [lia|].
    exists a0, a2.
    replace (i + j) with (i + 1 + (j - 1)) by ring.
    replace (ad + j * st) with (ad + st + (j - 1) * st) by ring.
    rewrite get_set in E2. destruct (Z.eqb_spec i (i + 1 + (j - 1))); [lia | auto].
Qed.

(* PgtUnmapProt.v level_cases for an address x of the range, with the
   relation from x's visit to the end of the walk. *)
Lemma level_visit_R : forall f,
  (forall i ad e a0 e' a1, f i ad e a0 = ROk (e', a1) -> R a0 a1) ->
  forall l base s e t a t' a' x,
  0 <= l <= 3 -> base mod (512 * esz l) = 0 -> base <= x < base + 512 * esz l -> s <= x < e ->
  iter_range f l base s e t a = ROk (t', a') ->
  exists ad a0 a1, ad <= x < ad + esz l /\ ad mod esz l = 0 /\ s < ad + esz l /\ ad < e /\
    f (idx l x) ad (get t (idx l x)) a0 = ROk (get t' (idx l x), a1) /\ R a1 a'.
Proof.
  intros f Hf l base s e t a t' a' x Hl Hb Hx Hr H.
  unfold iter_range in H.
  assert (Hes := esz_level_size l Hl).
  destruct (entry_of (esz l) base s e x Hes Hb Hx) as [Hin Hcnt].
  cbv zeta in Hin, Hcnt. specialize (Hcnt Hr).
  rewrite first_idx_div, count_div, !first_addr_div in H by lia.
  rewrite idx_div by lia.
  remember (Z.max s base / esz l * esz l) as fa eqn:Hfa.
  destruct (tbl_iter_visit_R f Hf _ _ _ _ _ _ _ _ H ((x / esz l) mod 512 - (fa - base) / esz l))
    as (a0 & a1 & E & HR).
  { rewrite Z2Nat.id by lia. lia. }
  replace ((fa - base) / esz l + ((x / esz l) mod 512 - (fa - base) / esz l))
    with ((x / esz l) mod 512) in E by ring.
  exists (fa + ((x / esz l) mod 512 - (fa - base) / esz l) * esz l), a0, a1.
  destruct (visit_span (esz l) base s e fa ((x / esz l) mod 512 - (fa - base) / esz l)
              Hes Hfa) as (V1 & V2 & V3); [lia|].
  repeat split; try lia; assumption.
Qed.
End IterR.

(* The entry a walk visits j-th holds exactly the addresses of its span:
   the entry translate reads for each of them (idx) is that one. *)
Lemma visit_idx : forall l base s e j z,
  0 <= l <= 3 -> base mod (512 * esz l) = 0 -> 0 <= j < Z.of_nat (count l base s e) ->
  first_addr l base s + j * esz l <= z < first_addr l base s + j * esz l + esz l ->
  idx l z = first_idx l base s + j /\ base <= z < base + 512 * esz l.
Proof.
  intros l base s e j z Hl Hb Hj Hz.
  rewrite count_div in Hj by lia. rewrite first_idx_div, idx_div by lia.
  rewrite first_addr_div in * by lia. rewrite Z2Nat.id in Hj by lia.
  destruct (esz_level_size l Hl) as [ E | [ E | [ E | E ] ] ]; rewrite E in *;
    Z.div_mod_to_equations; lia.
Qed.

(* ---- what a walk accumulates only grows: the flush stays set, BBM'd
   addresses stay in the list *)
Definition acc_le (a b : acc) : Prop :=
  (a_flush a = true -> a_flush b = true) /\ (forall z, In z (a_bbm a) -> In z (a_bbm b)).

Lemma acc_le_refl : forall a, acc_le a a.
Proof. unfold acc_le; auto. Qed.

Lemma acc_le_trans : forall a b c, acc_le a b -> acc_le b c -> acc_le a c.
Proof. unfold acc_le; intuition. Qed.

Lemma unmap_post_acc : forall c cov t a e a',
  unmap_post c cov t a = (e, a') -> acc_le a a' /\ a_bbm a' = a_bbm a.
Proof.
  intros c cov t a e a' H. unfold unmap_post in H.
  repeat match type of H with context [if ?b then _ else _] => destruct b end;
    injection H as _ <-; cbn; unfold acc_le; cbn; auto.
Qed.

(* Destruct every test of a visit hypothesis Hf and the recursive walk its
   branch calls (IH applied to it); then the visit's acc is the old one,
   one built from it, or one the walk one level down returned. *)
Ltac acc_cases Hf IH :=
  try unfold unmap_post in Hf;
  repeat match type of Hf with
  | context [if ?b then _ else _] => destruct b eqn:?
  | context [match ?e with NInv => _ | NLeaf _ _ => _ | NTbl _ => _ end] => destruct e
  | context [match ?r with ROk _ => _ | RErr _ => _ end] =>
      let E := fresh "E" in
      destruct r as [[? ?]|?] eqn:E; cbv beta iota in Hf; [apply IH in E|]
  end; try discriminate Hf; injection Hf as _ <-.

(* The acc after a visit is above the one before (acc_le): add_* and
   set_flush only add, and the walk below is above what it started from. *)
Ltac in_solve :=
  match goal with
  | Hz : In ?z ?L |- In ?z ?L => exact Hz
  | |- _ = ?z \/ _ => right; in_solve
  | H : forall w, _ -> In w ?L |- In ?z ?L => apply H; clear H; in_solve
  end.

Ltac acc_le_close :=
  unfold acc_le in *; cbn [a_flush a_bbm add_tables add_bbm add_need set_flush In] in *;
  repeat match goal with H : _ /\ _ |- _ => destruct H end;
  split; [intros; auto | let z := fresh "z" in let Hz := fresh "Hz" in intros z Hz; in_solve].

Lemma unmap_tbl_le : forall c ia size d cnt l base t a t' a',
  unmap_tbl c ia size cnt d l base t a = ROk (t', a') -> acc_le a a'.
Proof.
  intros c ia size d. induction d as [|d IH]; intros cnt l base t a t' a' H;
    cbn [unmap_tbl] in H; [injection H as _ <-; apply acc_le_refl|].
  unfold iter_range in H. eapply tbl_iter_R; [exact acc_le_refl | exact acc_le_trans | | exact H].
  intros j a0 e' a1 _ Hf. cbv beta zeta in Hf. clear H. acc_cases Hf IH; clear IH; acc_le_close.
Qed.

Lemma prot_tbl_le : forall c ia size prot d cnt l base t a t' a',
  prot_tbl c ia size prot cnt d l base t a = ROk (t', a') -> acc_le a a'.
Proof.
  intros c ia size prot d. induction d as [|d IH]; intros cnt l base t a t' a' H;
    cbn [prot_tbl] in H; [injection H as _ <-; apply acc_le_refl|].
  unfold iter_range in H. eapply tbl_iter_R; [exact acc_le_refl | exact acc_le_trans | | exact H].
  intros j a0 e' a1 _ Hf. cbv beta zeta in Hf. clear H. acc_cases Hf IH; clear IH; acc_le_close.
Qed.

(* ---- unmap: an address of the range that translated is invalidated
   (its leaf wholly covered: set_flush), or lies in a table the walk
   unlinks (set_flush), or in a split block whose new table the walk
   descends into, where the same holds one level down. *)
Lemma unmap_tbl_flush : forall d c ia size cnt l base t a t' a',
  unmap_tbl c ia size cnt d l base t a = ROk (t', a') ->
  0 <= l <= 3 -> Z.of_nat d = 4 - l -> base mod (512 * esz l) = 0 ->
  ia mod PAGE = 0 -> (ia + size) mod PAGE = 0 ->
  forall x, base <= x < base + 512 * esz l -> ia <= x < ia + size ->
  xl_tbl d l t x <> None -> a_flush a' = true.
Proof.
  induction d as [|d IH];
    intros c ia size cnt l base t a t' a' H Hl Hd Hb Hs He x Hx Hr Hxl; [lia|].
  cbn [unmap_tbl] in H. rewrite xl_tbl_S in Hxl.
  edestruct (level_visit_R acc_le acc_le_refl acc_le_trans)
    as (ad & a0 & a1 & Hadx & Hal & Hlo & Hhi & Hf & HR); [| exact Hl | exact Hb | exact Hx
                                                       | exact Hr | exact H |].
  { intros i ad e a0 e' a1 Hf. cbv beta zeta in Hf.
    clear IH H Hxl. acc_cases Hf unmap_tbl_le; acc_le_close. }
  apply (proj1 HR). clear H HR. cbv beta zeta in Hf.
  remember (get t (idx l x)) as en eqn:Hen. clear Hen.
  remember (get t' (idx l x)) as en' eqn:Hen'. clear Hen'.
  destruct en as [|oa p|t0].
  - cbn [xl_ent] in Hxl. contradiction.
  - destruct (c_kernel c) eqn:Hk; [discriminate Hf|].
    destruct ((ia <=? ad) && (ad + esz l <=? ia + size)) eqn:Hcov.
    + (* wholly covered leaf: invalidated, flush noted *)
      injection Hf as _ <-. reflexivity.
    + (* partly covered block: split, then the walk one level down *)
      match type of Hf with context [unmap_tbl ?c ?i ?s ?cn ?d ?l ?b ?t ?a] =>
        destruct (unmap_tbl c i s cn d l b t a) as [[t2 a2]|?] eqn:E2; [|discriminate Hf]
      end.
      injection Hf as Hf. apply (proj1 (proj1 (unmap_post_acc _ _ _ _ _ _ Hf))).
      assert (Hl3 : l < 3).
      { destruct (Z.eq_dec l 3) as [E3|]; [exfalso|lia].
        destruct (level3_covered l ad ia (ia + size) E3 Hal Hlo Hhi Hs He).
        apply andb_false_iff in Hcov. rewrite !Z.leb_gt in Hcov. lia. }
      destruct d as [|d']; [lia|].
      apply (IH _ _ _ _ _ _ _ _ _ _ E2 ltac:(lia) ltac:(lia)
               ltac:(rewrite <- esz_succ by lia; exact Hal) Hs He x
               ltac:(rewrite <- esz_succ by lia; lia) Hr).
      rewrite split_xl by lia. discriminate.
  - (* a table: the walk one level down, then TABLE_POST *)
    match type of Hf with context [unmap_tbl ?c ?i ?s ?cn ?d ?l ?b ?t ?a] =>
      destruct (unmap_tbl c i s cn d l b t a) as [[t2 a2]|?] eqn:E2; [|discriminate Hf]
    end.
    injection Hf as Hf. apply (proj1 (proj1 (unmap_post_acc _ _ _ _ _ _ Hf))).
    destruct d as [|d']; [cbn [xl_ent xl_tbl] in Hxl; contradiction|].
    cbn [xl_ent] in Hxl.
    exact (IH _ _ _ _ _ _ _ _ _ _ E2 ltac:(lia) ltac:(lia)
             ltac:(rewrite <- esz_succ by lia; exact Hal) Hs He x
             ltac:(rewrite <- esz_succ by lia; lia) Hr Hxl).
Qed.

(* An address unmap BBMs: the base z of an aligned piece of level lv < 3
   of the range's partly covered blocks, mapped before (at the level l
   the walk is at, or below) by one leaf of level lvl <= lv. *)
Definition split_piece (ia size : Z) (d : nat) (l base : Z) (t : tbl) (z : Z) : Prop :=
  base <= z < base + 512 * esz l /\
  exists lv pa pr lvl, l <= lvl <= lv /\ lv < 3 /\ z mod esz lv = 0 /\
    ia < z + esz lv /\ z < ia + size /\ ~ (ia <= z /\ z + esz lv <= ia + size) /\
    xl_tbl d l t z = Some (pa, pr, lvl).

Ltac conj7 := refine (conj _ (conj _ (conj _ (conj _ (conj _ (conj _ _)))))).

Lemma unmap_tbl_bbm : forall d c ia size cnt l base t a t' a',
  unmap_tbl c ia size cnt d l base t a = ROk (t', a') ->
  0 <= l <= 3 -> Z.of_nat d = 4 - l -> base mod (512 * esz l) = 0 ->
  ia mod PAGE = 0 -> (ia + size) mod PAGE = 0 ->
  forall z, In z (a_bbm a') -> In z (a_bbm a) \/ split_piece ia size d l base t z.
Proof.
  induction d as [|d IH]; intros c ia size cnt l base t a t' a' H Hl Hd Hb Hs He;
    [lia|].
  cbn [unmap_tbl] in H. unfold iter_range in H.
  eapply (tbl_iter_R (fun a0 a1 => forall z, In z (a_bbm a1) ->
                        In z (a_bbm a0) \/ split_piece ia size (S d) l base t z));
    [ intros; auto
    | intros x y w H1 H2 z Hz; destruct (H2 z Hz) as [H3|H3]; [destruct (H1 z H3)|]; auto
    | | exact H ].
  intros j a0 e' a1 Hj Hf z Hz.
  destruct (walk_visit_facts l base ia (ia + size) j Hl Hj) as (Hal & Hlo & Hhi).
  pose proof (visit_idx l base ia (ia + size) j) as Hidx.
  remember (first_addr l base ia + j * esz l) as ad eqn:Had.
  remember (get t (first_idx l base ia + j)) as en eqn:Hen.
  (* every address of the visited entry's span reads that entry *)
  assert (Hxe : forall z, ad <= z < ad + esz l ->
            base <= z < base + 512 * esz l /\ xl_tbl (S d) l t z = xl_ent d l en z).
  { intros z' Hz'. destruct (Hidx z' Hl Hb Hj ltac:(subst ad; lia)) as [Hi Hzr].
    split; [exact Hzr|]. rewrite xl_tbl_S, Hi, Hen. reflexivity. }
  clear Hidx Had Hen H. cbv beta zeta in Hf.
  destruct en as [|oa p|t0].
  - injection Hf as _ <-. auto.
  - destruct (c_kernel c) eqn:Hk; [discriminate Hf|].
    destruct ((ia <=? ad) && (ad + esz l <=? ia + size)) eqn:Hcov.
    { injection Hf as _ <-. auto. }
    match type of Hf with context [unmap_tbl ?c ?i ?s ?cn ?d ?l ?b ?t ?a] =>
      destruct (unmap_tbl c i s cn d l b t a) as [[t2 a2]|?] eqn:E2; [|discriminate Hf]
    end.
    injection Hf as Hf. rewrite (proj2 (unmap_post_acc _ _ _ _ _ _ Hf)) in Hz.
    assert (Hl3 : l < 3).
    { destruct (Z.eq_dec l 3) as [E3|]; [exfalso|lia].
      destruct (level3_covered l ad ia (ia + size) E3 Hal Hlo Hhi Hs He).
      apply andb_false_iff in Hcov. rewrite !Z.leb_gt in Hcov. lia. }
    assert (Hnc : ~ (ia <= ad /\ ad + esz l <= ia + size)).
    { apply andb_false_iff in Hcov. rewrite !Z.leb_gt in Hcov. lia. }
    destruct d as [|d']; [lia|].
    destruct (IH _ _ _ _ _ _ _ _ _ _ E2 ltac:(lia) ltac:(lia)
                 ltac:(rewrite <- esz_succ by lia; exact Hal) Hs He z Hz) as [Hin|Hp].
    + (* the split's own BBM: the block at ad *)
      destruct cnt; cbn [a_bbm add_tables add_bbm add_need In] in Hin;
        (destruct Hin as [<-|Hin]; [right | left; exact Hin]);
        (destruct (Hxe ad ltac:(lia)) as [Hzr Hx]; split; [exact Hzr|];
         exists l, (oa + Z.land ad (esz l - 1)), p, l;
         conj7; try lia; first [exact Hnc | rewrite Hx; reflexivity]).
    + (* a BBM inside the new table: a piece of the same block *)
      right. destruct Hp as (Hzr & lv & pa & pr & lvl & Hlv & Hlv3 & Hzm & H1 & H2 & H3 & Hx).
      rewrite split_xl in Hx by lia. injection Hx as _ _ <-.
      rewrite <- esz_succ in Hzr by lia.
      destruct (Hxe z Hzr) as [Hzr' Hx]. split; [exact Hzr'|].
      exists lv, (oa + Z.land z (esz l - 1)), p, l.
      conj7; try lia; first [exact H3 | rewrite Hx; reflexivity].
  - match type of Hf with context [unmap_tbl ?c ?i ?s ?cn ?d ?l ?b ?t ?a] =>
      destruct (unmap_tbl c i s cn d l b t a) as [[t2 a2]|?] eqn:E2; [|discriminate Hf]
    end.
    injection Hf as Hf. rewrite (proj2 (unmap_post_acc _ _ _ _ _ _ Hf)) in Hz.
    destruct d as [|d'].
    { cbn [unmap_tbl] in E2. injection E2 as _ <-. auto. }
    destruct (IH _ _ _ _ _ _ _ _ _ _ E2 ltac:(lia) ltac:(lia)
                 ltac:(rewrite <- esz_succ by lia; exact Hal) Hs He z Hz) as [Hin|Hp];
      [left; exact Hin|right].
    destruct Hp as (Hzr & lv & pa & pr & lvl & Hlv & Hlv3 & Hzm & H1 & H2 & H3 & Hx).
    rewrite <- esz_succ in Hzr by lia.
    destruct (Hxe z Hzr) as [Hzr' Hx']. split; [exact Hzr'|].
    exists lv, pa, pr, lvl. conj7; try lia; first [exact H3 | rewrite Hx'; exact Hx].
Qed.

(* ---- set_prot: the leaf holding x is written with the new prot, at
   the level the walk reaches it (after splitting a partly covered
   block, with its BBM): by BBM when the memory type changes, in place
   otherwise, with the flush noted when a grant is removed. *)
Lemma grants_self : forall p, Z.land (grants p) (Z.lxor (grants p) 15) = 0.
Proof.
  intros p. unfold grants. change (Z.land p 3) with (Z.land p (2 ^ 2 - 1)).
  rewrite land_low_bits by lia. change (2 ^ 2) with 4.
  assert (Hr : 0 <= p mod 4 < 4) by (apply Z.mod_pos_bound; lia).
  destruct (Z.land p 36 =? 0), (Z.land p 68 =? 0);
  (assert (p mod 4 = 0 \/ p mod 4 = 1 \/ p mod 4 = 2 \/ p mod 4 = 3) as [E|[E|[E|E]]] by lia;
   rewrite E; reflexivity).
Qed.

Lemma prot_tbl_flush : forall d c ia size prot cnt l base t a t' a',
  prot_tbl c ia size prot cnt d l base t a = ROk (t', a') ->
  0 <= l <= 3 -> Z.of_nat d = 4 - l -> base mod (512 * esz l) = 0 ->
  ia mod PAGE = 0 -> (ia + size) mod PAGE = 0 ->
  forall x pa p0 lvl, base <= x < base + 512 * esz l -> ia <= x < ia + size ->
  xl_tbl d l t x = Some (pa, p0, lvl) ->
  (Z.land (Z.lxor p0 prot) 24 = 0 -> Z.land (grants p0) (Z.lxor (grants prot) 15) <> 0 ->
   a_flush a' = true) /\
  (Z.land (Z.lxor p0 prot) 24 <> 0 ->
   exists b lv, In b (a_bbm a') /\ 0 <= lv <= 3 /\ b <= x < b + esz lv).
Proof.
  induction d as [|d IH];
    intros c ia size prot cnt l base t a t' a' H Hl Hd Hb Hs He x pa p0 lvl Hx Hr Hxl; [lia|].
  cbn [prot_tbl] in H. rewrite xl_tbl_S in Hxl.
  edestruct (level_visit_R acc_le acc_le_refl acc_le_trans)
    as (ad & a0 & a1 & Hadx & Hal & Hlo & Hhi & Hf & HR); [| exact Hl | exact Hb | exact Hx
                                                       | exact Hr | exact H |].
  { intros i ad e a0 e' a1 Hf. cbv beta zeta in Hf.
    clear IH H Hxl. acc_cases Hf prot_tbl_le; acc_le_close. }
  clear H. cbv beta zeta in Hf.
  remember (get t (idx l x)) as en eqn:Hen. clear Hen.
  remember (get t' (idx l x)) as en' eqn:Hen'. clear Hen'.
  destruct en as [|oa p|t0].
  - cbn [xl_ent] in Hxl. discriminate Hxl.
  - cbn [xl_ent] in Hxl. injection Hxl as _ <- _.
    destruct (p =? prot) eqn:Hp.
    { (* already the new prot: nothing removed, same memory type *)
      apply Z.eqb_eq in Hp. subst prot. rewrite Z.lxor_nilpotent, grants_self.
      split; [intros _ H0 | intros H0]; contradiction H0; reflexivity. }
    destruct (c_kernel c); [discriminate Hf|].
    destruct ((ad <? ia) || (ia + size <? ad + esz l)) eqn:Hpart.
    + (* partly covered block: split (BBM of ad), then one level down *)
      match type of Hf with context [prot_tbl ?c ?i ?s ?pr ?cn ?d ?l ?b ?t ?a] =>
        destruct (prot_tbl c i s pr cn d l b t a) as [[t2 a2]|?] eqn:E2; [|discriminate Hf]
      end.
      injection Hf as _ <-.
      assert (Hl3 : l < 3).
      { destruct (Z.eq_dec l 3) as [E3|]; [exfalso|lia].
        destruct (level3_covered l ad ia (ia + size) E3 Hal Hlo Hhi Hs He).
        apply orb_true_iff in Hpart. rewrite !Z.ltb_lt in Hpart. lia. }
      destruct d as [|d']; [lia|].
      destruct (IH _ _ _ _ _ _ _ _ _ _ _ E2 ltac:(lia) ltac:(lia)
                   ltac:(rewrite <- esz_succ by lia; exact Hal) Hs He x
                   (oa + Z.land x (esz l - 1)) p (l + 1)
                   ltac:(rewrite <- esz_succ by lia; lia) Hr
                   ltac:(apply split_xl; lia)) as [IH1 _].
      split; [intros H0 H1; exact (proj1 HR (IH1 H0 H1))|].
      intros _. exists ad, l. split; [|lia].
      apply (proj2 HR). apply (proj2 (prot_tbl_le _ _ _ _ _ _ _ _ _ _ _ _ E2)).
      destruct cnt; cbn; auto.
    + (* wholly covered leaf *)
      destruct (Z.land (Z.lxor p prot) 24 =? 0) eqn:Hmt; cbn [negb] in Hf.
      * apply Z.eqb_eq in Hmt. rewrite Hmt.
        split; [|intros H0; contradiction H0; reflexivity].
        intros _ Hg. destruct (Z.land (grants p) (Z.lxor (grants prot) 15) =? 0) eqn:Hg'.
        { apply Z.eqb_eq in Hg'. contradiction. }
        injection Hf as _ <-. exact (proj1 HR eq_refl).
      * (* memory type: BBM of the leaf *)
        apply Z.eqb_neq in Hmt. split; [intros H0; contradiction|].
        intros _. injection Hf as _ <-. exists ad, l. split; [|lia].
        apply (proj2 HR). cbn. auto.
  - (* a table: the walk one level down *)
    match type of Hf with context [prot_tbl ?c ?i ?s ?pr ?cn ?d ?l ?b ?t ?a] =>
      destruct (prot_tbl c i s pr cn d l b t a) as [[t2 a2]|?] eqn:E2; [|discriminate Hf]
    end.
    injection Hf as _ <-.
    destruct d as [|d']; [cbn [xl_ent xl_tbl] in Hxl; discriminate Hxl|].
    cbn [xl_ent] in Hxl.
    destruct (IH _ _ _ _ _ _ _ _ _ _ _ E2 ltac:(lia) ltac:(lia)
                 ltac:(rewrite <- esz_succ by lia; exact Hal) Hs He x pa p0 lvl
                 ltac:(rewrite <- esz_succ by lia; lia) Hr Hxl) as [IH1 IH2].
    split; [intros H0 H1; exact (proj1 HR (IH1 H0 H1))|].
    intros H0. destruct (IH2 H0) as (b & lv & Hb' & Hlv & Hbx).
    exists b, lv. split; [exact (proj2 HR _ Hb') | auto].
Qed.

(* ---- kernel tables: a walk that succeeds changed nothing it
   accumulates (a valid leaf it would change is -EPERM) *)
Lemma unmap_tbl_kernel : forall c ia size d cnt l base t a t' a',
  c_kernel c = true -> unmap_tbl c ia size cnt d l base t a = ROk (t', a') -> a' = a.
Proof.
  intros c ia size d. induction d as [|d IH]; intros cnt l base t a t' a' Hk H;
    cbn [unmap_tbl] in H; [injection H as _ <-; reflexivity|].
  unfold iter_range in H.
  eapply (tbl_iter_R (fun a0 a1 => a1 = a0)); [reflexivity | intros; congruence | | exact H].
  intros j a0 e' a1 _ Hf. cbv beta zeta in Hf.
  destruct (get t _) as [|oa p|t0].
  - injection Hf as _ <-. reflexivity.
  - rewrite Hk in Hf. discriminate Hf.
  - match type of Hf with context [unmap_tbl ?c ?i ?s ?cn ?d ?l ?b ?t ?a] =>
      destruct (unmap_tbl c i s cn d l b t a) as [[t2 a2]|?] eqn:E2; [|discriminate Hf]
    end.
    unfold unmap_post in Hf. rewrite Hk in Hf. injection Hf as _ <-.
    exact (IH _ _ _ _ _ _ _ Hk E2).
Qed.

Lemma prot_tbl_kernel : forall c ia size prot d cnt l base t a t' a',
  c_kernel c = true -> prot_tbl c ia size prot cnt d l base t a = ROk (t', a') -> a' = a.
Proof.
  intros c ia size prot d. induction d as [|d IH]; intros cnt l base t a t' a' Hk H;
    cbn [prot_tbl] in H; [injection H as _ <-; reflexivity|].
  unfold iter_range in H.
  eapply (tbl_iter_R (fun a0 a1 => a1 = a0)); [reflexivity | intros; congruence | | exact H].
  intros j a0 e' a1 _ Hf. cbv beta zeta in Hf.
  destruct (get t _) as [|oa p|t0].
  - injection Hf as _ <-. reflexivity.
  - destruct (p =? prot); [injection Hf as _ <-; reflexivity|].
    rewrite Hk in Hf. discriminate Hf.
  - match type of Hf with context [prot_tbl ?c ?i ?s ?pr ?cn ?d ?l ?b ?t ?a] =>
      destruct (prot_tbl c i s pr cn d l b t a) as [[t2 a2]|?] eqn:E2; [|discriminate Hf]
    end.
    injection Hf as _ <-. exact (IH _ _ _ _ _ _ _ Hk E2).
Qed.

(* ---- from the call to the walk from the root, with its outputs *)
Lemma step_unmap_acc : forall p cap ia size,
  o_ret (step p cap (Unmap ia size)) = 0 ->
  range_ok (p_cfg p) ia size = true /\
  exists a, unmap_tbl (p_cfg p) ia size true (depth (p_cfg p)) (c_sl (p_cfg p)) 0 (p_root p) acc0
            = ROk (p_root (o_pgt (step p cap (Unmap ia size))), a) /\
            o_bbm (step p cap (Unmap ia size)) = rev (a_bbm a) /\
            o_flush (step p cap (Unmap ia size)) = a_flush a.
Proof.
  intros p cap ia size H. unfold step, step_gen in *. cbv zeta in *.
  cbn [args_ok walk_op] in *.
  destruct (range_ok (p_cfg p) ia size) eqn:Hr; [|discriminate H]. cbn [negb] in *.
  destruct (unmap_tbl _ _ _ _ _ _ _ _ _) as [[t' a]|err] eqn:W.
  - destruct (_ <? _); [discriminate H|]. split; [reflexivity|]. exists a. auto.
  - cbn [o_ret] in H. subst err. apply unmap_tbl_err in W. discriminate W.
Qed.

Lemma step_prot_acc : forall p cap ia size prot,
  o_ret (step p cap (SetProt ia size prot)) = 0 ->
  range_ok (p_cfg p) ia size = true /\
  exists a, prot_tbl (p_cfg p) ia size prot true (depth (p_cfg p)) (c_sl (p_cfg p)) 0
                     (p_root p) acc0
            = ROk (p_root (o_pgt (step p cap (SetProt ia size prot))), a) /\
            o_bbm (step p cap (SetProt ia size prot)) = rev (a_bbm a) /\
            o_flush (step p cap (SetProt ia size prot)) = a_flush a.
Proof.
  intros p cap ia size prot H. unfold step, step_gen in *. cbv zeta in *.
  cbn [args_ok walk_op] in *.
  destruct (range_ok (p_cfg p) ia size) eqn:Hr; [|discriminate H].
  destruct (prot_valid _ prot); [|discriminate H]. cbn [andb negb] in *.
  destruct (prot_tbl _ _ _ _ _ _ _ _ _ _) as [[t' a]|err] eqn:W.
  - destruct (_ <? _); [discriminate H|]. split; [reflexivity|]. exists a. auto.
  - cbn [o_ret] in H. subst err. apply prot_tbl_err in W. discriminate W.
Qed.

(* The root's walk: level, fuel and alignment (levels_ok). *)
Lemma root_walk : forall c,
  levels_ok c ->
  0 <= c_sl c <= 3 /\ Z.of_nat (depth c) = 4 - c_sl c /\ 0 mod (512 * esz (c_sl c)) = 0.
Proof.
  intros c [Hsl Hbits]. assert (Hpos := esz_level_size _ Hsl). unfold level_size in Hpos.
  split; [lia|]. split; [unfold depth; rewrite Z2Nat.id by lia; reflexivity|].
  apply Z.mod_0_l. lia.
Qed.

(* ---- main theorems (on step = step_gen Shipped) *)
(* vrm_pgt_unmap returned 0 and an address of the range translated
   before: the range flush ran. *)
Theorem unmap_flushes_if_cleared : forall p cap ia size x v,
  levels_ok (p_cfg p) ->
  o_ret (step p cap (Unmap ia size)) = 0 ->
  ia <= x < ia + size ->
  translate p x = Some v ->
  o_flush (step p cap (Unmap ia size)) = true.
Proof.
  intros p cap ia size x v Hl Hret Hx Hv.
  destruct (step_unmap_acc p cap ia size Hret) as [Hr (a & W & _ & ->)].
  destruct (range_facts _ _ _ Hr) as (Hs & He & _).
  rewrite translate_root in Hv.
  destruct ((0 <=? x) && (x <? 2 ^ c_ia_bits (p_cfg p))) eqn:Hx2; [|discriminate Hv].
  destruct (root_facts _ _ Hl Hx2) as (Hsl & Hd & Hb & Hxr).
  eapply unmap_tbl_flush; [exact W | exact Hsl | exact Hd | exact Hb | exact Hs | exact He
                          | exact Hxr | exact Hx | rewrite Hv; discriminate].
Qed.

(* Every address unmap BBMs is the base b of an aligned 1 GiB / 2 MiB
   piece [b, b + esz lv) that the range covers only partly and that one
   leaf (of level lvl <= lv) mapped before: BBM only for splits. *)
Theorem unmap_bbm_only_split : forall p cap ia size b,
  levels_ok (p_cfg p) ->
  o_ret (step p cap (Unmap ia size)) = 0 ->
  In b (o_bbm (step p cap (Unmap ia size))) ->
  exists lv pa pr lvl, 0 <= lvl <= lv /\ lv < 3 /\ b mod esz lv = 0 /\
    ia < b + esz lv /\ b < ia + size /\ ~ (ia <= b /\ b + esz lv <= ia + size) /\
    translate p b = Some (pa, pr, lvl).
Proof.
  intros p cap ia size b Hl Hret Hb.
  destruct (step_unmap_acc p cap ia size Hret) as [Hr (a & W & Hbbm & _)].
  rewrite Hbbm, <- in_rev in Hb.
  destruct (range_facts _ _ _ Hr) as (Hs & He & Hia & Hend).
  destruct (root_walk _ Hl) as (Hsl & Hd & Hb0).
  destruct (unmap_tbl_bbm _ _ _ _ _ _ _ _ _ _ _ W Hsl Hd Hb0 Hs He b Hb) as [Hin|Hp];
    [cbn in Hin; contradiction|].
  destruct Hp as (Hbr & lv & pa & pr & lvl & Hlv & Hlv3 & Hbm & H1 & H2 & H3 & Hx).
  exists lv, pa, pr, lvl. conj7; try lia; try exact H3.
  rewrite translate_root.
  replace ((0 <=? b) && (b <? 2 ^ c_ia_bits (p_cfg p))) with true; [exact Hx|].
  symmetry. apply andb_true_iff. split; [apply Z.leb_le | apply Z.ltb_lt]; lia.
Qed.

(* vrm_pgt_set_prot returned 0 and an address of the range translated
   before to a prot p0 of the same memory type that grants something the
   new prot does not: the range flush ran. *)
Theorem set_prot_flushes_if_removed : forall p cap ia size prot x pa p0 lvl,
  levels_ok (p_cfg p) ->
  o_ret (step p cap (SetProt ia size prot)) = 0 ->
  ia <= x < ia + size ->
  translate p x = Some (pa, p0, lvl) ->
  Z.land (Z.lxor p0 prot) 24 = 0 ->
  Z.land (grants p0) (Z.lxor (grants prot) 15) <> 0 ->
  o_flush (step p cap (SetProt ia size prot)) = true.
Proof.
  intros p cap ia size prot x pa p0 lvl Hl Hret Hx Hv Hmt Hg.
  destruct (step_prot_acc p cap ia size prot Hret) as [Hr (a & W & _ & ->)].
  destruct (range_facts _ _ _ Hr) as (Hs & He & _).
  rewrite translate_root in Hv.
  destruct ((0 <=? x) && (x <? 2 ^ c_ia_bits (p_cfg p))) eqn:Hx2; [|discriminate Hv].
  destruct (root_facts _ _ Hl Hx2) as (Hsl & Hd & Hb & Hxr).
  exact (proj1 (prot_tbl_flush _ _ _ _ _ _ _ _ _ _ _ _ W Hsl Hd Hb Hs He x pa p0 lvl
                  Hxr Hx Hv) Hmt Hg).
Qed.

(* ... and if the memory type changes, an entry holding x went through
   BBM (its own TLBI). *)
Theorem set_prot_bbm_if_memtype : forall p cap ia size prot x pa p0 lvl,
  levels_ok (p_cfg p) ->
  o_ret (step p cap (SetProt ia size prot)) = 0 ->
  ia <= x < ia + size ->
  translate p x = Some (pa, p0, lvl) ->
  Z.land (Z.lxor p0 prot) 24 <> 0 ->
  exists b lv, In b (o_bbm (step p cap (SetProt ia size prot))) /\ 0 <= lv <= 3 /\
               b <= x < b + esz lv.
Proof.
  intros p cap ia size prot x pa p0 lvl Hl Hret Hx Hv Hmt.
  destruct (step_prot_acc p cap ia size prot Hret) as [Hr (a & W & -> & _)].
  destruct (range_facts _ _ _ Hr) as (Hs & He & _).
  rewrite translate_root in Hv.
  destruct ((0 <=? x) && (x <? 2 ^ c_ia_bits (p_cfg p))) eqn:Hx2; [|discriminate Hv].
  destruct (root_facts _ _ Hl Hx2) as (Hsl & Hd & Hb & Hxr).
  destruct (proj2 (prot_tbl_flush _ _ _ _ _ _ _ _ _ _ _ _ W Hsl Hd Hb Hs He x pa p0 lvl
                     Hxr Hx Hv) Hmt) as (b & lv & Hin & Hlv & Hbx).
  exists b, lv. rewrite <- in_rev. auto.
Qed.

(* On a kernel table a successful unmap / set_prot breaks nothing and
   flushes nothing (it changed no entry). *)
Theorem kernel_unmap_no_tlb : forall p cap ia size,
  c_kernel (p_cfg p) = true ->
  o_ret (step p cap (Unmap ia size)) = 0 ->
  o_bbm (step p cap (Unmap ia size)) = [] /\ o_flush (step p cap (Unmap ia size)) = false.
Proof.
  intros p cap ia size Hk Hret.
  destruct (step_unmap_acc p cap ia size Hret) as [_ (a & W & -> & ->)].
  rewrite (unmap_tbl_kernel _ _ _ _ _ _ _ _ _ _ _ Hk W). split; reflexivity.
Qed.

Theorem kernel_set_prot_no_tlb : forall p cap ia size prot,
  c_kernel (p_cfg p) = true ->
  o_ret (step p cap (SetProt ia size prot)) = 0 ->
  o_bbm (step p cap (SetProt ia size prot)) = [] /\
  o_flush (step p cap (SetProt ia size prot)) = false.
Proof.
  intros p cap ia size prot Hk Hret.
  destruct (step_prot_acc p cap ia size prot Hret) as [_ (a & W & -> & ->)].
  rewrite (prot_tbl_kernel _ _ _ _ _ _ _ _ _ _ _ _ Hk W). split; reflexivity.
Qed.

(* ---- the same for every table reachable from vrm_pgt_init *)
Theorem unmap_flushes_if_cleared_reachable :
  forall stage2 ia_bits sl kernel p0 ops cap ia size x v,
  init stage2 ia_bits sl kernel = Some p0 ->
  o_ret (step (run p0 ops) cap (Unmap ia size)) = 0 ->
  ia <= x < ia + size ->
  translate (run p0 ops) x = Some v ->
  o_flush (step (run p0 ops) cap (Unmap ia size)) = true.
Proof.
  intros stage2 ia_bits sl kernel p0 ops cap ia size x v Hi.
  destruct (init_ok _ _ _ _ _ Hi) as [Hl Hwf]. destruct (run_ok ops p0 Hl Hwf) as [Hl' _].
  eapply unmap_flushes_if_cleared; eassumption.
Qed.

Theorem unmap_bbm_only_split_reachable :
  forall stage2 ia_bits sl kernel p0 ops cap ia size b,
  init stage2 ia_bits sl kernel = Some p0 ->
  o_ret (step (run p0 ops) cap (Unmap ia size)) = 0 ->
  In b (o_bbm (step (run p0 ops) cap (Unmap ia size))) ->
  exists lv pa pr lvl, 0 <= lvl <= lv /\ lv < 3 /\ b mod esz lv = 0 /\
    ia < b + esz lv /\ b < ia + size /\ ~ (ia <= b /\ b + esz lv <= ia + size) /\
    translate (run p0 ops) b = Some (pa, pr, lvl).
Proof.
  intros stage2 ia_bits sl kernel p0 ops cap ia size b Hi.
  destruct (init_ok _ _ _ _ _ Hi) as [Hl Hwf]. destruct (run_ok ops p0 Hl Hwf) as [Hl' _].
  apply unmap_bbm_only_split; assumption.
Qed.

Theorem set_prot_flushes_if_removed_reachable :
  forall stage2 ia_bits sl kernel p0 ops cap ia size prot x pa p1 lvl,
  init stage2 ia_bits sl kernel = Some p0 ->
  o_ret (step (run p0 ops) cap (SetProt ia size prot)) = 0 ->
  ia <= x < ia + size ->
  translate (run p0 ops) x = Some (pa, p1, lvl) ->
  Z.land (Z.lxor p1 prot) 24 = 0 ->
  Z.land (grants p1) (Z.lxor (grants prot) 15) <> 0 ->
  o_flush (step (run p0 ops) cap (SetProt ia size prot)) = true.
Proof.
  intros stage2 ia_bits sl kernel p0 ops cap ia size prot x pa p1 lvl Hi.
  destruct (init_ok _ _ _ _ _ Hi) as [Hl Hwf]. destruct (run_ok ops p0 Hl Hwf) as [Hl' _].
  eapply set_prot_flushes_if_removed; eassumption.
Qed.

(* ---- not vacuous.  nt1 (WriteOnce.v): a normal table made by
   vrm_pgt_init and one map, the 2 MiB block G1 -> 8 G1 with prot R (1);
   kt1: the same block in a kernel table.  The unmap of the block
   returns 0 and flushes, with no BBM; the unmap of its page G1 + 4 KiB
   BBMs the block (G1, partly covered); a set_prot of the block to R|W
   (3) only adds W: returns 0, no flush, no BBM; a set_prot back to R
   removes W: flush; a set_prot to Device R (9) changes the memory
   type: BBM of G1 and no flush; on kt1 an unmap of a hole and a
   set_prot to the same prot return 0 with neither. *)
Theorem unmap_flush_nonvacuous :
  levels_ok (p_cfg nt1) /\ translate nt1 G1 = Some (8 * G1, 1, 2) /\
  o_ret (step nt1 nocap (Unmap G1 M2)) = 0 /\
  o_flush (step nt1 nocap (Unmap G1 M2)) = true /\
  o_bbm (step nt1 nocap (Unmap G1 M2)) = [] /\
  o_ret (step nt1 nocap (Unmap (G1 + K4) K4)) = 0 /\
  o_bbm (step nt1 nocap (Unmap (G1 + K4) K4)) = [G1] /\
  o_flush (step nt1 nocap (Unmap (G1 + K4) K4)) = true /\
  o_ret (step nt1 nocap (SetProt G1 M2 3)) = 0 /\
  o_flush (step nt1 nocap (SetProt G1 M2 3)) = false /\
  o_bbm (step nt1 nocap (SetProt G1 M2 3)) = [] /\
  translate (o_pgt (step nt1 nocap (SetProt G1 M2 3))) G1 = Some (8 * G1, 3, 2) /\
  Z.land (grants 3) (Z.lxor (grants 1) 15) <> 0 /\
  o_ret (step (o_pgt (step nt1 nocap (SetProt G1 M2 3))) nocap (SetProt G1 M2 1)) = 0 /\
  o_flush (step (o_pgt (step nt1 nocap (SetProt G1 M2 3))) nocap (SetProt G1 M2 1)) = true /\
  Z.land (Z.lxor 1 9) 24 <> 0 /\
  o_ret (step nt1 nocap (SetProt G1 M2 9)) = 0 /\
  o_bbm (step nt1 nocap (SetProt G1 M2 9)) = [G1] /\
  o_flush (step nt1 nocap (SetProt G1 M2 9)) = false /\
  c_kernel (p_cfg kt1) = true /\
  o_ret (step kt1 nocap (Unmap (G1 + M2) M2)) = 0 /\
  o_ret (step kt1 nocap (SetProt G1 K4 1)) = 0.
Proof.
  split.
  { replace (p_cfg nt1) with (Cfg false 48 0 false false) by (vm_compute; reflexivity).
    unfold levels_ok; cbn; lia. }
  vm_compute. repeat split; try reflexivity; discriminate.
Qed.

(* ---- broken twin: the unmap without its range flush (step_gen
   NoUnmapFlush) clears the block G1 of nt1 and reports no flush, so
   unmap_flushes_if_cleared, with step_gen NoUnmapFlush for step, is
   false. *)
Theorem twin_nounmapflush_breaks_flush :
  levels_ok (p_cfg nt1) /\ translate nt1 G1 = Some (8 * G1, 1, 2) /\
  o_ret (step_gen NoUnmapFlush nt1 nocap (Unmap G1 M2)) = 0 /\
  o_flush (step_gen NoUnmapFlush nt1 nocap (Unmap G1 M2)) = false /\
  ~ (forall p cap ia size x v,
       levels_ok (p_cfg p) ->
       o_ret (step_gen NoUnmapFlush p cap (Unmap ia size)) = 0 ->
       ia <= x < ia + size ->
       translate p x = Some v ->
       o_flush (step_gen NoUnmapFlush p cap (Unmap ia size)) = true).
Proof.
  assert (L : levels_ok (p_cfg nt1)).
  { replace (p_cfg nt1) with (Cfg false 48 0 false false) by (vm_compute; reflexivity).
    unfold levels_ok; cbn; lia. }
  assert (T : translate nt1 G1 = Some (8 * G1, 1, 2)) by (vm_compute; reflexivity).
  assert (R : o_ret (step_gen NoUnmapFlush nt1 nocap (Unmap G1 M2)) = 0)
    by (vm_compute; reflexivity).
  assert (F : o_flush (step_gen NoUnmapFlush nt1 nocap (Unmap G1 M2)) = false)
    by (vm_compute; reflexivity).
  refine (conj L (conj T (conj R (conj F _)))).
  intros H.
  assert (X : G1 <= G1 < G1 + M2) by (unfold G1, M2; lia).
  specialize (H nt1 nocap G1 M2 G1 (8 * G1, 1, 2) L R X T).
  rewrite F in H; discriminate H.
Qed.

(* ---- unmap's freed pages: a table is freed (unmap_post's unlink,
   add_tables (-1)) only with the flush set (set_flush), and the split of
   a block adds its table (+1) before the walk below.  So along the walk
   either the flush is set by the end, or it was never set and the count
   of tables linked minus unlinked (a_tables) only went up. *)
Definition acc_R (a b : acc) : Prop :=
  a_flush b = true \/ (a_flush a = false /\ a_tables a <= a_tables b).

Lemma acc_R_refl : forall a, acc_R a a.
Proof. intros a. unfold acc_R. destruct (a_flush a); [left|right]; auto with zarith. Qed.

Lemma acc_R_trans : forall a b c, acc_R a b -> acc_R b c -> acc_R a c.
Proof.
  unfold acc_R. intros a b c [H1|[H1 H2]] [H3|[H3 H4]]; auto;
    [congruence | right; split; [exact H1 | lia]].
Qed.

Lemma unmap_tbl_R : forall c ia size d cnt l base t a t' a',
  unmap_tbl c ia size cnt d l base t a = ROk (t', a') -> acc_R a a'.
Proof.
  intros c ia size d. induction d as [|d IH]; intros cnt l base t a t' a' H;
    cbn [unmap_tbl] in H; [injection H as _ <-; apply acc_R_refl|].
  unfold iter_range in H. eapply tbl_iter_R; [exact acc_R_refl | exact acc_R_trans | | exact H].
  intros j a0 e' a1 _ Hf. cbv beta zeta in Hf. clear H. acc_cases Hf IH; clear IH;
    unfold acc_R in *; cbn [a_flush a_tables add_tables add_bbm add_need set_flush] in *;
    first [ left; reflexivity
          | right; split; [reflexivity | lia]
          | destruct (a_flush a0); intuition (try lia; try discriminate) ].
Qed.

(* ---- main theorems *)
(* Every unmap (whatever it returns) that reports no range flush leaves at
   least as many table pages live as before: no table page is freed
   without the flush. *)
Theorem unmap_no_flush_keeps_tables : forall p cap ia size,
  let r := step p cap (Unmap ia size) in
  o_flush r = false -> p_live p <= p_live (o_pgt r).
Proof.
  intros p cap ia size. cbv zeta. unfold step, step_gen. cbn [args_ok walk_op flush_of].
  destruct (negb _); [cbn; lia|].
  destruct (unmap_tbl _ _ _ _ _ _ _ _ _) as [[t' a]|err] eqn:W; [|cbn; lia].
  destruct (_ <? _); [cbn; lia|]. cbn [o_flush o_pgt p_live]. intros Hf.
  destruct (unmap_tbl_R _ _ _ _ _ _ _ _ _ _ _ W) as [H|[_ H]];
    [congruence | cbn [a_tables acc0] in H; lia].
Qed.

(* vrm_pgt_unmap returned 0 with fewer table pages live than before (it
   freed a table): it reported the range flush, which unmap.c runs before
   the frees. *)
Theorem unmap_frees_only_with_flush : forall p cap ia size,
  let r := step p cap (Unmap ia size) in
  o_ret r = 0 -> p_live (o_pgt r) < p_live p -> o_flush r = true.
Proof.
  intros p cap ia size. cbv zeta. intros _ Hlt.
  destruct (o_flush (step p cap (Unmap ia size))) eqn:Hf; [reflexivity|].
  pose proof (unmap_no_flush_keeps_tables p cap ia size Hf) as H. cbv zeta in H. lia.
Qed.

(* Not vacuous: nt1's unmap of its block G1 returns 0, frees the two
   tables it empties (3 table pages live, then 1) and flushes; an unmap
   of one page of it returns 0, splits (4 live) and flushes; an unmap of
   a hole returns 0, keeps the pages and does not flush. *)
Theorem unmap_free_nonvacuous :
  p_live nt1 = 3 /\
  o_ret (step nt1 nocap (Unmap G1 M2)) = 0 /\
  p_live (o_pgt (step nt1 nocap (Unmap G1 M2))) = 1 /\
  o_flush (step nt1 nocap (Unmap G1 M2)) = true /\
  o_ret (step nt1 nocap (Unmap G1 K4)) = 0 /\
  p_live (o_pgt (step nt1 nocap (Unmap G1 K4))) = 4 /\
  o_flush (step nt1 nocap (Unmap G1 K4)) = true /\
  o_ret (step nt1 nocap (Unmap (2 * G1) K4)) = 0 /\
  p_live (o_pgt (step nt1 nocap (Unmap (2 * G1) K4))) = 3 /\
  o_flush (step nt1 nocap (Unmap (2 * G1) K4)) = false.
Proof. vm_compute. repeat split; reflexivity. Qed.

(* Broken twin: step_gen NoUnmapFlush's unmap of nt1's block returns 0
   and frees two tables without reporting the flush, so
   unmap_frees_only_with_flush, with step_gen NoUnmapFlush for step, is
   false. *)
Theorem twin_nounmapflush_breaks_free :
  o_ret (step_gen NoUnmapFlush nt1 nocap (Unmap G1 M2)) = 0 /\
  p_live (o_pgt (step_gen NoUnmapFlush nt1 nocap (Unmap G1 M2))) = 1 /\
  p_live nt1 = 3 /\
  o_flush (step_gen NoUnmapFlush nt1 nocap (Unmap G1 M2)) = false /\
  ~ (forall p cap ia size,
       let r := step_gen NoUnmapFlush p cap (Unmap ia size) in
       o_ret r = 0 -> p_live (o_pgt r) < p_live p -> o_flush r = true).
Proof.
  assert (R : o_ret (step_gen NoUnmapFlush nt1 nocap (Unmap G1 M2)) = 0)
    by (vm_compute; reflexivity).
  assert (L1 : p_live (o_pgt (step_gen NoUnmapFlush nt1 nocap (Unmap G1 M2))) = 1)
    by (vm_compute; reflexivity).
  assert (L0 : p_live nt1 = 3) by (vm_compute; reflexivity).
  assert (F : o_flush (step_gen NoUnmapFlush nt1 nocap (Unmap G1 M2)) = false)
    by (vm_compute; reflexivity).
  refine (conj R (conj L1 (conj L0 (conj F _)))).
  intros H. specialize (H nt1 nocap G1 M2). cbv zeta in H.
  rewrite F, L1, L0 in H. assert (X : 1 < 3) by lia. discriminate (H R X).
Qed.
