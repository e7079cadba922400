(* Extraction of the pool model (proofs/coq/PoolExec.v) for the
   differential test: writes model.ml / model.mli into the current
   directory (tests/model/build_checker.sh runs this in its work dir).

   Trusted: ExtrOcamlNatInt and ExtrOcamlZInt map nat and Z to OCaml's
   63-bit int.  That is sound here because every value stays small: page
   indices and counts below 2^17, principals below 2^17, pfns below 2^52
   (pa < 2^64 >> 12), error codes above -128; no arithmetic in the model
   comes near 2^62.  The driver only builds inputs in those ranges.
   Also trusted, the few Nat functions the library leaves as unary
   recursions (linear in the value: a pfn near 2^18 would cost 2^18 calls
   per comparison), mapped to OCaml's operators with Coq's meaning
   (Nat.sub truncates at 0, x mod 0 = x, 2 ^ e for e <= 18 only). *)
Require Import VRM.PoolExec.
Require Extraction.
Require Import ExtrOcamlBasic ExtrOcamlNatInt ExtrOcamlZInt.

Extract Inlined Constant Coq.Init.Nat.add => "(+)".
Extract Inlined Constant Coq.Init.Nat.mul => "( * )".
Extract Constant Coq.Init.Nat.sub => "fun n m -> Stdlib.max 0 (n - m)".
Extract Inlined Constant Coq.Init.Nat.min => "Stdlib.min".
Extract Inlined Constant Coq.Init.Nat.ltb => "(<)".
Extract Inlined Constant Coq.Init.Nat.leb => "(<=)".
Extract Constant Coq.Init.Nat.modulo => "fun x y -> if y = 0 then x else x mod y".
Extract Constant Coq.Init.Nat.pow => "fun b e -> let rec p e = if e = 0 then 1 else b * p (e - 1) in p e".

(* The same functions as PeanoNat.Nat names them (Require Arith). *)
Extract Inlined Constant Coq.Arith.PeanoNat.Nat.add => "(+)".
Extract Inlined Constant Coq.Arith.PeanoNat.Nat.mul => "( * )".
Extract Constant Coq.Arith.PeanoNat.Nat.sub => "fun n m -> Stdlib.max 0 (n - m)".
Extract Inlined Constant Coq.Arith.PeanoNat.Nat.min => "Stdlib.min".
Extract Inlined Constant Coq.Arith.PeanoNat.Nat.ltb => "(<)".
Extract Inlined Constant Coq.Arith.PeanoNat.Nat.leb => "(<=)".
Extract Constant Coq.Arith.PeanoNat.Nat.modulo => "fun x y -> if y = 0 then x else x mod y".
Extract Constant Coq.Arith.PeanoNat.Nat.pow => "fun b e -> let rec p e = if e = 0 then 1 else b * p (e - 1) in p e".

Extraction "model" PoolExec.run_gen PoolExec.init_recs PoolExec.start PoolExec.Cfg.
