(* PgtUnmapProt.v -- unmap and set_prot do what they say, on the model of
   lib/pgtable (PgtModel.v, step = step_gen Shipped), as PgtMapRange.v
   does for map and remap.

   What is proven, for every normal or kernel table of either stage that
   meets PgtMapRange.v's levels_ok (start level 0..3 and 2^ia_bits within
   the root's 512 entries), and, by the *_reachable theorems, for every
   table reached from vrm_pgt_init by any sequence of calls (init_ok,
   run_ok: assuming nothing but init):
   - vrm_pgt_unmap (ia, size) returning 0 (the C's success):
     unmap_clears_range: every x of [ia, ia + size) translates to None;
     unmap_keeps_outside: every x outside it keeps its output address and
     prot (or stays a fault); only the leaf level may change, because a
     partly covered block is split (bbm.c pgt_split) into a table of the
     next level that reproduces it.
   - vrm_pgt_set_prot (ia, size, prot) returning 0:
     set_prot_range: every x of the range that translated to (pa, p, lvl)
     now translates to pa with prot (at some level: a partly covered
     block is split), and a hole of the range stays a hole (the C skips
     holes, include/vrm/pgtable.h);
     set_prot_keeps_outside: every x outside the range keeps its output
     address and prot (or stays a fault).
   PgtMapRange.v's other hypothesis, wf_tbl (no table entry at level 3),
   is not needed here: such an entry translates nothing before or after
   either call.  levels_ok is (levels_ok_needed: with a root that does
   not span 2^ia_bits, an unmap and a set_prot return 0 and an address of
   their range keeps its old translation).  The rest comes from the
   result 0: range_ok held (the range is page aligned, so a page is never
   partly covered), and the walk did not fail (unmap_tbl / prot_tbl fail
   only with -EPERM, which a kernel table returns for any valid entry
   the call would change: WriteOnce.v proves that on a kernel table no
   call changes a translation).

   Not proven here: the flush / BBM outputs of these calls (PgtFlush.v
   proves that a cleared translation or a removed permission is flushed,
   that unmap BBMs only the splits of partly covered blocks, and that a
   kernel table's calls neither BBM nor flush), the freed-page output
   (WriteOnce.v's concrete cases and the differential test cover it), and
   anything about the level of the new leaves.

   unmap_prot_nonvacuous: on a table made by vrm_pgt_init and one map (a
   2 MiB block), an unmap of one page inside the block and a set_prot of
   one page both return 0, split the block, change that page and keep the
   rest; a set_prot over the block and a hole keeps the hole a hole.

   levels_ok_needed: see above.

   Broken twin: step_gen NoSplitKeep (PgtModel.v unmap_tbl_nosplitkeep:
   unmap's split links an empty table instead of one reproducing the
   block); twin_nosplitkeep_breaks_outside proves that unmap_keeps_outside
   is false for it (a concrete counterexample by vm_compute). *)

Require Import ZArith Bool List Lia.
Require Import Coq.FSets.FMapPositive.
Require Import VRM.PgtModel VRM.WriteOnce VRM.PgtMapRange.
Import ListNotations.
Open Scope Z_scope.

(* A translation up to its leaf level: (output address, prot).  "x
   translates as before" is stated with it, since splitting a block
   changes the level of the leaf that maps x, never what x maps to. *)
Definition pa_prot (v : option (Z * Z * Z)) : option (Z * Z) :=
  match v with Some (pa, p, _) => Some (pa, p) | None => None end.

(* What set_prot makes of a translation: the same output address with
   the new prot; a fault stays one. *)
Definition with_prot (prot : Z) (v : option (Z * Z * Z)) : option (Z * Z) :=
  match v with Some (pa, _, _) => Some (pa, prot) | None => None end.

(* ---- one table's walk (walk.c walk_table): an entry is either not
   visited (unchanged) or visited once *)
Lemma xl_tbl_S : forall d l t x, xl_tbl (S d) l t x = xl_ent d l (get t (idx l x)) x.
Proof. intros d l t x. cbn [xl_tbl]. destruct (get t (idx l x)); reflexivity. Qed.

Lemma tbl_iter_above : forall f k i ad st t a t' a',
  tbl_iter f k i ad st t a = ROk (t', a') -> forall j, i + Z.of_nat k <= j -> get t' j = get t j.
Proof.
  induction k as [|k IH]; cbn [tbl_iter]; intros i ad st t a t' a' H j Hj.
  - injection H as <- _. reflexivity.
  - destruct (f i ad (get t i) a) as [[e' a1]|x]; [|discriminate].
    rewrite (IH _ _ _ _ _ _ _ H j) by lia. rewrite get_set.
    destruct (Z.eqb_spec i j); [lia | reflexivity].
Qed.

Lemma tbl_iter_cases : forall f k i ad st t a t' a',
  tbl_iter f k i ad st t a = ROk (t', a') -> forall j,
  ((j < i \/ i + Z.of_nat k <= j) /\ get t' j = get t j) \/
  (i <= j < i + Z.of_nat k /\
   exists a0 a1, f j (ad + (j - i) * st) (get t j) a0 = ROk (get t' j, a1)).
Proof.
  intros f k i ad st t a t' a' H j.
  destruct (Z_lt_le_dec j i) as [Hlt|Hge].
  - left. split; [lia|]. exact (tbl_iter_below _ _ _ _ _ _ _ _ _ H j Hlt).
  - destruct (Z_lt_le_dec j (i + Z.of_nat k)) as [Hlt|Hge2].
    + right. split; [lia|].
      destruct (tbl_iter_visit _ _ _ _ _ _ _ _ _ H (j - i)) as (a0 & a1 & E); [lia|].
      replace (i + (j - i)) with j in E by ring. eauto.
    + left. split; [lia|]. exact (tbl_iter_above _ _ _ _ _ _ _ _ _ H j Hge2).
Qed.

(* The entry of x in the table of level l at base (x in its span): if the
   walk visits it, it does so at fa + (i - i0) * es, the entry's address,
   which holds x; every x of the range is visited. *)
Lemma entry_of : forall es base s e x,
  level_size es -> base mod (512 * es) = 0 -> base <= x < base + 512 * es ->
  let fa := Z.max s base / es * es in
  let i0 := (fa - base) / es in
  let i := (x / es) mod 512 in
  fa + (i - i0) * es <= x < fa + (i - i0) * es + es /\
  (s <= x < e -> i0 <= i < i0 + (Z.min e (base + 512 * es) - fa + es - 1) / es).
Proof.
  intros es base s e x Hes Hb Hx fa i0 i.
  assert (Hc : s <= x < e -> i0 <= i < i0 + (Z.min e (base + 512 * es) - fa + es - 1) / es).
  { intros Hr. destruct (cover es base s e x fa ((x - fa) / es) Hes Hb Hx Hr eq_refl eq_refl)
      as (Hj & Hi & _). subst i i0. lia. }
  split; [|exact Hc]. subst fa i0 i.
  destruct Hes as [ -> | [ -> | [ -> | -> ] ] ]; Z.div_mod_to_equations; lia.
Qed.

Lemma level_cases : forall f l base s e t a t' a' x,
  0 <= l <= 3 -> base mod (512 * esz l) = 0 -> base <= x < base + 512 * esz l ->
  iter_range f l base s e t a = ROk (t', a') ->
  (~ (s <= x < e) /\ get t' (idx l x) = get t (idx l x)) \/
  (exists ad a0 a1, ad <= x < ad + esz l /\ ad mod esz l = 0 /\ s < ad + esz l /\ ad < e /\
     f (idx l x) ad (get t (idx l x)) a0 = ROk (get t' (idx l x), a1)).
Proof.
  intros f l base s e t a t' a' x Hl Hb Hx H.
  unfold iter_range in H.
  assert (Hes := esz_level_size l Hl).
  destruct (entry_of (esz l) base s e x Hes Hb Hx) as [Hin Hcnt].
  cbv zeta in Hin, Hcnt.
  rewrite first_idx_div, count_div, !first_addr_div in H by lia.
  rewrite idx_div by lia.
  remember (Z.max s base / esz l * esz l) as fa eqn:Hfa.
  destruct (tbl_iter_cases _ _ _ _ _ _ _ _ _ H ((x / esz l) mod 512))
    as [[Hj E]|[Hj (a0 & a1 & E)]].
  - left. split; [|exact E]. intros Hr. specialize (Hcnt Hr). lia.
  - right. exists (fa + ((x / esz l) mod 512 - (fa - base) / esz l) * esz l), a0, a1.
    destruct (visit_span (esz l) base s e fa ((x / esz l) mod 512 - (fa - base) / esz l)
                Hes Hfa) as (V1 & V2 & V3); [lia|].
    repeat split; try lia; assumption.
Qed.

(* ---- the split block (bbm.c pgt_split): the new table of level l + 1
   translates every address as the block did *)
Lemma get_fill_out : forall k i oa p cs t j,
  (j < i \/ i + Z.of_nat k <= j) -> get (fill k i oa p cs t) j = get t j.
Proof.
  induction k as [|k IH]; cbn [fill]; intros i oa p cs t j Hj; [reflexivity|].
  rewrite IH by lia. rewrite get_set. destruct (Z.eqb_spec i j); [lia | reflexivity].
Qed.

Lemma get_fill_in : forall k i oa p cs t j,
  i <= j < i + Z.of_nat k -> get (fill k i oa p cs t) j = NLeaf (oa + j * cs) p.
Proof.
  induction k as [|k IH]; cbn [fill]; intros i oa p cs t j Hj; [lia|].
  destruct (Z.eq_dec j i) as [->|Hne].
  - rewrite get_fill_out by lia. rewrite get_set, Z.eqb_refl. reflexivity.
  - apply IH. lia.
Qed.

Lemma mod_mul_r : forall a b c, 0 < b -> 0 < c -> a mod (b * c) = a mod b + b * ((a / b) mod c).
Proof.
  intros a b c Hb Hc. rewrite !Z.mod_eq by lia. rewrite <- Z.div_div by lia. ring.
Qed.

Lemma split_xl : forall d oa p l x, 0 <= l < 3 ->
  xl_tbl (S d) (l + 1) (split_tbl oa p l) x = Some (oa + Z.land x (esz l - 1), p, l + 1).
Proof.
  intros d oa p l x Hl. cbn [xl_tbl]. unfold split_tbl.
  assert (Hes : 0 < esz (l + 1)) by (pose proof (esz_level_size (l + 1)) as H;
                                     unfold level_size in H; lia).
  rewrite get_fill_in.
  2: { rewrite idx_div by lia. pose proof (Z.mod_pos_bound (x / esz (l + 1)) 512).
       change (Z.of_nat 512) with 512. lia. }
  rewrite idx_div, !land_esz by lia. rewrite (esz_succ l) by lia.
  rewrite (Z.mul_comm 512 (esz (l + 1))).
  rewrite (mod_mul_r x (esz (l + 1)) 512) by lia.
  f_equal. f_equal. f_equal. ring.
Qed.

(* unmap_post's emptiness test (unmap.c table_empty): an empty table
   translates nothing. *)
Lemma empty_xl : forall t d l x, tbl_empty t = true -> xl_tbl d l t x = None.
Proof.
  intros t [|d] l x H; [reflexivity|]. cbn [xl_tbl]. unfold get.
  destruct (PM.find (key (idx l x)) t) eqn:E; [|reflexivity].
  exfalso. apply PM.is_empty_2 in H. apply (H (key (idx l x)) n). apply PM.find_2. exact E.
Qed.

(* At level 3 a visited page of a page-aligned range is wholly in it, so
   the walk never splits there (and never descends below it). *)
Lemma level3_covered : forall l ad s e,
  l = 3 -> ad mod esz l = 0 -> s < ad + esz l -> ad < e -> s mod PAGE = 0 -> e mod PAGE = 0 ->
  s <= ad /\ ad + esz l <= e.
Proof. intros l ad s e -> H1 H2 H3 H4 H5. change (esz 3) with 4096 in *. apply page_covered; auto. Qed.

(* ---- the walks fail only with -EPERM (so never with 0) *)
Lemma unmap_tbl_err : forall c ia size cnt d l base t a x,
  unmap_tbl c ia size cnt d l base t a = RErr x -> x = - EPERM.
Proof.
  intros c ia size cnt d. revert cnt.
  induction d as [|d IH]; intros cnt l base t a x H; cbn [unmap_tbl] in H; [discriminate|].
  unfold iter_range in H. apply tbl_iter_err in H.
  destruct H as (i & ad & e & a' & H). cbv beta zeta in H.
  repeat match type of H with
  | context [if ?b then _ else _] => destruct b
  | context [unmap_tbl ?c ?i ?s ?cn ?d ?l ?b ?t ?a] =>
      destruct (unmap_tbl c i s cn d l b t a) as [[? ?]|?] eqn:?; cbv beta iota in H
  | context [match ?e with NInv => _ | NLeaf _ _ => _ | NTbl _ => _ end] => destruct e
  end; try discriminate; injection H as <-; eauto.
Qed.

Lemma prot_tbl_err : forall c ia size prot cnt d l base t a x,
  prot_tbl c ia size prot cnt d l base t a = RErr x -> x = - EPERM.
Proof.
  intros c ia size prot cnt d. revert cnt.
  induction d as [|d IH]; intros cnt l base t a x H; cbn [prot_tbl] in H; [discriminate|].
  unfold iter_range in H. apply tbl_iter_err in H.
  destruct H as (i & ad & e & a' & H). cbv beta zeta in H.
  repeat match type of H with
  | context [if ?b then _ else _] => destruct b
  | context [prot_tbl ?c ?i ?s ?p ?cn ?d ?l ?b ?t ?a] =>
      destruct (prot_tbl c i s p cn d l b t a) as [[? ?]|?] eqn:?; cbv beta iota in H
  | context [match ?e with NInv => _ | NLeaf _ _ => _ | NTbl _ => _ end] => destruct e
  end; try discriminate; injection H as <-; eauto.
Qed.

(* ---- the main lemma for unmap (unmap.c unmap_visit, LEAF and
   TABLE_POST): the table of level l at base after a successful
   unmap_tbl translates no address of the range it spans, and every other
   address it spans as before (up to the leaf level). *)
Lemma unmap_tbl_xl : forall d c ia size cnt l base t a t' a',
  unmap_tbl c ia size cnt d l base t a = ROk (t', a') ->
  0 <= l <= 3 -> Z.of_nat d = 4 - l -> base mod (512 * esz l) = 0 ->
  ia mod PAGE = 0 -> (ia + size) mod PAGE = 0 ->
  forall x, base <= x < base + 512 * esz l ->
  (ia <= x < ia + size -> xl_tbl d l t' x = None) /\
  (~ (ia <= x < ia + size) -> pa_prot (xl_tbl d l t' x) = pa_prot (xl_tbl d l t x)).
Proof.
  induction d as [|d IH];
    intros c ia size cnt l base t a t' a' H Hl Hd Hb Hs He x Hx; [lia|].
  cbn [unmap_tbl] in H. rewrite !xl_tbl_S.
  destruct (level_cases _ _ _ _ _ _ _ _ _ x Hl Hb Hx H)
    as [[Hout E]|(ad & a0 & a1 & Hadx & Hal & Hlo & Hhi & Hf)].
  { rewrite E. split; [intros Hr; contradiction | reflexivity]. }
  clear H. cbv beta zeta in Hf.
  remember (get t (idx l x)) as en eqn:Hen. clear Hen.
  remember (get t' (idx l x)) as en' eqn:Hen'. clear Hen'.
  destruct en as [|oa p|t0].
  - (* hole: skipped *)
    injection Hf as <- _. cbn [xl_ent pa_prot]. auto.
  - destruct (c_kernel c) eqn:Hk; [discriminate Hf|].
    destruct ((ia <=? ad) && (ad + esz l <=? ia + size)) eqn:Hcov.
    + (* wholly covered leaf: invalidated *)
      injection Hf as <- _. bools. apply Z.leb_le in H, H0.
      cbn [xl_ent]. split; [auto | intros Hr; lia].
    + (* partly covered block: split, then the walk one level down *)
      match type of Hf with context [unmap_tbl ?c ?i ?s ?cn ?d ?l ?b ?t ?a] =>
        destruct (unmap_tbl c i s cn d l b t a) as [[t2 a2]|?] eqn:E2; [|discriminate Hf]
      end.
      injection Hf as Hf. unfold unmap_post in Hf. rewrite Hk in Hf.
      assert (Hl3 : l < 3).
      { destruct (Z.eq_dec l 3) as [E3|]; [exfalso|lia].
        destruct (level3_covered l ad ia (ia + size) E3 Hal Hlo Hhi Hs He).
        apply andb_false_iff in Hcov. rewrite !Z.leb_gt in Hcov. lia. }
      destruct d as [|d']; [lia|].
      destruct (IH _ _ _ _ _ _ _ _ _ _ E2 ltac:(lia) ltac:(lia)
                   ltac:(rewrite <- esz_succ by lia; exact Hal)
                   Hs He x
                   ltac:(rewrite <- esz_succ by lia; lia)) as [IH1 IH2].
      rewrite split_xl in IH2 by lia.
      destruct (tbl_empty t2) eqn:Hemp; cbn [orb] in Hf; injection Hf as <- _; cbn [xl_ent].
      * split; [auto|]. intros Hout. specialize (IH2 Hout).
        rewrite empty_xl in IH2 by exact Hemp. discriminate IH2.
      * split; [exact IH1|]. intros Hout. rewrite (IH2 Hout). reflexivity.
  - (* a table: the walk one level down, then TABLE_POST *)
    match type of Hf with context [unmap_tbl ?c ?i ?s ?cn ?d ?l ?b ?t ?a] =>
      destruct (unmap_tbl c i s cn d l b t a) as [[t2 a2]|?] eqn:E2; [|discriminate Hf]
    end.
    injection Hf as Hf.
    destruct d as [|d'].
    { (* a table entry at level 3 (not in wf tables) translates nothing,
         before or after *)
      unfold unmap_post in Hf.
      repeat match type of Hf with context [if ?b then _ else _] => destruct b end;
        injection Hf as <- _; cbn [xl_ent xl_tbl]; auto. }
    destruct (IH _ _ _ _ _ _ _ _ _ _ E2 ltac:(lia) ltac:(lia)
                 ltac:(rewrite <- esz_succ by lia; exact Hal) Hs He x
                 ltac:(rewrite <- esz_succ by lia; lia)) as [IH1 IH2].
    unfold unmap_post in Hf.
    destruct (c_kernel c); [injection Hf as <- _; cbn [xl_ent]; auto|].
    destruct (((ia <=? ad) && (ad + esz l <=? ia + size)) || tbl_empty t2) eqn:Hc;
      injection Hf as <- _; cbn [xl_ent]; [|auto].
    split; [auto|]. intros Hout.
    apply orb_true_iff in Hc. destruct Hc as [Hc|Hc].
    + bools. apply Z.leb_le in H, H0. lia.
    + rewrite <- (IH2 Hout), empty_xl by exact Hc. reflexivity.
Qed.

(* ---- the main lemma for set_prot (prot.c prot_visit): after a
   successful prot_tbl, an address of the range keeps its output address
   with the new prot (a hole stays a hole), any other as before (up to
   the leaf level). *)
Lemma prot_tbl_xl : forall d c ia size prot cnt l base t a t' a',
  prot_tbl c ia size prot cnt d l base t a = ROk (t', a') ->
  0 <= l <= 3 -> Z.of_nat d = 4 - l -> base mod (512 * esz l) = 0 ->
  ia mod PAGE = 0 -> (ia + size) mod PAGE = 0 ->
  forall x, base <= x < base + 512 * esz l ->
  (ia <= x < ia + size -> pa_prot (xl_tbl d l t' x) = with_prot prot (xl_tbl d l t x)) /\
  (~ (ia <= x < ia + size) -> pa_prot (xl_tbl d l t' x) = pa_prot (xl_tbl d l t x)).
Proof.
  induction d as [|d IH];
    intros c ia size prot cnt l base t a t' a' H Hl Hd Hb Hs He x Hx; [lia|].
  cbn [prot_tbl] in H. rewrite !xl_tbl_S.
  destruct (level_cases _ _ _ _ _ _ _ _ _ x Hl Hb Hx H)
    as [[Hout E]|(ad & a0 & a1 & Hadx & Hal & Hlo & Hhi & Hf)].
  { rewrite E. split; [intros Hr; contradiction | reflexivity]. }
  clear H. cbv beta zeta in Hf.
  remember (get t (idx l x)) as en eqn:Hen. clear Hen.
  remember (get t' (idx l x)) as en' eqn:Hen'. clear Hen'.
  destruct en as [|oa p|t0].
  - (* hole: skipped *)
    injection Hf as <- _. cbn [xl_ent pa_prot with_prot]. auto.
  - destruct (p =? prot) eqn:Hp.
    { (* already the new prot: kept *)
      injection Hf as <- _. apply Z.eqb_eq in Hp. subst p. cbn [xl_ent pa_prot with_prot]. auto. }
    destruct (c_kernel c); [discriminate Hf|].
    destruct ((ad <? ia) || (ia + size <? ad + esz l)) eqn:Hpart.
    + (* partly covered block: split, then the walk one level down *)
      match type of Hf with context [prot_tbl ?c ?i ?s ?pr ?cn ?d ?l ?b ?t ?a] =>
        destruct (prot_tbl c i s pr cn d l b t a) as [[t2 a2]|?] eqn:E2; [|discriminate Hf]
      end.
      injection Hf as <- _.
      assert (Hl3 : l < 3).
      { destruct (Z.eq_dec l 3) as [E3|]; [exfalso|lia].
        destruct (level3_covered l ad ia (ia + size) E3 Hal Hlo Hhi Hs He).
        apply orb_true_iff in Hpart. rewrite !Z.ltb_lt in Hpart. lia. }
      destruct d as [|d']; [lia|].
      destruct (IH _ _ _ _ _ _ _ _ _ _ _ E2 ltac:(lia) ltac:(lia)
                   ltac:(rewrite <- esz_succ by lia; exact Hal)
                   Hs He x
                   ltac:(rewrite <- esz_succ by lia; lia)) as [IH1 IH2].
      rewrite split_xl in IH1, IH2 by lia. cbn [xl_ent].
      split; [intros Hr; rewrite (IH1 Hr) | intros Hout; rewrite (IH2 Hout)]; reflexivity.
    + (* wholly covered leaf: the new prot written (in place or BBM) *)
      apply orb_false_iff in Hpart. rewrite !Z.ltb_ge in Hpart.
      repeat match type of Hf with
      | context [if ?b then _ else _] => destruct b
      end; injection Hf as <- _; cbn [xl_ent pa_prot with_prot];
      (split; [reflexivity | intros Hout; lia]).
  - (* a table: the walk one level down *)
    match type of Hf with context [prot_tbl ?c ?i ?s ?pr ?cn ?d ?l ?b ?t ?a] =>
      destruct (prot_tbl c i s pr cn d l b t a) as [[t2 a2]|?] eqn:E2; [|discriminate Hf]
    end.
    injection Hf as <- _.
    destruct d as [|d']; [cbn [xl_ent xl_tbl with_prot pa_prot]; auto|].
    cbn [xl_ent].
    exact (IH _ _ _ _ _ _ _ _ _ _ _ E2 ltac:(lia) ltac:(lia)
              ltac:(rewrite <- esz_succ by lia; exact Hal) Hs He x
              ltac:(rewrite <- esz_succ by lia; lia)).
Qed.

(* ---- from the call to the walk from the root *)
Lemma translate_root : forall q x,
  translate q x =
  if (0 <=? x) && (x <? 2 ^ c_ia_bits (p_cfg q))
  then xl_tbl (depth (p_cfg q)) (c_sl (p_cfg q)) (p_root q) x else None.
Proof. intros q x. unfold translate. rewrite Z.shiftl_1_l. reflexivity. Qed.

(* The root's walk covers every address translate lets through. *)
Lemma root_facts : forall c x,
  levels_ok c -> (0 <=? x) && (x <? 2 ^ c_ia_bits c) = true ->
  0 <= c_sl c <= 3 /\ Z.of_nat (depth c) = 4 - c_sl c /\
  0 mod (512 * esz (c_sl c)) = 0 /\ 0 <= x < 0 + 512 * esz (c_sl c).
Proof.
  intros c x [Hsl Hbits] Hx. apply andb_true_iff in Hx. destruct Hx as [Hx1 Hx2].
  apply Z.leb_le in Hx1. apply Z.ltb_lt in Hx2.
  assert (Hspan : 2 ^ c_ia_bits c <= 512 * esz (c_sl c)).
  { rewrite root_span by lia. apply Z.pow_le_mono_r; lia. }
  assert (Hpos := esz_level_size _ Hsl). unfold level_size in Hpos.
  split; [lia|]. split; [unfold depth; rewrite Z2Nat.id by lia; reflexivity|].
  split; [apply Z.mod_0_l; lia | lia].
Qed.

(* vrm_pgt_unmap returned 0: the arguments passed pgt_range_ok, the walk
   succeeded, and its table is the new root. *)
Lemma step_unmap_ok : forall p cap ia size,
  o_ret (step p cap (Unmap ia size)) = 0 ->
  range_ok (p_cfg p) ia size = true /\
  exists a, unmap_tbl (p_cfg p) ia size true (depth (p_cfg p)) (c_sl (p_cfg p)) 0 (p_root p) acc0
            = ROk (p_root (o_pgt (step p cap (Unmap ia size))), a).
Proof.
  intros p cap ia size H. unfold step, step_gen in *. cbv zeta in *.
  cbn [args_ok walk_op] in *.
  destruct (range_ok (p_cfg p) ia size) eqn:Hr; [|discriminate H]. cbn [negb] in *.
  destruct (unmap_tbl _ _ _ _ _ _ _ _ _) as [[t' a]|err] eqn:W.
  - destruct (_ <? _); [discriminate H|]. split; [reflexivity|]. exists a. reflexivity.
  - cbn [o_ret] in H. subst err. apply unmap_tbl_err in W. discriminate W.
Qed.

Lemma step_prot_ok : forall p cap ia size prot,
  o_ret (step p cap (SetProt ia size prot)) = 0 ->
  range_ok (p_cfg p) ia size = true /\
  exists a, prot_tbl (p_cfg p) ia size prot true (depth (p_cfg p)) (c_sl (p_cfg p)) 0
                     (p_root p) acc0
            = ROk (p_root (o_pgt (step p cap (SetProt ia size prot))), a).
Proof.
  intros p cap ia size prot H. unfold step, step_gen in *. cbv zeta in *.
  cbn [args_ok walk_op] in *.
  destruct (range_ok (p_cfg p) ia size) eqn:Hr; [|discriminate H].
  destruct (prot_valid _ prot); [|discriminate H]. cbn [andb negb] in *.
  destruct (prot_tbl _ _ _ _ _ _ _ _ _ _) as [[t' a]|err] eqn:W.
  - destruct (_ <? _); [discriminate H|]. split; [reflexivity|]. exists a. reflexivity.
  - cbn [o_ret] in H. subst err. apply prot_tbl_err in W. discriminate W.
Qed.

(* Both walks, from the root: the table after the call, at every address. *)
Lemma unmap_root : forall p cap ia size x,
  levels_ok (p_cfg p) ->
  o_ret (step p cap (Unmap ia size)) = 0 ->
  (ia <= x < ia + size -> translate (o_pgt (step p cap (Unmap ia size))) x = None) /\
  (~ (ia <= x < ia + size) ->
   pa_prot (translate (o_pgt (step p cap (Unmap ia size))) x) = pa_prot (translate p x)).
Proof.
  intros p cap ia size x Hl Hret.
  destruct (step_unmap_ok p cap ia size Hret) as [Hr [a W]].
  destruct (range_facts _ _ _ Hr) as (Hs & He & _).
  rewrite !translate_root, step_cfg.
  destruct ((0 <=? x) && (x <? 2 ^ c_ia_bits (p_cfg p))) eqn:Hx; [|auto].
  destruct (root_facts _ _ Hl Hx) as (Hsl & Hd & Hb & Hxr).
  exact (unmap_tbl_xl _ _ _ _ _ _ _ _ _ _ _ W Hsl Hd Hb Hs He x Hxr).
Qed.

Lemma prot_root : forall p cap ia size prot x,
  levels_ok (p_cfg p) ->
  o_ret (step p cap (SetProt ia size prot)) = 0 ->
  (ia <= x < ia + size ->
   pa_prot (translate (o_pgt (step p cap (SetProt ia size prot))) x)
   = with_prot prot (translate p x)) /\
  (~ (ia <= x < ia + size) ->
   pa_prot (translate (o_pgt (step p cap (SetProt ia size prot))) x) = pa_prot (translate p x)).
Proof.
  intros p cap ia size prot x Hl Hret.
  destruct (step_prot_ok p cap ia size prot Hret) as [Hr [a W]].
  destruct (range_facts _ _ _ Hr) as (Hs & He & _).
  rewrite !translate_root, step_cfg.
  destruct ((0 <=? x) && (x <? 2 ^ c_ia_bits (p_cfg p))) eqn:Hx; [|auto].
  destruct (root_facts _ _ Hl Hx) as (Hsl & Hd & Hb & Hxr).
  exact (prot_tbl_xl _ _ _ _ _ _ _ _ _ _ _ _ W Hsl Hd Hb Hs He x Hxr).
Qed.

(* ---- main theorems (on step = step_gen Shipped) *)
(* vrm_pgt_unmap returned 0: no address of [ia, ia + size) translates. *)
Theorem unmap_clears_range : forall p cap ia size x,
  levels_ok (p_cfg p) ->
  o_ret (step p cap (Unmap ia size)) = 0 ->
  ia <= x < ia + size ->
  translate (o_pgt (step p cap (Unmap ia size))) x = None.
Proof. intros p cap ia size x Hl Hret Hx. exact (proj1 (unmap_root p cap ia size x Hl Hret) Hx). Qed.

(* ... and every address outside it keeps its output address and prot
   (a fault stays a fault; the rest of a split block keeps its mapping). *)
Theorem unmap_keeps_outside : forall p cap ia size x,
  levels_ok (p_cfg p) ->
  o_ret (step p cap (Unmap ia size)) = 0 ->
  ~ (ia <= x < ia + size) ->
  pa_prot (translate (o_pgt (step p cap (Unmap ia size))) x) = pa_prot (translate p x).
Proof. intros p cap ia size x Hl Hret Hx. exact (proj2 (unmap_root p cap ia size x Hl Hret) Hx). Qed.

(* vrm_pgt_set_prot returned 0: in the range a hole stays a hole, and an
   address that translated to pa (with any prot, at any level) translates
   to pa with the new prot (at some level). *)
Theorem set_prot_range : forall p cap ia size prot x,
  levels_ok (p_cfg p) ->
  o_ret (step p cap (SetProt ia size prot)) = 0 ->
  ia <= x < ia + size ->
  (translate p x = None -> translate (o_pgt (step p cap (SetProt ia size prot))) x = None) /\
  (forall pa p0 lvl, translate p x = Some (pa, p0, lvl) ->
   exists lvl', translate (o_pgt (step p cap (SetProt ia size prot))) x = Some (pa, prot, lvl')).
Proof.
  intros p cap ia size prot x Hl Hret Hx.
  pose proof (proj1 (prot_root p cap ia size prot x Hl Hret) Hx) as E.
  split.
  - intros H0. rewrite H0 in E. cbn [with_prot] in E.
    destruct (translate _ x) as [[[? ?] ?]|]; [discriminate E | reflexivity].
  - intros pa p0 lvl H0. rewrite H0 in E. cbn [with_prot] in E.
    destruct (translate _ x) as [[[pa' pr'] lvl']|]; [|discriminate E].
    injection E as -> ->. eauto.
Qed.

(* ... and every address outside the range keeps its output address and
   prot (a fault stays a fault). *)
Theorem set_prot_keeps_outside : forall p cap ia size prot x,
  levels_ok (p_cfg p) ->
  o_ret (step p cap (SetProt ia size prot)) = 0 ->
  ~ (ia <= x < ia + size) ->
  pa_prot (translate (o_pgt (step p cap (SetProt ia size prot))) x) = pa_prot (translate p x).
Proof.
  intros p cap ia size prot x Hl Hret Hx.
  exact (proj2 (prot_root p cap ia size prot x Hl Hret) Hx).
Qed.

(* ---- the same for every table reachable from vrm_pgt_init (init_ok,
   run_ok: both hypotheses hold of it), assuming nothing else *)
Theorem unmap_clears_range_reachable :
  forall stage2 ia_bits sl kernel p0 ops cap ia size x,
  init stage2 ia_bits sl kernel = Some p0 ->
  o_ret (step (run p0 ops) cap (Unmap ia size)) = 0 ->
  ia <= x < ia + size ->
  translate (o_pgt (step (run p0 ops) cap (Unmap ia size))) x = None.
Proof.
  intros stage2 ia_bits sl kernel p0 ops cap ia size x Hi.
  destruct (init_ok _ _ _ _ _ Hi) as [Hl Hwf]. destruct (run_ok ops p0 Hl Hwf) as [Hl' _].
  apply unmap_clears_range; assumption.
Qed.

Theorem unmap_keeps_outside_reachable :
  forall stage2 ia_bits sl kernel p0 ops cap ia size x,
  init stage2 ia_bits sl kernel = Some p0 ->
  o_ret (step (run p0 ops) cap (Unmap ia size)) = 0 ->
  ~ (ia <= x < ia + size) ->
  pa_prot (translate (o_pgt (step (run p0 ops) cap (Unmap ia size))) x)
  = pa_prot (translate (run p0 ops) x).
Proof.
  intros stage2 ia_bits sl kernel p0 ops cap ia size x Hi.
  destruct (init_ok _ _ _ _ _ Hi) as [Hl Hwf]. destruct (run_ok ops p0 Hl Hwf) as [Hl' _].
  apply unmap_keeps_outside; assumption.
Qed.

Theorem set_prot_range_reachable :
  forall stage2 ia_bits sl kernel p0 ops cap ia size prot x,
  init stage2 ia_bits sl kernel = Some p0 ->
  o_ret (step (run p0 ops) cap (SetProt ia size prot)) = 0 ->
  ia <= x < ia + size ->
  (translate (run p0 ops) x = None ->
   translate (o_pgt (step (run p0 ops) cap (SetProt ia size prot))) x = None) /\
  (forall pa p1 lvl, translate (run p0 ops) x = Some (pa, p1, lvl) ->
   exists lvl', translate (o_pgt (step (run p0 ops) cap (SetProt ia size prot))) x
                = Some (pa, prot, lvl')).
Proof.
  intros stage2 ia_bits sl kernel p0 ops cap ia size prot x Hi.
  destruct (init_ok _ _ _ _ _ Hi) as [Hl Hwf]. destruct (run_ok ops p0 Hl Hwf) as [Hl' _].
  apply set_prot_range; assumption.
Qed.

Theorem set_prot_keeps_outside_reachable :
  forall stage2 ia_bits sl kernel p0 ops cap ia size prot x,
  init stage2 ia_bits sl kernel = Some p0 ->
  o_ret (step (run p0 ops) cap (SetProt ia size prot)) = 0 ->
  ~ (ia <= x < ia + size) ->
  pa_prot (translate (o_pgt (step (run p0 ops) cap (SetProt ia size prot))) x)
  = pa_prot (translate (run p0 ops) x).
Proof.
  intros stage2 ia_bits sl kernel p0 ops cap ia size prot x Hi.
  destruct (init_ok _ _ _ _ _ Hi) as [Hl Hwf]. destruct (run_ok ops p0 Hl Hwf) as [Hl' _].
  apply set_prot_keeps_outside; assumption.
Qed.

(* ---- not vacuous.  nt1 (WriteOnce.v): a normal EL2 stage-1 table made
   by vrm_pgt_init and one map, the 2 MiB block G1 -> 8 G1 with prot R
   (1).  The unmap of the page G1 + 4 KiB returns 0, splits the block
   (BBM of G1), faults that page and keeps G1 (now a page); the set_prot
   of the page G1 to R|W (3) returns 0, splits the block, changes G1 and
   keeps G1 + 4 KiB; a set_prot over the whole block and the hole after it
   returns 0, rewrites the block in place and leaves the hole a hole. *)
Theorem unmap_prot_nonvacuous :
  init false 48 (-1) false = Some (Pgt (Cfg false 48 0 false false) (PM.empty _) 1) /\
  nt1 = run (Pgt (Cfg false 48 0 false false) (PM.empty _) 1) [(nocap, Map G1 (8 * G1) M2 1)] /\
  translate nt1 G1 = Some (8 * G1, 1, 2) /\
  translate nt1 (G1 + K4) = Some (8 * G1 + K4, 1, 2) /\
  translate nt1 (G1 + M2) = None /\
  (* unmap of one page inside the block *)
  o_ret (step nt1 nocap (Unmap (G1 + K4) K4)) = 0 /\
  o_bbm (step nt1 nocap (Unmap (G1 + K4) K4)) = [G1] /\
  translate (o_pgt (step nt1 nocap (Unmap (G1 + K4) K4))) (G1 + K4) = None /\
  translate (o_pgt (step nt1 nocap (Unmap (G1 + K4) K4))) G1 = Some (8 * G1, 1, 3) /\
  (* set_prot of one page inside the block *)
  o_ret (step nt1 nocap (SetProt G1 K4 3)) = 0 /\
  translate (o_pgt (step nt1 nocap (SetProt G1 K4 3))) G1 = Some (8 * G1, 3, 3) /\
  translate (o_pgt (step nt1 nocap (SetProt G1 K4 3))) (G1 + K4) = Some (8 * G1 + K4, 1, 3) /\
  (* set_prot over the block and a hole *)
  o_ret (step nt1 nocap (SetProt G1 (M2 + K4) 3)) = 0 /\
  translate (o_pgt (step nt1 nocap (SetProt G1 (M2 + K4) 3))) (G1 + K4)
    = Some (8 * G1 + K4, 3, 2) /\
  translate (o_pgt (step nt1 nocap (SetProt G1 (M2 + K4) 3))) (G1 + M2) = None.
Proof. vm_compute. repeat split; reflexivity. Qed.

(* ---- levels_ok is needed (wf_tbl is not: a table entry at level 3
   translates nothing, before or after).  short_root (PgtMapRange.v):
   start level 3 with 48-bit inputs, so the root's 512 pages span 2 MiB
   and the walk's index wraps.  After a map of the page 0, an unmap and a
   set_prot of the page 2 MiB return 0 (their walk visits no entry), yet
   2 MiB, which translate reads from the root's entry 0, still translates
   to 0 with the old prot. *)
Definition short_root_p0 : pgt := o_pgt (step short_root nocap (Map 0 0 K4 1)).

Theorem levels_ok_needed :
  ~ levels_ok (p_cfg short_root_p0) /\
  o_ret (step short_root_p0 nocap (Unmap (2 * M2) K4)) = 0 /\
  translate (o_pgt (step short_root_p0 nocap (Unmap (2 * M2) K4))) (2 * M2) = Some (0, 1, 3) /\
  o_ret (step short_root_p0 nocap (SetProt (2 * M2) K4 3)) = 0 /\
  translate short_root_p0 (2 * M2) = Some (0, 1, 3) /\
  translate (o_pgt (step short_root_p0 nocap (SetProt (2 * M2) K4 3))) (2 * M2)
    = Some (0, 1, 3).
Proof.
  split; [unfold short_root_p0; rewrite step_cfg; unfold levels_ok; cbn; lia|].
  vm_compute. repeat split; reflexivity.
Qed.

(* ---- broken twin: unmap.c's split (bbm.c pgt_split) linking an empty
   table instead of one reproducing the block (step_gen NoSplitKeep).
   The unmap of the page G1 of nt1 then returns 0 and the rest of the
   block is lost: G1 + 4 KiB, outside the range, faults; so
   unmap_keeps_outside, with step_gen NoSplitKeep for step, is false
   (nt1 meets both hypotheses: it is reachable from init).  The model
   keeps that page's translation. *)
Theorem twin_nosplitkeep_breaks_outside :
  levels_ok (p_cfg nt1) /\ wf_tbl (depth (p_cfg nt1)) (p_root nt1) /\
  o_ret (step_gen NoSplitKeep nt1 nocap (Unmap G1 K4)) = 0 /\
  translate nt1 (G1 + K4) = Some (8 * G1 + K4, 1, 2) /\
  translate (o_pgt (step_gen NoSplitKeep nt1 nocap (Unmap G1 K4))) (G1 + K4) = None /\
  ~ (forall p cap ia size x,
       levels_ok (p_cfg p) -> wf_tbl (depth (p_cfg p)) (p_root p) ->
       o_ret (step_gen NoSplitKeep p cap (Unmap ia size)) = 0 ->
       ~ (ia <= x < ia + size) ->
       pa_prot (translate (o_pgt (step_gen NoSplitKeep p cap (Unmap ia size))) x)
       = pa_prot (translate p x)) /\
  translate (o_pgt (step nt1 nocap (Unmap G1 K4))) (G1 + K4) = Some (8 * G1 + K4, 1, 3).
Proof.
  assert (Hnt : levels_ok (p_cfg nt1) /\ wf_tbl (depth (p_cfg nt1)) (p_root nt1)).
  { change nt1 with (run (Pgt (Cfg false 48 0 false false) (PM.empty _) 1)
                         [(nocap, Map G1 (8 * G1) M2 1)]).
    apply run_ok; [unfold levels_ok; cbn; lia | apply wf_empty; discriminate]. }
  destruct Hnt as [Hl Hwf].
  split; [exact Hl|]. split; [exact Hwf|].
  split; [vm_compute; reflexivity|]. split; [vm_compute; reflexivity|].
  split; [vm_compute; reflexivity|].
  split; [|vm_compute; reflexivity].
  intros H.
  specialize (H nt1 nocap G1 K4 (G1 + K4) Hl Hwf ltac:(vm_compute; reflexivity)
                ltac:(unfold G1, K4; lia)).
  vm_compute in H. discriminate H.
Qed.
