(* WriteOnce.v -- Write-Once-Kernel-Mapping on the multi-level model of
   lib/pgtable (PgtModel.v: the table tree, map / remap / set_prot /
   unmap with the C's algorithm and the C's result codes).

   On a kernel table (VRM_PGT_KERNEL), along every sequence of calls,
   whatever their results, every address that translates keeps exactly
   its translation (output address, prot, leaf level).  The C's real
   results are part of the model, not assumed away: a kernel remap maps
   the holes of its range and returns 0 when every valid entry there is
   already identical, an identical map returns 0, an unmap over holes
   only returns 0, and every call that would change a valid entry
   returns -EPERM (or -EEXIST for map) and changes nothing
   (map_then_refused checks each of these on a concrete table).  The
   broken twin (step_gen NoKernelEperm: map.c's kernel -EPERM check removed)
   breaks it (twin_no_eperm_breaks_write_once). *)

Require Import ZArith Bool List Lia.
Require Import Coq.FSets.FMapPositive.
Require Import VRM.PgtModel.
Import ListNotations.
Open Scope Z_scope.

(* ---- the sparse table: get after set *)
Lemma key_inj : forall i j, key i = key j -> i = j.
Proof. intros [|p|p] [|q|q]; simpl; intro H; try discriminate; inversion H; auto. Qed.

Lemma get_set : forall t i j e, get (set t i e) j = if Z.eqb i j then e else get t j.
Proof.
  intros t i j e. unfold get, set. destruct (Z.eqb_spec i j) as [<-|Hne].
  - destruct e; [rewrite PM.grs | rewrite PM.gss | rewrite PM.gss]; auto.
  - assert (Hk : key j <> key i) by (intro H; apply Hne; symmetry; apply key_inj; auto).
    destruct e; [rewrite PM.gro | rewrite PM.gso | rewrite PM.gso]; auto.
Qed.

(* ---- one table's walk (walk.c walk_table): an entry-wise relation that
   every visit establishes holds between the old and the new table. *)
Section Iter.
Context (Q : node -> node -> Prop).
Context (Qrefl : forall e, Q e e).
Context (Qtrans : forall a b c, Q a b -> Q b c -> Q a c).

Lemma tbl_iter_spec : forall f,
  (forall i ad e a e' a', f i ad e a = ROk (e', a') -> Q e e') ->
  forall k i ad st t a t' a',
  tbl_iter f k i ad st t a = ROk (t', a') -> forall j, Q (get t j) (get t' j).
Proof.
  intros f Hf. induction k as [|k IH]; simpl; intros i ad st t a t' a' H j.
  - inversion H; subst; apply Qrefl.
  - destruct (f i ad (get t i) a) as [[e' a1]|x] eqn:E; [|discriminate].
    eapply Qtrans; [|exact (IH _ _ _ _ _ _ _ H j)].
    rewrite get_set. destruct (Z.eqb_spec i j) as [<-|]; [eapply Hf; eauto | apply Qrefl].
Qed.
End Iter.

(* ---- translations kept *)
Definition xl_ent (d : nat) (l : Z) (e : node) (x : Z) : option (Z * Z * Z) :=
  match e with
  | NInv => None
  | NLeaf oa p => Some (oa + Z.land x (esz l - 1), p, l)
  | NTbl t' => xl_tbl d (l + 1) t' x
  end.

(* e' translates every address e translates, to the same. *)
Definition pres (d : nat) (l : Z) (e e' : node) : Prop :=
  forall x v, xl_ent d l e x = Some v -> xl_ent d l e' x = Some v.

Lemma pres_refl : forall d l e, pres d l e e.
Proof. unfold pres; auto. Qed.
Lemma pres_trans : forall d l a b c, pres d l a b -> pres d l b c -> pres d l a c.
Proof. unfold pres; auto. Qed.
Lemma pres_inv : forall d l e', pres d l NInv e'.
Proof. unfold pres; simpl; intros; discriminate. Qed.

Lemma lift : forall d l t t', (forall j, pres (pred d) l (get t j) (get t' j)) ->
  forall x v, xl_tbl d l t x = Some v -> xl_tbl d l t' x = Some v.
Proof.
  intros [|d] l t t' H x v Hx; [discriminate|]. simpl in *.
  specialize (H (idx l x) x v).
  destruct (get t (idx l x)), (get t' (idx l x)); simpl in *; auto.
Qed.

Ltac ifs H :=
  repeat match type of H with
  | context [if ?b then _ else _] => destruct b eqn:?; try discriminate
  end.

Lemma pres_tbl : forall d l t0 t1,
  (forall j, pres (pred d) (l + 1) (get t0 j) (get t1 j)) -> pres d l (NTbl t0) (NTbl t1).
Proof. intros d l t0 t1 H x v; simpl; apply lift; auto. Qed.

(* map / remap (map.c map_visit) never changes what a valid entry
   translates when it may not replace (map) or the table is a kernel one:
   a valid leaf is identical (kept) or the call fails. *)
Lemma map_pres : forall d c m cnt l base t a t' a',
  (m_replace m = false \/ c_kernel c = true) ->
  map_tbl Shipped c m cnt d l base t a = ROk (t', a') ->
  forall j, pres (pred d) l (get t j) (get t' j).
Proof.
  induction d as [|d IH]; intros c m cnt l base t a t' a' Hk H j; cbn [map_tbl] in H.
  - inversion H; subst; apply pres_refl.
  - unfold iter_range in H. simpl pred.
    eapply (tbl_iter_spec (pres d l) (pres_refl d l) (pres_trans d l)); [|exact H].
    intros i ad e a0 e' a1 Hf. cbv beta zeta in Hf.
    destruct e as [|oa p|t0]; [apply pres_inv| |].
    + ifs Hf.
      * inversion Hf; subst; apply pres_refl.
      * destruct Hk as [Hk|Hk]; rewrite Hk in *; simpl in *; discriminate.
      * destruct Hk as [Hk|Hk]; rewrite Hk in *; simpl in *; discriminate.
      * destruct Hk as [Hk|Hk]; rewrite Hk in *; simpl in *; discriminate.
    + destruct (map_tbl Shipped c m cnt d (l + 1) ad t0 a0) as [[t1 a2]|x] eqn:E;
        [|discriminate].
      inversion Hf; subst. apply pres_tbl. eapply IH; eauto.
Qed.

(* set_prot (prot.c prot_visit) on a kernel table: a valid leaf with
   another prot is -EPERM, so nothing translating changes. *)
Lemma prot_pres : forall d c ia size prot cnt l base t a t' a',
  c_kernel c = true ->
  prot_tbl c ia size prot cnt d l base t a = ROk (t', a') ->
  forall j, pres (pred d) l (get t j) (get t' j).
Proof.
  induction d as [|d IH]; intros c ia size prot cnt l base t a t' a' Hk H j;
    cbn [prot_tbl] in H.
  - inversion H; subst; apply pres_refl.
  - unfold iter_range in H. simpl pred.
    eapply (tbl_iter_spec (pres d l) (pres_refl d l) (pres_trans d l)); [|exact H].
    intros i ad e a0 e' a1 Hf. cbv beta zeta in Hf.
    destruct e as [|oa p|t0]; [apply pres_inv| |].
    + rewrite Hk in Hf. ifs Hf. inversion Hf; subst; apply pres_refl.
    + destruct (prot_tbl c ia size prot cnt d (l + 1) ad t0 a0) as [[t1 a2]|x] eqn:E;
        [|discriminate].
      inversion Hf; subst. apply pres_tbl. eapply IH; eauto.
Qed.

(* unmap (unmap.c unmap_visit) on a kernel table: a valid leaf in the
   range is -EPERM, and TABLE_POST unlinks nothing. *)
Lemma unmap_pres : forall d c ia size cnt l base t a t' a',
  c_kernel c = true ->
  unmap_tbl c ia size cnt d l base t a = ROk (t', a') ->
  forall j, pres (pred d) l (get t j) (get t' j).
Proof.
  induction d as [|d IH]; intros c ia size cnt l base t a t' a' Hk H j;
    cbn [unmap_tbl] in H.
  - inversion H; subst; apply pres_refl.
  - unfold iter_range in H. simpl pred.
    eapply (tbl_iter_spec (pres d l) (pres_refl d l) (pres_trans d l)); [|exact H].
    intros i ad e a0 e' a1 Hf. cbv beta zeta in Hf.
    destruct e as [|oa p|t0]; [apply pres_inv| |].
    + rewrite Hk in Hf. discriminate.
    + destruct (unmap_tbl c ia size cnt d (l + 1) ad t0 a0) as [[t1 a2]|x] eqn:E;
        [|discriminate].
      unfold unmap_post in Hf. rewrite Hk in Hf.
      inversion Hf; subst. apply pres_tbl. eapply IH; eauto.
Qed.

Lemma step_cfg : forall p cap o, p_cfg (o_pgt (step p cap o)) = p_cfg p.
Proof.
  intros p cap o. unfold step, step_gen. cbv zeta.
  destruct (negb _); [reflexivity|].
  destruct (walk_op Shipped p o) as [[t' a]|e]; [|reflexivity].
  destruct (_ <? _); reflexivity.
Qed.

(* One call on a kernel table keeps every translation. *)
Lemma step_kernel_pres : forall p cap o x v,
  c_kernel (p_cfg p) = true -> translate p x = Some v ->
  translate (o_pgt (step p cap o)) x = Some v.
Proof.
  intros p cap o x v Hk Hx. unfold step, step_gen. cbv zeta.
  destruct (negb _); [exact Hx|].
  destruct (walk_op Shipped p o) as [[t' a]|e] eqn:W; [|exact Hx].
  destruct (_ <? _); [exact Hx|].
  unfold translate in *; simpl in *.
  destruct (_ && _); [|discriminate].
  revert Hx. apply lift.
  destruct o; simpl in W.
  - eapply map_pres; [|exact W]. auto.
  - eapply map_pres; [|exact W]. auto.
  - eapply prot_pres; eauto.
  - eapply unmap_pres; eauto.
Qed.

(* A sequence of calls, each with its allocator cap. *)
Fixpoint run (p : pgt) (ops : list (Z * op)) : pgt :=
  match ops with
  | [] => p
  | (cap, o) :: r => run (o_pgt (step p cap o)) r
  end.

Lemma run_cfg : forall ops p, p_cfg (run p ops) = p_cfg p.
Proof.
  induction ops as [|[cap o] ops IH]; simpl; intros p; auto.
  rewrite IH. apply step_cfg.
Qed.

(* Main theorem: on a kernel table, along every sequence of calls (any
   arguments, any allocator caps, whatever each returns), an address
   that translates keeps the same output address, prot and leaf level. *)
Theorem write_once : forall ops p x v,
  c_kernel (p_cfg p) = true -> translate p x = Some v -> translate (run p ops) x = Some v.
Proof.
  induction ops as [|[cap o] ops IH]; simpl; intros p x v Hk Hx; auto.
  apply IH.
  - rewrite step_cfg; auto.
  - apply step_kernel_pres; auto.
Qed.

(* Same for every prefix and extension of a sequence. *)
Theorem write_once_prefix : forall ops1 ops2 p x v,
  c_kernel (p_cfg p) = true ->
  translate (run p ops1) x = Some v -> translate (run p (ops1 ++ ops2)) x = Some v.
Proof.
  induction ops1 as [|[cap o] ops1 IH]; simpl; intros ops2 p x v Hk H.
  - apply write_once; auto.
  - apply IH; auto. rewrite step_cfg; auto.
Qed.

(* Any error (-EINVAL, -EEXIST, -EPERM, -ENOMEM) leaves the table as it
   was and issues no TLB maintenance (op.c: plan before commit). *)
Theorem failure_no_change : forall p cap o,
  o_ret (step p cap o) <> 0 ->
  o_pgt (step p cap o) = p /\ o_bbm (step p cap o) = [] /\ o_flush (step p cap o) = false.
Proof.
  intros p cap o H. unfold step, step_gen in *. cbv zeta in *.
  destruct (negb _); [auto|].
  destruct (walk_op Shipped p o) as [[t' a]|e]; [|auto].
  destruct (_ <? _); [auto|]. simpl in H. congruence.
Qed.

(* On a kernel table a call only ever adds translations. *)
Theorem only_invalid_written : forall p cap o x,
  c_kernel (p_cfg p) = true ->
  translate (o_pgt (step p cap o)) x <> translate p x -> translate p x = None.
Proof.
  intros p cap o x Hk H. destruct (translate p x) as [v|] eqn:E; auto.
  exfalso. apply H. apply step_kernel_pres; auto.
Qed.

(* On every table, normal ones included, map (not remap) keeps every
   translation there was (a valid entry is kept or the map fails). *)
Theorem map_keeps_translations : forall p cap ia pa size prot x v,
  translate p x = Some v -> translate (o_pgt (step p cap (Map ia pa size prot))) x = Some v.
Proof.
  intros p cap ia pa size prot x v Hx. unfold step, step_gen. cbv zeta.
  destruct (negb _); [exact Hx|].
  destruct (walk_op Shipped p _) as [[t' a]|e] eqn:W; [|exact Hx].
  destruct (_ <? _); [exact Hx|].
  unfold translate in *; simpl in *.
  destruct (_ && _); [|discriminate].
  revert Hx. apply lift. eapply map_pres; [|exact W]. auto.
Qed.

(* ---- the C's real results, on a concrete kernel table (EL2 stage 1,
   48-bit VA, 4 levels): each line is what vrm_pgt_* returns. *)
Definition G1 := 1073741824.
Definition M2 := 2097152.
Definition K4 := 4096.
Definition kt0 : pgt := Pgt (Cfg false 48 0 true false) (PM.empty _) 1.
Definition nocap := 1000.
Definition kt1 : pgt := o_pgt (step kt0 nocap (Map G1 (8 * G1) M2 1)).  (* a 2 MiB block, R *)

Theorem map_then_refused :
  init false 48 (-1) true = Some kt0 /\
  (* the map made a 2 MiB block: 3 table pages (root, level 1, level 2) *)
  o_ret (step kt0 nocap (Map G1 (8 * G1) M2 1)) = 0 /\
  translate kt1 (G1 + 5 * K4 + 7) = Some (8 * G1 + 5 * K4 + 7, 1, 2) /\ p_live kt1 = 3 /\
  (* identical map (part of the block, as pages would be): 0, no change *)
  o_ret (step kt1 nocap (Map (G1 + K4) (8 * G1 + K4) K4 1)) = 0 /\
  (* different map: -EEXIST *)
  o_ret (step kt1 nocap (Map G1 (9 * G1) K4 1)) = - EEXIST /\
  (* remap that differs: -EPERM; remap over a hole plus an identical page:
     0, and the hole is mapped *)
  o_ret (step kt1 nocap (Remap G1 (9 * G1) K4 1)) = - EPERM /\
  o_ret (step kt1 nocap (Remap (G1 + M2 - K4) (8 * G1 + M2 - K4) (2 * K4) 1)) = 0 /\
  translate (o_pgt (step kt1 nocap (Remap (G1 + M2 - K4) (8 * G1 + M2 - K4) (2 * K4) 1)))
            (G1 + M2) = Some (8 * G1 + M2, 1, 3) /\
  (* unmap over holes only: 0; over the block: -EPERM *)
  o_ret (step kt1 nocap (Unmap (G1 + M2) M2)) = 0 /\
  o_ret (step kt1 nocap (Unmap (G1 + M2 - K4) (2 * K4))) = - EPERM /\
  (* set_prot to the same prot: 0; to another: -EPERM *)
  o_ret (step kt1 nocap (SetProt G1 K4 1)) = 0 /\
  o_ret (step kt1 nocap (SetProt G1 K4 3)) = - EPERM /\
  (* no table page to spare: -ENOMEM for a map that needs one *)
  o_ret (step kt1 3 (Map (2 * G1) 0 K4 1)) = - ENOMEM /\
  (* and after all of them the block is still there *)
  translate (run kt1 [(nocap, Remap G1 (9 * G1) K4 1); (nocap, Unmap G1 M2);
                      (nocap, SetProt G1 M2 3); (nocap, Map G1 0 K4 1)]) (G1 + 5 * K4 + 7)
    = Some (8 * G1 + 5 * K4 + 7, 1, 2).
Proof. vm_compute. repeat split; reflexivity. Qed.

(* The same calls on a normal table do change it: remap BBMs (one TLBI),
   unmap frees the two tables it emptied and flushes. *)
Definition nt1 : pgt :=
  o_pgt (step (Pgt (Cfg false 48 0 false false) (PM.empty _) 1) nocap (Map G1 (8 * G1) M2 1)).

Theorem normal_table_changes :
  o_ret (step nt1 nocap (Remap G1 (9 * G1) M2 1)) = 0 /\
  o_bbm (step nt1 nocap (Remap G1 (9 * G1) M2 1)) = [G1] /\
  translate (o_pgt (step nt1 nocap (Remap G1 (9 * G1) M2 1))) G1 = Some (9 * G1, 1, 2) /\
  o_ret (step nt1 nocap (Unmap G1 K4)) = 0 /\
  o_bbm (step nt1 nocap (Unmap G1 K4)) = [G1] /\    (* split of the block *)
  p_live (o_pgt (step nt1 nocap (Unmap G1 K4))) = 4 /\
  o_flush (step nt1 nocap (Unmap G1 M2)) = true /\
  p_live (o_pgt (step nt1 nocap (Unmap G1 M2))) = 1.
Proof. vm_compute. repeat split; reflexivity. Qed.

(* ---- broken twin: map.c without the kernel-table -EPERM check
   (step_gen NoKernelEperm). A remap then replaces a valid kernel entry. *)
Theorem twin_no_eperm_breaks_write_once :
  translate kt1 G1 = Some (8 * G1, 1, 2) /\
  o_ret (step_gen NoKernelEperm kt1 nocap (Remap G1 (9 * G1) K4 1)) = 0 /\
  translate (o_pgt (step_gen NoKernelEperm kt1 nocap (Remap G1 (9 * G1) K4 1))) G1
    = Some (9 * G1, 1, 3).
Proof. vm_compute. repeat split; reflexivity. Qed.
