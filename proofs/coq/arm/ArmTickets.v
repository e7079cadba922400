(* ArmTickets.v -- distinct tickets in the Arm model, for any well-formed
   consistent candidate and any number of CPUs: the Arm counterpart of
   Ticket.tickets_distinct.

   Premises (record ticket_writes, about the NEXT location): the initial
   write of NEXT is the only one and has value 0, and every other write of
   NEXT is the write of an rmw that adds 1 to the value it read (LDADDA
   of 1 << 16, the LDAXR/STXR pair, a successful CASA).  Then each value
   is written to NEXT at most once, and two ticket RMWs that read the same
   ticket are the same RMW (same write). *)
From VRM.arm Require Import Rel Aarch64 ArmFacts Handoff ArmAtomic.

Section Tickets.
Context {Ev : Type} (X : candidate Ev)
        (eqd : forall x y : Ev, {x = y} + {x <> y}) (nloc : nat).

Definition on_loc e := M X e /\ l_loc (lab X e) = nloc.
Definition val e := l_val (lab X e).

Record ticket_writes : Prop := {
  tw_init : forall w, IW X w -> on_loc w -> val w = 0;
  tw_init_unique : forall w1 w2, IW X w1 -> IW X w2 -> on_loc w1 ->
    on_loc w2 -> w1 = w2;
  tw_rmw : forall w, W X w -> on_loc w -> ~ IW X w ->
    exists r, rmw X r w /\ val w = S (val r)
}.

Lemma IW_dec : forall w, W X w -> IW X w \/ ~ IW X w.
Proof.
  intros w HW; unfold IW. destruct (l_IW (lab X w)); [left|right]; intuition
    discriminate.
Qed.

(* The write a NEXT rmw read reads from is a NEXT write with its value. *)
Lemma source_on_loc : forall r w, wf X -> rmw X r w -> on_loc w ->
  exists u, rf X u r /\ W X u /\ on_loc u /\ val u = val r.
Proof.
  intros r w Hwf Hm [_ Hl].
  destruct (wf_rmw _ Hwf _ _ Hm) as [HR [_ [[_ [_ Hlrw]] _]]].
  destruct (wf_rf_total _ Hwf r HR) as [u Hu].
  destruct (wf_rf _ Hwf _ _ Hu) as [HW [_ [Hlu Hv]]].
  exists u; repeat split; auto; [right; exact HW|congruence].
Qed.

Theorem next_values_unique : wf X -> consistent X -> rmw_adjacent X ->
  ticket_writes -> forall v w1 w2, W X w1 -> W X w2 -> on_loc w1 ->
  on_loc w2 -> val w1 = v -> val w2 = v -> w1 = w2.
Proof.
  intros Hwf Hc Hadj Htw v. induction v as [|v IH];
    intros w1 w2 HW1 HW2 Hl1 Hl2 Hv1 Hv2.
  - destruct (IW_dec w1 HW1) as [I1|N1].
    + destruct (IW_dec w2 HW2) as [I2|N2].
      * apply (tw_init_unique Htw); auto.
      * destruct (tw_rmw Htw w2 HW2 Hl2 N2) as [r [_ E]]. congruence.
    + destruct (tw_rmw Htw w1 HW1 Hl1 N1) as [r [_ E]]. congruence.
  - assert (N1 : ~ IW X w1) by (intros I; rewrite (tw_init Htw w1 I Hl1) in Hv1;
      discriminate).
    assert (N2 : ~ IW X w2) by (intros I; rewrite (tw_init Htw w2 I Hl2) in Hv2;
      discriminate).
    destruct (tw_rmw Htw w1 HW1 Hl1 N1) as [r1 [Hm1 E1]].
    destruct (tw_rmw Htw w2 HW2 Hl2 N2) as [r2 [Hm2 E2]].
    destruct (source_on_loc r1 w1 Hwf Hm1 Hl1) as [u1 [Hu1 [HWu1 [Hlu1 Hvu1]]]].
    destruct (source_on_loc r2 w2 Hwf Hm2 Hl2) as [u2 [Hu2 [HWu2 [Hlu2 Hvu2]]]].
    assert (U : u1 = u2) by (apply IH; auto; congruence).
    subst u2. destruct (eqd w1 w2) as [E|E]; auto.
    destruct (rmw_exclusive_source X u1 r1 w1 r2 w2 Hwf Hc Hadj Hm1 Hm2 Hu1 Hu2 E).
Qed.

(* Distinct tickets: two NEXT rmws that read the same value (the same
   ticket) are the same rmw write. *)
Theorem tickets_distinct_arm : wf X -> consistent X -> rmw_adjacent X ->
  ticket_writes -> forall r1 w1 r2 w2, rmw X r1 w1 -> rmw X r2 w2 ->
  on_loc w1 -> on_loc w2 -> val r1 = val r2 -> w1 = w2.
Proof.
  intros Hwf Hc Hadj Htw r1 w1 r2 w2 Hm1 Hm2 Hl1 Hl2 Hv.
  destruct (source_on_loc r1 w1 Hwf Hm1 Hl1) as [u1 [Hu1 [HWu1 [Hlu1 Hvu1]]]].
  destruct (source_on_loc r2 w2 Hwf Hm2 Hl2) as [u2 [Hu2 [HWu2 [Hlu2 Hvu2]]]].
  assert (U : u1 = u2)
    by (apply (next_values_unique Hwf Hc Hadj Htw (val r1)); auto; congruence).
  subst u2. destruct (eqd w1 w2) as [E|E]; auto.
  destruct (rmw_exclusive_source X u1 r1 w1 r2 w2 Hwf Hc Hadj Hm1 Hm2 Hu1 Hu2 E).
Qed.

End Tickets.
