(* ArmMutex.v -- ArmDRF's theorems with the handoff premise ld_chain
   replaced by the OWNER facts of ArmOwner.owner_writes: critical sections
   are ordered (ob) in ticket order, the axiomatic form of mutual
   exclusion, and the protected accesses are SC. *)
From Coq Require Import Relations Arith Lia.
From VRM.arm Require Import Rel Aarch64 ArmFacts Handoff ArmAtomic ArmTickets
  ArmOwner ArmDRF.

Section Mutex.
Context {Ev : Type} (X : candidate Ev).

(* lock_discipline without ld_chain: how the code uses the lock. *)
Record lock_use (D : Ev -> Prop) (cs : Ev -> nat) (n : nat)
    (acq rel : nat -> Ev) : Prop := {
  lu_rel_L : forall i, i < n -> L X (rel i);
  lu_acq_A : forall i, i < n -> A X (acq i);
  lu_acq_rel : forall i, i < n -> po X (acq i) (rel i);
  lu_inside : forall d, D d ->
    cs d < n /\ po X (acq (cs d)) d /\ po X d (rel (cs d));
  lu_same_cs : forall d1 d2, D d1 -> D d2 -> cs d1 = cs d2 -> int X d1 d2;
  lu_cs_po : forall d1 d2, D d1 -> D d2 -> int X d1 d2 -> cs d1 < cs d2 ->
    po X d1 d2
}.

Lemma discipline_of : forall oloc D cs n acq rel, wf X -> internal X ->
  lock_use D cs n acq rel -> owner_writes X oloc n acq rel ->
  lock_discipline X D cs n acq rel.
Proof.
  intros oloc D cs n acq rel Hwf Hint Hu How.
  destruct Hu; constructor; auto.
  intros i Hi. apply (lock_chain X oloc n acq rel Hwf Hint How i Hi).
Qed.

(* Mutual exclusion, ob form: every access of critical section i is
   ob-before every access of a later critical section. *)
Theorem mutex_ob : forall oloc D cs n acq rel d1 d2, wf X -> consistent X ->
  lock_use D cs n acq rel -> owner_writes X oloc n acq rel ->
  D d1 -> D d2 -> cs d1 < cs d2 -> ob X d1 d2.
Proof.
  intros oloc D cs n acq rel d1 d2 Hwf [Hint Hc] Hu How H1 H2 Hlt.
  apply (cs_ob X D cs n acq rel); auto.
  apply (discipline_of oloc); auto.
Qed.

(* DRF-Kernel + No-Barrier-Misuse from the OWNER facts. *)
Theorem drf_sc_owner : forall oloc D cs n acq rel, wf X -> consistent X ->
  lock_use D cs n acq rel -> owner_writes X oloc n acq rel ->
  acyclic (restr D (sc_rel X)).
Proof.
  intros oloc D cs n acq rel Hwf Hc Hu How.
  apply (drf_sc X D cs n acq rel Hwf Hc).
  apply (discipline_of oloc); auto. apply Hc.
Qed.

End Mutex.
