(* Extraction of proofs/coq/PgtModel.v (the model WriteOnce.v proves
   write-once on) to OCaml for the differential test (driver.ml).
   Trusted, beyond Coq's extraction itself: Z and positive become OCaml's
   63-bit int (ExtrOcamlZInt), and the Z operations below become OCaml's
   int operations. That is exact as long as every value stays within
   63 bits: trace_pgt.c keeps addresses, sizes and prots below 2^62, and
   the model only adds, subtracts and shifts them within that. Z.land /
   Z.lor / Z.lxor / Z.shiftr are two's-complement on Z as OCaml's land /
   lor / lxor / asr are on int; Z.shiftl is only applied to 1 with
   shifts <= 48. *)
Require Import ZArith.
Require Coq.extraction.Extraction.
Require Import ExtrOcamlBasic ExtrOcamlZInt ExtrOcamlNatInt.
Require Import VRM.PgtModel.

Extract Constant Z.land => "(land)".
Extract Constant Z.lor => "(lor)".
Extract Constant Z.lxor => "(lxor)".
Extract Constant Z.shiftr => "(asr)".
Extract Constant Z.shiftl => "(lsl)".
Extract Constant Z.eqb => "(=)".
Extract Constant Z.ltb => "(<)".
Extract Constant Z.leb => "(<=)".
Extract Constant Z.to_nat => "(fun z -> if z < 0 then 0 else z)".

Extraction Language OCaml.
Extraction "model.ml" step_full init_cfg lookup_ret translate leaves live_pages.
