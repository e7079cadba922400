(* Tear.v -- the concrete executions of TwinsC / TwinsU do not tear a
   32-bit access.  The model splits the lock word into its OWNER and NEXT
   halves (LockEvents.v), so in general it allows a 32-bit read to see one
   half of a 32-bit write but not the other, which single-copy atomicity
   (Arm ARM B2.2) forbids.  [no_tear] is that rule for these executions:
   for every 32-bit read (pair of reads of one instruction) and every
   32-bit write (pair of writes of one instruction), the read sees the
   write's OWNER half (reads it or a co-later write) iff it sees its NEXT
   half.  Proven for every execution the twin theorems use, so their stale
   reads are not an artefact of the split. *)
From Coq Require Import List Bool Arith.
Import ListNotations.
From VRM.arm Require Import Rel Aarch64 TicketInsns LockEvents Scenario
  TwinsC TwinsU.

Definition no_tear {Ev} (X : candidate Ev) (pair32 : rel Ev) : Prop :=
  forall ro rn vo vn wo wn, pair32 ro rn -> R X ro -> pair32 vo vn -> W X vo ->
    rf X wo ro -> rf X wn rn ->
    ((vo = wo \/ co X vo wo) <-> (vn = wn \/ co X vn wn)).

Section Pair.
Context {Ev : Type} (pos : Ev -> option (nat * nat)) (iloc : Ev -> nat)
        (P : nat -> list op) (vals : Ev -> nat) (rf_src : Ev -> option Ev)
        (cord : Ev -> nat) (evs : list Ev) (evs_all : forall e, In e evs)
        (eqd : forall x y : Ev, {x = y} + {x <> y}).

(* x (OWNER) and y (NEXT): two events of the same kind made by one
   instruction. *)
Definition pair32_b (x y : Ev) : bool :=
  match pos x, pos y with
  | Some (t, i), Some (t', i') =>
      (t =? t') &&
      match nth_error (tevents (P t)) i, nth_error (tevents (P t')) i' with
      | Some (j, sx), Some (j', sy) =>
          (j =? j') && (s_loc sx =? OWNER) && (s_loc sy =? NEXT) &&
          (isR (s_kind sx) && isR (s_kind sy) ||
           isW (s_kind sx) && isW (s_kind sy))
      | _, _ => false
      end
  | _, _ => false
  end.

Local Notation X := (build pos iloc P vals rf_src cord).

Definition coeq_b v w := beq eqd v w || cob pos iloc P vals cord v w.

Lemma coeq_ok : forall v w, coeq_b v w = true <-> (v = w \/ co X v w).
Proof.
  intros v w; unfold coeq_b, beq, cob; simpl.
  destruct (eqd v w); simpl; intuition discriminate.
Qed.

Lemma no_tear_by_bool :
  all2 evs (fun ro rn => if pair32_b ro rn && bR pos iloc P vals ro then
    all2 evs (fun vo vn => implb (pair32_b vo vn && bW pos iloc P vals vo)
      (match rf_src ro, rf_src rn with
       | Some wo, Some wn => Bool.eqb (coeq_b vo wo) (coeq_b vn wn)
       | _, _ => true end)) else true) = true ->
  no_tear X (fun x y => pair32_b x y = true).
Proof.
  intros H ro rn vo vn wo wn Hr HR Hv HW Hwo Hwn.
  pose proof (all2_ok _ evs_all _ H ro rn) as G. cbv beta in G.
  rewrite Hr, (R_b _ _ _ _ _ _ _ HR) in G. simpl in G.
  pose proof (all2_ok _ evs_all _ G vo vn) as G'. cbv beta in G'.
  rewrite Hv, (W_b _ _ _ _ _ _ _ HW) in G'. simpl in Hwo, Hwn.
  rewrite Hwo, Hwn in G'. simpl in G'. apply Bool.eqb_prop in G'.
  rewrite <- !coeq_ok, G'. reflexivity.
Qed.

End Pair.

Ltac no_tear_c := apply (no_tear_by_bool _ _ _ _ _ _ all_ev all_ev_ok ev_eq);
  vm_compute; reflexivity.
Ltac no_tear_u := apply (no_tear_by_bool _ _ _ _ _ _ all_evu all_evu_ok evu_eq);
  vm_compute; reflexivity.

Definition pairC (lk ul : list xinsn) :=
  fun x y => pair32_b pos (progs lk ul) x y = true.
Definition pairU (lk ul : list xinsn) :=
  fun x y => pair32_b posu (progsu lk ul) x y = true.

Theorem twins_no_tear :
  no_tear XC_ldrh (pairC (twin LDAXRH (Ship LDRH) lse_lock) (ship lse_unlock)) /\
  no_tear XC_staddh (pairC (ship lse_lock) (twin STADDLH STADDH lse_unlock)) /\
  no_tear XC_strh (pairC (ship llsc_lock) (twin STLRH STRH llsc_unlock)) /\
  no_tear XU_ldadd (pairU (twin LDADDA LDADD lse_lock) (ship lse_unlock)) /\
  no_tear XC_lse (pairC (ship lse_lock) (ship lse_unlock)) /\
  no_tear XC_llsc (pairC (ship llsc_lock) (ship llsc_unlock)) /\
  no_tear XU_lse (pairU (ship lse_lock) (ship lse_unlock)).
Proof.
  unfold XC_ldrh, XC_staddh, XC_strh, XC_lse, XC_llsc, XU_ldadd, XU_lse,
    exC, exU, pairC, pairU.
  repeat apply conj; first [no_tear_c | no_tear_u].
Qed.
