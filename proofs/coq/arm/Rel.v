(* Rel.v -- a small library of binary relations over a type of events, as
   used by herd's cat language: union (|), sequence (;), inverse (^-1),
   intersection (&), the identity on a set ([S]), transitive closure (+),
   and the checks acyclic / irreflexive / empty.  Proof scripts about
   relations live here, so that Aarch64.v can be definitions only. *)
From Coq Require Import Relations Lia.

Definition rel (E : Type) := E -> E -> Prop.

Section Rel.
Context {E : Type}.

Definition union (r s : rel E) : rel E := fun x y => r x y \/ s x y.
Definition seq (r s : rel E) : rel E := fun x y => exists z, r x z /\ s z y.
Definition inv (r : rel E) : rel E := fun x y => r y x.
Definition inter (r s : rel E) : rel E := fun x y => r x y /\ s x y.
(* [S] in cat: the identity relation restricted to the set S *)
Definition brak (S : E -> Prop) : rel E := fun x y => x = y /\ S x.
Definition tc (r : rel E) : rel E := clos_trans E r.
Definition incl (r s : rel E) : Prop := forall x y, r x y -> s x y.
Definition acyclic (r : rel E) : Prop := forall x, ~ tc r x x.
Definition irreflexive (r : rel E) : Prop := forall x, ~ r x x.
Definition empty (r : rel E) : Prop := forall x y, ~ r x y.

(* The relation "rank x < rank y" for a rank function into nat. *)
Definition ranked (rank : E -> nat) : rel E := fun x y => rank x < rank y.

Lemma tc_ranked : forall rank x y, tc (ranked rank) x y -> rank x < rank y.
Proof.
  intros rank x y H; induction H as [x y H|x y z _ IH1 _ IH2];
    unfold ranked in *; lia.
Qed.

Lemma tc_mono : forall r s, incl r s -> incl (tc r) (tc s).
Proof.
  intros r s Hi x y H; induction H as [x y H|x y z _ IH1 _ IH2].
  - apply t_step, Hi, H.
  - eapply t_trans; eauto.
Qed.

(* Acyclicity by a rank function that every edge increases. *)
Lemma acyclic_by_rank : forall r rank, incl r (ranked rank) -> acyclic r.
Proof.
  intros r rank Hi x H.
  apply (tc_mono _ _ Hi) in H. apply tc_ranked in H. lia.
Qed.

Lemma irreflexive_tc : forall r, acyclic r -> irreflexive (tc r).
Proof. intros r H x; apply H. Qed.

Lemma incl_union : forall r s t, incl r t -> incl s t -> incl (union r s) t.
Proof. intros r s t H1 H2 x y [H|H]; auto. Qed.

Lemma incl_union_l : forall r s, incl r (union r s).
Proof. intros r s x y H; left; exact H. Qed.

Lemma incl_union_r : forall r s, incl s (union r s).
Proof. intros r s x y H; right; exact H. Qed.

Lemma incl_seq_ranked : forall r s rank,
  incl r (ranked rank) -> incl s (ranked rank) -> incl (seq r s) (ranked rank).
Proof.
  intros r s rank H1 H2 x y [z [Hxz Hzy]].
  apply H1 in Hxz; apply H2 in Hzy; unfold ranked in *; lia.
Qed.

(* r;[S] and [S];r are included in r. *)
Lemma seq_brak_r : forall r S, incl (seq r (brak S)) r.
Proof. intros r S x y [z [H [<- _]]]; exact H. Qed.

Lemma seq_brak_l : forall r S, incl (seq (brak S) r) r.
Proof. intros r S x y [z [[<- _] H]]; exact H. Qed.

(* A sequence through [S] is empty when S is. *)
Lemma seq_brak_empty : forall r s S, (forall e, ~ S e) -> empty (seq r (seq (brak S) s)).
Proof. intros r s S HS x y [z [_ [w [[_ H] _]]]]; exact (HS z H). Qed.

Lemma empty_incl : forall r s, empty r -> incl r s.
Proof. intros r s H x y Hr; destruct (H x y Hr). Qed.

Lemma incl_trans : forall r s t, incl r s -> incl s t -> incl r t.
Proof. intros r s t H1 H2 x y H; auto. Qed.

(* Two-step and three-step cycles, for showing an execution inconsistent. *)
Lemma tc_seq : forall (r : rel E) x y z, tc r x y -> tc r y z -> tc r x z.
Proof. intros; eapply t_trans; eauto. Qed.

Lemma tc_one : forall (r : rel E) x y, r x y -> tc r x y.
Proof. intros; apply t_step; auto. Qed.

End Rel.

Section Order.
Context {E : Type}.

(* Restriction of a relation to a set (cat: [S]; r; [S]). *)
Definition restr (S : E -> Prop) (r : rel E) : rel E :=
  fun x y => S x /\ S y /\ r x y.

(* Acyclicity by inclusion in a strict order. *)
Lemma acyclic_by_order : forall (r t : rel E),
  (forall x y z, t x y -> t y z -> t x z) -> (forall x, ~ t x x) ->
  incl r t -> acyclic r.
Proof.
  intros r t Htr Hirr Hi x H. apply (Hirr x).
  assert (G : forall a b, tc r a b -> t a b).
  { intros a b Hab; induction Hab as [a b H'|a b c _ IH1 _ IH2]; eauto. }
  apply G, H.
Qed.
End Order.
