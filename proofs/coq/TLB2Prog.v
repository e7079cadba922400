(* TLB2Prog.v -- lib/tlb's sequences and the lib/pgtable callers that use
   them, as instruction lists of the model in TLB2.v, one definition per C
   function, instruction by instruction (line numbers: lib/tlb/tlb.c).
   The broken twins of TLB2Twins.v are these lists with one element
   removed ([drop]) or one operand changed. *)

Require Import Arith List.
Import ListNotations.
Require Import VRM.TLB2.

(* vrm_tlb_flush_s2_ipa, tlb.c lines 83-91.  tb_vmid_enter (line 84, rule
   R4) is not an instruction here: the TLBIs carry their VMID. *)
Definition flush_s2_ipa (vmid ipa : nat) : list insn :=
  [ DSB_ISHST;                 (* 83: tb_dsb_ishst(), R1 *)
    TLBI (IPAS2E1IS vmid ipa); (* 85: TB_TLBI(tb_tlbi_ipas2e1is(op)) *)
    DSB_ISH;                   (* 88: tb_dsb_ish(), R2 (and R3 needs it) *)
    TLBI (VMALLE1IS vmid);     (* 89: TB_TLBI(tb_tlbi_vmalle1is()), R3 *)
    DSB_ISH;                   (* 90: tb_dsb_ish(), R2 *)
    ISB ].                     (* 91: tb_isb(), R5 *)

(* vrm_tlb_flush_el2_va, tlb.c lines 220-227; vrm_tlb_flush_el2_range over
   one page (lines 243-261, either branch: one TLBI VAE2IS) is
   [flush_el2_va va false]. *)
Definition flush_el2_va (va : nat) (leaf_only : bool) : list insn :=
  [ DSB_ISHST;                                          (* 220, R1 *)
    TLBI (if leaf_only then VALE2IS va else VAE2IS va); (* 222 / 224 *)
    DSB_ISH;                                            (* 226, R2 *)
    ISB ].                                              (* 227, R5 *)

(* vrm_tlb_flush_all_el1, tlb.c lines 273-277 (VMID rollover). *)
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
  nth_error (s2_change v i None) 1 = Some DSB_ISHST /\
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
