(* PgtMapRange.v -- map and remap do what they say, on the model of
   lib/pgtable (PgtModel.v, step = step_gen Shipped): after a call
   vrm_pgt_map / vrm_pgt_remap (ia, pa, size, prot) that returns 0, every
   address x of [ia, ia + size) translates to pa + (x - ia) with prot, at
   some leaf level (a new block or page, or a valid leaf found identical
   and left as it was).  Normal and kernel tables, both stages.

   Two hypotheses on the table before the call (hypotheses_needed: each
   is needed, without it a map returns 0 and x still faults); init_ok
   and run_ok: every table reachable from vrm_pgt_init by calls meets
   both (the *_reachable theorems assume nothing but init):
   - levels_ok: start level 0..3 and 2^ia_bits within the 512 entries of
     the root (the walks stop at the root's last entry);
   - wf_tbl: no table entry at level 3 (xl_tbl's and map_tbl's fuel ends
     there).
   The rest comes from the result 0: map_args_ok held (ia, size and pa
   page-aligned), and no -EEXIST / -EPERM (map_tbl_err), so every valid
   leaf of the range was identical or replaced.

   Broken twin: map.c's identical-leaf test without the in-block offset
   (twin_identical_no_offset_breaks_range). *)

Require Import ZArith Bool List Lia.
Require Import Coq.FSets.FMapPositive.
Require Import VRM.PgtModel VRM.WriteOnce.
Import ListNotations.
Open Scope Z_scope.

(* ---- bit operations by powers of two, as division *)
Lemma land_low_bits : forall a n, 0 <= n -> Z.land a (2 ^ n - 1) = a mod 2 ^ n.
Proof.
  intros a n Hn. rewrite <- Z.land_ones by exact Hn. rewrite Z.ones_equiv.
  f_equal; lia.
Qed.

Lemma land_high_bits : forall a n, 0 <= n -> Z.land a (- 2 ^ n) = a / 2 ^ n * 2 ^ n.
Proof.
  intros a n Hn.
  replace (- 2 ^ n) with (Z.lnot (Z.ones n)) by (rewrite Z.ones_equiv; unfold Z.lnot; lia).
  rewrite <- Z.ldiff_land, Z.ldiff_ones_r, Z.shiftl_mul_pow2, Z.shiftr_div_pow2 by exact Hn.
  reflexivity.
Qed.

(* ---- entry sizes of levels 0..3 *)
Definition level_size (es : Z) : Prop :=
  es = 4096 \/ es = 2097152 \/ es = 1073741824 \/ es = 549755813888.

Lemma esz_pow : forall l, esz l = 2 ^ shift l.
Proof. intros l. apply Z.shiftl_1_l. Qed.

Lemma shift_nonneg : forall l, l <= 3 -> 0 <= shift l.
Proof. unfold shift. lia. Qed.

Lemma esz_level_size : forall l, 0 <= l <= 3 -> level_size (esz l).
Proof.
  intros l Hl. unfold level_size.
  assert (l = 0 \/ l = 1 \/ l = 2 \/ l = 3) as [-> | [-> | [-> | ->]]] by lia;
    vm_compute; auto.
Qed.

Lemma esz_succ : forall l, l <= 2 -> esz l = 512 * esz (l + 1).
Proof.
  intros l Hl. rewrite !esz_pow. unfold shift.
  replace (12 + 9 * (3 - l)) with (9 + (12 + 9 * (3 - (l + 1)))) by lia.
  rewrite Z.pow_add_r by lia. reflexivity.
Qed.

(* 512 entries of the start level span 2^(48 - 9 sl). *)
Lemma root_span : forall l, l <= 3 -> 512 * esz l = 2 ^ (48 - 9 * l).
Proof.
  intros l Hl. rewrite esz_pow. unfold shift.
  replace (48 - 9 * l) with (9 + (12 + 9 * (3 - l))) by lia.
  rewrite (Z.pow_add_r 2 9) by lia. reflexivity.
Qed.

(* The walk's quantities (PgtModel.v first_addr, first_idx, count, idx,
   the in-leaf offset) as divisions. *)
Lemma first_addr_div : forall l base s, l <= 3 ->
  first_addr l base s = Z.max s base / esz l * esz l.
Proof.
  intros l base s Hl. unfold first_addr. rewrite esz_pow.
  apply land_high_bits, shift_nonneg, Hl.
Qed.

Lemma first_idx_div : forall l base s, l <= 3 ->
  first_idx l base s = (first_addr l base s - base) / esz l.
Proof.
  intros l base s Hl. unfold first_idx. rewrite Z.shiftr_div_pow2 by (apply shift_nonneg; lia).
  rewrite esz_pow. reflexivity.
Qed.

Lemma count_div : forall l base s e, l <= 3 ->
  count l base s e =
  Z.to_nat ((Z.min e (base + 512 * esz l) - first_addr l base s + esz l - 1) / esz l).
Proof.
  intros l base s e Hl. unfold count. rewrite Z.shiftr_div_pow2 by (apply shift_nonneg; lia).
  rewrite <- esz_pow. reflexivity.
Qed.

Lemma idx_div : forall l x, l <= 3 -> idx l x = (x / esz l) mod 512.
Proof.
  intros l x Hl. unfold idx. rewrite Z.shiftr_div_pow2 by (apply shift_nonneg; lia).
  change 511 with (2 ^ 9 - 1). rewrite land_low_bits by lia. rewrite <- esz_pow. reflexivity.
Qed.

Lemma land_esz : forall l a, l <= 3 -> Z.land a (esz l - 1) = a mod esz l.
Proof.
  intros l a Hl. rewrite esz_pow. apply land_low_bits, shift_nonneg, Hl.
Qed.

(* An address x of the range inside the table at base is visited: its
   entry is the j-th of the walk, at address fa + j * es, and that
   entry's span holds x. *)
Lemma cover : forall es base s e x fa j,
  level_size es -> base mod (512 * es) = 0 -> base <= x < base + 512 * es -> s <= x < e ->
  fa = Z.max s base / es * es -> j = (x - fa) / es ->
  0 <= j < (Z.min e (base + 512 * es) - fa + es - 1) / es /\
  (fa - base) / es + j = (x / es) mod 512 /\
  fa + j * es <= x < fa + j * es + es /\
  (fa + j * es) mod es = 0 /\
  x mod es = x - (fa + j * es).
Proof.
  intros es base s e x fa j Hes Hb Hx Hse -> ->.
  destruct Hes as [ -> | [ -> | [ -> | -> ] ] ]; Z.div_mod_to_equations; lia.
Qed.

(* ---- one table's walk: what the visit of entry i + j wrote stays *)
Lemma tbl_iter_below : forall f k i ad st t a t' a',
  tbl_iter f k i ad st t a = ROk (t', a') -> forall j, j < i -> get t' j = get t j.
Proof.
  induction k as [|k IH]; cbn [tbl_iter]; intros i ad st t a t' a' H j Hj.
  - injection H as <- _. reflexivity.
  - destruct (f i ad (get t i) a) as [[e' a1]|x]; [|discriminate].
    rewrite (IH _ _ _ _ _ _ _ H j) by lia. rewrite get_set.
    destruct (Z.eqb_spec i j); [lia | reflexivity].
Qed.

Lemma tbl_iter_visit : forall f k i ad st t a t' a',
  tbl_iter f k i ad st t a = ROk (t', a') ->
  forall j, 0 <= j < Z.of_nat k ->
  exists a0 a1, f (i + j) (ad + j * st) (get t (i + j)) a0 = ROk (get t' (i + j), a1).
Proof.
  induction k as [|k IH]; cbn [tbl_iter]; intros i ad st t a t' a' H j Hj; [lia|].
  destruct (f i ad (get t i) a) as [[e' a1]|x] eqn:E; [|discriminate].
  destruct (Z.eq_dec j 0) as [-> | Hj0].
  - exists a, a1. rewrite Z.add_0_r, Z.mul_0_l, Z.add_0_r.
    rewrite (tbl_iter_below _ _ _ _ _ _ _ _ _ H i) by lia.
    rewrite get_set, Z.eqb_refl. exact E.
  - destruct (IH _ _ _ _ _ _ _ H (j - 1)) as (a0 & a2 & E2); [lia|].
    exists a0, a2.
    replace (i + j) with (i + 1 + (j - 1)) by ring.
    replace (ad + j * st) with (ad + st + (j - 1) * st) by ring.
    rewrite get_set in E2. destruct (Z.eqb_spec i (i + 1 + (j - 1))); [lia | exact E2].
Qed.

Lemma tbl_iter_err : forall f k i ad st t a x,
  tbl_iter f k i ad st t a = RErr x -> exists i' ad' e a', f i' ad' e a' = RErr x.
Proof.
  induction k as [|k IH]; cbn [tbl_iter]; intros i ad st t a x H; [discriminate|].
  destruct (f i ad (get t i) a) as [[e' a1]|y] eqn:E.
  - eapply IH. exact H.
  - injection H as <-. eauto.
Qed.

(* map / remap fail only with -EEXIST or -EPERM (so never with 0). *)
Lemma map_tbl_err : forall kcheck c m cnt d l base t a x,
  map_tbl kcheck c m cnt d l base t a = RErr x -> x = - EEXIST \/ x = - EPERM.
Proof.
  intros kcheck c m cnt d. revert cnt.
  induction d as [|d IH]; intros cnt l base t a x H; cbn [map_tbl] in H; [discriminate|].
  unfold iter_range in H. apply tbl_iter_err in H.
  destruct H as (i & ad & e & a' & H). cbv beta zeta in H.
  repeat match type of H with
  | context [if ?b then _ else _] => destruct b
  | context [map_tbl ?k ?c ?m ?cn ?d ?l ?b ?t ?a] =>
      destruct (map_tbl k c m cn d l b t a) as [[? ?]|?] eqn:?; cbv beta iota in H
  | context [match ?e with NInv => _ | NLeaf _ _ => _ | NTbl _ => _ end] => destruct e
  end; try discriminate; injection H as <-; eauto.
Qed.

(* ---- well-formed trees: a table entry only where a level is left below
   it (d: levels left, as for xl_tbl's fuel) *)
Fixpoint wf_tbl (d : nat) (t : tbl) : Prop :=
  match d with
  | O => False
  | S d' => forall j t0, get t j = NTbl t0 -> wf_tbl d' t0
  end.

Lemma get_empty : forall j, get (PM.empty _) j = NInv.
Proof. intros j. unfold get. rewrite PM.gempty. reflexivity. Qed.

Lemma wf_empty : forall d, d <> O -> wf_tbl d (PM.empty _).
Proof.
  intros [|d] Hd; [contradiction|]. intros j t0 H. rewrite get_empty in H. discriminate.
Qed.

Lemma fill_no_tbl : forall k i oa p cs t,
  (forall j t0, get t j <> NTbl t0) -> forall j t0, get (fill k i oa p cs t) j <> NTbl t0.
Proof.
  induction k as [|k IH]; cbn [fill]; intros i oa p cs t H; auto.
  apply IH. intros j t0. rewrite get_set. destruct (i =? j); [discriminate | apply H].
Qed.

Lemma wf_split : forall d oa p l, d <> O -> wf_tbl d (split_tbl oa p l).
Proof.
  intros [|d] oa p l Hd; [contradiction|]. intros j t0 H. exfalso. revert H.
  unfold split_tbl. apply fill_no_tbl.
  intros j' t0'. rewrite get_empty. discriminate.
Qed.

Lemma some_eq : forall (a a' b b' c : Z), a = a' -> b = b' -> Some (a, b, c) = Some (a', b', c).
Proof. intros; subst; reflexivity. Qed.

Ltac bools :=
  repeat match goal with
  | H : (_ && _) = true |- _ => apply andb_true_iff in H; destruct H
  | H : (_ =? _) = true |- _ => apply Z.eqb_eq in H
  end.

(* ---- the main lemma: the table (level l, at base) after a successful
   map_tbl translates every address of the range that it spans. *)
Lemma map_tbl_maps : forall d c m cnt l base t a t' a',
  map_tbl Shipped c m cnt d l base t a = ROk (t', a') ->
  0 <= l <= 3 -> Z.of_nat d = 4 - l -> base mod (512 * esz l) = 0 -> wf_tbl d t ->
  m_ia m mod PAGE = 0 -> (m_ia m + m_size m) mod PAGE = 0 -> m_pa m mod PAGE = 0 ->
  forall x, base <= x < base + 512 * esz l -> m_ia m <= x < m_ia m + m_size m ->
  exists lvl, xl_tbl d l t' x = Some (m_pa m + (x - m_ia m), m_prot m, lvl).
Proof.
  intros d c m. induction d as [|d IH];
    intros cnt l base t a t' a' H Hl Hd Hb Hwf Hs He Hpa x Hx Hxr; [lia|].
  cbn [map_tbl] in H. unfold iter_range in H.
  rewrite count_div, first_idx_div in H by lia.
  remember (first_addr l base (m_ia m)) as fa eqn:Hfa.
  rewrite first_addr_div in Hfa by lia.
  remember ((x - fa) / esz l) as j eqn:Hj.
  destruct (cover (esz l) base (m_ia m) (m_ia m + m_size m) x fa j
              (esz_level_size l Hl) Hb Hx Hxr Hfa Hj) as (Hjr & Hidx & Had & Hal & Hxm).
  destruct (tbl_iter_visit _ _ _ _ _ _ _ _ _ H j) as (a0 & a1 & Hf).
  { rewrite Z2Nat.id by lia. lia. }
  cbn [xl_tbl]. rewrite idx_div, <- Hidx by lia.
  remember ((fa - base) / esz l + j) as i eqn:Hi.
  remember (fa + j * esz l) as ad eqn:Hadq.
  cbv beta zeta in Hf.
  rewrite land_esz in Hf by lia. rewrite land_esz, Hxm by lia.
  (* at level 3 (pages) every entry of the range is wholly covered *)
  assert (H3 : l = 3 ->
    Z.max ad (m_ia m) = ad /\ Z.min (ad + esz l) (m_ia m + m_size m) = ad + esz l /\
    (m_pa m + (ad - m_ia m)) mod esz l = 0).
  { intros ->. change (esz 3) with 4096 in *. unfold PAGE in *.
    Z.div_mod_to_equations. lia. }
  clear H Hfa Hj Hjr Hi Hidx Hadq Hx Hb.
  destruct (get t i) as [|oa p|t0] eqn:Hold;
  repeat match type of Hf with
  | context [if ?b then _ else _] => destruct b eqn:?
  | context [map_tbl ?k ?c ?m ?cn ?d ?l ?b ?t ?a] =>
      destruct (map_tbl k c m cn d l b t a) as [[? ?]|?] eqn:?; cbv beta iota in Hf
  end; try discriminate; injection Hf as Hnew _; rewrite <- Hnew; bools.
  all: first
    [ (* a leaf: kept (identical) or written *)
      exists l; apply some_eq; lia
    | (* a table one level down: the new one, the split block, or the old *)
      match goal with
      | E : map_tbl Shipped _ _ _ _ _ _ _ _ = ROk (?t2, _)
        |- exists lvl, xl_tbl _ _ ?t2 _ = _ =>
        assert (Hl3 : l < 3);
        [ destruct (Z.eq_dec l 3) as [E3|]; [exfalso|lia];
          first
            [ assert (Hd0 : d = O) by lia; subst d; exact (Hwf _ _ Hold)
            | destruct (H3 E3) as (A1 & A2 & A3);
              match goal with Hw : context [Z.max ?ad _ =? ?ad] |- _ =>
                rewrite A1, A2, A3, !Z.eqb_refl, ?E3 in Hw; cbn in Hw; discriminate Hw
              end ]
        | eapply IH;
          [ exact E | lia | lia | rewrite <- esz_succ by lia; exact Hal
          | lazymatch goal with
            | |- wf_tbl _ (PM.empty _) => apply wf_empty; lia
            | |- wf_tbl _ (split_tbl _ _ _) => apply wf_split; lia
            | |- _ => exact (Hwf _ _ Hold)
            end
          | exact Hs | exact He | exact Hpa
          | rewrite <- esz_succ by lia; lia | exact Hxr ] ]
      end ].
Qed.

(* ---- from the call's arguments and result to the walk *)
Definition levels_ok (c : cfg) : Prop :=
  0 <= c_sl c <= 3 /\ c_ia_bits c <= 48 - 9 * c_sl c.

(* What range_ok / map_args_ok check, as the arithmetic the walks need. *)
Lemma range_facts : forall c ia size,
  range_ok c ia size = true ->
  ia mod PAGE = 0 /\ (ia + size) mod PAGE = 0 /\ 0 <= ia /\ ia + size <= 2 ^ c_ia_bits c.
Proof.
  intros c ia size H. unfold range_ok in H.
  rewrite Z.shiftl_1_l in H.
  repeat rewrite andb_true_iff in H.
  destruct H as [[[[Hz Hal] Hia] Hlim] Hsz].
  apply Z.eqb_eq in Hal. apply Z.leb_le in Hia, Hsz.
  rewrite Z.land_lor_distr_l in Hal. apply Z.lor_eq_0_iff in Hal. destruct Hal as [Hi Hs].
  unfold PAGE in *. change (4096 - 1) with (2 ^ 12 - 1) in Hi, Hs.
  rewrite land_low_bits in Hi, Hs by lia.
  change (2 ^ 12) with 4096 in Hi, Hs.
  repeat split; try lia.
  rewrite Z.add_mod by lia. rewrite Hi, Hs. reflexivity.
Qed.

Lemma map_args_facts : forall c ia pa size prot,
  map_args_ok c ia pa size prot = true ->
  ia mod PAGE = 0 /\ (ia + size) mod PAGE = 0 /\ pa mod PAGE = 0 /\
  0 <= ia /\ ia + size <= 2 ^ c_ia_bits c.
Proof.
  intros c ia pa size prot H. unfold map_args_ok in H.
  repeat rewrite andb_true_iff in H.
  destruct H as [[[[[Hr Hpa] _] _] _] _].
  destruct (range_facts _ _ _ Hr) as (Hs & He & Hia & Hend).
  apply Z.eqb_eq in Hpa. unfold PAGE in *. change (4096 - 1) with (2 ^ 12 - 1) in Hpa.
  rewrite land_low_bits in Hpa by lia. change (2 ^ 12) with 4096 in Hpa.
  repeat split; assumption.
Qed.

(* A successful map_tbl walk from the root of a well-formed table. *)
Lemma walk_map_translates : forall p m t' a live x,
  levels_ok (p_cfg p) -> wf_tbl (depth (p_cfg p)) (p_root p) ->
  map_args_ok (p_cfg p) (m_ia m) (m_pa m) (m_size m) (m_prot m) = true ->
  map_tbl Shipped (p_cfg p) m true (depth (p_cfg p)) (c_sl (p_cfg p)) 0 (p_root p) acc0
    = ROk (t', a) ->
  m_ia m <= x < m_ia m + m_size m ->
  exists lvl, translate (Pgt (p_cfg p) t' live) x = Some (m_pa m + (x - m_ia m), m_prot m, lvl).
Proof.
  intros p m t' a live x [Hsl Hbits] Hwf Hargs W Hx.
  destruct (map_args_facts _ _ _ _ _ Hargs) as (Hs & He & Hpa & Hia & Hend).
  assert (Hspan : 2 ^ c_ia_bits (p_cfg p) <= 512 * esz (c_sl (p_cfg p))).
  { rewrite root_span by lia. apply Z.pow_le_mono_r; lia. }
  assert (Hpos := esz_level_size _ Hsl).
  unfold translate. cbn [p_cfg p_root].
  replace ((0 <=? x) && (x <? Z.shiftl 1 (c_ia_bits (p_cfg p)))) with true.
  2: { symmetry. rewrite Z.shiftl_1_l. apply andb_true_iff.
       split; [apply Z.leb_le | apply Z.ltb_lt]; lia. }
  eapply map_tbl_maps; [exact W | exact Hsl | | | exact Hwf | exact Hs | exact He | exact Hpa | | exact Hx].
  - unfold depth. rewrite Z2Nat.id by lia. reflexivity.
  - apply Z.mod_0_l. unfold level_size in Hpos. lia.
  - unfold level_size in Hpos. lia.
Qed.

(* ---- well-formedness is kept by every call, so it holds of every
   table reachable from vrm_pgt_init (run_ok, init_ok below) *)
Definition node_ok (d : nat) (e : node) : Prop :=
  match e with NTbl t0 => wf_tbl d t0 | _ => True end.

Lemma wf_entries : forall d t, (forall j, node_ok d (get t j)) -> wf_tbl (S d) t.
Proof. intros d t H j t0 E. specialize (H j). rewrite E in H. exact H. Qed.

Lemma entries_wf : forall d t, wf_tbl (S d) t -> forall j, node_ok d (get t j).
Proof. intros d t H j. destruct (get t j) eqn:E; cbn [node_ok]; auto. exact (H j _ E). Qed.

(* Every entry a walk visits starts at a multiple of its size and
   overlaps [s, e). *)
Lemma visit_span : forall es base s e fa j,
  level_size es -> fa = Z.max s base / es * es ->
  0 <= j < (Z.min e (base + 512 * es) - fa + es - 1) / es ->
  (fa + j * es) mod es = 0 /\ s < fa + j * es + es /\ fa + j * es < e.
Proof.
  intros es base s e fa j Hes -> Hj.
  destruct Hes as [ -> | [ -> | [ -> | -> ] ] ]; Z.div_mod_to_equations; lia.
Qed.

(* tbl_iter_spec (WriteOnce.v), knowing which entry each visit is. *)
Lemma tbl_iter_spec_at : forall (Q : node -> node -> Prop),
  (forall e, Q e e) -> (forall x y z, Q x y -> Q y z -> Q x z) ->
  forall f k i ad st t a t' a',
  (forall j e a0 e' a1, 0 <= j < Z.of_nat k ->
     f (i + j) (ad + j * st) e a0 = ROk (e', a1) -> Q e e') ->
  tbl_iter f k i ad st t a = ROk (t', a') -> forall j, Q (get t j) (get t' j).
Proof.
  intros Q Qrefl Qtrans f. induction k as [|k IH]; cbn [tbl_iter];
    intros i ad st t a t' a' Hf H j.
  - injection H as <- _. apply Qrefl.
  - destruct (f i ad (get t i) a) as [[e' a1]|x] eqn:E; [|discriminate].
    eapply Qtrans; [|eapply (IH (i + 1) (ad + st)); [|exact H]].
    + rewrite get_set. destruct (Z.eqb_spec i j) as [<-|]; [|apply Qrefl].
      eapply (Hf 0); [lia|]. rewrite Z.add_0_r, Z.mul_0_l, Z.add_0_r. exact E.
    + intros j' e a0 e'' a2 Hj' Hf'. eapply (Hf (j' + 1)); [lia|].
      replace (i + (j' + 1)) with (i + 1 + j') by ring.
      replace (ad + (j' + 1) * st) with (ad + st + j' * st) by ring. exact Hf'.
Qed.

(* The visits of a walk over [s, e) at level l (<= 3), in the form the
   three wf lemmas below use. *)
Lemma walk_visit_facts : forall l base s e j,
  0 <= l <= 3 ->
  0 <= j < Z.of_nat (count l base s e) ->
  let ad := first_addr l base s + j * esz l in
  ad mod esz l = 0 /\ s < ad + esz l /\ ad < e.
Proof.
  intros l base s e j Hl Hj ad.
  rewrite count_div in Hj by lia.
  eapply visit_span; [exact (esz_level_size l Hl) | apply first_addr_div; lia | lia].
Qed.

(* At level 3 a visited entry of a page-aligned range is wholly in it. *)
Lemma page_covered : forall ad s e,
  ad mod 4096 = 0 -> s mod PAGE = 0 -> e mod PAGE = 0 -> s < ad + 4096 -> ad < e ->
  s <= ad /\ ad + 4096 <= e.
Proof. unfold PAGE. intros. Z.div_mod_to_equations. lia. Qed.

(* Destruct every test of a visit hypothesis Hf and the recursive walk
   (map_tbl, prot_tbl or unmap_tbl) its branch calls; the new entry is
   then a leaf, NInv, or a table the walk one level down returned. *)
Ltac visit_cases Hf :=
  repeat match type of Hf with
  | context [if ?b then _ else _] => destruct b eqn:?
  | context [match ?r with ROk _ => _ | RErr _ => _ end] =>
      destruct r as [[? ?]|?] eqn:?; cbv beta iota in Hf
  end; try discriminate Hf; injection Hf as <- _; cbn [node_ok]; auto.

Lemma map_tbl_wf : forall kcheck c m d cnt l base t a t' a',
  map_tbl kcheck c m cnt d l base t a = ROk (t', a') ->
  0 <= l <= 3 -> Z.of_nat d = 4 - l -> wf_tbl d t ->
  m_ia m mod PAGE = 0 -> (m_ia m + m_size m) mod PAGE = 0 -> m_pa m mod PAGE = 0 ->
  wf_tbl d t'.
Proof.
  intros kcheck c m d. induction d as [|d IH];
    intros cnt l base t a t' a' H Hl Hd Hwf Hs He Hpa; [lia|].
  cbn [map_tbl] in H. unfold iter_range in H.
  apply wf_entries. intros j. generalize (entries_wf _ _ Hwf j). revert j.
  eapply (tbl_iter_spec_at (fun e e' => node_ok d e -> node_ok d e')); [auto | auto | | exact H].
  intros j e a0 e' a1 Hj Hf Hok.
  destruct (walk_visit_facts l base (m_ia m) (m_ia m + m_size m) j Hl Hj) as (Hal & Hlo & Hhi).
  remember (first_addr l base (m_ia m) + j * esz l) as ad eqn:Had.
  cbv beta zeta in Hf. rewrite land_esz in Hf by lia.
  assert (H3 : l = 3 ->
    Z.max ad (m_ia m) = ad /\ Z.min (ad + esz l) (m_ia m + m_size m) = ad + esz l /\
    (m_pa m + (ad - m_ia m)) mod esz l = 0).
  { intros ->. change (esz 3) with 4096 in *.
    destruct (page_covered ad (m_ia m) (m_ia m + m_size m)) as [P1 P2]; auto.
    unfold PAGE in *. Z.div_mod_to_equations. lia. }
  clear H Had.
  destruct e as [|oa p|t0]; cbn [node_ok] in Hok; visit_cases Hf;
  (assert (Hl3 : l < 3);
   [ destruct (Z.eq_dec l 3) as [E3|]; [exfalso|lia];
     first
       [ assert (Hd0 : d = O) by lia; subst d; exact Hok
       | destruct (H3 E3) as (A1 & A2 & A3);
         match goal with Hw : context [Z.max ?ad _ =? ?ad] |- _ =>
           rewrite A1, A2, A3, !Z.eqb_refl, ?E3 in Hw; cbn in Hw; discriminate Hw
         end ]
   | ]);
  (eapply IH; [eassumption | lia | lia | | exact Hs | exact He | exact Hpa]);
  lazymatch goal with
  | |- wf_tbl _ (PM.empty _) => apply wf_empty; lia
  | |- wf_tbl _ (split_tbl _ _ _) => apply wf_split; lia
  | |- _ => exact Hok
  end.
Qed.

(* A visit descends only above level 3: at level 3 the entry is not a
   table (wf_tbl) and a page of the range is wholly in it (not split). *)
Ltac below_level3 l Hok :=
  destruct (Z.eq_dec l 3) as [E3|]; [exfalso|lia];
  first
    [ match goal with Hd : Z.of_nat (S ?d) = _ |- _ =>
        assert (Hd0 : d = O) by lia; subst d; exact Hok end
    | subst; change (esz 3) with 4096 in *;
      match goal with
      | Hal : ?ad mod 4096 = 0, Hlo : ?s < ?ad + 4096, Hhi : ?ad < ?e |- _ =>
          destruct (page_covered ad s e) as [P1 P2]; auto
      end;
      match goal with
      | Hw : (_ || _) = true |- _ =>
          apply orb_true_iff in Hw; destruct Hw as [Hw|Hw]; apply Z.ltb_lt in Hw; lia
      | Hw : (_ && _) = false |- _ =>
          apply andb_false_iff in Hw; destruct Hw as [Hw|Hw]; apply Z.leb_gt in Hw; lia
      end ].

(* The shared proof of prot_tbl_wf and unmap_tbl_wf: entry by entry, each
   branch of the visit (a recursive call keeps its subtree wf); post
   unfolds what the visit's result is built with. *)
Ltac wf_visit d H Hwf Hl IH Hs He l base ia size post :=
  apply wf_entries; intros j; generalize (entries_wf _ _ Hwf j); revert j;
  eapply (tbl_iter_spec_at (fun e e' => node_ok d e -> node_ok d e')); [auto | auto | | exact H];
  let j := fresh "j" in let e := fresh "e" in let Hj := fresh "Hj" in
  let Hf := fresh "Hf" in let Hok := fresh "Hok" in let Had := fresh "Had" in
  intros j e ? ? ? Hj Hf Hok;
  destruct (walk_visit_facts l base ia (ia + size) j Hl Hj) as (? & ? & ?);
  remember (first_addr l base ia + j * esz l) as ad eqn:Had;
  cbv beta zeta in Hf; post Hf; clear H Had;
  destruct e as [|oa p|t0]; cbn [node_ok] in Hok; visit_cases Hf;
  (assert (l < 3) by below_level3 l Hok);
  (eapply IH; [eassumption | lia | lia | | exact Hs | exact He]);
  lazymatch goal with
  | |- wf_tbl _ (split_tbl _ _ _) => apply wf_split; lia
  | |- _ => exact Hok
  end.

Lemma prot_tbl_wf : forall c ia size prot d cnt l base t a t' a',
  prot_tbl c ia size prot cnt d l base t a = ROk (t', a') ->
  0 <= l <= 3 -> Z.of_nat d = 4 - l -> wf_tbl d t ->
  ia mod PAGE = 0 -> (ia + size) mod PAGE = 0 -> wf_tbl d t'.
Proof.
  intros c ia size prot d. induction d as [|d IH];
    intros cnt l base t a t' a' H Hl Hd Hwf Hs He; [lia|].
  cbn [prot_tbl] in H. unfold iter_range in H.
  wf_visit d H Hwf Hl IH Hs He l base ia size ltac:(fun _ => idtac).
Qed.

Lemma unmap_tbl_wf : forall c ia size d cnt l base t a t' a',
  unmap_tbl c ia size cnt d l base t a = ROk (t', a') ->
  0 <= l <= 3 -> Z.of_nat d = 4 - l -> wf_tbl d t ->
  ia mod PAGE = 0 -> (ia + size) mod PAGE = 0 -> wf_tbl d t'.
Proof.
  intros c ia size d. induction d as [|d IH];
    intros cnt l base t a t' a' H Hl Hd Hwf Hs He; [lia|].
  cbn [unmap_tbl] in H. unfold iter_range in H.
  wf_visit d H Hwf Hl IH Hs He l base ia size ltac:(fun Hf => unfold unmap_post in Hf).
Qed.

(* One call keeps the table well-formed (whatever it returns). *)
Lemma step_wf : forall p cap o,
  levels_ok (p_cfg p) -> wf_tbl (depth (p_cfg p)) (p_root p) ->
  wf_tbl (depth (p_cfg (o_pgt (step p cap o)))) (p_root (o_pgt (step p cap o))).
Proof.
  intros p cap o [Hsl Hbits] Hwf. unfold step, step_gen. cbv zeta.
  destruct (negb (args_ok (p_cfg p) o)) eqn:Ha; [exact Hwf|].
  apply negb_false_iff in Ha.
  destruct (walk_op Shipped p o) as [[t' a]|err] eqn:W; [|exact Hwf].
  destruct (_ <? _); [exact Hwf|]. cbn [o_pgt p_cfg p_root].
  assert (Hd : Z.of_nat (depth (p_cfg p)) = 4 - c_sl (p_cfg p))
    by (unfold depth; rewrite Z2Nat.id by lia; reflexivity).
  destruct o as [ia pa size prot|ia pa size prot|ia size prot|ia size];
    cbn [walk_op args_ok] in W, Ha.
  - destruct (map_args_facts _ _ _ _ _ Ha) as (Hs & He & Hpa & _).
    eapply (map_tbl_wf _ _ (MA ia pa size prot false)); eauto.
  - destruct (map_args_facts _ _ _ _ _ Ha) as (Hs & He & Hpa & _).
    eapply (map_tbl_wf _ _ (MA ia pa size prot true)); eauto.
  - apply andb_true_iff in Ha. destruct Ha as [Ha _].
    destruct (range_facts _ _ _ Ha) as (Hs & He & _).
    eapply prot_tbl_wf; eauto.
  - destruct (range_facts _ _ _ Ha) as (Hs & He & _).
    eapply unmap_tbl_wf; eauto.
Qed.

Lemma run_ok : forall ops p,
  levels_ok (p_cfg p) -> wf_tbl (depth (p_cfg p)) (p_root p) ->
  levels_ok (p_cfg (run p ops)) /\ wf_tbl (depth (p_cfg (run p ops))) (p_root (run p ops)).
Proof.
  induction ops as [|[cap o] ops IH]; cbn [run]; intros p Hl Hwf; [auto|].
  apply IH.
  - rewrite step_cfg. exact Hl.
  - apply step_wf; assumption.
Qed.

(* vrm_pgt_init's tables meet both hypotheses. *)
Lemma init_ok : forall stage2 ia_bits sl kernel p,
  init stage2 ia_bits sl kernel = Some p ->
  levels_ok (p_cfg p) /\ wf_tbl (depth (p_cfg p)) (p_root p).
Proof.
  intros stage2 ia_bits sl kernel p H. unfold init in H.
  remember (if sl =? -1 then (if 39 <? ia_bits then 0 else 1) else sl) as sl' eqn:Hsl.
  destruct (_ || _) eqn:Hc; [|discriminate H].
  injection H as <-. cbn [p_cfg p_root c_sl c_ia_bits].
  apply orb_true_iff in Hc. repeat rewrite andb_true_iff in Hc.
  rewrite !Z.eqb_eq, !Z.leb_le in Hc.
  unfold levels_ok, depth. cbn [c_sl c_ia_bits].
  split; [lia|]. apply wf_empty. lia.
Qed.

(* ---- main theorems *)
(* vrm_pgt_map (remap false) or vrm_pgt_remap (remap true): one proof. *)
Definition map_call (remap : bool) (ia pa size prot : Z) : op :=
  if remap then Remap ia pa size prot else Map ia pa size prot.

Lemma map_call_translates_range : forall remap p cap ia pa size prot x,
  levels_ok (p_cfg p) -> wf_tbl (depth (p_cfg p)) (p_root p) ->
  o_ret (step p cap (map_call remap ia pa size prot)) = 0 ->
  ia <= x < ia + size ->
  exists lvl, translate (o_pgt (step p cap (map_call remap ia pa size prot))) x
              = Some (pa + (x - ia), prot, lvl).
Proof.
  intros remap p cap ia pa size prot x Hl Hwf Hret Hx.
  unfold step, step_gen in *. cbv zeta in *.
  destruct (args_ok (p_cfg p) (map_call remap ia pa size prot)) eqn:Hargs; [|discriminate Hret].
  cbn [negb] in *.
  destruct (walk_op Shipped p (map_call remap ia pa size prot)) as [[t' a]|err] eqn:W.
  - destruct (_ <? _); [discriminate Hret|].
    destruct remap; cbn [map_call walk_op args_ok] in W, Hargs.
    + exact (walk_map_translates p (MA ia pa size prot true) t' a _ x Hl Hwf Hargs W Hx).
    + exact (walk_map_translates p (MA ia pa size prot false) t' a _ x Hl Hwf Hargs W Hx).
  - cbn [o_ret] in Hret. subst err.
    destruct remap; cbn [map_call walk_op] in W;
      destruct (map_tbl_err _ _ _ _ _ _ _ _ _ _ W) as [E|E]; discriminate E.
Qed.

Lemma map_call_translates_range_reachable :
  forall remap stage2 ia_bits sl kernel p0 ops cap ia pa size prot x,
  init stage2 ia_bits sl kernel = Some p0 ->
  o_ret (step (run p0 ops) cap (map_call remap ia pa size prot)) = 0 ->
  ia <= x < ia + size ->
  exists lvl, translate (o_pgt (step (run p0 ops) cap (map_call remap ia pa size prot))) x
              = Some (pa + (x - ia), prot, lvl).
Proof.
  intros remap stage2 ia_bits sl kernel p0 ops cap ia pa size prot x Hi.
  destruct (init_ok _ _ _ _ _ Hi) as [Hl Hwf].
  destruct (run_ok ops p0 Hl Hwf) as [Hl' Hwf'].
  apply map_call_translates_range; assumption.
Qed.

(* After a successful map, every address of the range translates to
   pa + (x - ia) with prot, at some leaf level (a block where one fitted
   and was written, a page, or an identical mapping map left as it was). *)
Theorem map_translates_range : forall p cap ia pa size prot x,
  levels_ok (p_cfg p) -> wf_tbl (depth (p_cfg p)) (p_root p) ->
  o_ret (step p cap (Map ia pa size prot)) = 0 ->
  ia <= x < ia + size ->
  exists lvl,
    translate (o_pgt (step p cap (Map ia pa size prot))) x = Some (pa + (x - ia), prot, lvl).
Proof. intros. exact (map_call_translates_range false p cap ia pa size prot x H H0 H1 H2). Qed.

(* The same for remap, on normal and kernel tables (on a kernel table a
   remap succeeds only when every valid entry of the range was already
   identical). *)
Theorem remap_translates_range : forall p cap ia pa size prot x,
  levels_ok (p_cfg p) -> wf_tbl (depth (p_cfg p)) (p_root p) ->
  o_ret (step p cap (Remap ia pa size prot)) = 0 ->
  ia <= x < ia + size ->
  exists lvl,
    translate (o_pgt (step p cap (Remap ia pa size prot))) x = Some (pa + (x - ia), prot, lvl).
Proof. intros. exact (map_call_translates_range true p cap ia pa size prot x H H0 H1 H2). Qed.

(* The same for every table reachable from vrm_pgt_init: both
   hypotheses hold of it. *)
Theorem map_translates_range_reachable :
  forall stage2 ia_bits sl kernel p0 ops cap ia pa size prot x,
  init stage2 ia_bits sl kernel = Some p0 ->
  o_ret (step (run p0 ops) cap (Map ia pa size prot)) = 0 ->
  ia <= x < ia + size ->
  exists lvl, translate (o_pgt (step (run p0 ops) cap (Map ia pa size prot))) x
              = Some (pa + (x - ia), prot, lvl).
Proof. intros. eapply (map_call_translates_range_reachable false); eauto. Qed.

Theorem remap_translates_range_reachable :
  forall stage2 ia_bits sl kernel p0 ops cap ia pa size prot x,
  init stage2 ia_bits sl kernel = Some p0 ->
  o_ret (step (run p0 ops) cap (Remap ia pa size prot)) = 0 ->
  ia <= x < ia + size ->
  exists lvl, translate (o_pgt (step (run p0 ops) cap (Remap ia pa size prot))) x
              = Some (pa + (x - ia), prot, lvl).
Proof. intros. eapply (map_call_translates_range_reachable true); eauto. Qed.

(* Not vacuous: on a fresh vrm_pgt_init table a map of 2 MiB + 4 KiB at
   G1 returns 0 and makes a block and a page (levels 2 and 3). *)
Theorem map_translates_range_nonvacuous :
  init false 48 (-1) false = Some (Pgt (Cfg false 48 0 false false) (PM.empty _) 1) /\
  o_ret (step (Pgt (Cfg false 48 0 false false) (PM.empty _) 1) nocap (Map G1 (8 * G1) (M2 + K4) 1))
    = 0 /\
  translate (o_pgt (step (Pgt (Cfg false 48 0 false false) (PM.empty _) 1) nocap
                         (Map G1 (8 * G1) (M2 + K4) 1))) (G1 + 5) = Some (8 * G1 + 5, 1, 2) /\
  translate (o_pgt (step (Pgt (Cfg false 48 0 false false) (PM.empty _) 1) nocap
                         (Map G1 (8 * G1) (M2 + K4) 1))) (G1 + M2 + 7)
    = Some (8 * G1 + M2 + 7, 1, 3).
Proof. vm_compute. repeat split; reflexivity. Qed.

(* ---- both hypotheses are needed: without them a map returns 0 and
   the address still faults. *)
(* A start level whose root (512 pages, 2 MiB) does not span 2^48. *)
Definition short_root : pgt := Pgt (Cfg false 48 3 false false) (PM.empty _) 1.
(* A table entry at level 3 (not something the C's tables hold). *)
Definition tbl_at_l3 : pgt :=
  Pgt (Cfg false 48 0 false false)
      (set (PM.empty _) 0 (NTbl (set (PM.empty _) 0 (NTbl (set (PM.empty _) 0
        (NTbl (set (PM.empty _) 0 (NTbl (PM.empty _))))))))) 1.

Theorem hypotheses_needed :
  wf_tbl (depth (p_cfg short_root)) (p_root short_root) /\
  o_ret (step short_root nocap (Map (2 * M2) 0 K4 1)) = 0 /\
  translate (o_pgt (step short_root nocap (Map (2 * M2) 0 K4 1))) (2 * M2) = None /\
  levels_ok (p_cfg tbl_at_l3) /\
  o_ret (step tbl_at_l3 nocap (Map 0 0 K4 1)) = 0 /\
  translate (o_pgt (step tbl_at_l3 nocap (Map 0 0 K4 1))) 0 = None.
Proof.
  split; [apply wf_empty; discriminate|].
  split; [vm_compute; reflexivity|]. split; [vm_compute; reflexivity|].
  split; [unfold levels_ok; cbn; lia|].
  split; vm_compute; reflexivity.
Qed.

(* ---- broken twin: map.c's identical-leaf test without the in-block
   offset (oa == pa for oa + (lo - addr) == pa): step_gen NoLeafOffset.  A
   page map inside a block, to the block's own pa, is then taken for
   identical: it returns 0 and leaves the block, so the page keeps
   translating to the block's pa + 4 KiB. *)
(* nt1 (WriteOnce.v): a normal EL2 table, made by vrm_pgt_init and one
   map, with the 2 MiB block G1 -> 8 G1.  The twin's map of the page
   G1 + 4 KiB to 8 G1 returns 0, yet that page translates to 8 G1 + 4 KiB,
   not 8 G1; the model refuses the map (-EEXIST). *)
Theorem twin_identical_no_offset_breaks_range :
  init false 48 (-1) false = Some (Pgt (Cfg false 48 0 false false) (PM.empty _) 1) /\
  nt1 = run (Pgt (Cfg false 48 0 false false) (PM.empty _) 1) [(nocap, Map G1 (8 * G1) M2 1)] /\
  o_ret (step_gen NoLeafOffset nt1 nocap (Map (G1 + K4) (8 * G1) K4 1)) = 0 /\
  translate (o_pgt (step_gen NoLeafOffset nt1 nocap (Map (G1 + K4) (8 * G1) K4 1))) (G1 + K4)
    = Some (8 * G1 + K4, 1, 2) /\
  ~ (exists lvl, translate (o_pgt (step_gen NoLeafOffset nt1 nocap (Map (G1 + K4) (8 * G1) K4 1)))
                           (G1 + K4) = Some (8 * G1 + (G1 + K4 - (G1 + K4)), 1, lvl)) /\
  o_ret (step nt1 nocap (Map (G1 + K4) (8 * G1) K4 1)) = - EEXIST.
Proof.
  split; [reflexivity|]. split; [reflexivity|].
  split; [vm_compute; reflexivity|]. split; [vm_compute; reflexivity|].
  split; [|vm_compute; reflexivity].
  intros [lvl E]. vm_compute in E. discriminate E.
Qed.
