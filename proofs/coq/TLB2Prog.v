(* TLB2Prog.v -- lib/tlb's sequences and the lib/pgtable callers that use
   them, as instruction lists of the model in TLB2.v, one definition per C
   function, instruction by instruction (line numbers: lib/tlb/tlb.c).
   The broken twins of TLB2Twins.v are these lists with one element
   removed ([drop]) or one operand changed. *)

Require Import Arith List.
Import ListNotations.
Require Import VRM.TLB2.

(* vrm_tlb_flush_s2_ipa, tlb.c lines 87-96.  tb_ctx_enter / tb_ctx_exit
   (lines 88 and 96, rules R4 and R8: the target's whole VTTBR_EL2 loaded,
   then the old one restored) are not instructions here: the TLBIs carry
   their VMID, and every walk of a VMID uses that VMID's own tables, which
   is what loading the whole VTTBR_EL2 (never the VMID alone) guarantees.
   The model's DSB ISH waits for the write buffer and for every PE's
   pending invalidations; it does not model the walks in flight that the
   leading DSB ISH (R7) also completes. *)
Definition flush_s2_ipa (vmid ipa : nat) : list insn :=
  [ DSB_ISH;                   (* 87: tb_dsb_ish(), R1 (and R7) *)
    TLBI (IPAS2E1IS vmid ipa); (* 89: tb_tlbi_ipas2e1is(op) *)
    DSB_ISH;                   (* 92: tb_dsb_ish(), R2 (and R3 needs it) *)
    TLBI (VMALLE1IS vmid);     (* 93: tb_tlbi_vmalle1is(), R3 *)
    DSB_ISH;                   (* 94: tb_sync_ish(), R2 *)
    ISB ].                     (* 95: tb_isb(), R5 *)

(* vrm_tlb_flush_el2_va, tlb.c lines 228-235; vrm_tlb_flush_el2_range over
   one page (lines 251-269, either branch: one TLBI VAE2IS) is
   [flush_el2_va va false].  Every tb_sync_ish() is the default build's
   single DSB ISH; with -Dtlbi_repeat it is followed by TLBI VALE2IS and
   DSB ISH (an erratum workaround the model's CPUs do not need). *)
Definition flush_el2_va (va : nat) (leaf_only : bool) : list insn :=
  [ DSB_ISHST;                                          (* 228, R1 *)
    TLBI (if leaf_only then VALE2IS va else VAE2IS va); (* 230 / 232 *)
    DSB_ISH;                                            (* 234, R2 *)
    ISB ].                                              (* 235, R5 *)

(* vrm_tlb_flush_all_el1, tlb.c lines 281-285 (VMID rollover). *)
Definition flush_all_el1 : list insn :=
  [ DSB_ISHST; TLBI ALLE1IS; DSB_ISH; ISB ].

(* Stage-2 unmap of one page (unmap_run's pgt_pte_write(.., 0, ..), then
   the flush) or break-before-make (lib/pgtable/bbm.c pgt_bbm: break,
   flush_entry, make): [make] is the new descriptor, if any. *)
Definition s2_change (vmid ipa : nat) (make : option nat) : list insn :=
  STR (WS2 vmid ipa None)
  :: flush_s2_ipa vmid ipa
  ++ match make with None => [] | Some p => [STR (WS2 vmid ipa (Some p))] end.

(* EL2 leaf invalidation of one page, no table freed: the break of
   pgt_bbm on a leaf (flush_entry with leaf = true: VALE2IS), or unmap's
   pgt_flush_range (VAE2IS); the theorem covers both forms. *)
Definition el2_unmap_leaf (tp va : nat) (leaf_only : bool) : list insn :=
  STR (WPG tp va None) :: flush_el2_va va leaf_only.

(* EL2 unmap that empties the table page tp (lib/pgtable/unmap.c):
   unmap_run invalidates the leaf, unmap_visit's TABLE_POST unlinks the
   table (pgt_pte_write of the parent entry to 0) and defers its free;
   pgt_op_run (op.c) flushes once (pgt_flush_range -> flush_el2_range, the
   non-leaf VAE2IS) and only then releases the page. *)
Definition el2_unmap_free (tp va : nat) (leaf_only : bool) : list insn :=
  STR (WPG tp va None) :: STR (WL1 va None) :: flush_el2_va va leaf_only ++ [FREE tp].

(* The list without its k-th instruction. *)
Definition drop (k : nat) (l : list insn) : list insn := firstn k l ++ skipn (S k) l.

(* What each twin drops, checked by computation. *)
Lemma s2_change_insns : forall v i,
  nth_error (s2_change v i None) 1 = Some DSB_ISH /\
  nth_error (s2_change v i None) 2 = Some (TLBI (IPAS2E1IS v i)) /\
  nth_error (s2_change v i None) 3 = Some DSB_ISH /\
  nth_error (s2_change v i None) 4 = Some (TLBI (VMALLE1IS v)) /\
  nth_error (s2_change v i None) 5 = Some DSB_ISH /\
  length (s2_change v i None) = 7.
Proof. intros. repeat split. Qed.

Lemma el2_unmap_free_insns : forall tp va lo,
  nth_error (el2_unmap_free tp va lo) 3 =
    Some (TLBI (if lo then VALE2IS va else VAE2IS va)) /\
  nth_error (el2_unmap_free tp va lo) 4 = Some DSB_ISH /\
  length (el2_unmap_free tp va lo) = 7.
Proof. intros. repeat split. Qed.
