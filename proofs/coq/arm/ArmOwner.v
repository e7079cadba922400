(* ArmOwner.v -- the lock's handoff chain (ArmDRF.ld_chain) from facts
   about the OWNER location, for any well-formed candidate satisfying the
   internal axiom, any number of CPUs.

   Critical section t is the one of ticket t: acq t is its entry read of
   OWNER (reads owner = t), rel t its unlock write (owner := t + 1).
   Premises (record owner_writes, for tickets below n):
   - ow_init: an initial write of OWNER has value 0;
   - ow_kinds: every other OWNER write is either the OWNER half of a
     32-bit ticket RMW (an rmw with an acquire read, rewriting the value
     it read: LDADDA, LDAXR/STXR, CASA), or the unlock write rel t of some
     ticket t < n, with value t + 1 (only the holder unlocks, once);
   - ow_acq: acq (t+1) reads OWNER, value t + 1;
   - ow_co_wf: co has no infinite descending chain (true of every finite
     execution).
   Theorem lock_chain: chain (rel t) (acq (t+1)) for every t + 1 < n. *)
From Coq Require Import Relations Wellfounded Arith Lia.
From VRM.arm Require Import Rel Aarch64 ArmFacts Handoff ArmAtomic ArmTickets.

Section Owner.
Context {Ev : Type} (X : candidate Ev) (oloc n : nat) (acq rel : nat -> Ev).

Record owner_writes : Prop := {
  ow_init : forall w, IW X w -> on_loc X oloc w -> val X w = 0;
  ow_kinds : forall w, W X w -> on_loc X oloc w -> ~ IW X w ->
    (exists r, rmw X r w /\ A X r /\ val X w = val X r) \/
    (exists t, t < n /\ w = rel t /\ val X w = S t);
  ow_acq : forall t, S t < n ->
    R X (acq (S t)) /\ on_loc X oloc (acq (S t)) /\ val X (acq (S t)) = S t;
  ow_co_wf : well_founded (fun a b => co X a b)
}.

(* Extending a chain by one acquire rmw and one rf. *)
Lemma chain_snoc : forall w r' u r, chain X w r' -> A X r' -> rmw X r' u ->
  rf X u r -> chain X w r.
Proof.
  intros w r' u r H. induction H as [w r0 Hrf|w r0 w' r1 Hrf HA Hm _ IH];
    intros HA' Hm' Hrf'.
  - apply (ch_rmw X w r0 u r); auto. apply ch_rf; exact Hrf'.
  - apply (ch_rmw X w r0 w' r); auto.
Qed.

Lemma owner_chain : forall t, wf X -> internal X -> owner_writes -> t < n ->
  forall u, W X u -> on_loc X oloc u -> val X u = S t ->
  forall r, rf X u r -> chain X (rel t) r.
Proof.
  intros t Hwf Hint How Ht u.
  induction u as [u IH] using (well_founded_induction (ow_co_wf How)).
  intros HW Hl Hv r Hrf.
  destruct (IW_dec X u HW) as [I|N].
  - rewrite (ow_init How u I Hl) in Hv. discriminate.
  - destruct (ow_kinds How u HW Hl N) as [[r' [Hm [HA Hv']]]|[t' [_ [-> Hv']]]].
    + destruct (source_on_loc X oloc r' u Hwf Hm Hl) as [u' [Hu' [HW' [Hl' Hvu']]]].
      pose proof (rmw_source_co X u' r' u Hwf Hint Hu' Hm) as Hco.
      apply (chain_snoc (rel t) r' u r); auto.
      apply (IH u' Hco HW' Hl'); [congruence|exact Hu'].
    + assert (t' = t) by congruence. subst t'. apply ch_rf; exact Hrf.
Qed.

(* The handoff chain that ArmDRF.lock_discipline asks for (ld_chain). *)
Theorem lock_chain : wf X -> internal X -> owner_writes ->
  forall t, S t < n -> chain X (rel t) (acq (S t)).
Proof.
  intros Hwf Hint How t Ht.
  destruct (ow_acq How t Ht) as [HR [[_ Hl] Hv]].
  destruct (wf_rf_total _ Hwf _ HR) as [u Hu].
  destruct (wf_rf _ Hwf _ _ Hu) as [HW [_ [Hlu Hvu]]].
  apply (owner_chain t Hwf Hint How) with u; [lia|exact HW| |unfold val in *;
    congruence|exact Hu].
  split; [right; exact HW|congruence].
Qed.

End Owner.
