(* TLBI.v -- Sequential-TLB-Invalidation: break-before-make as lib/tlb and
   lib/pgtable do it, for one virtual address va whose entry maps the page
   pold and is remapped to pnew (or unmapped and pold freed for reuse).

   Machine: N CPUs, each with a TLB caching translations of va (a list of
   output pages).  The page-table entry of va is in memory ([pt]); the
   kernel CPU's store to it may sit in a write buffer ([wbuf]) until it
   becomes visible to table walkers.  At any time:
     fill c      -- CPU c's MMU walks the visible entry and caches it
     commit      -- the buffered PTE store becomes visible
     tlbi_done c -- a broadcast TLBI pending on CPU c takes effect there
   The kernel CPU runs the break-before-make sequence (pc 0..5):
     0 -> 1  write invalid entry            (STR of the PTE)
     1 -> 2  DSB ISH   (waits until the store is visible to walkers)
     2 -> 3  TLBI VAE2IS / IPAS2E1IS        (broadcast to all CPUs, asynchronous)
     3 -> 4  DSB ISH   (waits until the TLBI completed on every CPU)
             -- from here pold may be freed / reused (deferred free)
     4 -> 5  "make": store the new entry pnew
   [variant] drops one of the three barriers/instructions, to show each is
   needed. *)

Require Import Arith Bool Lia List.
Import ListNotations.

Inductive variant : Type := Full | NoDsb1 | NoTlbi | NoDsb2.

Record st : Type := mk {
  pt : option nat;              (* entry visible to walkers *)
  wbuf : option (option nat);   (* kernel's buffered PTE store *)
  tlb : nat -> list nat;        (* per-CPU cached translations of va *)
  pend : nat -> bool;           (* per-CPU pending broadcast TLBI *)
  kpc : nat                     (* kernel CPU's position in the sequence *)
}.

Definition updl (f : nat -> list nat) (c : nat) (v : list nat) : nat -> list nat :=
  fun d => if d =? c then v else f d.
Definition updb (f : nat -> bool) (c : nat) (v : bool) : nat -> bool :=
  fun d => if d =? c then v else f d.

Definition init (pold : nat) : st := mk (Some pold) None (fun _ => []) (fun _ => false) 0.

Definition is_notlbi (v : variant) : bool := match v with NoTlbi => true | _ => false end.

Inductive step (v : variant) (N pnew : nat) : st -> st -> Prop :=
| st_fill : forall s c pa, c < N -> pt s = Some pa ->
    step v N pnew s (mk (pt s) (wbuf s) (updl (tlb s) c (pa :: tlb s c)) (pend s) (kpc s))
| st_commit : forall s x, wbuf s = Some x ->
    step v N pnew s (mk x None (tlb s) (pend s) (kpc s))
| st_tlbi_done : forall s c, pend s c = true ->
    step v N pnew s (mk (pt s) (wbuf s) (updl (tlb s) c []) (updb (pend s) c false) (kpc s))
| st_write_inv : forall s, kpc s = 0 ->
    step v N pnew s (mk (pt s) (Some None) (tlb s) (pend s) 1)
| st_dsb1 : forall s, kpc s = 1 -> (v = NoDsb1 \/ wbuf s = None) ->
    step v N pnew s (mk (pt s) (wbuf s) (tlb s) (pend s) 2)
| st_tlbi : forall s, kpc s = 2 ->
    step v N pnew s (mk (pt s) (wbuf s) (tlb s)
               (if is_notlbi v then pend s else fun c => c <? N) 3)
| st_dsb2 : forall s, kpc s = 3 -> (v = NoDsb2 \/ forall c, c < N -> pend s c = false) ->
    step v N pnew s (mk (pt s) (wbuf s) (tlb s) (pend s) 4)
| st_make : forall s, kpc s = 4 ->
    step v N pnew s (mk (pt s) (Some (Some pnew)) (tlb s) (pend s) 5).

Inductive reachable (v : variant) (N pold pnew : nat) : st -> Prop :=
| r_init : reachable v N pold pnew (init pold)
| r_step : forall s s', reachable v N pold pnew s -> step v N pnew s s' ->
    reachable v N pold pnew s'.

(* CPU c can translate va to pa: from its TLB or by a walk of the visible entry. *)
Definition translates (s : st) (c pa : nat) : Prop := In pa (tlb s c) \/ pt s = Some pa.

Definition no_old (N pold : nat) (s : st) : Prop := forall c, c < N -> ~ In pold (tlb s c).

Definition Inv (N pold pnew : nat) (s : st) : Prop :=
  match kpc s with
  | 0 => wbuf s = None /\ pt s = Some pold
  | 1 => (wbuf s = Some None /\ pt s = Some pold) \/ (wbuf s = None /\ pt s = None)
  | 2 => wbuf s = None /\ pt s = None
  | 3 => wbuf s = None /\ pt s = None /\
         forall c, c < N -> pend s c = false -> ~ In pold (tlb s c)
  | 4 => wbuf s = None /\ pt s = None /\ no_old N pold s
  | 5 => ((wbuf s = Some (Some pnew) /\ pt s = None) \/ (wbuf s = None /\ pt s = Some pnew)) /\
         no_old N pold s
  | _ => False
  end.

Lemma updl_eq : forall f c v, updl f c v c = v.
Proof. intros. unfold updl. rewrite Nat.eqb_refl. auto. Qed.
Lemma updl_neq : forall f c d v, d <> c -> updl f c v d = f d.
Proof. intros. unfold updl. apply Nat.eqb_neq in H. rewrite H. auto. Qed.
Lemma updb_eq : forall f c v, updb f c v c = v.
Proof. intros. unfold updb. rewrite Nat.eqb_refl. auto. Qed.
Lemma updb_neq : forall f c d v, d <> c -> updb f c v d = f d.
Proof. intros. unfold updb. apply Nat.eqb_neq in H. rewrite H. auto. Qed.

Lemma Inv_step : forall N pold pnew s s',
  pnew <> pold -> Inv N pold pnew s -> step Full N pnew s s' -> Inv N pold pnew s'.
Proof.
  intros N pold pnew s s' Hne HI Hs.
  destruct Hs as [s c pa Hc Hpt | s x Hw | s c Hp | s Hk | s Hk Hd | s Hk | s Hk Hd | s Hk];
    unfold Inv, no_old in *; simpl in *.
  - (* fill *)
    destruct (kpc s) as [|[|[|[|[|[|k]]]]]]; auto; try tauto.
    + destruct HI as (Hw & Hpt' & Hall). split; auto. split; auto. congruence.
    + destruct HI as (Hw & Hpt' & Hall). congruence.
    + destruct HI as (Hw & Hall). split; auto.
      intros d Hd. simpl. destruct (Nat.eq_dec d c) as [->|Hdc].
      * rewrite updl_eq. simpl. intros [E|E]; [|eapply Hall; eauto].
        destruct Hw as [[_ Hp']|[_ Hp']]; congruence.
      * rewrite updl_neq by auto. auto.
  - (* commit *)
    destruct (kpc s) as [|[|[|[|[|[|k]]]]]]; auto; try tauto.
    + destruct HI; congruence.
    + destruct HI as [[E _]|[E _]]; [|congruence]. rewrite E in Hw. inversion Hw; subst. right; auto.
    + destruct HI; congruence.
    + destruct HI as (E & _); congruence.
    + destruct HI as (E & _); congruence.
    + destruct HI as [[[E _]|[E _]] Hall]; [|congruence]. rewrite Hw in E. inversion E; subst.
      split; auto.
  - (* a pending TLBI completes on CPU c: it only removes entries *)
    destruct (kpc s) as [|[|[|[|[|[|k]]]]]]; auto; try tauto.
    + destruct HI as (Hw & Hpt & Hall). split; auto. split; auto.
      intros d Hd Hpd. destruct (Nat.eq_dec d c) as [->|Hdc].
      * rewrite updl_eq. simpl; auto.
      * rewrite updl_neq by auto. rewrite updb_neq in Hpd by auto. auto.
    + destruct HI as (Hw & Hpt & Hall). split; auto. split; auto.
      intros d Hd. destruct (Nat.eq_dec d c) as [->|Hdc].
      * rewrite updl_eq. simpl; auto.
      * rewrite updl_neq by auto. auto.
    + destruct HI as (Hw & Hall). split; auto.
      intros d Hd. destruct (Nat.eq_dec d c) as [->|Hdc].
      * rewrite updl_eq. simpl; auto.
      * rewrite updl_neq by auto. auto.
  - (* write invalid *)
    rewrite Hk in HI. destruct HI. left; auto.
  - (* DSB 1: the store is visible *)
    rewrite Hk in HI. destruct Hd as [Hd|Hd]; [discriminate|].
    destruct HI as [[E _]|HI]; [congruence|auto].
  - (* broadcast TLBI issued *)
    rewrite Hk in HI. destruct HI as [Hw Hpt]. refine (conj Hw (conj Hpt _)).
    intros c Hc Hp. apply Nat.ltb_ge in Hp. lia.
  - (* DSB 2: all TLBIs complete *)
    rewrite Hk in HI. destruct Hd as [Hd|Hd]; [discriminate|].
    destruct HI as (Hw & Hpt & Hall). refine (conj Hw (conj Hpt _)).
    intros c Hc. apply Hall; auto.
  - (* make: new entry *)
    rewrite Hk in HI. destruct HI as (Hw & Hpt & Hall). split; auto.
Qed.

Lemma Inv_reachable : forall N pold pnew s,
  pnew <> pold -> reachable Full N pold pnew s -> Inv N pold pnew s.
Proof.
  intros N pold pnew s Hne H. induction H.
  - unfold Inv; simpl; auto.
  - eapply Inv_step; eauto.
Qed.

(* Main theorem: once the BBM sequence has completed (kernel past the second
   DSB), no CPU's TLB holds the old translation, the visible entry and the
   buffered store do not name the old page -- in every later state too. *)
Theorem bbm_no_stale_translation : forall N pold pnew s c,
  pnew <> pold -> reachable Full N pold pnew s -> 4 <= kpc s -> c < N ->
  ~ In pold (tlb s c) /\ pt s <> Some pold /\ wbuf s <> Some (Some pold).
Proof.
  intros N pold pnew s c Hne Hr Hk Hc. pose proof (Inv_reachable N pold pnew s Hne Hr) as HI.
  unfold Inv in HI. destruct (kpc s) as [|[|[|[|[|[|k]]]]]]; try lia; try tauto.
  - destruct HI as (Hw & Hpt & Hall). repeat split; [apply Hall; auto | congruence | congruence].
  - destruct HI as [[[Hw Hpt]|[Hw Hpt]] Hall]; repeat split; try (apply Hall; auto);
      rewrite ?Hw, ?Hpt; intro E; inversion E; auto.
Qed.

(* Corollary: after completion the freed page pold can be reused safely: no
   CPU can translate va to it any more. *)
Theorem no_cpu_translates_old_page : forall N pold pnew s c,
  pnew <> pold -> reachable Full N pold pnew s -> 4 <= kpc s -> c < N ->
  ~ translates s c pold.
Proof.
  intros N pold pnew s c Hne Hr Hk Hc [H|H]; eapply bbm_no_stale_translation in Hr; eauto; tauto.
Qed.

(* Forward construction of executions: each step's target state is
   normalised with cbn so the terms stay small. *)
Ltac go H tac :=
  match type of H with
  | reachable _ _ _ _ ?s =>
      let H' := fresh "R" in
      pose proof (r_step _ _ _ _ s _ H ltac:(tac)) as H'; cbn in H'; clear H; rename H' into H
  end.

(* Non-vacuity: the full sequence can complete, with a CPU having cached
   the old translation before it started. *)
Theorem full_sequence_completes : exists s,
  reachable Full 1 7 8 s /\ kpc s = 5.
Proof.
  pose proof (r_init Full 1 7 8) as R.
  go R ltac:(eapply st_fill with (c := 0) (pa := 7); [lia | reflexivity]).
  go R ltac:(apply st_write_inv; reflexivity).
  go R ltac:(eapply st_commit; reflexivity).
  go R ltac:(apply st_dsb1; [reflexivity | right; reflexivity]).
  go R ltac:(apply st_tlbi; reflexivity).
  go R ltac:(apply st_tlbi_done with (c := 0); reflexivity).
  assert (Hp : forall c, c < 1 -> updb (fun c => c <? 1) 0 false c = false)
    by (intros [|c] Hc; [reflexivity|lia]).
  go R ltac:(apply st_dsb2; [reflexivity | right; exact Hp]).
  go R ltac:(apply st_make; reflexivity).
  eexists; split; [exact R|reflexivity].
Qed.

(* Each step of the sequence is needed: without it a CPU still holds the
   old translation after the kernel believes the page is free. *)
Definition stale (N pold : nat) (s : st) : Prop := 4 <= kpc s /\ exists c, c < N /\ In pold (tlb s c).

Theorem no_tlbi_stale : exists s, reachable NoTlbi 1 7 8 s /\ stale 1 7 s.
Proof.
  pose proof (r_init NoTlbi 1 7 8) as R.
  go R ltac:(eapply st_fill with (c := 0) (pa := 7); [lia | reflexivity]).
  go R ltac:(apply st_write_inv; reflexivity).
  go R ltac:(eapply st_commit; reflexivity).
  go R ltac:(apply st_dsb1; [reflexivity | right; reflexivity]).
  go R ltac:(apply st_tlbi; reflexivity).
  (* no TLBI was sent, so nothing is pending and the DSB does not wait *)
  go R ltac:(apply st_dsb2; [reflexivity | right; intros; reflexivity]).
  eexists; split; [exact R|]. split; [cbn; lia|]. exists 0. split; [lia|]. left; reflexivity.
Qed.

Theorem no_dsb1_stale : exists s, reachable NoDsb1 1 7 8 s /\ stale 1 7 s.
Proof.
  pose proof (r_init NoDsb1 1 7 8) as R.
  go R ltac:(apply st_write_inv; reflexivity).
  go R ltac:(apply st_dsb1; [reflexivity | left; reflexivity]).
  go R ltac:(apply st_tlbi; reflexivity).
  go R ltac:(apply st_tlbi_done with (c := 0); reflexivity).
  (* the walker still sees the old entry: the invalid store is buffered *)
  go R ltac:(eapply st_fill with (c := 0) (pa := 7); [lia | reflexivity]).
  assert (Hp : forall c, c < 1 -> updb (fun c => c <? 1) 0 false c = false)
    by (intros [|c] Hc; [reflexivity|lia]).
  go R ltac:(apply st_dsb2; [reflexivity | right; exact Hp]).
  eexists; split; [exact R|]. split; [cbn; lia|]. exists 0. split; [lia|]. left; reflexivity.
Qed.

Theorem no_dsb2_stale : exists s, reachable NoDsb2 1 7 8 s /\ stale 1 7 s.
Proof.
  pose proof (r_init NoDsb2 1 7 8) as R.
  go R ltac:(eapply st_fill with (c := 0) (pa := 7); [lia | reflexivity]).
  go R ltac:(apply st_write_inv; reflexivity).
  go R ltac:(eapply st_commit; reflexivity).
  go R ltac:(apply st_dsb1; [reflexivity | right; reflexivity]).
  go R ltac:(apply st_tlbi; reflexivity).
  (* the TLBI has not yet reached CPU 0 when the kernel goes on *)
  go R ltac:(apply st_dsb2; [reflexivity | left; reflexivity]).
  eexists; split; [exact R|]. split; [cbn; lia|]. exists 0. split; [lia|]. left; reflexivity.
Qed.
