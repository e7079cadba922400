(* LockProgram.v -- what it means for a candidate execution to be generated
   by CPUs running the ticket lock: each CPU runs any number of holdings,
   one after another; a holding is one vrm_ticket_lock call (the shipped
   lse_lock / llsc_lock sequence of TicketInsns.v, with any number of
   polling reads), a critical section of plain accesses to other
   locations, and one vrm_ticket_unlock call (lse_unlock / llsc_unlock).
   Any event type, any number of CPUs and holdings (holdings are indexed
   by any type C).  A holding may also be entered by a successful
   vrm_ticket_trylock (lse_trylock / llsc_trylock): its LDR, then its
   CASA or LDAXR+STXR in the place of the ticket RMW, with no polls; its
   success condition (owner = next) is g_val_exit below.  A failed
   trylock, like a failed LL/SC iteration, only reads the lock word: its
   reads are other events, which the record allows.

   Both flavours give a holding the same event skeleton (LockEvents.denote):
     rO rN wO wN   the 32-bit ticket RMW: LDADDA (LSE), or LDAXR + STXR
                   (LL/SC, the successful iteration): reads of OWNER and
                   NEXT, then writes of OWNER and NEXT;
     polls         the LDAXRH polling reads of OWNER (none: uncontended);
     uR uW         the unlock: STADDLH's read and write of OWNER (LSE, an
                   rmw pair), or LDRH then STLRH (LL/SC, not an rmw).
   The record [generated] ties these events to the shipped lists (their
   shapes are exactly flat_map op_shapes (call ...)), places them in
   program order with nothing of the same CPU in between, and gives them
   the values the instructions compute.

   No premise about mixed-size single-copy atomicity is needed by the
   theorems of this file: they use only the per-location rmw pairs
   (OWNER half, NEXT half) and the axioms of Aarch64.v.

   Proven here, for every generated, well-formed, consistent execution:
   - gen_rmw_adjacent, gen_ticket_writes: the premises rmw_adjacent and
     ticket_writes of ArmAtomic / ArmTickets;
   - gen_tickets_distinct: two holdings with the same ticket have the
     same ticket RMW;
   - gen_next_co: NEXT values strictly increase along co;
   - gen_ticket_po: a CPU's later holding has a larger ticket. *)
From Coq Require Import List Arith Lia Wellfounded.
Import ListNotations.
From VRM.arm Require Import Rel Aarch64 ArmFacts TicketInsns LockEvents
  Handoff ArmAtomic ArmTickets.

Inductive flavour := FLSE | FLLSC.
Definition lock_seq f := match f with FLSE => lse_lock | FLLSC => llsc_lock end.
Definition unlock_seq f :=
  match f with FLSE => lse_unlock | FLLSC => llsc_unlock end.
Definition trylock_seq f :=
  match f with FLSE => lse_trylock | FLLSC => llsc_trylock end.
(* STADDLH is one atomic instruction (an rmw pair); LDRH/STLRH is not. *)
Definition amo_unlock f := match f with FLSE => true | FLLSC => false end.
(* LL/SC accesses of the ticket RMW are exclusive (X), LDADDA's are not. *)
Definition xf f := match f with FLSE => false | FLLSC => true end.

Section Program.
Context {Ev : Type} (X : candidate Ev)
        (eqd : forall x y : Ev, {x = y} + {x <> y}).

Definition shape_of (e : Ev) : shape :=
  let l := lab X e in Sh (l_kind l) (l_loc l) (l_A l) (l_L l) (l_X l).

(* y is po-after x with no event of the same CPU in between. *)
Definition imm (x y : Ev) := po X x y /\ forall z, po X x z -> po X z y -> False.

Fixpoint po_chain (l : list Ev) : Prop :=
  match l with
  | x :: ((y :: _) as l') => imm x y /\ po_chain l'
  | _ => True
  end.

Record holding := Hold { h_rO : Ev; h_rN : Ev; h_wO : Ev; h_wN : Ev;
  h_polls : list Ev; h_uR : Ev; h_uW : Ev }.

Definition lock_evs h := [h_rO h; h_rN h; h_wO h; h_wN h] ++ h_polls h.
(* The read the lock call exits on: the last poll, or (uncontended) the
   RMW's read of OWNER. *)
Definition exit_rd h := last (h_polls h) (h_rO h).
(* The last event of the lock call. *)
Definition lock_end h := last (h_polls h) (h_wN h).
(* The ticket: the value of NEXT the ticket RMW read. *)
Definition ticket h := val X (h_rN h).
Definition lock_word l := l = OWNER \/ l = NEXT.

Record generated (f : flavour) (C : Type) (hd : C -> holding)
    (D : Ev -> Prop) (cs : Ev -> C) : Prop := {
  (* the events are those of the shipped instructions, in order: the
     lock call, or a successful trylock (its LDR's two reads p1 p2, then
     the CASA / LDAXR+STXR as rO rN wO wN, no polls) *)
  g_lock_shapes : forall c, map shape_of (lock_evs (hd c)) =
    flat_map op_shapes (call (ship (lock_seq f)) (length (h_polls (hd c)))) \/
    (h_polls (hd c) = [] /\ exists p1 p2,
      map shape_of (p1 :: p2 :: lock_evs (hd c)) =
        flat_map op_shapes (call_all (ship (trylock_seq f))) /\
      po_chain (p1 :: p2 :: lock_evs (hd c)));
  g_unlock_shapes : forall c, map shape_of [h_uR (hd c); h_uW (hd c)] =
    flat_map op_shapes (call_all (ship (unlock_seq f)));
  (* program order: nothing of the same CPU between consecutive events of
     one instruction sequence; the unlock comes after the lock call *)
  g_lock_po : forall c, po_chain (lock_evs (hd c));
  g_unlock_po : forall c, imm (h_uR (hd c)) (h_uW (hd c));
  g_end_po : forall c, po X (lock_end (hd c)) (h_uR (hd c));
  (* values the instructions compute: the 32-bit RMW writes back OWNER
     and NEXT + 1; the loop exits on a read of OWNER equal to the ticket
     and goes on polling after any other value; unlock writes the OWNER
     value it read, plus 1.  For a trylock, g_val_exit is the compare
     of its CASA / LDAXR: OWNER read = NEXT read *)
  g_val_wO : forall c, val X (h_wO (hd c)) = val X (h_rO (hd c));
  g_val_wN : forall c, val X (h_wN (hd c)) = S (val X (h_rN (hd c)));
  g_val_exit : forall c, val X (exit_rd (hd c)) = ticket (hd c);
  g_val_wait : forall c e, In e (removelast (h_rO (hd c) :: h_polls (hd c))) ->
    val X e <> ticket (hd c);
  g_val_uW : forall c, val X (h_uW (hd c)) = S (val X (h_uR (hd c)));
  (* rmw pairs: the halves of the ticket RMW, and STADDLH; nothing else *)
  g_rmw_in : forall c, rmw X (h_rO (hd c)) (h_wO (hd c)) /\
    rmw X (h_rN (hd c)) (h_wN (hd c)) /\
    (amo_unlock f = true -> rmw X (h_uR (hd c)) (h_uW (hd c)));
  g_rmw_only : forall r w, rmw X r w -> exists c,
    (r = h_rO (hd c) /\ w = h_wO (hd c)) \/ (r = h_rN (hd c) /\ w = h_wN (hd c)) \/
    (amo_unlock f = true /\ r = h_uR (hd c) /\ w = h_uW (hd c));
  (* the only writes to the lock word: initial ones (value 0, one per
     half) and those of the lock and unlock calls *)
  g_writes : forall w, W X w -> lock_word (l_loc (lab X w)) -> IW X w \/
    exists c, w = h_wO (hd c) \/ w = h_wN (hd c) \/ w = h_uW (hd c);
  g_init : forall w, IW X w -> lock_word (l_loc (lab X w)) -> val X w = 0;
  g_init_unique : forall w1 w2, IW X w1 -> IW X w2 ->
    l_loc (lab X w1) = l_loc (lab X w2) -> w1 = w2;
  (* critical sections: accesses to other locations, inside a holding *)
  g_cs : forall d, D d -> M X d /\ ~ lock_word (l_loc (lab X d)) /\
    po X (lock_end (hd (cs d))) d /\ po X d (h_uR (hd (cs d)));
  (* one CPU runs its holdings one after another *)
  g_seq : forall c1 c2, int X (h_rO (hd c1)) (h_rO (hd c2)) -> c1 <> c2 ->
    po X (h_uW (hd c1)) (h_rO (hd c2)) \/ po X (h_uW (hd c2)) (h_rO (hd c1));
  (* distinct holdings are distinct calls (distinct events) *)
  g_disjoint : forall c1 c2, h_wN (hd c1) = h_wN (hd c2) \/
    h_uW (hd c1) = h_uW (hd c2) -> c1 = c2;
  (* co has no infinite descending chain (any finite execution) *)
  g_co_wf : well_founded (fun a b => co X a b)
}.

Section Gen.
Context (f : flavour) (C : Type) (hd : C -> holding) (D : Ev -> Prop)
        (cs : Ev -> C) (G : generated f C hd D cs).

Lemma cons_eq : forall {T} (x y : T) l l', x :: l = y :: l' -> x = y /\ l = l'.
Proof. intros T x y l l' H; split; congruence. Qed.

Lemma polls_shape : forall l, map shape_of l =
  flat_map op_shapes (repeat (Ins (Ship LDAXRH)) (length l)) ->
  forall e, In e l -> shape_of e = rd OWNER true true.
Proof.
  induction l as [|a l IH]; cbn [map length repeat flat_map op_shapes denote app];
    intros H e He; [destruct He|].
  apply cons_eq in H as [H1 H2]. destruct He as [<-|He]; auto.
Qed.

(* The shapes of a holding's events, from the shipped lists. *)
Lemma hold_shapes : forall c, let h := hd c in
  shape_of (h_rO h) = rd OWNER true (xf f) /\
  shape_of (h_rN h) = rd NEXT true (xf f) /\
  shape_of (h_wO h) = wr OWNER false (xf f) /\
  shape_of (h_wN h) = wr NEXT false (xf f) /\
  (forall e, In e (h_polls h) -> shape_of e = rd OWNER true true) /\
  shape_of (h_uR h) = rd OWNER false false /\
  shape_of (h_uW h) = wr OWNER true false.
Proof.
  intros c; cbv zeta. pose proof (g_lock_shapes _ _ _ _ _ G c) as H1.
  pose proof (g_unlock_shapes _ _ _ _ _ G c) as H2.
  assert (U : shape_of (h_uR (hd c)) = rd OWNER false false /\
              shape_of (h_uW (hd c)) = wr OWNER true false).
  { destruct f; cbn [map flat_map call_all ship unlock_seq lse_unlock
      llsc_unlock op_shapes denote app] in H2;
      apply cons_eq in H2 as [F1 H2]; apply cons_eq in H2 as [F2 _]; auto. }
  destruct U as [F1 F2].
  destruct H1 as [H1|[Hp [p1 [p2 [H1 _]]]]].
  - destruct f; cbn [lock_evs map app flat_map call ship lock_seq lse_lock
      llsc_lock removelast last op_shapes denote] in H1;
      apply cons_eq in H1 as [E1 H1]; apply cons_eq in H1 as [E2 H1];
      apply cons_eq in H1 as [E3 H1]; apply cons_eq in H1 as [E4 E5];
      repeat split; auto; apply polls_shape; exact E5.
  - unfold lock_evs in H1. rewrite Hp in H1.
    destruct f; cbn [map app flat_map call_all ship trylock_seq lse_trylock
      llsc_trylock op_shapes denote] in H1;
      apply cons_eq in H1 as [_ H1]; apply cons_eq in H1 as [_ H1];
      apply cons_eq in H1 as [E1 H1]; apply cons_eq in H1 as [E2 H1];
      apply cons_eq in H1 as [E3 H1]; apply cons_eq in H1 as [E4 _];
      repeat split; auto; rewrite Hp; intros e [].
Qed.

Lemma shape_kind : forall e s, shape_of e = s -> l_kind (lab X e) = s_kind s.
Proof. intros e s <-; reflexivity. Qed.
Lemma shape_loc : forall e s, shape_of e = s -> l_loc (lab X e) = s_loc s.
Proof. intros e s <-; reflexivity. Qed.
Lemma shape_A : forall e s, shape_of e = s -> l_A (lab X e) = s_A s.
Proof. intros e s <-; reflexivity. Qed.
Lemma shape_L : forall e s, shape_of e = s -> l_L (lab X e) = s_L s.
Proof. intros e s <-; reflexivity. Qed.

Lemma imm_after : wf X -> forall a b x, imm a b -> po X a x -> x <> b ->
  po X b x.
Proof.
  intros Hwf a b x [Hab Hn] Hax Hxb.
  assert (Hi : int X x b).
  { apply (int_trans X x a b); [apply int_sym|]; apply (wf_po_int _ Hwf); auto. }
  destruct (wf_po_total _ Hwf x b Hi Hxb) as [H|H]; auto.
  destruct (Hn x Hax H).
Qed.

Lemma loc_neq : forall x y, l_loc (lab X x) <> l_loc (lab X y) -> x <> y.
Proof. intros x y H ->; auto. Qed.

(* The rmw premise of ArmAtomic: nothing of the same CPU writes the same
   location between the two halves of an rmw. *)
Theorem gen_rmw_adjacent : wf X -> rmw_adjacent X.
Proof.
  intros Hwf r w x Hm Hrx Hxw HW Hl.
  destruct (g_rmw_only _ _ _ _ _ G r w Hm) as [c [[-> ->]|[[-> ->]|[_ [-> ->]]]]];
    pose proof (g_lock_po _ _ _ _ _ G c) as Hc; simpl in Hc;
    destruct Hc as [H1 [H2 [H3 _]]];
    destruct (hold_shapes c) as [S1 [S2 [S3 [S4 [_ [S6 S7]]]]]].
  - assert (Hx : x <> h_rN (hd c)).
    { intros ->. unfold W in HW. rewrite (shape_kind _ _ S2) in HW. discriminate. }
    exact (proj2 H2 x (imm_after Hwf _ _ _ H1 Hrx Hx) Hxw).
  - assert (Hx : x <> h_wO (hd c)).
    { apply loc_neq. destruct Hl as [_ [_ E]]. rewrite E, (shape_loc _ _ S2),
        (shape_loc _ _ S3). discriminate. }
    exact (proj2 H3 x (imm_after Hwf _ _ _ H2 Hrx Hx) Hxw).
  - exact (proj2 (g_unlock_po _ _ _ _ _ G c) x Hrx Hxw).
Qed.

(* The write premise of ArmTickets, from the generation. *)
Theorem gen_ticket_writes : ticket_writes X NEXT.
Proof.
  constructor.
  - intros w HI [_ Hl]. apply (g_init _ _ _ _ _ G w HI). right; exact Hl.
  - intros w1 w2 H1 H2 [_ L1] [_ L2].
    apply (g_init_unique _ _ _ _ _ G); auto. congruence.
  - intros w HW [_ Hl] HI.
    destruct (g_writes _ _ _ _ _ G w HW (or_intror Hl)) as [H|[c [->|[->| ->]]]];
      [destruct (HI H)| | |];
      destruct (hold_shapes c) as [S1 [S2 [S3 [S4 [_ [S6 S7]]]]]].
    + rewrite (shape_loc _ _ S3) in Hl. discriminate.
    + exists (h_rN (hd c)). split; [apply (g_rmw_in _ _ _ _ _ G c)|].
      apply (g_val_wN _ _ _ _ _ G).
    + rewrite (shape_loc _ _ S7) in Hl. discriminate.
Qed.

(* Distinct tickets for generated executions. *)
Theorem gen_tickets_distinct : wf X -> consistent X -> forall c1 c2,
  ticket (hd c1) = ticket (hd c2) -> h_wN (hd c1) = h_wN (hd c2).
Proof.
  intros Hwf Hc c1 c2 Ht.
  destruct (hold_shapes c1) as [_ [_ [_ [S1 _]]]].
  destruct (hold_shapes c2) as [_ [_ [_ [S2 _]]]].
  apply (tickets_distinct_arm X eqd NEXT Hwf Hc (gen_rmw_adjacent Hwf)
    gen_ticket_writes (h_rN (hd c1)) _ (h_rN (hd c2)));
    try apply (g_rmw_in _ _ _ _ _ G); auto.
  - split; [right; unfold W; rewrite (shape_kind _ _ S1); reflexivity|
      rewrite (shape_loc _ _ S1); reflexivity].
  - split; [right; unfold W; rewrite (shape_kind _ _ S2); reflexivity|
      rewrite (shape_loc _ _ S2); reflexivity].
Qed.

Lemma rN_R : forall c, R X (h_rN (hd c)).
Proof.
  intros c; destruct (hold_shapes c) as [_ [S _]]; unfold R.
  rewrite (shape_kind _ _ S); reflexivity.
Qed.
Lemma wN_W : forall c, W X (h_wN (hd c)).
Proof.
  intros c; destruct (hold_shapes c) as [_ [_ [_ [S _]]]]; unfold W.
  rewrite (shape_kind _ _ S); reflexivity.
Qed.
Lemma rN_loc : forall c, l_loc (lab X (h_rN (hd c))) = NEXT.
Proof. intros c; destruct (hold_shapes c) as [_ [S _]]; apply (shape_loc _ _ S). Qed.
Lemma wN_loc : forall c, l_loc (lab X (h_wN (hd c))) = NEXT.
Proof.
  intros c; destruct (hold_shapes c) as [_ [_ [_ [S _]]]]; apply (shape_loc _ _ S).
Qed.

(* NEXT values strictly increase along co: every non-initial NEXT write
   is a ticket RMW's, co-immediately after the write it read (ArmAtomic's
   atomicity argument), and adds 1. *)
Theorem gen_next_co : wf X -> consistent X -> forall y x, co X x y ->
  on_loc X NEXT y -> val X x < val X y.
Proof.
  intros Hwf Hc y.
  induction y as [y IH] using (well_founded_induction (g_co_wf _ _ _ _ _ G)).
  intros x Hxy Hl.
  destruct (wf_co _ Hwf _ _ Hxy) as [HWx [HWy [_ [_ Hlxy]]]].
  destruct (IW_dec X y HWy) as [I|N].
  - exfalso. destruct (IW_dec X x HWx) as [Ix|Nx].
    + assert (x = y) by (apply (g_init_unique _ _ _ _ _ G); auto).
      subst. exact (wf_co_irr _ Hwf _ Hxy).
    + apply (wf_co_irr _ Hwf x). apply (wf_co_trans _ Hwf x y x Hxy).
      apply (wf_co_init _ Hwf); auto.
      apply (mk_loc X); [right; exact HWy|right; exact HWx|congruence].
  - destruct (tw_rmw _ _ gen_ticket_writes y HWy Hl N) as [r [Hm Hv]].
    destruct (source_on_loc X NEXT r y Hwf Hm Hl) as [u [Hu [HWu [Hlu Hvu]]]].
    pose proof (rmw_source_co X u r y Hwf (proj1 Hc) Hu Hm) as Huy.
    destruct (eqd x u) as [->|Hne]; [lia|].
    destruct (wf_co_total _ Hwf x u HWx HWu) as [Hxu|Hux]; auto.
    + apply (mk_loc X); [right; exact HWx|right; exact HWu|].
      destruct Hl as [_ Hl]; destruct Hlu as [_ Hlu]; congruence.
    + pose proof (IH u Huy x Hxu Hlu). lia.
    + destruct (half X u x r y Hwf Hc (gen_rmw_adjacent Hwf) Hu Hm Hux Hxy).
Qed.

Lemma chain_last : wf X -> forall l a d, po_chain (a :: l) ->
  l = [] \/ po X a (last l d).
Proof.
  intros Hwf. induction l as [|b l IH]; intros a d H; [left; reflexivity|right].
  destruct H as [[Hab _] H]. destruct (IH b d H) as [->|Hb]; [exact Hab|].
  destruct l as [|b' l]; [exact Hab|].
  exact (wf_po_trans _ Hwf _ _ _ Hab Hb).
Qed.

(* The ticket RMW's NEXT write is po-before the unlock. *)
Lemma wN_uR : wf X -> forall c, po X (h_wN (hd c)) (h_uR (hd c)).
Proof.
  intros Hwf c. pose proof (g_lock_po _ _ _ _ _ G c) as Hc; simpl in Hc.
  destruct Hc as [_ [_ [_ Hc]]]. pose proof (g_end_po _ _ _ _ _ G c) as He.
  unfold lock_end in He.
  destruct (chain_last Hwf _ _ (h_wN (hd c)) Hc) as [E|H].
  - rewrite E in He. exact He.
  - exact (wf_po_trans _ Hwf _ _ _ H He).
Qed.

(* A CPU's later holding has a larger ticket: its ticket RMW reads NEXT
   from the earlier holding's NEXT write or a co-later one (coherence). *)
Theorem gen_ticket_po : wf X -> consistent X -> forall c1 c2,
  po X (h_uW (hd c1)) (h_rO (hd c2)) -> ticket (hd c1) < ticket (hd c2).
Proof.
  intros Hwf Hc c1 c2 H12.
  assert (Hpo : po X (h_wN (hd c1)) (h_rN (hd c2))).
  { pose proof (g_lock_po _ _ _ _ _ G c2) as [[H2 _] _].
    pose proof (proj1 (g_unlock_po _ _ _ _ _ G c1)) as H1.
    pose proof (wN_uR Hwf c1) as H0.
    apply (wf_po_trans _ Hwf _ _ _ H0), (wf_po_trans _ Hwf _ _ _ H1),
      (wf_po_trans _ Hwf _ _ _ H12), H2. }
  destruct (wf_rf_total _ Hwf _ (rN_R c2)) as [u Hu].
  destruct (wf_rf _ Hwf _ _ Hu) as [HWu [_ [Hlu Hvu]]].
  pose proof (g_val_wN _ _ _ _ _ G c1) as Hv1. unfold ticket, val in *.
  destruct (eqd u (h_wN (hd c1))) as [->|Hne]; [lia|].
  assert (Hl : loc X u (h_wN (hd c1))).
  { apply (mk_loc X); [right; exact HWu|right; apply wN_W|].
    rewrite Hlu, rN_loc, wN_loc; reflexivity. }
  destruct (wf_co_total _ Hwf _ _ HWu (wN_W c1) Hl Hne) as [Hco|Hco].
  - exfalso. apply (cyc2 X (h_wN (hd c1)) (h_rN (hd c2)) (proj1 Hc)).
    + split; [exact Hpo|]. apply (mk_loc X); [right; apply wN_W|left; apply rN_R|].
      rewrite rN_loc, wN_loc; reflexivity.
    + left; left. exists u; split; [exact Hu|exact Hco].
  - pose proof (gen_next_co Hwf Hc u _ Hco) as Hlt.
    unfold val in Hlt. assert (l_val (lab X (h_wN (hd c1))) < l_val (lab X u)); [|lia].
    apply Hlt. split; [right; exact HWu|]. rewrite Hlu, rN_loc; reflexivity.
Qed.

End Gen.
End Program.
