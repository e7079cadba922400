(* Replays a trace of tests/model/pgt/trace_pgt.c (stdin) on the model
   extracted from proofs/coq/PgtModel.v and compares, per operation, the
   result code, the table pages live after it and at its peak, the BBM'd
   entries, whether a range flush ran and how many (the call's own one plus
   one per entry coalesced), the leaves of the operation's range and
   (when the trace has them) the leaves of the whole table. Prints an
   (operation x result) histogram, the entries coalesced (on a coalescing
   table, none at all is a divergence: the run would not test coalescing)
   and, last,
     model-diff: OPS ops, DIV divergences
   Exit status 0 iff DIV = 0 and the trace ended with its "end" line. *)

open Model

let mask = (1 lsl 62) - 1

(* The hash trace_pgt.c computes (low 62 bits of an FNV-style fold),
   over (ia, level, oa, prot) per leaf, and over BBM addresses. *)
let fold_hash h v = ((h * 0x100000001b3) lxor v) land mask

let hash_leaves l =
  List.fold_left (fun h (((ia, lv), oa), pr) ->
      fold_hash (fold_hash (fold_hash (fold_hash h ia) lv) oa) pr) 0 l

let hash_list l = List.fold_left fold_hash 0 l

let ops = ref 0
let coalesced = ref 0
let coal_cfg = ref false
let div = ref 0
let hist : (string * int, int) Hashtbl.t = Hashtbl.create 32

let note_div lineno line what =
  incr div;
  if !div <= 10 then Printf.printf "DIVERGENCE line %d: %s\n  C: %s\n" lineno what line

(* "key v1 v2 ..." pairs after the arguments; "x" (not computed) = None *)
let fields toks =
  let rec go acc = function
    | [] -> acc
    | k :: rest ->
      let rec vals a = function
        | v :: r when v = "x" -> vals (None :: a) r
        | v :: r when (v.[0] >= '0' && v.[0] <= '9') || v.[0] = '-' ->
          vals (Some (int_of_string v) :: a) r
        | r -> (List.rev a, r)
      in
      let (vs, r) = vals [] rest in
      go ((k, vs) :: acc) r
  in
  go [] toks

let get f k = try List.assoc k f with Not_found -> []

let () =
  let st = ref None in
  let ended = ref false in
  let lineno = ref 0 in
  (try
     while true do
       let line = input_line stdin in
       incr lineno;
       match String.split_on_char ' ' (String.trim line) with
       | [ "cfg"; s2; ia; sl; k; co ] ->
         coal_cfg := co = "1";
         (match init_cfg (s2 = "1") (int_of_string ia) (int_of_string sl) (k = "1") (co = "1") with
          | Some p -> st := Some p
          | None -> note_div !lineno line "init refused by the model")
       | [ "end"; n ] -> if int_of_string n = !ops then ended := true
       | kind :: rest when !st <> None ->
         let p = match !st with Some p -> p | None -> assert false in
         let rec split a = function
           | "ret" :: _ as r -> (List.rev a, r)
           | v :: r -> split (int_of_string v :: a) r
           | [] -> (List.rev a, [])
         in
         let (args, tail) = split [] rest in
         let f = fields tail in
         let c_ret = match get f "ret" with Some r :: _ -> r | _ -> min_int in
         incr ops;
         let bad what = note_div !lineno line what in
         let check name c m =
           if c <> m then bad (Printf.sprintf "%s: C %d, model %d" name c m)
         in
         let cap v = if v < 0 then max_int else v in
         let mop = match kind, args with
           | "map", [ ia; pa; sz; pr; cp ] -> Some (Map (ia, pa, sz, pr), cap cp, ia, sz)
           | "remap", [ ia; pa; sz; pr; cp ] -> Some (Remap (ia, pa, sz, pr), cap cp, ia, sz)
           | "prot", [ ia; sz; pr; cp ] -> Some (SetProt (ia, sz, pr), cap cp, ia, sz)
           | "unmap", [ ia; sz; cp ] -> Some (Unmap (ia, sz), cap cp, ia, sz)
           | _ -> None
         in
         (match kind, mop with
          | "look", _ ->
            let ia = List.hd args in
            let m_ret = lookup_ret p ia in
            Hashtbl.replace hist (kind, m_ret)
              (1 + try Hashtbl.find hist (kind, m_ret) with Not_found -> 0);
            check "lookup result" c_ret m_ret;
            (match translate p ia, get f "pa", get f "prot", get f "lvl" with
             | Some ((pa, pr), lv), [ Some cpa ], [ Some cpr ], [ Some clv ] when c_ret = 0 ->
               check "lookup pa" cpa pa; check "lookup prot" cpr pr; check "lookup level" clv lv
             | _ -> ())
          | _, Some (o, cp, ia, sz) ->
            let (r, nco) = step_full p cp o in
            coalesced := !coalesced + nco;
            Hashtbl.replace hist (kind, r.o_ret)
              (1 + try Hashtbl.find hist (kind, r.o_ret) with Not_found -> 0);
            check "result" c_ret r.o_ret;
            let p' = r.o_pgt in
            st := Some p';
            (match get f "live" with [ Some l ] -> check "live table pages" l p'.p_live
                                   | _ -> bad "no live field");
            (match get f "peak" with [ Some l ] -> check "peak table pages" l r.o_peak
                                   | _ -> bad "no peak field");
            (match get f "bbm" with
             | [ Some n; Some h ] ->
               check "BBM count" n (List.length r.o_bbm);
               check "BBM address hash" h (hash_list r.o_bbm)
             | _ -> bad "no bbm field");
            (match get f "flush" with
             | [ Some fl ] -> check "range flush" fl (if r.o_flush || nco > 0 then 1 else 0)
             | _ -> bad "no flush field");
            (match get f "rf" with
             | [ Some n ] -> check "range flushes" n ((if r.o_flush then 1 else 0) + nco)
             | _ -> bad "no rf field");
            (match get f "rl" with
             | [ Some n; Some h ] ->
               let l = leaves p' ia (ia + sz) in
               check "range leaves" n (List.length l);
               check "range leaf hash" h (hash_leaves l)
             | _ -> ());
            (match get f "all" with
             | [ Some n; Some h ] ->
               let l = leaves p' 0 (1 lsl p.p_cfg.c_ia_bits) in
               check "all leaves" n (List.length l);
               check "all leaf hash" h (hash_leaves l);
               (* the model's page bookkeeping against its own tree *)
               check "model live count vs tree" p'.p_live (live_pages p')
             | _ -> ())
          | _ -> bad ("unknown operation " ^ kind))
       | _ -> note_div !lineno line "unparsable line"
     done
   with End_of_file -> ());
  let keys = Hashtbl.fold (fun k _ a -> k :: a) hist [] |> List.sort compare in
  List.iter (fun ((k, r) as key) ->
      Printf.printf "hist %-6s %4d %8d\n" k r (Hashtbl.find hist key)) keys;
  if not !ended then print_endline "trace incomplete (no matching end line)";
  Printf.printf "coalesced: %d entries\n" !coalesced;
  if !coal_cfg && !coalesced = 0 then begin
    incr div; print_endline "DIVERGENCE: a coalescing table, and no call coalesced"
  end;
  Printf.printf "model-diff: %d ops, %d divergences\n" !ops !div;
  exit (if !div = 0 && !ended then 0 else 1)
