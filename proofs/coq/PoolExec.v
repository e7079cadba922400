(* The page pool of lib/pool, as an executable model that follows the C
   step by step (issue 16).  Everything here is computable (no Prop in the
   data path): tests/model/pool/Extract.v extracts it to OCaml and the
   differential test replays the C library's operations on it.  Theorems
   about it are in Pool.v.

   Data as the C keeps it (lib/pool/internal.h):
   - principals are the C's codes: NONE 0, HYP 1, HOST 2, VM n = 3 + n;
   - a record has owner, borrower, count, state (OWNED 1, SHARED_OWNED 2)
     and the two flags F_HYP_FREE and F_PENDING; the C packs them in one
     64-bit word, masking owner/borrower/count to 16 bits.  The model does
     not mask: every stored principal passed pool_actor_ok (< 3 + 65000)
     and every count is checked against VRM_POOL_SHARE_MAX before it
     grows, so no mask ever bites; the differential test compares the
     unmasked fields with the C's word, so a count past 16 bits would show;
   - a physical address is given as (pfn, off) with off < 4096, i.e.
     pa = pfn * 4096 + off (the driver splits the C's uint64), pages of
     the pool by their index from base.

   An operation runs on a machine state [ms]: the records, the hyp
   allocator's cursor, and the log of what it did.  Every ops callback of
   the C (reserve, unmap [which includes the TLB flush], map) is one
   [call]: it is logged with its arguments and gets its result from the
   fault schedule (callback number -> error; the C's ops may fail).  The
   scrub (pool_scrub_range: pa_to_va + zeroing, cannot fail), each
   ownership record change (pool_transition with the C's on_transition
   arguments) and each pool_rollback_failed are logged too.  Each log
   entry keeps the records as they are right after it (for the theorems;
   free at run time, the lists are shared).

   Loops over runs: the C's `for (i = ...; pool_run(pool, &i, end, mask,
   want, &s, &n);)` finds the maximal runs of matching records one after
   the other, on the current records.  Every loop body in lib/pool writes
   only the records of the run it was handed, and pool_run continues past
   that run, so the runs it finds are those of the records at loop entry:
   the model computes them up front ([runs]).  The differential test checks
   the argument on every operation. *)

Require Import Arith Bool List ZArith.
Import ListNotations.

(* Principals (include/vrm/pool.h). *)
Definition NONE := 0.
Definition HYP := 1.
Definition HOST := 2.
Definition VM (n : nat) := 3 + n.
Definition is_vm (p : nat) : bool := 3 <=? p.

(* Page states and limits (include/vrm/pool.h). *)
Definition OWNED := 1.
Definition SHARED_OWNED := 2.
Definition SHARED_BORROWED := 3.
Definition SHARE_MAX := 65535.
Definition MAX_ORDER := 18.

(* Error codes (include/vrm/types.h), negated as the C returns them. *)
Definition EPERM : Z := (-1)%Z.
Definition ENOMEM : Z := (-12)%Z.
Definition EBUSY : Z := (-16)%Z.
Definition EINVAL : Z := (-22)%Z.
Definition EOVERFLOW : Z := (-75)%Z.

(* struct vrm_pool's constants: max_vms, base >> 12, npages. *)
Record cfg := Cfg { max_vms : nat; base_pfn : nat; npages : nat }.

(* pool_actor_ok (internal.h). *)
Definition actor_ok (c : cfg) (p : nat) : bool :=
  (p =? HYP) || (p =? HOST) || (is_vm p && (p - 3 <? max_vms c)).

Record rec := Rec { owner : nat; borrower : nat; count : nat; state : nat;
                    hfree : bool; pending : bool }.

Definition host_rec := Rec HOST NONE 0 OWNED false false.
Definition get (l : list rec) (j : nat) : rec := nth j l host_rec.

(* vrm_pool_init: every page the host's, unshared. *)
Definition init_recs (c : cfg) : list rec := repeat host_rec (npages c).

(* enum pool_op (internal.h); OP_RESTORE is never used by lib/pool. *)
Inductive pop := GIVE | UNGIVE | SHARE | UNSHARE | DROP | SETF | CLRF.

(* Flag argument (F_HYP_FREE, F_PENDING) of GIVE / SETF / CLRF. *)
Definition fl := (bool * bool)%type.
Definition F0 : fl := (false, false).
Definition FFREE : fl := (true, false).
Definition FPEND : fl := (false, true).

(* apply() of core.c, case by case. *)
Definition apply (r : rec) (o : pop) (p : nat) (a : fl) : rec :=
  match o with
  | GIVE | UNGIVE => Rec p NONE 0 OWNED (fst a) (snd a)
  | SHARE => Rec (owner r) p (count r + 1) SHARED_OWNED (hfree r) (pending r)
  | UNSHARE =>
      if count r <=? 1 then Rec (owner r) NONE 0 OWNED (hfree r) (pending r)
      else Rec (owner r) (borrower r) (count r - 1) SHARED_OWNED (hfree r) (pending r)
  | DROP => Rec (owner r) NONE 0 OWNED (hfree r) (pending r)
  | SETF => Rec (owner r) (borrower r) (count r) (state r)
                (hfree r || fst a) (pending r || snd a)
  | CLRF => Rec (owner r) (borrower r) (count r) (state r)
                (hfree r && negb (fst a)) (pending r && negb (snd a))
  end.

Definition in_run (s n j : nat) : bool := (s <=? j) && (j <? s + n).

(* pool_commit: every record of [s, s + n) becomes apply() of itself. *)
Fixpoint upd_from (j : nat) (l : list rec) (s n : nat) (f : rec -> rec) : list rec :=
  match l with
  | [] => []
  | r :: t => (if in_run s n j then f r else r) :: upd_from (S j) t s n f
  end.

Inductive ev :=
  | Reserve (who s n : nat)
  | Unmap (who s n : nat)
  | Map (who s n st : nat)
  | Scrub (s n : nat)
  (* on_transition(pa, n, old owner, new owner, borrower, new state) *)
  | Trans (s n old_owner new_owner bor st : nat)
  | RbFail (s : nat).

Record ent := Ent { e_ev : ev; e_ret : Z; e_recs : list rec }.

(* Records, cursor, log (newest first), callbacks so far, fault schedule. *)
Record ms := MS { recs : list rec; cursor : nat; log : list ent; ncb : nat;
                  faults : list (nat * Z) }.

Definition start (l : list rec) (cur : nat) (fs : list (nat * Z)) : ms :=
  MS l cur [] 0 fs.

Fixpoint fault_of (fs : list (nat * Z)) (i : nat) : Z :=
  match fs with
  | [] => 0%Z
  | (j, e) :: t => if j =? i then e else fault_of t i
  end.

Definition note (m : ms) (e : ev) (r : Z) : ms :=
  MS (recs m) (cursor m) (Ent e r (recs m) :: log m) (ncb m) (faults m).

(* One ops callback: logged, result from the schedule. *)
Definition call (m : ms) (e : ev) : ms * Z :=
  let r := fault_of (faults m) (ncb m) in
  (MS (recs m) (cursor m) (Ent e r (recs m) :: log m) (S (ncb m)) (faults m), r).

Definition reserve m who s n := call m (Reserve who s n).
Definition unmap m who s n := call m (Unmap who s n).
Definition map m who s n st := call m (Map who s n st).
Definition scrub m s n := note m (Scrub s n) 0.
Definition rb_fail m s := note m (RbFail s) 0.

Definition is_ownership (o : pop) : bool :=
  match o with SETF | CLRF => false | _ => true end.

(* pool_transition: commit, then the on_transition event (old = first
   record before, w = last record written). *)
Definition tr (m : ms) (s n : nat) (o : pop) (p : nat) (a : fl) : ms :=
  let old := get (recs m) s in
  let l := upd_from 0 (recs m) s n (fun r => apply r o p a) in
  let w := get l (s + n - 1) in
  let m' := MS l (cursor m) (log m) (ncb m) (faults m) in
  if is_ownership o then note m' (Trans s n (owner old) (owner w) (borrower w) (state w)) 0
  else m'.

Definition set_cursor (m : ms) (c : nat) : ms :=
  MS (recs m) c (log m) (ncb m) (faults m).

(* Maximal runs of pages j in [i, e) whose record satisfies q: pool_run. *)
Fixpoint runs_go (q : nat -> rec -> bool) (l : list rec) (j st len : nat)
  : list (nat * nat) :=
  match l with
  | [] => if len =? 0 then [] else [(st, len)]
  | r :: t =>
      if q j r then
        if len =? 0 then runs_go q t (S j) j 1 else runs_go q t (S j) st (S len)
      else if len =? 0 then runs_go q t (S j) 0 0
      else (st, len) :: runs_go q t (S j) 0 0
  end.

Definition runs (p : rec -> bool) (l : list rec) (i e : nat) : list (nat * nat) :=
  runs_go (fun j r => (i <=? j) && (j <? e) && p r) l 0 0 0.

(* `for (...; ret == 0 && pool_run(...);) ret = body;`: also returns the
   start of the run whose body failed (the C's `fail = s`). *)
Fixpoint loop_ret (rs : list (nat * nat)) (m : ms) (body : ms -> nat -> nat -> ms * Z)
  : ms * Z * nat :=
  match rs with
  | [] => (m, 0%Z, 0)
  | (s, n) :: t =>
      let (m1, r) := body m s n in
      if Z.eqb r 0 then loop_ret t m1 body else (m1, r, s)
  end.

(* A loop without early exit. *)
Fixpoint loop (rs : list (nat * nat)) (m : ms) (body : ms -> nat -> nat -> ms) : ms :=
  match rs with
  | [] => m
  | (s, n) :: t => loop t (body m s n) body
  end.

(* A check loop over the pages of [i, i + cnt): the first nonzero result. *)
Fixpoint first_err (f : nat -> Z) (i cnt : nat) : Z :=
  match cnt with
  | 0 => 0%Z
  | S c => let r := f i in if Z.eqb r 0 then first_err f (S i) c else r
  end.

(* pool_range (core.c): Some first index, or None (-EINVAL). *)
Definition pool_range (c : cfg) (pfn off n : nat) : option nat :=
  if (n =? 0) || negb (off =? 0) || (pfn <? base_pfn c) then None
  else
    let first := pfn - base_pfn c in
    if (npages c <=? first) || (npages c - first <? n) then None else Some first.

(* Record predicates the C's pool_run masks select. *)
Definition st_owned (r : rec) : bool := state r =? OWNED.
Definition is_pending (r : rec) : bool := pending r.
Definition not_pending (r : rec) : bool := negb (pending r).
Definition last_grant (r : rec) : bool := count r =? 1.
Definition owned_by (p : nat) (r : rec) : bool := owner r =? p.
Definition lent_by (p : nat) (r : rec) : bool := (owner r =? p) && (state r =? SHARED_OWNED).
Definition borrowed_by (p : nat) (r : rec) : bool :=
  (borrower r =? p) && (state r =? SHARED_OWNED).
Definition free_hyp (r : rec) : bool := (owner r =? HYP) && (state r =? OWNED) && hfree r.

Definition zero : Z := 0%Z.

(* ---- vrm_pool_donate (transitions.c) ---------------------------------- *)

Definition donate_dir_ok (c : cfg) (from to : nat) : bool :=
  if from =? HOST then (to =? HYP) || (is_vm to && actor_ok c to)
  else (from =? HYP) && (to =? HOST).

(* donate_check, per page; owner_check = false is the broken twin
   VRM_TWIN_NO_OWNER_CHECK. *)
Definition donate_page (owner_check : bool) (from : nat) (r : rec) : Z :=
  if owner_check && negb (owner r =? from) then EPERM
  else if negb (state r =? OWNED) then EBUSY
  else if hfree r then EPERM
  else zero.

Definition donate_gen (owner_check : bool) (c : cfg) (m : ms)
    (pfn off n from to : nat) : ms * Z :=
  match pool_range c pfn off n with
  | None => (m, EINVAL)
  | Some idx =>
    if negb (actor_ok c from && actor_ok c to && donate_dir_ok c from to) then (m, EINVAL)
    else
    let ret := first_err (fun j => donate_page owner_check from (get (recs m) j)) idx n in
    if negb (Z.eqb ret 0) then (m, ret) else
    let (m, ret) := reserve m from idx n in
    if negb (Z.eqb ret 0) then (m, ret) else
    let (m, ret) := reserve m to idx n in
    if negb (Z.eqb ret 0) then (m, ret) else
    let (m, ret) := unmap m from idx n in
    if negb (Z.eqb ret 0) then (m, ret) else
    (* Hyp memory may hold secrets: scrubbed before the handover. *)
    let m := if from =? HYP then scrub m idx n else m in
    let m := tr m idx n GIVE to F0 in
    let (m, ret) := map m to idx n OWNED in
    if Z.eqb ret 0 then (m, zero) else
    (* Roll back: the receiver's table is unchanged (map is
       all-or-nothing): give the pages back and re-map them. *)
    let m := tr m idx n UNGIVE from F0 in
    let (m, r2) := map m from idx n OWNED in
    ((if Z.eqb r2 0 then m else rb_fail m idx), ret)
  end.

Definition donate := donate_gen true.

(* ---- vrm_pool_share / vrm_pool_unshare (transitions.c) ---------------- *)

Definition share_pair_ok (c : cfg) (o b : nat) : bool :=
  actor_ok c o && actor_ok c b &&
  (((o =? HOST) && is_vm b) || (is_vm o && (b =? HOST))).

Definition share_page (o b : nat) (r : rec) : Z :=
  if negb (owner r =? o) then EPERM
  else if (state r =? SHARED_OWNED) && negb (borrower r =? b) then EBUSY
  else if SHARE_MAX <=? count r then EOVERFLOW
  else zero.

Definition share (c : cfg) (m : ms) (pfn off n o b : nat) : ms * Z :=
  match pool_range c pfn off n with
  | None => (m, EINVAL)
  | Some idx =>
    if negb (share_pair_ok c o b) then (m, EINVAL) else
    let e := idx + n in
    let ret := first_err (fun j => share_page o b (get (recs m) j)) idx n in
    if negb (Z.eqb ret 0) then (m, ret) else
    (* reserve(borrower) for the pages shared for the first time *)
    let '(m, ret, _) := loop_ret (runs st_owned (recs m) idx e) m
                          (fun m s k => reserve m b s k) in
    if negb (Z.eqb ret 0) then (m, ret) else
    (* mark the first-time pages *)
    let m := loop (runs st_owned (recs m) idx e) m (fun m s k => tr m s k SETF NONE FPEND) in
    (* record, then map, run by run *)
    let '(m, ret, fail) := loop_ret (runs is_pending (recs m) idx e) m
        (fun m s k => map (tr m s k SHARE b F0) b s k SHARED_BORROWED) in
    let m :=
      if negb (Z.eqb ret 0) then
        (* runs before the failed one were mapped: unmap, then unshare *)
        let m := loop (runs is_pending (recs m) idx fail) m
          (fun m s k =>
             let (m, r) := unmap m b s k in
             if negb (Z.eqb r 0) then tr (rb_fail m s) s k CLRF NONE FPEND
             else tr m s k UNSHARE b F0) in
        (* the failed run (its map changed nothing), not the later ones *)
        loop (runs is_pending (recs m) fail e) m
          (fun m s k => if state (get (recs m) s) =? SHARED_OWNED
                        then tr m s k UNSHARE b F0 else m)
      else
        (* pages already lent to b gain one grant *)
        loop (runs not_pending (recs m) idx e) m (fun m s k => tr m s k SHARE b F0) in
    let m := loop (runs is_pending (recs m) idx e) m (fun m s k => tr m s k CLRF NONE FPEND) in
    (m, ret)
  end.

Definition unshare_page (o b : nat) (r : rec) : Z :=
  if negb (owner r =? o) || negb (state r =? SHARED_OWNED) || negb (borrower r =? b)
  then EPERM else zero.

Definition unshare (c : cfg) (m : ms) (pfn off n o b : nat) : ms * Z :=
  match pool_range c pfn off n with
  | None => (m, EINVAL)
  | Some idx =>
    if negb (share_pair_ok c o b) then (m, EINVAL) else
    let e := idx + n in
    let ret := first_err (fun j => unshare_page o b (get (recs m) j)) idx n in
    if negb (Z.eqb ret 0) then (m, ret) else
    let '(m, ret, _) := loop_ret (runs last_grant (recs m) idx e) m
                          (fun m s k => reserve m b s k) in
    if negb (Z.eqb ret 0) then (m, ret) else
    (* the borrower loses its mapping before the record changes *)
    let '(m, ret, fail) := loop_ret (runs last_grant (recs m) idx e) m
                             (fun m s k => unmap m b s k) in
    if negb (Z.eqb ret 0) then
      (loop (runs last_grant (recs m) idx fail) m
         (fun m s k => let (m, r) := map m b s k SHARED_BORROWED in
                       if Z.eqb r 0 then m else rb_fail m s), ret)
    else (tr m idx n UNSHARE b F0, zero)
  end.

(* ---- vrm_pool_reclaim (reclaim.c) -------------------------------------- *)

(* remap_vm: the VM's owned runs below ostop, borrowed runs below bstop. *)
Definition remap_vm (c : cfg) (m : ms) (vm ostop bstop : nat) : ms :=
  let m := loop (runs (owned_by vm) (recs m) 0 ostop) m
    (fun m s k => let (m, r) := map m vm s k OWNED in
                  if Z.eqb r 0 then m else rb_fail m s) in
  loop (runs (borrowed_by vm) (recs m) 0 bstop) m
    (fun m s k => let (m, r) := map m vm s k SHARED_BORROWED in
                  if Z.eqb r 0 then m else rb_fail m s).

(* unmap_vm: each loop stops at the first failure and re-maps what it had
   unmapped. *)
Definition unmap_vm (c : cfg) (m : ms) (vm : nat) : ms * Z :=
  let e := npages c in
  let '(m, ret, fail) := loop_ret (runs (owned_by vm) (recs m) 0 e) m
                           (fun m s k => unmap m vm s k) in
  if negb (Z.eqb ret 0) then (remap_vm c m vm fail 0, ret) else
  let '(m, ret, fail) := loop_ret (runs (borrowed_by vm) (recs m) 0 e) m
                           (fun m s k => unmap m vm s k) in
  if negb (Z.eqb ret 0) then (remap_vm c m vm e fail, ret) else (m, zero).

(* scrub = false is the broken twin VRM_TWIN_NO_SCRUB. *)
Definition reclaim_gen (do_scrub : bool) (c : cfg) (m : ms) (vm : nat) : ms * Z :=
  if negb (is_vm vm && actor_ok c vm) then (m, EINVAL) else
  let e := npages c in
  (* a page the VM still lends to the host: the host must unshare first *)
  match runs (lent_by vm) (recs m) 0 e with
  | _ :: _ => (m, EBUSY)
  | [] =>
    let '(m, ret, _) := loop_ret (runs (owned_by vm) (recs m) 0 e) m
        (fun m s k => let (m, r) := reserve m vm s k in
                      if Z.eqb r 0 then reserve m HOST s k else (m, r)) in
    let '(m, ret, _) :=
      if Z.eqb ret 0 then loop_ret (runs (borrowed_by vm) (recs m) 0 e) m
                            (fun m s k => reserve m vm s k)
      else (m, ret, 0) in
    let (m, ret) := if Z.eqb ret 0 then unmap_vm c m vm else (m, ret) in
    if negb (Z.eqb ret 0) then (m, ret) else
    (* hand over run by run: scrub, record (PENDING: this call's), map *)
    let '(m, ret, fail) := loop_ret (runs (owned_by vm) (recs m) 0 e) m
        (fun m s k =>
           let m := if do_scrub then scrub m s k else m in
           map (tr m s k GIVE HOST FPEND) HOST s k OWNED) in
    if negb (Z.eqb ret 0) then
      let m := loop (runs is_pending (recs m) 0 e) m
        (fun m s k =>
           if s <? fail then
             let (m, r) := unmap m HOST s k in
             if negb (Z.eqb r 0) then tr (rb_fail m s) s k CLRF NONE FPEND
             else tr m s k GIVE vm F0
           else tr m s k GIVE vm F0) in
      (remap_vm c m vm e e, ret)
    else
    let m := loop (runs is_pending (recs m) 0 e) m (fun m s k => tr m s k CLRF NONE FPEND) in
    (* the VM's grants die with it *)
    (loop (runs (borrowed_by vm) (recs m) 0 e) m (fun m s k => tr m s k DROP NONE F0), zero)
  end.

Definition reclaim := reclaim_gen true.

(* ---- hyp allocator (alloc.c) ------------------------------------------- *)

Definition run_free (l : list rec) (idx n : nat) : bool :=
  forallb (fun j => free_hyp (get l j)) (seq idx n).

(* align_up: first index >= idx whose pfn is a multiple of n (n = 2^order,
   so the C's & (n - 1) is mod n). *)
Definition align_up (c : cfg) (idx n : nat) : nat :=
  idx + (n - (base_pfn c + idx) mod n) mod n.

(* The C's for (idx = align_up(lo); idx < hi && n <= hi - idx;
   idx = align_up(idx + n)); fuel npages + 1 is never exhausted: idx grows
   by n >= 1 per step and stays below hi <= npages. *)
Fixpoint scan (c : cfg) (l : list rec) (fuel idx hi n : nat) : option nat :=
  match fuel with
  | 0 => None
  | S f =>
      if (idx <? hi) && (n <=? hi - idx) then
        if run_free l idx n then Some idx else scan c l f (align_up c (idx + n) n) hi n
      else None
  end.

(* Returns the page index of the run as well (the C's *pa). *)
Definition hyp_alloc (c : cfg) (m : ms) (pa_null : bool) (order : nat) : ms * Z * nat :=
  if pa_null || (MAX_ORDER <? order) then (m, EINVAL, 0) else
  let n := 2 ^ order in
  let st := if cursor m <? npages c then cursor m else 0 in
  let hit :=
    match scan c (recs m) (S (npages c)) (align_up c st n) (npages c) n with
    | Some i => Some i
    | None => scan c (recs m) (S (npages c)) (align_up c 0 n) (Nat.min (st + n) (npages c)) n
    end in
  match hit with
  | None => (m, ENOMEM, 0)
  | Some i =>
      let m := scrub m i n in
      let m := tr m i n CLRF NONE FFREE in
      (set_cursor m (i + n), zero, i)
  end.

Definition hyp_free_page (r : rec) : Z :=
  if negb (owner r =? HYP) || hfree r then EPERM else zero.

Definition hyp_free (c : cfg) (m : ms) (pfn off order : nat) : ms * Z :=
  if MAX_ORDER <? order then (m, EINVAL) else
  let n := 2 ^ order in
  match pool_range c pfn off n with
  | None => (m, EINVAL)
  | Some idx =>
    if negb (pfn mod n =? 0) then (m, EINVAL) else
    let ret := first_err (fun j => hyp_free_page (get (recs m) j)) idx n in
    if negb (Z.eqb ret 0) then (m, ret) else (tr m idx n SETF NONE FFREE, zero)
  end.

(* ---- vrm_pool_boot_assign (pool.c) ------------------------------------- *)

Definition boot_page (r : rec) : Z :=
  if negb (state r =? OWNED) || ((owner r =? HYP) && negb (hfree r)) || is_vm (owner r)
  then EPERM else zero.

Definition boot_assign (c : cfg) (m : ms) (pfn off n o : nat) : ms * Z :=
  match pool_range c pfn off n with
  | None => (m, EINVAL)
  | Some idx =>
    if negb ((o =? NONE) || (o =? HYP) || (o =? HOST)) then (m, EINVAL) else
    let ret := first_err (fun j => boot_page (get (recs m) j)) idx n in
    if negb (Z.eqb ret 0) then (m, ret)
    else (tr m idx n GIVE o (if o =? HYP then FFREE else F0), zero)
  end.

(* ---- one operation, as the trace names it ------------------------------ *)

Inductive op :=
  | ODonate (pfn off n from to : nat)
  | OShare (pfn off n o b : nat)
  | OUnshare (pfn off n o b : nat)
  | OReclaim (vm : nat)
  | OAlloc (pa_null : bool) (order : nat)
  | OFree (pfn off order : nat)
  | OBoot (pfn off n o : nat).

(* The operation's machine state and return value, and hyp_alloc's page. *)
Definition run_gen (owner_check do_scrub : bool) (c : cfg) (m : ms) (o : op)
  : ms * Z * nat :=
  match o with
  | ODonate pfn off n f t => let (m, r) := donate_gen owner_check c m pfn off n f t in (m, r, 0)
  | OShare pfn off n ow b => let (m, r) := share c m pfn off n ow b in (m, r, 0)
  | OUnshare pfn off n ow b => let (m, r) := unshare c m pfn off n ow b in (m, r, 0)
  | OReclaim vm => let (m, r) := reclaim_gen do_scrub c m vm in (m, r, 0)
  | OAlloc z ord => hyp_alloc c m z ord
  | OFree pfn off ord => let (m, r) := hyp_free c m pfn off ord in (m, r, 0)
  | OBoot pfn off n ow => let (m, r) := boot_assign c m pfn off n ow in (m, r, 0)
  end.

Definition run_op := run_gen true true.
