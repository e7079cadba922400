(* Litmus.v -- a decision procedure for finite straight-line AArch64
   litmus programs against the model of arm/Aarch64.v.

   A program is a list of threads (initial registers, instructions) over
   locations 0..L-1 with static addresses: the translator
   (proofs/litmus/to_coq.py) resolves each access's base register to its
   location; index registers only contribute an address dependency (herd
   tests use  EOR Xi,Xr,Xr  = 0).  Branches (CBZ/CBNZ/B.cond) are to the
   next instruction: they only create control dependencies.  A store-
   exclusive always succeeds (status register := 0).  Not modelled:
   mixed-size accesses, CAS, failing exclusives, loops.

   Events are numbered: initial write of location k is event k, then each
   thread's events in program order.  [run p rv] interprets the program
   with read values [rv] and yields each event's static label, its value,
   and the final registers.  [decide p] enumerates every rf choice (a
   write of the same location for each read) and every coherence order
   (a permutation of each location's non-initial writes), computes the
   values as a fixpoint over rf, and checks wf, internal, external,
   atomic and the final condition by boolean computation.  The relational
   meaning ([execution_of], [final_cond]) and the soundness theorem are in
   LitmusSound.v. *)
From Coq Require Import List Bool Arith.
Import ListNotations.
From VRM.arm Require Import Rel Aarch64.

Inductive operand := OImm (n : nat) | OReg (r : nat).
Inductive alu := AMov | AAdd | AEor.
Inductive aop := OpAdd | OpSwp.
(* Register 31 is XZR/WZR (reads 0, writes dropped). *)
Inductive ins :=
| ILd (a x : bool) (rd loc : nat) (ars : list nat)  (* LDR/LDAR/LDXR/LDAXR *)
| ISt (l : bool) (rs loc : nat) (ars : list nat)    (* STR/STLR *)
| IStx (l : bool) (rst rs loc : nat)                (* STXR/STLXR, succeeds *)
| IAmo (op : aop) (a l : bool) (rs rd loc : nat)    (* LDADD/SWP{A,L,AL}; STADD: rd=31 *)
| IFence (f : fence)
| IAlu (op : alu) (rd rs : nat) (o : operand)       (* MOV rd,o / ADD, EOR, CMP *)
| IBr (rs : nat).                                   (* CBZ/CBNZ/B.cond: ctrl dep *)

(* Final condition: register of a thread, or final memory (co-last write). *)
Inductive cond :=
| CTrue | CReg (t r v : nat) | CMem (l v : nat)
| CAnd (a b : cond) | COr (a b : cond).

Record prog := Prog {
  p_mem : list nat;                              (* initial value per location *)
  p_thr : list (list (nat * nat) * list ins);    (* initial registers, code *)
  p_cond : cond }.

(* Static part of an event. *)
Record sev := SE { s_kind : kind; s_tid : nat; s_loc : nat;
  s_A : bool; s_L : bool; s_X : bool; s_IW : bool;
  s_addr : list nat; s_data : list nat; s_ctrl : list nat; s_rmw : option nat }.

Definition regf := list (nat * (nat * list nat)).   (* reg -> value, deps *)
Fixpoint lookup (rs : regf) r : nat * list nat :=
  match rs with [] => (0, []) | (r', v) :: rs' => if r =? r' then v else lookup rs' r end.
Definition getr (rs : regf) r := if r =? 31 then (0, []) else lookup rs r.
Definition setr (rs : regf) r v : regf := if r =? 31 then rs else (r, v) :: rs.

Record st := St { regs : regf; cdeps : list nat; lx : option nat; nid : nat;
                  out : list (sev * nat) }.

Definition deps_of (rg : regf) (rs : list nat) := flat_map (fun r => snd (getr rg r)) rs.

Definition step (t : nat) (rv : nat -> nat) (s : st) (i : ins) : st :=
  let '(St rg cd lx id ev) := s in
  match i with
  | ILd a x rd loc ars =>
      St (setr rg rd (rv id, [id])) cd (if x then Some id else lx) (S id)
         ((SE KR t loc a false x false (deps_of rg ars) [] cd None, rv id) :: ev)
  | ISt l rs loc ars =>
      let (v, dd) := getr rg rs in
      St rg cd lx (S id)
         ((SE KW t loc false l false false (deps_of rg ars) dd cd None, v) :: ev)
  | IStx l rst rs loc =>
      let (v, dd) := getr rg rs in
      St (setr rg rst (0, [])) cd None (S id)
         ((SE KW t loc false l true false [] dd cd lx, v) :: ev)
  | IAmo op a l rs rd loc =>
      let (v, dd) := getr rg rs in
      let old := rv id in
      let nv := match op with OpAdd => old + v | OpSwp => v end in
      St (setr rg rd (old, [id])) cd lx (S (S id))
        ((SE KW t loc false l false false [] dd cd (Some id), nv) ::
         (SE KR t loc a false false false [] [] cd None, old) :: ev)
  | IFence f =>
      St rg cd lx (S id) ((SE (KF f) t 0 false false false false [] [] cd None, 0) :: ev)
  | IAlu op rd rs o =>
      let (v1, d1) := getr rg rs in
      let (v2, d2) := match o with OImm n => (n, []) | OReg r => getr rg r end in
      let v := match op with AMov => v2 | AAdd => v1 + v2 | AEor => Nat.lxor v1 v2 end in
      let d := match op with AMov => d2 | _ => d1 ++ d2 end in
      St (setr rg rd (v, d)) cd lx id ev
  | IBr r => St rg (snd (getr rg r) ++ cd) lx id ev
  end.

Definition init_regs (ir : list (nat * nat)) : regf :=
  map (fun rv => (fst rv, (snd rv, []))) ir.

Fixpoint run_thrs (rv : nat -> nat) (ths : list (list (nat * nat) * list ins))
    (t base : nat) : list (sev * nat) * list regf :=
  match ths with
  | [] => ([], [])
  | (ir, code) :: ths' =>
      let s := fold_left (step t rv) code (St (init_regs ir) [] None base []) in
      let r := run_thrs rv ths' (S t) (nid s) in
      (rev (out s) ++ fst r, regs s :: snd r)
  end.

Fixpoint iw_evs (k : nat) (mem : list nat) : list (sev * nat) :=
  match mem with
  | [] => []
  | v :: m => (SE KW 0 k false false false true [] [] [] None, v) :: iw_evs (S k) m
  end.

Definition run (p : prog) (rv : nat -> nat) : list (sev * nat) * list regf :=
  let r := run_thrs rv (p_thr p) 0 (length (p_mem p)) in
  (iw_evs 0 (p_mem p) ++ fst r, snd r).

(* Labels of the candidate: events past the table are unused fences, each
   in its own thread (so they are in no relation). *)
Definition dflt := (SE (KF ISB) 0 0 false false false false [] [] [] None, 0).
Definition mklab (sv : sev * nat) : label :=
  let (s, v) := sv in
  Lab (s_kind s) (s_tid s) (s_loc s) v (s_A s) false (s_L s) (s_X s) (s_IW s).
Definition dummy (e : nat) : label := Lab (KF ISB) (1000 + e) 0 0 false false false false false.

(* Lazy conjunction: vm_compute evaluates both arguments of andb. *)
Notation "a &&& b" := (if a then b else false) (at level 40, left associativity).

Definition isR (k : kind) := match k with KR => true | _ => false end.
Definition isW (k : kind) := match k with KW => true | _ => false end.

(* All the boolean relations of one candidate: event table [tb], rf source
   per event [src], coherence rank per event [rk]. *)
Section Cand.
Context (tb : list (sev * nat)) (src rk : list nat).
Definition n := length tb.
Definition blab e := if e <? n then mklab (nth e tb dflt) else dummy e.
Definition sv e := fst (nth e tb dflt).
Definition inr x := x <? n.
Definition bR e := isR (l_kind (blab e)).
Definition bW e := isW (l_kind (blab e)).
Definition bM e := bR e || bW e.
Definition bIW e := bW e && l_IW (blab e).
Definition bA e := bR e && l_A (blab e).
Definition bQ e := bR e && l_Q (blab e).
Definition bL e := bW e && l_L (blab e).
Definition bfence (p : fence -> bool) e :=
  match l_kind (blab e) with KF f => p f | _ => false end.
Definition fISB f := match f with ISB => true | _ => false end.
Definition fFull f := match f with DMB_ISH | DSB_ISH => true | _ => false end.
Definition fLd f := match f with DMB_ISHLD | DSB_ISHLD => true | _ => false end.
Definition fSt f := match f with DMB_ISHST | DSB_ISHST => true | _ => false end.
Definition bloc x y := bM x && bM y && (l_loc (blab x) =? l_loc (blab y)).
Definition bint x y := (l_tid (blab x) =? l_tid (blab y)) &&
  negb (l_IW (blab x)) && negb (l_IW (blab y)).
Definition bext x y := negb (bint x y).
Definition srcof y := nth y src 0.
Definition rnk e := nth e rk 0.

Definition pob x y := inr x && inr y && negb (l_IW (blab x)) && negb (l_IW (blab y)) &&
  (l_tid (blab x) =? l_tid (blab y)) && (x <? y).
Definition rfb x y := inr y && bR y && (srcof y =? x).
Definition cob x y := bW x && bW y && (l_loc (blab x) =? l_loc (blab y)) && (rnk x <? rnk y).
Definition rmwb x y := inr y && match s_rmw (sv y) with Some r => r =? x | None => false end.
Definition depb (f : sev -> list nat) x y := inr y && existsb (Nat.eqb x) (f (sv y)).
Definition addrb := depb s_addr.
Definition datab := depb s_data.
Definition ctrlb := depb s_ctrl.

Definition evs := List.seq 0 n.
Definition uni (r s : nat -> nat -> bool) x y := if r x y then true else s x y.
(* [if] rather than [&&]: vm_compute evaluates both arguments of andb. *)
Definition sq (r s : nat -> nat -> bool) x y :=
  existsb (fun z => if r x z then s z y else false) evs.
Definition br (S : nat -> bool) x y := if x =? y then S x else false.
Definition itr (r s : nat -> nat -> bool) x y := if r x y then s x y else false.

Definition frb := sq (fun x y => rfb y x) cob.
Definition rfeb := itr rfb bext.
Definition rfib := itr rfb bint.
Definition coeb := itr cob bext.
Definition coib := itr cob bint.
Definition freb := itr frb bext.
Definition obsb := uni rfeb (uni freb coeb).
Definition dobb :=
  uni addrb (uni datab
  (uni (sq ctrlb (br bW))
  (uni (sq (uni ctrlb (sq addrb pob))
           (sq (br (bfence fISB)) (sq pob (br bR))))
  (uni (sq addrb (sq pob (br bW)))
  (uni (sq (uni ctrlb datab) coib)
       (sq (uni addrb datab) rfib)))))).
Definition aobb := uni rmwb (sq rmwb rfib).
Definition bobb :=
  uni (sq pob (sq (br (bfence fFull)) pob))
  (uni (sq (br bL) (sq pob (br bA)))
  (uni (sq (br bR) (sq pob (sq (br (bfence fLd)) pob)))
  (uni (sq (br (fun e => bA e || bQ e)) pob)
  (uni (sq (br bW) (sq pob (sq (br (bfence fSt)) (sq pob (br bW)))))
  (uni (sq pob (br bL))
       (sq pob (sq (br bL) coib))))))).
Definition obb := uni obsb (uni dobb (uni aobb bobb)).
Definition intb := uni (itr pob bloc) (uni (uni frb cob) rfb).

Definition all1 (f : nat -> bool) := forallb f evs.
Definition all2 (f : nat -> nat -> bool) := forallb (fun x => forallb (f x) evs) evs.

(* Longest-path rank of a relation (n rounds); checked afterwards, so its
   correctness needs no proof. *)
Definition lrank (r : nat -> nat -> bool) : list nat :=
  let m := map (fun x => map (r x) evs) evs in
  let stepr (rk : list nat) := map (fun y =>
      fold_left (fun acc x => if nth y (nth x m []) false
                              then Nat.max acc (S (nth x rk 0)) else acc) evs 0) evs in
  Nat.iter (S n) stepr (repeat 0 n).
Definition acyc_b (r : nat -> nat -> bool) :=
  let rk := lrank r in all2 (fun x y => implb (r x y) (nth x rk 0 <? nth y rk 0)).

(* The boolean checks (premises of the soundness lemmas). *)
Definition chk_tid := all1 (fun e => s_tid (sv e) <? 1000).
Definition chk_rf := all1 (fun y => implb (bR y)
  (inr (srcof y) && bW (srcof y) && (l_loc (blab (srcof y)) =? l_loc (blab y)) &&
   (l_val (blab (srcof y)) =? l_val (blab y)))).
Definition chk_co := all2 (fun x y => implb (bW x && bW y && bloc x y && negb (x =? y))
  (negb (rnk x =? rnk y))).
Definition chk_coinit := all2 (fun x y => implb (bIW x && bW y && negb (bIW y) && bloc x y)
  (rnk x <? rnk y)).
Definition chk_rmw := all1 (fun y => match s_rmw (sv y) with
  | Some x => bR x && bW y && bloc x y && pob x y | None => true end).
Definition chk_deps := all1 (fun y =>
  forallb (fun x => bR x && pob x y) (s_addr (sv y) ++ s_data (sv y) ++ s_ctrl (sv y))).
Definition chk_atomic := all2 (fun x y => implb (rmwb x y)
  (forallb (fun z => negb (frb x z && bext x z && cob z y && bext z y)) evs)).
Definition chk_wf := chk_tid &&& chk_rf &&& chk_co &&& chk_coinit &&& chk_rmw &&& chk_deps.
(* internal first: it is the cheap check that prunes most candidates. *)
Definition chk_cons := acyc_b intb &&& chk_atomic &&& acyc_b obb.
End Cand.

(* Final condition: final registers [rgs] (per thread), memory = value of
   the co-last write. *)
Fixpoint eval_c tb rk (rgs : list regf) (c : cond) : bool :=
  match c with
  | CTrue => true
  | CReg t r v => fst (lookup (nth t rgs []) r) =? v
  | CMem l v => existsb (fun w => bW tb w && (l_loc (blab tb w) =? l) &&
                  forallb (fun w' => negb (cob tb rk w w')) (evs tb) &&
                  (l_val (blab tb w) =? v)) (evs tb)
  | CAnd a b => eval_c tb rk rgs a && eval_c tb rk rgs b
  | COr a b => eval_c tb rk rgs a || eval_c tb rk rgs b
  end.

(* Enumeration. *)
Fixpoint prod {A} (l : list (list A)) : list (list A) :=
  match l with
  | [] => [[]]
  | c :: l' => let r := prod l' in flat_map (fun x => map (cons x) r) c
  end.
Fixpoint insert_all (x : nat) (l : list nat) : list (list nat) :=
  match l with
  | [] => [[x]]
  | y :: l' => (x :: l) :: map (cons y) (insert_all x l')
  end.
Fixpoint perms (l : list nat) : list (list nat) :=
  match l with [] => [[]] | x :: l' => flat_map (insert_all x) (perms l') end.
Fixpoint index_of (x : nat) (l : list nat) : nat :=
  match l with [] => 0 | y :: l' => if x =? y then 0 else S (index_of x l') end.

Definition vals_of p (rvl : list nat) := map snd (fst (run p (fun e => nth e rvl 0))).

(* Values: iterate "each read takes its source's value" from all zeros. *)
Definition val_iter p (src : list nat) (fuel : nat) : list nat :=
  let tb0 := fst (run p (fun _ => 0)) in
  let m := length tb0 in
  Nat.iter fuel (fun rvl =>
    let vs := vals_of p rvl in
    map (fun e => if isR (s_kind (fst (nth e tb0 dflt))) then nth (nth e src 0) vs 0
                  else nth e vs 0) (List.seq 0 m)) (repeat 0 m).

Fixpoint list_eqb (a b : list nat) : bool :=
  match a, b with
  | [], [] => true
  | x :: a', y :: b' => (x =? y) && list_eqb a' b'
  | _, _ => false
  end.

(* One candidate: rf sources [src], coherence ranks [rk]. *)
Definition check (p : prog) (src rk : list nat) : bool :=
  let rvl := val_iter p src (S (length (fst (run p (fun _ => 0))))) in
  let r := run p (fun e => nth e rvl 0) in
  let tb := fst r in
  eval_c tb rk (snd r) (p_cond p) &&& list_eqb rvl (map snd tb) &&&
  chk_wf tb src rk &&& chk_cons tb src rk.

Definition candidates (p : prog) : list (list nat * list nat) :=
  let tb := fst (run p (fun _ => 0)) in
  let m := length tb in
  let es := List.seq 0 m in
  let kd e := s_kind (fst (nth e tb dflt)) in
  let lc e := s_loc (fst (nth e tb dflt)) in
  let ws := filter (fun e => isW (kd e)) es in
  let rfc := prod (map (fun e => if isR (kd e)
                 then filter (fun w => lc w =? lc e) ws else [0]) es) in
  let locs := List.seq 0 (length (p_mem p)) in
  let cos := prod (map (fun l => perms (filter (fun w => (lc w =? l) &&
                 negb (s_IW (fst (nth w tb dflt)))) ws)) locs) in
  let rank_of (pl : list (list nat)) e :=
      if s_IW (fst (nth e tb dflt)) then 0 else S (index_of e (nth (lc e) pl [])) in
  flat_map (fun s => map (fun pl => (s, map (rank_of pl) es)) cos) rfc.

(* true: some consistent candidate execution satisfies the condition. *)
Definition decide (p : prog) : bool :=
  existsb (fun c => check p (fst c) (snd c)) (candidates p).
