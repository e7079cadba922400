(* Aarch64.v -- the Armv8-A axiomatic memory model (Arm ARM B2.3), as in
   herd7's  herd/libdir/aarch64.cat  (herdtools7 commit 00e32af8; header
   "The ARMv8 Application Level Memory Model ... Copyright (C) 2016, ARM
   Ltd. Author: Will Deacon"), together with the parts of  cos.cat  it
   includes (co, fr) and the fence sets of  aarch64fences.cat.
   Definitions only, in the order of aarch64.cat; proofs are elsewhere.

   Restrictions (as in that cat file): all observers in one inner-shareable
   domain, and DSB treated as the DMB of the same kind.  Not modelled:
   mixed-size accesses (see the lock files for how the 32-bit lock word is
   split into two 16-bit locations), instruction fetch, MMU/TLB/VMSA,
   exceptions, memory tagging, other shareability domains, device memory. *)
From VRM.arm Require Import Rel.

(* Barrier instructions, ISH forms (OSH/SY are equal to ISH in this model). *)
Inductive fence := DMB_ISH | DMB_ISHLD | DMB_ISHST | DSB_ISH | DSB_ISHLD
                 | DSB_ISHST | ISB.

Inductive kind := KR | KW | KF (f : fence).

(* An event's label.  Annotations, as herd's event sets:
   A = acquire (LDAR, LDAXR, the read of LDADDA, CASA ...),
   Q = acquirePC (LDAPR), L = release (STLR, the write of STADDL ...),
   X = exclusive (LDXR/STXR pairs); IW = initial write. *)
Record label := Lab {
  l_kind : kind; l_tid : nat; l_loc : nat; l_val : nat;
  l_A : bool; l_Q : bool; l_L : bool; l_X : bool; l_IW : bool }.

(* A candidate execution: events of type Ev, their labels, and the
   relations herd takes as given (po, rf, co, rmw, and the dependencies). *)
Record candidate (Ev : Type) := Cand {
  lab : Ev -> label;
  po : rel Ev; rf : rel Ev; co : rel Ev; rmw : rel Ev;
  addr : rel Ev; data : rel Ev; ctrl : rel Ev }.
Arguments lab {Ev}. Arguments po {Ev}. Arguments rf {Ev}. Arguments co {Ev}.
Arguments rmw {Ev}. Arguments addr {Ev}. Arguments data {Ev}.
Arguments ctrl {Ev}.

Section Model.
Context {Ev : Type} (X : candidate Ev).

(* Event sets. *)
Definition R e := l_kind (lab X e) = KR.
Definition W e := l_kind (lab X e) = KW.
Definition M e := R e \/ W e.
Definition F e := exists f, l_kind (lab X e) = KF f.
Definition IW e := W e /\ l_IW (lab X e) = true.
Definition A e := R e /\ l_A (lab X e) = true.
Definition Q e := R e /\ l_Q (lab X e) = true.
Definition L e := W e /\ l_L (lab X e) = true.
Definition fence_is (fs : fence -> Prop) e :=
  exists f, l_kind (lab X e) = KF f /\ fs f.
Definition ISB_ e := fence_is (fun f => f = ISB) e.

(* loc: both are memory events on the same location. *)
Definition loc : rel Ev := fun x y =>
  M x /\ M y /\ l_loc (lab X x) = l_loc (lab X y).
(* int: same thread (initial writes belong to no thread); ext: the rest. *)
Definition int : rel Ev := fun x y =>
  l_tid (lab X x) = l_tid (lab X y) /\
  l_IW (lab X x) = false /\ l_IW (lab X y) = false.
Definition ext : rel Ev := fun x y => ~ int x y.
Definition po_loc := inter (po X) loc.

(* cos.cat: fr = rf^-1; co, and the internal/external parts. *)
Definition fr := seq (inv (rf X)) (co X).
Definition rfe := inter (rf X) ext.
Definition rfi := inter (rf X) int.
Definition coe := inter (co X) ext.
Definition coi := inter (co X) int.
Definition fre := inter fr ext.
Definition fri := inter fr int.

(* aarch64.cat with aarch64fences.cat: dmb.full = DMB.ISH | dsb.full, ... *)
Definition dmb_full := fence_is (fun f => f = DMB_ISH \/ f = DSB_ISH).
Definition dmb_ld := fence_is (fun f => f = DMB_ISHLD \/ f = DSB_ISHLD).
Definition dmb_st := fence_is (fun f => f = DMB_ISHST \/ f = DSB_ISHST).

(* Coherence-after *)
Definition ca := union fr (co X).

(* Observed-by *)
Definition obs := union rfe (union fre coe).

(* Dependency-ordered-before *)
Definition dob :=
  union (addr X) (union (data X)
  (union (seq (ctrl X) (brak W))
  (union (seq (union (ctrl X) (seq (addr X) (po X)))
              (seq (brak ISB_) (seq (po X) (brak R))))
  (union (seq (addr X) (seq (po X) (brak W)))
  (union (seq (union (ctrl X) (data X)) coi)
         (seq (union (addr X) (data X)) rfi)))))).

(* Atomic-ordered-before *)
Definition aob := union (rmw X) (seq (rmw X) rfi).

(* Barrier-ordered-before *)
Definition bob :=
  union (seq (po X) (seq (brak dmb_full) (po X)))
  (union (seq (brak L) (seq (po X) (brak A)))
  (union (seq (brak R) (seq (po X) (seq (brak dmb_ld) (po X))))
  (union (seq (brak (fun e => A e \/ Q e)) (po X))
  (union (seq (brak W) (seq (po X) (seq (brak dmb_st) (seq (po X) (brak W)))))
  (union (seq (po X) (brak L))
         (seq (po X) (seq (brak L) coi))))))).

(* Ordered-before: let rec ob = obs | dob | aob | bob | ob; ob *)
Definition ob := tc (union obs (union dob (union aob bob))).

(* Internal visibility requirement *)
Definition internal := acyclic (union po_loc (union ca (rf X))).

(* External visibility requirement *)
Definition external := irreflexive ob.

(* Atomic: no write of another thread between the two halves of an rmw *)
Definition atomic := empty (inter (rmw X) (seq fre coe)).

Definition consistent := internal /\ external /\ atomic.

(* Well-formedness of a candidate execution (what herd builds by
   construction): po is a strict total order on each thread's events and
   relates nothing else; rf maps each read to one write of the same
   location and value; co is a strict total order on the writes to each
   location, with the initial write first; rmw links a read to a po-later
   write of the same location; dependencies start at reads and follow po. *)
Record wf := {
  wf_po_int : forall x y, po X x y -> int x y;
  wf_po_trans : forall x y z, po X x y -> po X y z -> po X x z;
  wf_po_irr : forall x, ~ po X x x;
  wf_po_total : forall x y, int x y -> x <> y -> po X x y \/ po X y x;
  wf_rf : forall x y, rf X x y ->
    W x /\ R y /\ l_loc (lab X x) = l_loc (lab X y) /\
    l_val (lab X x) = l_val (lab X y);
  wf_rf_func : forall x x' y, rf X x y -> rf X x' y -> x = x';
  wf_rf_total : forall y, R y -> exists x, rf X x y;
  wf_co : forall x y, co X x y -> W x /\ W y /\ loc x y;
  wf_co_trans : forall x y z, co X x y -> co X y z -> co X x z;
  wf_co_irr : forall x, ~ co X x x;
  wf_co_total : forall x y, W x -> W y -> loc x y -> x <> y ->
    co X x y \/ co X y x;
  wf_co_init : forall x y, IW x -> W y -> ~ IW y -> loc x y -> co X x y;
  wf_rmw : forall x y, rmw X x y -> R x /\ W y /\ loc x y /\ po X x y;
  wf_deps : forall x y, union (addr X) (union (data X) (ctrl X)) x y ->
    R x /\ po X x y
}.

End Model.
