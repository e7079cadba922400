(* The shipped ticket-lock instruction sequences: the memory-access and
   barrier instructions of vrm_ticket_lock / _unlock / _trylock, in the order
   they appear in the compiled function (include/vrm/arch/aarch64/ticket.h,
   lib/locks/ticket.c), one definition per function and flavour.  A build
   that compiles one flavour in (meson -Datomics=lse or llsc) has them in
   vrm_ticket_lock & co. themselves; a build that chooses at run time
   (-Datomics=runtime, the default) has each flavour's sequence in its own
   function (vrm__ticket_lock_lse, vrm__ticket_lock_llsc, ...), which the
   public functions call without touching the lock word.  The proofs are
   about executions in which every CPU runs one flavour; the run-time
   choice keeps to that only because vrm_ticket_select_atomics() is called
   once, before other CPUs take locks (its contract, not proven here).

   This file is the single list that both sides read:
   - the Arm-model proofs (proofs/coq/arm/) build the lock's events from
     these definitions, so the theorems are about exactly these sequences;
   - tests/tools/ticket_insns.py disassembles the aarch64-llsc, aarch64-lse,
     aarch64-runtime, el2 and el2-checked builds and fails unless each
     function's lock-word accesses are exactly the list below (and, in the
     runtime builds, the public functions' are empty).  Changing the asm
     without this file (and thus the proofs) fails CI.

   Format read by the test: one "Definition <flavour>_<fn> : list insn :=
   [ ... ]." per line; constructors are the upper-cased mnemonics.  Loops
   (the LL/SC retry, the WFE polling loop) appear once, as in the text of
   the function; how often each runs is the proofs' business. *)
From Coq Require Import List.
Import ListNotations.

Inductive insn :=
| LDR      (* 32-bit plain load                                  *)
| LDRH     (* 16-bit plain load                                  *)
| LDAXR    (* 32-bit load-acquire exclusive                      *)
| LDAXRH   (* 16-bit load-acquire exclusive                      *)
| STXR     (* 32-bit store exclusive (no release)                *)
| STLRH    (* 16-bit store-release                               *)
| LDADDA   (* 32-bit atomic add, acquire (LSE)                   *)
| STADDLH  (* 16-bit atomic add, release, result discarded (LSE) *)
| CASA.    (* 32-bit compare-and-swap, acquire (LSE)             *)

(* BEGIN shipped sequences *)
Definition llsc_lock : list insn := [LDAXR; STXR; LDAXRH].
Definition llsc_unlock : list insn := [LDRH; STLRH].
Definition llsc_trylock : list insn := [LDR; LDAXR; STXR].
Definition lse_lock : list insn := [LDADDA; LDAXRH].
Definition lse_unlock : list insn := [STADDLH].
Definition lse_trylock : list insn := [LDR; CASA].
(* END shipped sequences *)
