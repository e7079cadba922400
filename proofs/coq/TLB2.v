(* TLB2.v -- the machine of the two-stage TLB model (issue 16, TLBI part):
   memory (stage-2 leaves, guest stage-1 leaves, EL2 tables of two levels),
   per-PE TLBs of tagged entries, per-PE outstanding TLBIs, the kernel PE's
   write buffer and program counter.  The library's sequences, as
   instruction lists, are in TLB2Prog.v; the theorems in TLB2S2.v (stage
   2), TLB2El2.v (EL2, unmap-then-free), TLB2Twins.v and TLB2El2Twins.v
   (non-vacuity, broken twins), TLB2Vmid.v (VMID tags, rollover).  TLBI.v
   (one stage, one VA) is kept as it is.

   Arm ARM facts the model is built from (DDI 0487, D8.13 "Translation
   Lookaside Buffers" / "TLB maintenance", D8.2 "Translation table walks"):
   - A TLB may cache, at any time, any translation a walk could produce
     from the tables in memory ("walks may happen at any time",
     speculative walks); entries of the EL1&0 regime are tagged by VMID,
     stage-1 ones also by ASID; there are stage-1-only (VA -> IPA),
     stage-2-only (IPA -> PA) and combined stage-1+2 (VA -> PA, the IPA
     folded in) entries.  -> [entry], [walk].
   - Walk caches: intermediate (table) descriptors may be cached, and a
     walk may start from a cached table descriptor instead of reading it,
     then read the next level from memory -- so a walk can read a table
     page that was unlinked and freed.  -> [WC2], [w_e2].
   - TLBI IPAS2E1IS removes stage-2-only entries of that IPA and VMID; it
     need not remove combined entries (which no longer carry the IPA);
     TLBI VMALLE1IS removes every stage-1 and combined entry of the VMID.
     TLBI VAE2IS removes EL2 entries of the VA, walk-cache entries of every
     level included; TLBI VALE2IS only the last level.  -> [hits].
   - A broadcast TLBI is complete on all PEs of the Inner Shareable domain
     only when a DSB ISH after it, on the issuing PE, completes; until then
     its effect on each other PE happens at some unknown time.  -> [pend],
     [st_complete] (asynchronous, per PE), [x_dsb] (can only be taken when
     every PE's outstanding TLBIs are complete).
   - A DSB (ISHST or ISH) waits until the PE's earlier stores are visible
     to all walkers (the "R1" rule of include/vrm/tlb.h).  -> [wbuf],
     [st_commit], [x_dsbst], [x_dsb]. *)

Require Import Arith Bool Lia List.
Import ListNotations.

(* TLB entries.  EL1&0 entries carry the VMID (VTTBR_EL2.VMID at fill
   time), stage-1 ones the ASID; EL2 entries carry no tag. *)
Inductive entry : Type :=
| S1 (vmid asid va ipa : nat)   (* stage-1-only: VA -> IPA *)
| S2 (vmid ipa pa : nat)        (* stage-2-only: IPA -> PA *)
| C12 (vmid asid va pa : nat)   (* combined stage 1+2: VA -> PA *)
| E2 (va pa : nat)              (* EL2 stage 1, leaf: VA -> PA *)
| WC2 (va tp : nat).            (* EL2 walk cache: va's table descriptor
                                   points to table page tp *)

(* The TLBI operations lib/tlb issues (broadcast, *IS forms). *)
Inductive tlbi : Type :=
| IPAS2E1IS (vmid ipa : nat)
| VMALLE1IS (vmid : nat)
| VMALLS12E1IS (vmid : nat)
| ALLE1IS
| VAE2IS (va : nat)
| VALE2IS (va : nat)
| ALLE2IS.

(* Which entries a TLBI removes when it completes on a PE. *)
Definition hits (op : tlbi) (e : entry) : bool :=
  match op, e with
  | IPAS2E1IS v i, S2 v' i' _ => (v =? v') && (i =? i')
  (* not C12: a combined entry need not be removed by IPA *)
  | VMALLE1IS v, S1 v' _ _ _ => v =? v'
  | VMALLE1IS v, C12 v' _ _ _ => v =? v'
  | VMALLS12E1IS v, S1 v' _ _ _ => v =? v'
  | VMALLS12E1IS v, S2 v' _ _ => v =? v'
  | VMALLS12E1IS v, C12 v' _ _ _ => v =? v'
  | ALLE1IS, S1 _ _ _ _ => true
  | ALLE1IS, S2 _ _ _ => true
  | ALLE1IS, C12 _ _ _ _ => true
  | VAE2IS va, E2 va' _ => va =? va'
  | VAE2IS va, WC2 va' _ => va =? va'   (* every level *)
  | VALE2IS va, E2 va' _ => va =? va'   (* last level only: no WC2 *)
  | ALLE2IS, E2 _ _ => true
  | ALLE2IS, WC2 _ _ => true
  | _, _ => false
  end.

(* Descriptor stores of the kernel PE (STR of a PTE).  [None]: invalid. *)
Inductive store : Type :=
| WS2 (vmid ipa : nat) (d : option nat)  (* stage-2 leaf of (vmid, ipa) *)
| WL1 (va : nat) (d : option nat)        (* EL2 table descriptor of va *)
| WPG (tp va : nat) (d : option nat).    (* EL2 leaf of va inside page tp *)

(* The kernel PE's instructions. *)
Inductive insn : Type :=
| STR (w : store)
| DSB_ISHST
| DSB_ISH
| TLBI (op : tlbi)
| ISB
| FREE (tp : nat).   (* table page handed back to the allocator: from now
                        on its content is whatever the next owner writes *)

Record st : Type := mk {
  s2m : nat -> nat -> option nat;         (* visible stage-2 leaf: vmid, ipa -> pa *)
  s1m : nat -> nat -> nat -> option nat;  (* guest stage 1: vmid, asid, va -> ipa *)
  l1m : nat -> option nat;                (* EL2: va -> table page of its leaf *)
  pgm : nat -> nat -> option nat;         (* EL2 table page tp, va -> pa *)
  wbuf : list store;                      (* kernel stores not yet visible *)
  tlb : nat -> list entry;                (* per PE *)
  pend : nat -> list tlbi;                (* per PE: broadcast TLBIs not yet done there *)
  cur : nat -> nat;                       (* per PE: current VMID (VTTBR_EL2) *)
  pc : nat                                (* kernel PE: index in its program *)
}.

Definition upd1 {A : Type} (f : nat -> A) (k : nat) (v : A) : nat -> A :=
  fun x => if x =? k then v else f x.
Definition upd2 {A : Type} (f : nat -> nat -> A) (k1 k2 : nat) (v : A) : nat -> nat -> A :=
  fun x y => if (x =? k1) && (y =? k2) then v else f x y.

Lemma upd1_eq : forall A (f : nat -> A) k v, upd1 f k v k = v.
Proof. intros. unfold upd1. rewrite Nat.eqb_refl. reflexivity. Qed.
Lemma upd1_neq : forall A (f : nat -> A) k v x, x <> k -> upd1 f k v x = f x.
Proof. intros. unfold upd1. apply Nat.eqb_neq in H. rewrite H. reflexivity. Qed.

Definition with_tlb (s : st) (t : nat -> list entry) : st :=
  mk (s2m s) (s1m s) (l1m s) (pgm s) (wbuf s) t (pend s) (cur s) (pc s).
Definition with_pend (s : st) (p : nat -> list tlbi) : st :=
  mk (s2m s) (s1m s) (l1m s) (pgm s) (wbuf s) (tlb s) p (cur s) (pc s).
Definition with_s1m (s : st) (f : nat -> nat -> nat -> option nat) : st :=
  mk (s2m s) f (l1m s) (pgm s) (wbuf s) (tlb s) (pend s) (cur s) (pc s).
Definition with_cur (s : st) (f : nat -> nat) : st :=
  mk (s2m s) (s1m s) (l1m s) (pgm s) (wbuf s) (tlb s) (pend s) f (pc s).
Definition with_wbuf (s : st) (b : list store) : st :=
  mk (s2m s) (s1m s) (l1m s) (pgm s) b (tlb s) (pend s) (cur s) (pc s).
Definition with_pgm (s : st) (f : nat -> nat -> option nat) : st :=
  mk (s2m s) (s1m s) (l1m s) f (wbuf s) (tlb s) (pend s) (cur s) (pc s).
Definition adv (s : st) : st :=
  mk (s2m s) (s1m s) (l1m s) (pgm s) (wbuf s) (tlb s) (pend s) (cur s) (S (pc s)).

(* A buffered store becomes visible to walkers; [rest]: the buffer without it. *)
Definition commit (s : st) (w : store) (rest : list store) : st :=
  match w with
  | WS2 v i d => mk (upd2 (s2m s) v i d) (s1m s) (l1m s) (pgm s) rest (tlb s) (pend s) (cur s) (pc s)
  | WL1 va d => mk (s2m s) (s1m s) (upd1 (l1m s) va d) (pgm s) rest (tlb s) (pend s) (cur s) (pc s)
  | WPG tp va d => mk (s2m s) (s1m s) (l1m s) (upd2 (pgm s) tp va d) rest (tlb s) (pend s) (cur s) (pc s)
  end.

(* What PE c's MMU may put in its TLB: a walk in its current context
   (VMID cur c; the ASID is the guest's to choose, TTBRx_EL1.ASID, so any),
   reading memory or, for the levels before the last, what its TLB already
   holds (a stage-1 walk translates its IPAs through stage-2 entries; an
   EL2 walk may start from a walk-cache entry). *)
Inductive walk (s : st) (c : nat) : entry -> Prop :=
| w_s2 : forall ipa pa, s2m s (cur s c) ipa = Some pa -> walk s c (S2 (cur s c) ipa pa)
| w_s1 : forall a va ipa, s1m s (cur s c) a va = Some ipa -> walk s c (S1 (cur s c) a va ipa)
| w_c12 : forall a va ipa pa,
    (s1m s (cur s c) a va = Some ipa \/ In (S1 (cur s c) a va ipa) (tlb s c)) ->
    (s2m s (cur s c) ipa = Some pa \/ In (S2 (cur s c) ipa pa) (tlb s c)) ->
    walk s c (C12 (cur s c) a va pa)
| w_wc : forall va tp, l1m s va = Some tp -> walk s c (WC2 va tp)
| w_e2 : forall va tp pa,
    (l1m s va = Some tp \/ In (WC2 va tp) (tlb s c)) -> pgm s tp va = Some pa ->
    walk s c (E2 va pa).

(* One instruction of the kernel PE, N PEs in the Inner Shareable domain. *)
Inductive exec (N : nat) : insn -> st -> st -> Prop :=
| x_str : forall s w, exec N (STR w) s (adv (with_wbuf s (wbuf s ++ [w])))
| x_dsbst : forall s, wbuf s = [] -> exec N DSB_ISHST s (adv s)
| x_dsb : forall s, wbuf s = [] -> (forall c, c < N -> pend s c = []) ->
    exec N DSB_ISH s (adv s)
| x_tlbi : forall s op,
    exec N (TLBI op) s (adv (with_pend s (fun c => if c <? N then pend s c ++ [op] else pend s c)))
| x_isb : forall s, exec N ISB s (adv s)   (* no TLB effect: see the README *)
| x_free : forall s tp g, exec N (FREE tp) s (adv (with_pgm s (upd1 (pgm s) tp g))).

Definition drop_hit (op : tlbi) (l : list entry) : list entry :=
  filter (fun e => negb (hits op e)) l.

(* The whole machine: the kernel runs [prog]; everything else any time. *)
Inductive step (N : nat) (prog : list insn) : st -> st -> Prop :=
| st_walk : forall s c e, c < N -> walk s c e ->
    step N prog s (with_tlb s (upd1 (tlb s) c (e :: tlb s c)))
| st_commit : forall s b1 w b2, wbuf s = b1 ++ w :: b2 ->
    step N prog s (commit s w (b1 ++ b2))
| st_complete : forall s c p1 op p2, pend s c = p1 ++ op :: p2 ->
    step N prog s (with_pend (with_tlb s (upd1 (tlb s) c (drop_hit op (tlb s c))))
                             (upd1 (pend s) c (p1 ++ p2)))
| st_guest : forall s f, step N prog s (with_s1m s f)   (* guests rewrite stage 1 *)
| st_switch : forall s c v, c < N -> step N prog s (with_cur s (upd1 (cur s) c v))
| st_kernel : forall s i s', nth_error prog (pc s) = Some i -> exec N i s s' ->
    step N prog s s'.

Inductive reach (N : nat) (prog : list insn) (s0 : st) : st -> Prop :=
| r_refl : reach N prog s0 s0
| r_step : forall s s', reach N prog s0 s -> step N prog s s' -> reach N prog s0 s'.

Lemma reach_trans : forall N prog s0 s1 s2,
  reach N prog s0 s1 -> reach N prog s1 s2 -> reach N prog s0 s2.
Proof. intros N prog s0 s1 s2 H1 H2. induction H2; eauto using reach. Qed.

(* A start state: nothing buffered, kernel at the first instruction.  TLB
   contents and outstanding TLBIs are constrained by each theorem. *)
Definition start (s : st) : Prop := wbuf s = [] /\ pc s = 0.

(* An entry is doomed on a PE when an outstanding TLBI there removes it. *)
Definition doomed (l : list tlbi) (e : entry) : Prop := exists op, In op l /\ hits op e = true.

(* Lemmas every invariant proof uses. *)
Lemma in_upd1 : forall A (t : nat -> list A) c l d x,
  In x (upd1 t c l d) -> (d = c /\ In x l) \/ (d <> c /\ In x (t d)).
Proof.
  intros. destruct (Nat.eq_dec d c) as [->|Hn].
  - rewrite upd1_eq in H. auto.
  - rewrite upd1_neq in H by auto. auto.
Qed.

Lemma in_drop_hit : forall op l e, In e (drop_hit op l) -> In e l /\ hits op e = false.
Proof.
  unfold drop_hit. intros op l e H. apply filter_In in H. destruct H as [H1 H2].
  split; auto. destruct (hits op e); auto.
Qed.

(* Completing op on a PE keeps every other doomed entry doomed. *)
Lemma doomed_complete : forall p1 op p2 e,
  doomed (p1 ++ op :: p2) e -> hits op e = false -> doomed (p1 ++ p2) e.
Proof.
  intros p1 op p2 e [op' [Hin Hh]] Hf. exists op'. split; auto.
  apply in_app_iff in Hin. apply in_app_iff. destruct Hin as [H|[H|H]]; auto.
  subst. congruence.
Qed.

(* A TLBI issued to every PE c < N dooms what it hits there. *)
Lemma doomed_issue : forall (p : nat -> list tlbi) N op c e,
  c < N -> hits op e = true ->
  doomed ((fun d => if d <? N then p d ++ [op] else p d) c) e.
Proof.
  intros. exists op. apply Nat.ltb_lt in H. cbv beta. rewrite H.
  split; auto. apply in_app_iff. right. left. reflexivity.
Qed.

Lemma doomed_nil : forall e, ~ doomed [] e.
Proof. intros e [op [H _]]. inversion H. Qed.

Lemma in_wbuf_commit : forall (b1 b2 : list store) w x, In x (b1 ++ b2) -> In x (b1 ++ w :: b2).
Proof. intros. apply in_app_iff in H. apply in_app_iff. simpl. tauto. Qed.

Lemma wbuf_nil_no_commit : forall (b1 b2 : list store) w, [] <> b1 ++ w :: b2.
Proof. intros. destruct b1; discriminate. Qed.
