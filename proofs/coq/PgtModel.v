(* PgtModel.v -- an executable multi-level model of lib/pgtable's
   operations (vrm_pgt_map / _remap / _set_prot / _unmap / _lookup), step
   for step after the C, for both stages and for kernel (write-once)
   tables.  WriteOnce.v states the theorems on it; tests/model/pgt
   extracts it to OCaml and replays random C traces on it.

   Table tree: levels start_level..3, a table is a sparse map from entry
   index (0..511) to an entry; absent = Invalid.  Entries: Invalid, Leaf
   (a 1 GiB / 2 MiB block at level 1/2, a page at level 3) with output
   address oa and prot (the VRM_PGT_PROT_* bits the leaf encodes: for the
   prots vrm_pgt_prot_valid accepts, vrm_pgt_desc_leaf is injective in
   prot, so comparing pgt_leaf_attrs in the C is comparing prot here), or
   Table child.

   What each part mirrors:
     args_ok_*      map_common / vrm_pgt_set_prot / vrm_pgt_unmap's -EINVAL
                    checks (walk.c pgt_range_ok, desc.c prot_valid_feats
                    without FEAT_XNX)
     tbl_iter       walk.c walk_table: the entries of one table that
                    overlap the range, in address order (the runs of
                    map_run / unmap_run are per-entry visits batched, so
                    one visit per entry here)
     map_tbl        map.c map_visit (map: replace = false, remap: true)
     prot_tbl       prot.c prot_visit
     unmap_tbl      unmap.c unmap_visit, LEAF and TABLE_POST visits
     fresh_tables   op.c pgt_fresh_tables (the plan's page count)
     step           op.c pgt_op_run: the plan finds the first error in
                    address order before any write, then cache_fill of
                    `need` pages (-ENOMEM if the allocator cap is hit),
                    then commit, the flush, the frees.
     step_full      step, then on a c_coal table (VRM_PGT_COALESCE) after
                    a successful map / remap / set_prot, coalesce.c
                    pgt_coalesce (coalesce: level-2 entries of the range,
                    then level 1); the theorems are about step on tables
                    without it (init), where step_full is step.
   One pass computes what plan and commit do in the C: errors can only
   come from entries that existed before the call (the C plan does not
   descend into tables it would create or split), so the subtrees a
   call builds are walked with cnt = false (nothing added to `need`,
   as the C plan never visits them) and every error aborts with the old
   table returned (what plan-before-commit gives).
   Sequential / TLB output of a call: the addresses of the entries that
   went through break-before-make (bbm.c pgt_bbm, one TLBI each, in walk
   order) and whether the one range flush (pgt_flush_range) ends it;
   step_full adds how many entries coalescing replaced (one range flush
   over each block's extent, before that one).
   Not modelled: concurrency (walkers during a call: Transactional.v,
   TransactionalMap.v), FEAT_XNX prots, descriptor bit layouts (desc.c
   has its own unit tests and WP proofs). *)

Require Import ZArith Bool List Lia.
Require Import Coq.FSets.FMapPositive.
Import ListNotations.
Open Scope Z_scope.

Module PM := PositiveMap.

Inductive node : Type :=
| NInv
| NLeaf (oa prot : Z)
| NTbl (t : PM.tree node).

Definition tbl := PM.tree node.

(* c_coal: VRM_PGT_COALESCE (step_full's coalescing pass). *)
Record cfg := Cfg { c_stage2 : bool; c_ia_bits : Z; c_sl : Z; c_kernel : bool; c_coal : bool }.
(* p_live: table pages live (root included), kept by step from the pages
   each call links and unlinks; driver.ml compares it with the C's
   allocator every call and with live_pages (a count over the tree) at
   every full-table comparison. *)
Record pgt := Pgt { p_cfg : cfg; p_root : tbl; p_live : Z }.

(* include/vrm/types.h; the C returns their negation. *)
Definition EPERM := 1.
Definition ENOENT := 2.
Definition ENOMEM := 12.
Definition EEXIST := 17.
Definition EINVAL := 22.

Definition PAGE := 4096.
Definition PA_LIMIT := Z.shiftl 1 48.
(* pgt_internal.h pgt_level_shift; desc.c vrm_pgt_level_size *)
Definition shift (l : Z) : Z := 12 + 9 * (3 - l).
Definition esz (l : Z) : Z := Z.shiftl 1 (shift l).
(* Entry index of x in a table of level l (xlate.c vrm_pgt_hw_walk). *)
Definition idx (l x : Z) : Z := Z.land (Z.shiftr x (shift l)) 511.

(* An injective key for every Z (only 0..511 occur). *)
Definition key (i : Z) : positive :=
  match i with Z0 => xH | Zpos p => xO p | Zneg p => xI p end.
Definition get (t : tbl) (i : Z) : node :=
  match PM.find (key i) t with Some e => e | None => NInv end.
Definition set (t : tbl) (i : Z) (e : node) : tbl :=
  match e with NInv => PM.remove (key i) t | _ => PM.add (key i) e t end.

Inductive res (A : Type) : Type := ROk (a : A) | RErr (e : Z).
Arguments ROk {A}.
Arguments RErr {A}.

(* What one call accumulates: the plan's page count, the BBM'd entries'
   addresses (latest first), op->flush, and the table pages linked minus
   those unlinked (pgt_install_table / pgt_split: +1; unmap's
   TABLE_POST unlink: -1). *)
Record acc := Acc { a_need : Z; a_bbm : list Z; a_flush : bool; a_tables : Z }.
Definition acc0 := Acc 0 [] false 0.
Definition add_need (a : acc) (n : Z) := Acc (a_need a + n) (a_bbm a) (a_flush a) (a_tables a).
Definition add_bbm (a : acc) (ad : Z) := Acc (a_need a) (ad :: a_bbm a) (a_flush a) (a_tables a).
Definition set_flush (a : acc) := Acc (a_need a) (a_bbm a) true (a_tables a).
Definition add_tables (a : acc) (n : Z) := Acc (a_need a) (a_bbm a) (a_flush a) (a_tables a + n).

(* op.c pgt_fresh_tables: tables to map [lo, hi) below an invalid entry
   at level l; delta = pa - ia (its low bits decide block use).  d is
   fuel: 3 - l levels below. *)
Fixpoint fresh_tables (d : nat) (lo hi l delta : Z) : Z :=
  let c := l + 1 in
  let cs := esz c in
  let a := Z.land (lo + cs - 1) (- cs) in
  let b := Z.land hi (- cs) in
  if c =? 3 then 1 else
  match d with
  | O => 1
  | S d' =>
      1 + (if lo <? Z.min a hi then fresh_tables d' lo (Z.min a hi) c delta else 0)
        + (if (a <? b) && negb (Z.land delta (cs - 1) =? 0)
           then Z.shiftr (b - a) (shift c) * fresh_tables d' a (a + cs) c delta else 0)
        + (if Z.max a b <? hi then fresh_tables d' (Z.max a b) hi c delta else 0)
  end.

(* walk.c walk_table: k entries from index i (address addr, step esize). *)
Fixpoint tbl_iter (f : Z -> Z -> node -> acc -> res (node * acc))
    (k : nat) (i addr step : Z) (t : tbl) (a : acc) : res (tbl * acc) :=
  match k with
  | O => ROk (t, a)
  | S k' =>
      match f i addr (get t i) a with
      | RErr e => RErr e
      | ROk (e', a') => tbl_iter f k' (i + 1) (addr + step) step (set t i e') a'
      end
  end.

(* The entries of the table of level l at base that overlap [s, e):
   first index, first address, count (bounded by the table's 512). *)
Definition first_addr (l base s : Z) := Z.land (Z.max s base) (- esz l).
Definition first_idx (l base s : Z) := Z.shiftr (first_addr l base s - base) (shift l).
Definition count (l base s e : Z) : nat :=
  Z.to_nat (Z.shiftr (Z.min e (base + 512 * esz l) - first_addr l base s + esz l - 1) (shift l)).

Definition iter_range (f : Z -> Z -> node -> acc -> res (node * acc))
    (l base s e : Z) (t : tbl) (a : acc) : res (tbl * acc) :=
  tbl_iter f (count l base s e) (first_idx l base s) (first_addr l base s) (esz l) t a.

(* bbm.c pgt_split: a table of level l + 1 reproducing the block. *)
Fixpoint fill (k : nat) (i oa p cs : Z) (t : tbl) : tbl :=
  match k with
  | O => t
  | S k' => fill k' (i + 1) oa p cs (set t i (NLeaf (oa + i * cs) p))
  end.
Definition split_tbl (oa p l : Z) : tbl := fill 512 0 oa p (esz (l + 1)) (PM.empty _).

(* ---- map / remap: map.c map_visit.  kcheck: which model, Shipped (the
   model of the C) or a broken twin with one of map.c's checks removed
   (variant, below). *)
Record margs := MA { m_ia : Z; m_pa : Z; m_size : Z; m_prot : Z; m_replace : bool }.

(* The model of the shipped code (Shipped), or of a broken twin with one of
   map.c's checks removed: NoKernelEperm (the kernel-table -EPERM,
   WriteOnce.v), NoLeafOffset (the identical-leaf test without the
   in-block offset, PgtMapRange.v), or of unmap.c with one change:
   NoSplitKeep (pgt_split links a zeroed table instead of one reproducing
   the block, so the rest of a partly unmapped block is lost,
   PgtUnmapProt.v; walk_op runs unmap_tbl_nosplitkeep for it), or
   NoUnmapFlush (unmap.c without its range flush, as the C twin
   VRM_TWIN_NO_PGT_FLUSH: step_gen reports no flush for an unmap,
   PgtFlush.v). *)
Inductive variant := Shipped | NoKernelEperm | NoLeafOffset | NoSplitKeep | NoUnmapFlush.

Fixpoint map_tbl (kcheck : variant) (c : cfg) (m : margs) (cnt : bool) (d : nat)
    (l base : Z) (t : tbl) (a : acc) {struct d} : res (tbl * acc) :=
  match d with
  | O => ROk (t, a)
  | S d' =>
    let s := m_ia m in
    let e := m_ia m + m_size m in
    let es := esz l in
    iter_range (fun _ ad en a =>
      let lo := Z.max ad s in
      let hi := Z.min (ad + es) e in
      let pa := m_pa m + (lo - s) in
      let whole := (lo =? ad) && (hi =? ad + es) && (Z.land pa (es - 1) =? 0) in
      match en with
      | NInv =>
          (* invalid: a leaf if whole (blocks from level 1), else a fresh
             table to descend into (pgt_install_table) *)
          if whole && (1 <=? l) then ROk (NLeaf pa (m_prot m), a) else
          let a1 := if cnt then add_need a (fresh_tables (Z.to_nat (3 - l)) lo hi l (m_pa m - s))
                    else a in
          match map_tbl kcheck c m false d' (l + 1) ad (PM.empty _) (add_tables a1 1) with
          | RErr x => RErr x
          | ROk (t', a2) => ROk (NTbl t', a2)
          end
      | NLeaf oa p =>
          if (match kcheck with NoLeafOffset => oa | _ => oa + (lo - ad) end =? pa) &&
             (p =? m_prot m) then ROk (en, a) (* identical *)
          else if negb (m_replace m) then RErr (- EEXIST)
          else if match kcheck with NoKernelEperm => false | _ => true end && c_kernel c
          then RErr (- EPERM)
          else if whole then ROk (NLeaf pa (m_prot m), add_bbm a ad)
          else
            (* partly covered or misaligned: split (BBM), then descend *)
            let a1 := if cnt then add_need a (fresh_tables (Z.to_nat (3 - l)) lo hi l PAGE)
                      else a in
            match map_tbl kcheck c m false d' (l + 1) ad (split_tbl oa p l)
                          (add_tables (add_bbm a1 ad) 1) with
            | RErr x => RErr x
            | ROk (t', a2) => ROk (NTbl t', a2)
            end
      | NTbl t0 =>
          match map_tbl kcheck c m cnt d' (l + 1) ad t0 a with
          | RErr x => RErr x
          | ROk (t', a2) => ROk (NTbl t', a2)
          end
      end) l base s e t a
  end.

(* ---- set_prot: prot.c prot_visit, grants(). *)
Definition grants (p : Z) : Z :=
  Z.lor (Z.land p 3)
    (Z.lor (if Z.land p 36 =? 0 then 0 else 4) (if Z.land p 68 =? 0 then 0 else 8)).

Fixpoint prot_tbl (c : cfg) (ia size prot : Z) (cnt : bool) (d : nat)
    (l base : Z) (t : tbl) (a : acc) {struct d} : res (tbl * acc) :=
  match d with
  | O => ROk (t, a)
  | S d' =>
    let s := ia in
    let e := ia + size in
    let es := esz l in
    iter_range (fun _ ad en a =>
      match en with
      | NInv => ROk (NInv, a) (* hole *)
      | NLeaf oa p =>
          if p =? prot then ROk (en, a)
          else if c_kernel c then RErr (- EPERM)
          else if (ad <? s) || (e <? ad + es) then
            let a1 := if cnt then add_need a (fresh_tables (Z.to_nat (3 - l))
                                                (Z.max ad s) (Z.min (ad + es) e) l 0)
                      else a in
            match prot_tbl c ia size prot false d' (l + 1) ad (split_tbl oa p l)
                           (add_tables (add_bbm a1 ad) 1) with
            | RErr x => RErr x
            | ROk (t', a2) => ROk (NTbl t', a2)
            end
          else if negb (Z.land (Z.lxor p prot) 24 =? 0) then
            ROk (NLeaf oa prot, add_bbm a ad)          (* memory type: BBM *)
          else if Z.land (grants p) (Z.lxor (grants prot) 15) =? 0 then
            ROk (NLeaf oa prot, a)                     (* only adds: no flush *)
          else ROk (NLeaf oa prot, set_flush a)        (* removes: flush *)
      | NTbl t0 =>
          match prot_tbl c ia size prot cnt d' (l + 1) ad t0 a with
          | RErr x => RErr x
          | ROk (t', a2) => ROk (NTbl t', a2)
          end
      end) l base s e t a
  end.

(* ---- unmap: unmap.c unmap_visit (LEAF and TABLE_POST). *)
Definition tbl_empty (t : tbl) : bool := PM.is_empty t.

(* TABLE_POST: a table wholly covered, or left empty, is unlinked and
   freed after the flush; never in a kernel table. *)
Definition unmap_post (c : cfg) (covered : bool) (t' : tbl) (a : acc) : node * acc :=
  if c_kernel c then (NTbl t', a)
  else if covered || tbl_empty t' then (NInv, add_tables (set_flush a) (-1))
  else (NTbl t', a).

Fixpoint unmap_tbl (c : cfg) (ia size : Z) (cnt : bool) (d : nat)
    (l base : Z) (t : tbl) (a : acc) {struct d} : res (tbl * acc) :=
  match d with
  | O => ROk (t, a)
  | S d' =>
    let s := ia in
    let e := ia + size in
    let es := esz l in
    iter_range (fun _ ad en a =>
      let covered := (s <=? ad) && (ad + es <=? e) in
      match en with
      | NInv => ROk (NInv, a)
      | NLeaf oa p =>
          if c_kernel c then RErr (- EPERM)
          else if covered then ROk (NInv, set_flush a)
          else
            let a1 := if cnt then add_need a (fresh_tables (Z.to_nat (3 - l))
                                                (Z.max ad s) (Z.min (ad + es) e) l 0)
                      else a in
            match unmap_tbl c ia size false d' (l + 1) ad (split_tbl oa p l)
                            (add_tables (add_bbm a1 ad) 1) with
            | RErr x => RErr x
            | ROk (t', a2) => ROk (unmap_post c covered t' a2)
            end
      | NTbl t0 =>
          match unmap_tbl c ia size cnt d' (l + 1) ad t0 a with
          | RErr x => RErr x
          | ROk (t', a2) => ROk (unmap_post c covered t' a2)
          end
      end) l base s e t a
  end.

(* The broken twin NoSplitKeep of unmap_tbl (PgtUnmapProt.v): the same
   walk, but a partly covered block is replaced by an empty table
   (PM.empty for split_tbl oa p l), not by one that reproduces it. *)
Fixpoint unmap_tbl_nosplitkeep (c : cfg) (ia size : Z) (cnt : bool) (d : nat)
    (l base : Z) (t : tbl) (a : acc) {struct d} : res (tbl * acc) :=
  match d with
  | O => ROk (t, a)
  | S d' =>
    let s := ia in
    let e := ia + size in
    let es := esz l in
    iter_range (fun _ ad en a =>
      let covered := (s <=? ad) && (ad + es <=? e) in
      match en with
      | NInv => ROk (NInv, a)
      | NLeaf oa p =>
          if c_kernel c then RErr (- EPERM)
          else if covered then ROk (NInv, set_flush a)
          else
            let a1 := if cnt then add_need a (fresh_tables (Z.to_nat (3 - l))
                                                (Z.max ad s) (Z.min (ad + es) e) l 0)
                      else a in
            match unmap_tbl_nosplitkeep c ia size false d' (l + 1) ad (PM.empty _)
                            (add_tables (add_bbm a1 ad) 1) with
            | RErr x => RErr x
            | ROk (t', a2) => ROk (unmap_post c covered t' a2)
            end
      | NTbl t0 =>
          match unmap_tbl_nosplitkeep c ia size cnt d' (l + 1) ad t0 a with
          | RErr x => RErr x
          | ROk (t', a2) => ROk (unmap_post c covered t' a2)
          end
      end) l base s e t a
  end.

(* ---- argument checks *)
(* walk.c pgt_range_ok *)
Definition range_ok (c : cfg) (ia size : Z) : bool :=
  let limit := Z.shiftl 1 (c_ia_bits c) in
  negb (size =? 0) && (Z.land (Z.lor ia size) (PAGE - 1) =? 0) &&
  (0 <=? ia) && (ia <? limit) && (size <=? limit - ia).

(* desc.c prot_valid_feats with feats = 0 (no FEAT_XNX). *)
Definition prot_valid (stage2 : bool) (p : Z) : bool :=
  let x := Z.land p 100 in          (* X | X_EL1 | X_EL0 *)
  let mt := Z.land p 24 in
  (0 <=? p) && (p <=? 127) && negb (mt =? 24) &&
  ((x =? 0) || (x =? 4) || (x =? 32) || (x =? 64)) &&
  negb (negb (x =? 0) && (mt =? 8)) &&
  negb ((x =? 32) || (x =? 64)) &&
  (if stage2 then true
   else negb (Z.land p 1 =? 0) && negb (negb (x =? 0) && negb (Z.land p 2 =? 0))).

Definition map_args_ok (c : cfg) (ia pa size prot : Z) : bool :=
  range_ok c ia size && (Z.land pa (PAGE - 1) =? 0) && (0 <=? pa) && (pa <? PA_LIMIT) &&
  (size <=? PA_LIMIT - pa) && prot_valid (c_stage2 c) prot.

(* ---- table pages: the root and every table below it *)
Fixpoint pages_node (d : nat) (e : node) : Z :=
  match e with
  | NTbl t => match d with O => 1 | S d' => 1 + PM.fold (fun _ e n => n + pages_node d' e) t 0 end
  | _ => 0
  end.

Definition depth (c : cfg) : nat := Z.to_nat (4 - c_sl c).
Definition live_pages (p : pgt) : Z := pages_node (depth (p_cfg p)) (NTbl (p_root p)).

(* ---- one call *)
Inductive op : Type :=
| Map (ia pa size prot : Z)
| Remap (ia pa size prot : Z)
| SetProt (ia size prot : Z)
| Unmap (ia size : Z).

Record out := Out {
  o_ret : Z;          (* 0 or a negative VRM_E* *)
  o_pgt : pgt;        (* the table after the call *)
  o_peak : Z;         (* most table pages live during the call *)
  o_bbm : list Z;     (* BBM'd entries, in order *)
  o_flush : bool      (* the range flush ran *)
}.

(* The walk of a well-formed call, from the root (level c_sl, base 0). *)
Definition walk_op (kcheck : variant) (p : pgt) (o : op) : res (tbl * acc) :=
  let c := p_cfg p in
  let r := p_root p in
  match o with
  | Map ia pa size prot =>
      map_tbl kcheck c (MA ia pa size prot false) true (depth c) (c_sl c) 0 r acc0
  | Remap ia pa size prot =>
      map_tbl kcheck c (MA ia pa size prot true) true (depth c) (c_sl c) 0 r acc0
  | SetProt ia size prot => prot_tbl c ia size prot true (depth c) (c_sl c) 0 r acc0
  | Unmap ia size =>
      match kcheck with
      | NoSplitKeep => unmap_tbl_nosplitkeep c ia size true (depth c) (c_sl c) 0 r acc0
      | _ => unmap_tbl c ia size true (depth c) (c_sl c) 0 r acc0
      end
  end.

Definition args_ok (c : cfg) (o : op) : bool :=
  match o with
  | Map ia pa size prot | Remap ia pa size prot => map_args_ok c ia pa size prot
  | SetProt ia size prot => range_ok c ia size && prot_valid (c_stage2 c) prot
  | Unmap ia size => range_ok c ia size
  end.

(* The flush a call reports: the walk's, but none for NoUnmapFlush's
   unmap. *)
Definition flush_of (kcheck : variant) (o : op) (f : bool) : bool :=
  match kcheck, o with
  | NoUnmapFlush, Unmap _ _ => false
  | _, _ => f
  end.

(* op.c pgt_op_run.  cap: the allocator hands out pages while fewer than
   cap are live (tests/model/pgt/trace_pgt.c's allocator). *)
Definition step_gen (kcheck : variant) (p : pgt) (cap : Z) (o : op) : out :=
  let live := p_live p in
  if negb (args_ok (p_cfg p) o) then Out (- EINVAL) p live [] false else
  match walk_op kcheck p o with
  | RErr e => Out e p live [] false
  | ROk (t', a) =>
      if cap <? live + a_need a then Out (- ENOMEM) p cap [] false
      else Out 0 (Pgt (p_cfg p) t' (live + a_tables a)) (live + a_need a)
               (rev (a_bbm a)) (flush_of kcheck o (a_flush a))
  end.

Definition step := step_gen Shipped.

(* ---- translation *)
(* xlate.c vrm_pgt_hw_walk / vrm_pgt_lookup: (pa of x, prot, level). *)
Fixpoint xl_tbl (d : nat) (l : Z) (t : tbl) (x : Z) : option (Z * Z * Z) :=
  match d with
  | O => None
  | S d' =>
      match get t (idx l x) with
      | NInv => None
      | NLeaf oa p => Some (oa + Z.land x (esz l - 1), p, l)
      | NTbl t' => xl_tbl d' (l + 1) t' x
      end
  end.

Definition translate (p : pgt) (x : Z) : option (Z * Z * Z) :=
  if (0 <=? x) && (x <? Z.shiftl 1 (c_ia_bits (p_cfg p)))
  then xl_tbl (depth (p_cfg p)) (c_sl (p_cfg p)) (p_root p) x else None.

(* vrm_pgt_lookup's result code *)
Definition lookup_ret (p : pgt) (x : Z) : Z :=
  if negb ((0 <=? x) && (x <? Z.shiftl 1 (c_ia_bits (p_cfg p)))) then - EINVAL
  else match translate p x with Some _ => 0 | None => - ENOENT end.

(* ---- the canonical leaf list: (ia, level, oa, prot) of every valid leaf
   overlapping [s, e), in address order. *)
Fixpoint leaves_iter (f : Z -> node -> list (Z * Z * Z * Z)) (k : nat) (i addr step : Z)
    (t : tbl) : list (Z * Z * Z * Z) :=
  match k with
  | O => []
  | S k' => f addr (get t i) ++ leaves_iter f k' (i + 1) (addr + step) step t
  end.

Fixpoint leaves_tbl (d : nat) (l base s e : Z) (t : tbl) : list (Z * Z * Z * Z) :=
  match d with
  | O => []
  | S d' =>
      leaves_iter (fun ad en =>
        match en with
        | NInv => []
        | NLeaf oa p => [(ad, l, oa, p)]
        | NTbl t' => leaves_tbl d' (l + 1) ad s e t'
        end) (count l base s e) (first_idx l base s) (first_addr l base s) (esz l) t
  end.

Definition leaves (p : pgt) (s e : Z) : list (Z * Z * Z * Z) :=
  leaves_tbl (depth (p_cfg p)) (c_sl (p_cfg p)) 0 s e (p_root p).

(* vrm_pgt_init: an empty root; -EINVAL for a bad configuration
   (VRM_PGT_COALESCE with VRM_PGT_KERNEL included: a kernel table's valid
   entries never change). *)
Definition init_cfg (stage2 : bool) (ia_bits sl : Z) (kernel coal : bool) : option pgt :=
  let sl' := if sl =? -1 then (if 39 <? ia_bits then 0 else 1) else sl in
  if (((sl' =? 0) && (40 <=? ia_bits) && (ia_bits <=? 48)) ||
      ((sl' =? 1) && (32 <=? ia_bits) && (ia_bits <=? 39))) && negb (kernel && coal)
  then Some (Pgt (Cfg stage2 ia_bits sl' kernel coal) (PM.empty _) 1) else None.

(* The tables without coalescing, those WriteOnce.v, PgtMapRange.v,
   PgtUnmapProt.v and PgtFlush.v prove their theorems on (where step_full
   is step: step_full_nocoal); init_cfg with coal = false (init_nocoal). *)
Definition init (stage2 : bool) (ia_bits sl : Z) (kernel : bool) : option pgt :=
  let sl' := if sl =? -1 then (if 39 <? ia_bits then 0 else 1) else sl in
  if ((sl' =? 0) && (40 <=? ia_bits) && (ia_bits <=? 48)) ||
     ((sl' =? 1) && (32 <=? ia_bits) && (ia_bits <=? 39))
  then Some (Pgt (Cfg stage2 ia_bits sl' kernel false) (PM.empty _) 1) else None.

Lemma init_nocoal : forall stage2 ia_bits sl kernel,
  init_cfg stage2 ia_bits sl kernel false = init stage2 ia_bits sl kernel.
Proof.
  intros. unfold init_cfg, init. rewrite andb_false_r. cbn [negb]. rewrite andb_true_r.
  reflexivity.
Qed.

(* ---- block coalescing (coalesce.c), for tables with c_coal *)
(* try_coalesce's test on the table t of level l + 1 below an entry of
   level l: its 512 entries are leaves, the i-th at oa + i * cs with one
   prot (pgt_split_piece's inverse), oa aligned to the entry's size. *)
Fixpoint uniform (k : nat) (i oa p cs : Z) (t : tbl) : bool :=
  match k with
  | O => true
  | S k' =>
      match get t i with
      | NLeaf oa' p' => (oa' =? oa + i * cs) && (p' =? p) && uniform k' (i + 1) oa p cs t
      | _ => false
      end
  end.

Definition block_of (l : Z) (t : tbl) : option (Z * Z) :=
  match get t 0 with
  | NLeaf oa p =>
      if (Z.land oa (esz l - 1) =? 0) && uniform 512 0 oa p (esz (l + 1)) t
      then Some (oa, p) else None
  | _ => None
  end.

(* entry_at + try_coalesce: the entry of level lv translating x, in the
   table t of level l; Some of the new t where it was a table block_of
   accepts (replaced by that block), None where nothing changes (an entry
   above it is not a table, or it is not a uniform table). *)
Fixpoint coal_at (d : nat) (lv l x : Z) (t : tbl) : option tbl :=
  match d with
  | O => None
  | S d' =>
      let i := idx l x in
      match get t i with
      | NTbl t' =>
          if l =? lv then
            match block_of l t' with
            | Some (oa, p) => Some (set t i (NLeaf oa p))
            | None => None
            end
          else
            match coal_at d' lv (l + 1) x t' with
            | Some t'' => Some (set t i (NTbl t''))
            | None => None
            end
      | _ => None
      end
  end.

(* pgt_coalesce's inner loop: k entries of level lv from address a; n
   counts the coalesced ones (each one break, one pgt_flush_range over
   the entry, one table page freed after the call's flush). *)
Fixpoint coal_level (k : nat) (d : nat) (sl lv a : Z) (t : tbl) (n : Z) : tbl * Z :=
  match k with
  | O => (t, n)
  | S k' =>
      match coal_at d lv sl a t with
      | Some t' => coal_level k' d sl lv (a + esz lv) t' (n + 1)
      | None => coal_level k' d sl lv (a + esz lv) t n
      end
  end.

(* pgt_coalesce over [ia, ia + size): level-2 entries, then level 1 (not
   above the root's level). *)
Definition coal_pass (c : cfg) (ia size lv : Z) (tn : tbl * Z) : tbl * Z :=
  if c_sl c <=? lv then
    let a0 := Z.land ia (- esz lv) in
    coal_level (Z.to_nat (Z.shiftr (ia + size - a0 + esz lv - 1) (shift lv)))
               (depth c) (c_sl c) lv a0 (fst tn) (snd tn)
  else tn.

Definition coalesce (c : cfg) (ia size : Z) (t : tbl) : tbl * Z :=
  coal_pass c ia size 1 (coal_pass c ia size 2 (t, 0)).

(* op.c pgt_op_run with coalescing: after a successful map, remap or
   set_prot (never unmap) on a c_coal table, the pass above; its tables
   are freed after the call's flush, so the peak (the plan's pages,
   allocated before the commit) stays step's.  The second component: the
   entries coalesced, i.e. the range flushes the pass adds to the call's
   (o_flush: the call's own one at the end). *)
Definition op_range (o : op) : Z * Z :=
  match o with
  | Map ia _ size _ | Remap ia _ size _ => (ia, size)
  | SetProt ia size _ | Unmap ia size => (ia, size)
  end.

Definition coalesces (o : op) : bool :=
  match o with Unmap _ _ => false | _ => true end.

Definition step_full (p : pgt) (cap : Z) (o : op) : out * Z :=
  let r := step p cap o in
  let q := o_pgt r in
  if c_coal (p_cfg p) && (o_ret r =? 0) && coalesces o then
    let (t', n) := coalesce (p_cfg q) (fst (op_range o)) (snd (op_range o)) (p_root q) in
    (Out 0 (Pgt (p_cfg q) t' (p_live q - n)) (o_peak r) (o_bbm r) (o_flush r), n)
  else (r, 0).

Lemma step_full_nocoal : forall p cap o,
  c_coal (p_cfg p) = false -> step_full p cap o = (step p cap o, 0).
Proof. intros p cap o H. unfold step_full. rewrite H. reflexivity. Qed.
