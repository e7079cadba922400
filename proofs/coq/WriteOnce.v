(* WriteOnce.v -- Write-Once-Kernel-Mapping for the kernel's own (EL2
   stage-1) page table in lib/pgtable's "write-once" mode.

   A table level is a function from entry index to entry.  Operations on a
   write-once (kernel) table, as the C implements them:
     map start n pa attrs : check that all n entries from start are invalid,
                            then write entry start+k := Valid (pa+k) attrs;
                            if any entry is already valid: -EEXIST, no change
     unmap / remap / set_prot : refused with -EPERM, no change
   Theorem [write_once]: along every sequence of operations, an entry that
   is valid stays valid with the same output address and attributes. *)

Require Import Arith Bool Lia List.
Import ListNotations.

Inductive entry : Type :=
| Invalid
| Valid (pa attrs : nat).

Definition table := nat -> entry.

Inductive op : Type :=
| Map (start n pa attrs : nat)
| Unmap (start n : nat)
| Remap (start n pa attrs : nat)
| SetProt (start n attrs : nat).

Inductive result : Type := Ok | EEXIST | EPERM.

Definition is_invalid (e : entry) : bool :=
  match e with Invalid => true | Valid _ _ => false end.

Definition in_range (start n i : nat) : bool := (start <=? i) && (i <? start + n).

(* check the whole range first *)
Definition range_free (t : table) (start n : nat) : bool :=
  forallb (fun i => is_invalid (t i)) (seq start n).

Definition kernel_apply (t : table) (o : op) : table * result :=
  match o with
  | Map start n pa attrs =>
      if range_free t start n
      then ((fun i => if in_range start n i then Valid (pa + (i - start)) attrs else t i), Ok)
      else (t, EEXIST)
  | Unmap _ _ | Remap _ _ _ _ | SetProt _ _ _ => (t, EPERM)
  end.

Fixpoint run (t : table) (ops : list op) : table :=
  match ops with
  | [] => t
  | o :: ops => run (fst (kernel_apply t o)) ops
  end.

Lemma range_free_spec : forall t start n i,
  range_free t start n = true -> in_range start n i = true -> t i = Invalid.
Proof.
  intros t start n i H Hr. unfold range_free in H. rewrite forallb_forall in H.
  unfold in_range in Hr. apply andb_true_iff in Hr as [H1 H2].
  apply Nat.leb_le in H1. apply Nat.ltb_lt in H2.
  assert (In i (seq start n)) as Hin by (apply in_seq; lia).
  specialize (H i Hin). destruct (t i); simpl in H; congruence.
Qed.

(* One operation never changes a valid entry. *)
Lemma step_preserves_valid : forall t o i pa a,
  t i = Valid pa a -> fst (kernel_apply t o) i = Valid pa a.
Proof.
  intros t o i pa a Hv. destruct o as [start n pa' a'| | |]; simpl; auto.
  destruct (range_free t start n) eqn:Hf; simpl; auto.
  destruct (in_range start n i) eqn:Hr; auto.
  rewrite (range_free_spec t start n i Hf Hr) in Hv. discriminate.
Qed.

(* Main theorem: once valid, an entry never changes, whatever the sequence. *)
Theorem write_once : forall ops t i pa a,
  t i = Valid pa a -> run t ops i = Valid pa a.
Proof.
  induction ops as [|o ops IH]; simpl; intros t i pa a Hv; auto.
  apply IH. apply step_preserves_valid; auto.
Qed.

(* Every prefix of the sequence too: if entry i is valid after ops1, it has
   the same value after ops1 ++ ops2. *)
Theorem write_once_prefix : forall ops1 ops2 t i pa a,
  run t ops1 i = Valid pa a -> run t (ops1 ++ ops2) i = Valid pa a.
Proof.
  induction ops1 as [|o ops1 IH]; simpl; intros ops2 t i pa a H.
  - apply write_once; auto.
  - apply IH; auto.
Qed.

(* A failed operation changes nothing. *)
Theorem failure_no_change : forall t o,
  snd (kernel_apply t o) <> Ok -> fst (kernel_apply t o) = t.
Proof.
  intros t o H. destruct o as [start n pa a| | |]; simpl in *; auto.
  destruct (range_free t start n); simpl in *; congruence.
Qed.

(* Only Map can succeed, and a successful map wrote only invalid entries. *)
Theorem only_invalid_written : forall t o i,
  fst (kernel_apply t o) i <> t i -> t i = Invalid.
Proof.
  intros t o i H. destruct (t i) eqn:E; auto.
  exfalso. apply H. apply step_preserves_valid; auto.
Qed.

(* Non-vacuity: map really makes an invalid entry valid (so "valid" entries
   exist), and a later remap / unmap / second map of it is refused. *)
Theorem map_then_refused :
  let t0 : table := fun _ => Invalid in
  let t1 := fst (kernel_apply t0 (Map 4 2 100 3)) in
  t1 5 = Valid 101 3 /\
  snd (kernel_apply t1 (Map 5 1 200 3)) = EEXIST /\
  snd (kernel_apply t1 (Remap 5 1 200 3)) = EPERM /\
  snd (kernel_apply t1 (Unmap 5 1)) = EPERM /\
  run t1 [Unmap 4 2; Map 0 8 300 0; Remap 5 1 200 3; SetProt 5 1 7] 5 = Valid 101 3.
Proof. repeat split; reflexivity. Qed.
