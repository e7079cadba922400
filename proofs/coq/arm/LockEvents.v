(* LockEvents.v -- the events that the ticket lock's instructions generate
   in the model of Aarch64.v, built from the shipped sequences of
   TicketInsns.v, and the "broken twin" instructions used for contrast.

   The 32-bit lock word is two locations in this model: OWNER (bits [15:0],
   the 16-bit half at offset 0) and NEXT (bits [31:16], offset 2).  A 32-bit
   access is a pair of events, one per half; a 32-bit RMW (LDADDA, CASA, the
   LDAXR/STXR pair) writes both halves, rewriting OWNER with the value it
   read.  That the two halves of one 32-bit access are single-copy atomic
   together is not a fact of this model: Tear.v checks it (no_tear) for
   the concrete executions; for ArmDRF's theorems it is part of what the
   premise ld_chain assumes, and the theorems about generated executions
   (LockProgram.v, ArmMutexGen.v) need no such fact (see proofs/README.md). *)
From Coq Require Import List Bool Arith.
Import ListNotations.
From VRM.arm Require Import Rel Aarch64 TicketInsns.

(* Shipped instructions, plus the weakened forms used by the broken twins
   (not in the shipped code). *)
Inductive xinsn := Ship (i : insn) | LDADD | STADDH | STRH.

Definition OWNER := 0.
Definition NEXT := 1.

(* One event an instruction generates: kind, location, A, L, X. *)
Record shape := Sh { s_kind : kind; s_loc : nat; s_A : bool; s_L : bool;
                     s_X : bool }.
Definition rd l a x := Sh KR l a false x.
Definition wr l r x := Sh KW l false r x.

(* Events of one instruction, in program order.  Only the successful case
   of STXR (a write; a failed STXR writes nothing) and of CASA (32-bit
   write of next+1, rewriting owner) is listed: the proofs choose when a
   loop iteration fails. *)
Definition denote (i : xinsn) : list shape :=
  match i with
  | Ship LDR => [rd OWNER false false; rd NEXT false false]
  | Ship LDRH => [rd OWNER false false]
  | Ship LDAXR => [rd OWNER true true; rd NEXT true true]
  | Ship LDAXRH => [rd OWNER true true]
  | Ship STXR => [wr OWNER false true; wr NEXT false true]
  | Ship STLRH => [wr OWNER true false]
  | Ship LDADDA | Ship CASA =>
      [rd OWNER true false; rd NEXT true false;
       wr OWNER false false; wr NEXT false false]
  | Ship STADDLH => [rd OWNER false false; wr OWNER true false]
  | LDADD => [rd OWNER false false; rd NEXT false false;
              wr OWNER false false; wr NEXT false false]
  | STADDH => [rd OWNER false false; wr OWNER false false]
  | STRH => [wr OWNER false false]
  end.

(* Atomic instructions: their read and write events form an rmw pair. *)
Definition is_amo (i : xinsn) : bool :=
  match i with
  | Ship LDADDA | Ship CASA | Ship STADDLH | LDADD | STADDH => true
  | _ => false
  end.

(* i2, right after i1, stores a value computed from what i1 loaded
   (register data dependency): STXR of wT + (1<<16) after LDAXR wT;
   STLRH/STRH of wX + 1 after LDRH wX. *)
Definition feeds (i1 i2 : xinsn) : bool :=
  match i1, i2 with
  | Ship LDAXR, Ship STXR | Ship LDRH, Ship STLRH | Ship LDRH, STRH => true
  | _, _ => false
  end.

(* A thread's program: lock-word instructions and critical-section
   accesses (plain 32-bit loads/stores to a data location). *)
Inductive op := Ins (i : xinsn) | Acc (k : kind) (l : nat).

Definition op_insn (o : op) : option xinsn :=
  match o with Ins i => Some i | Acc _ _ => None end.

Definition op_shapes (o : op) : list shape :=
  match o with
  | Ins i => denote i
  | Acc k l => [Sh k l false false false]
  end.

(* The thread's events, each with the index of the op that made it. *)
Fixpoint tevents_from (j : nat) (p : list op) : list (nat * shape) :=
  match p with
  | [] => []
  | o :: p' => map (fun s => (j, s)) (op_shapes o) ++ tevents_from (S j) p'
  end.
Definition tevents (p : list op) := tevents_from 0 p.

(* One call of a lock function: the instructions up to the polling loop,
   then the polling load (the last instruction of the sequence) [polls]
   times; polls = 0 is the uncontended path. *)
Definition call (s : list xinsn) (polls : nat) : list op :=
  map Ins (removelast s) ++ repeat (Ins (last s (Ship LDAXRH))) polls.
Definition call_all (s : list xinsn) : list op := map Ins s.

(* Shipped sequences as xinsn lists, and the twins: replace one shipped
   instruction [a] by [b] everywhere in the sequence. *)
Definition ship (s : list insn) : list xinsn := map Ship s.

Definition insn_eqb (a b : insn) : bool :=
  match a, b with
  | LDR, LDR | LDRH, LDRH | LDAXR, LDAXR | LDAXRH, LDAXRH | STXR, STXR
  | STLRH, STLRH | LDADDA, LDADDA | STADDLH, STADDLH | CASA, CASA => true
  | _, _ => false
  end.

Definition twin (a : insn) (b : xinsn) (s : list insn) : list xinsn :=
  map (fun i => if insn_eqb i a then b else Ship i) s.

(* The annotations ArmDRF.lock_discipline asks for come from the shipped
   instructions: every read of a shipped lock sequence is an acquire
   (LDADDA, LDAXR, LDAXRH), and so are the reads of the trylocks' CASA
   and LDAXR; every write of a shipped unlock sequence is a release
   (STADDLH, STLRH).  (Each twin breaks one of these.) *)
Theorem lock_reads_acquire : forall i s,
  In i (lse_lock ++ llsc_lock ++ [CASA; LDAXR]) -> In s (denote (Ship i)) ->
  s_kind s = KR -> s_A s = true.
Proof.
  intros i s Hi Hs Hk. simpl in Hi.
  repeat destruct Hi as [<-|Hi]; try destruct Hi; simpl in Hs;
    repeat destruct Hs as [<-|Hs]; try destruct Hs; simpl in *;
    first [reflexivity | discriminate].
Qed.

Theorem unlock_writes_release : forall i s,
  In i (lse_unlock ++ llsc_unlock) -> In s (denote (Ship i)) ->
  s_kind s = KW -> s_L s = true.
Proof.
  intros i s Hi Hs Hk. simpl in Hi.
  repeat destruct Hi as [<-|Hi]; try destruct Hi; simpl in Hs;
    repeat destruct Hs as [<-|Hs]; try destruct Hs; simpl in *;
    first [reflexivity | discriminate].
Qed.
