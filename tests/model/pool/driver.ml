(* Checker side of the pool differential test: reads trace_pool's output
   (its header comment gives the format) from stdin, replays every
   operation on the model extracted from proofs/coq/PoolExec.v with the
   same fault schedule, and compares the return value, the calls made,
   hyp_alloc's page, every logged event in order (callbacks with their
   arguments and results, scrubs, record changes, rollback failures), the
   records the operation changed, the cursor and, every 64 operations,
   every record.  On a divergence it prints both sides, counts it and
   resynchronises on the C's state (the C's changed records applied to the
   model's state before the operation), so one bug is one divergence.
   Last line: "model-diff: OPS ops, DIV divergences"; status 0 iff DIV = 0
   and the trace was complete (its END line, with the count read).
   POOL_MODEL_TWIN=no-owner-check or no-scrub replays on the model's
   broken twin instead (the model of the C's VRM_TWIN_* build). *)

let owner_check, do_scrub =
  match Sys.getenv_opt "POOL_MODEL_TWIN" with
  | Some "no-owner-check" -> (false, true)
  | Some "no-scrub" -> (true, false)
  | _ -> (true, true)

let words s = List.filter (fun w -> w <> "") (String.split_on_char ' ' s)
let num = int_of_string

let encode (r : Model.rec0) =
  let flags = (if r.Model.hfree then 1 else 0) + if r.Model.pending then 2 else 0 in
  r.Model.owner + (r.Model.borrower lsl 16) + (r.Model.count lsl 32)
  + (r.Model.state lsl 48) + (flags lsl 56)

let decode w : Model.rec0 =
  let flags = (w lsr 56) land 0xff in
  { Model.owner = w land 0xffff; borrower = (w lsr 16) land 0xffff;
    count = (w lsr 32) land 0xffff; state = (w lsr 48) land 0xff;
    hfree = flags land 1 <> 0; pending = flags land 2 <> 0 }

let cfg = ref { Model.max_vms = 0; base_pfn = 0; npages = 0 }
let pa_of s = (!cfg.Model.base_pfn + s) * 4096

let show_ev (e : Model.ent) =
  let ret = e.Model.e_ret in
  match e.Model.e_ev with
  | Model.Reserve (who, s, n) -> Printf.sprintf "E R %d 0x%x %d %d" who (pa_of s) n ret
  | Model.Unmap (who, s, n) -> Printf.sprintf "E U %d 0x%x %d %d" who (pa_of s) n ret
  | Model.Map (who, s, n, st) ->
      Printf.sprintf "E M %d 0x%x %d %d %d" who (pa_of s) n st ret
  | Model.Scrub (s, n) -> Printf.sprintf "E S 0x%x %d" (pa_of s) n
  | Model.Trans (s, n, o, nw, b, st) ->
      Printf.sprintf "E T 0x%x %d %d %d %d %d" (pa_of s) n o nw b st
  | Model.RbFail s -> Printf.sprintf "E B 0x%x" (pa_of s)

(* pa as the model takes it: pfn and offset in the page *)
let split pa = (pa lsr 12, pa land 4095)

let parse_op kind args =
  match kind, args with
  | "donate", [ pa; n; f; t ] ->
      let pfn, off = split (num pa) in
      Model.ODonate (pfn, off, num n, num f, num t)
  | "share", [ pa; n; o; b ] ->
      let pfn, off = split (num pa) in
      Model.OShare (pfn, off, num n, num o, num b)
  | "unshare", [ pa; n; o; b ] ->
      let pfn, off = split (num pa) in
      Model.OUnshare (pfn, off, num n, num o, num b)
  | "reclaim", [ vm ] -> Model.OReclaim (num vm)
  | "alloc", [ z; o ] -> Model.OAlloc (num z <> 0, num o)
  | "free", [ pa; o ] ->
      let pfn, off = split (num pa) in
      Model.OFree (pfn, off, num o)
  | "boot", [ pa; n; o ] ->
      let pfn, off = split (num pa) in
      Model.OBoot (pfn, off, num n, num o)
  | _ -> failwith ("bad op line: " ^ kind)

let errname r =
  match r with
  | 0 -> "ok"
  | -1 -> "EPERM"
  | -12 -> "ENOMEM"
  | -16 -> "EBUSY"
  | -22 -> "EINVAL"
  | -75 -> "EOVERFLOW"
  | -17 -> "EEXIST(cb)"
  | -5 -> "EIO(cb)"
  | _ -> string_of_int r

let hist : (string * string, int) Hashtbl.t = Hashtbl.create 64
let bump k = Hashtbl.replace hist k (1 + try Hashtbl.find hist k with Not_found -> 0)

let recs = ref []
let cursor = ref 0
let nops = ref 0
let ndiv = ref 0
let complete = ref false

(* One operation: its lines as the trace printed them, in order. *)
let replay (lines : string list) =
  let o_line, rest =
    match lines with
    | o :: rest -> (words o, rest)
    | [] -> failwith "empty op"
  in
  let idx, repeat, kind, op =
    match o_line with
    | "O" :: i :: rep :: kind :: args -> (num i, num rep, kind, parse_op kind args)
    | _ -> failwith "op line expected"
  in
  let faults = ref [] and c_ev = ref [] and c_res = ref "" and c_w = ref []
  and c_cur = ref "" and c_full = ref None in
  List.iter
    (fun l ->
      match words l with
      | [ "F"; k; e ] -> faults := (num k, num e) :: !faults
      | "E" :: _ -> c_ev := l :: !c_ev
      | "R" :: _ -> c_res := l
      | [ "W"; i; w ] -> c_w := (num i, num w) :: !c_w
      | [ "C"; _ ] -> c_cur := l
      | "S" :: ws -> c_full := Some (List.map num ws)
      | _ -> failwith ("bad line: " ^ l))
    rest;
  let c_ev = List.rev !c_ev and c_w = List.rev !c_w in
  (* the model: the same call, repeated as the trace did *)
  let before = !recs in
  let rec go k m_recs m_cur =
    let st = Model.start m_recs m_cur (if repeat = 1 then List.rev !faults else []) in
    let (m, ret), page = Model.run_gen owner_check do_scrub !cfg st op in
    if ret = 0 && k < repeat then go (k + 1) m.Model.recs m.Model.cursor
    else (m, ret, page, k)
  in
  let m, ret, page, calls = go 1 before !cursor in
  let m_ev = List.rev_map show_ev m.Model.log in
  let is_alloc = match op with Model.OAlloc _ -> true | _ -> false in
  let m_res =
    Printf.sprintf "R %d %d 0x%x" ret calls (if is_alloc && ret = 0 then pa_of page else 0)
  in
  let m_w =
    List.concat
      (List.mapi
         (fun i (a, b) -> if encode a <> encode b then [ (i, encode b) ] else [])
         (List.combine before m.Model.recs))
  in
  let m_cur = Printf.sprintf "C %d" m.Model.cursor in
  let diffs = ref [] in
  let differ what c mdl = diffs := Printf.sprintf "  %s\n    C:     %s\n    model: %s" what c mdl :: !diffs in
  if !c_res <> m_res then differ "result" !c_res m_res;
  if c_ev <> m_ev then
    differ "events" (String.concat " | " c_ev) (String.concat " | " m_ev);
  let show_w l = String.concat " " (List.map (fun (i, w) -> Printf.sprintf "%d:0x%x" i w) l) in
  if c_w <> m_w then differ "changed records" (show_w c_w) (show_w m_w);
  if !c_cur <> m_cur then differ "cursor" !c_cur m_cur;
  (* resynchronise on the C's state *)
  let c_recs =
    List.mapi (fun i r -> match List.assoc_opt i c_w with Some w -> decode w | None -> r) before
  in
  let c_recs =
    match !c_full with
    | None -> c_recs
    | Some ws ->
        let mw = List.map encode m.Model.recs in
        if ws <> mw then differ "full state" (show_w (List.mapi (fun i w -> (i, w)) ws))
            (show_w (List.mapi (fun i w -> (i, w)) mw));
        List.map decode ws
  in
  incr nops;
  List.iter
    (fun l ->
      match words l with
      | "E" :: ("M" | "U") :: rest when List.nth rest (List.length rest - 1) <> "0" ->
          bump ("~commit", "failed-map/unmap")
      | [ "E"; "B"; _ ] -> bump ("~rollback", "re-map/unmap-failed")
      | [ "E"; "S"; _; _ ] -> bump ("~scrub", "events")
      | [ "E"; "T"; _; _; o; nw; _; _ ] when o <> nw -> bump ("~owner", "changes")
      | _ -> ())
    c_ev;
  if !faults <> [] then bump ("~faults", "ops");
  bump (kind, errname (match words !c_res with _ :: r :: _ -> num r | _ -> 1));
  if !diffs = [] then begin
    recs := m.Model.recs;
    cursor := m.Model.cursor
  end else begin
    incr ndiv;
    if !ndiv <= 20 then
      Printf.printf "DIVERGENCE op %d (%s):\n%s\n  call: %s\n" idx kind
        (String.concat "\n" (List.rev !diffs)) (String.concat " " o_line);
    recs := c_recs;
    cursor := (match words !c_cur with [ _; v ] -> num v | _ -> 0)
  end

let () =
  let buf = ref [] in
  (try
     while true do
       let l = input_line stdin in
       match words l with
       | [ "P"; np; nvm; bp ] ->
           cfg := { Model.max_vms = num nvm; base_pfn = num bp; npages = num np };
           recs := Model.init_recs !cfg
       | [ "." ] ->
           replay (List.rev !buf);
           buf := []
       | [ "END"; n ] -> complete := !buf = [] && num n = !nops
       | _ -> buf := l :: !buf
     done
   with End_of_file -> ());
  let keys = List.sort compare (Hashtbl.fold (fun k _ acc -> k :: acc) hist []) in
  List.iter
    (fun ((k, r) as key) -> Printf.printf "hist %-8s %-10s %d\n" k r (Hashtbl.find hist key))
    keys;
  if not !complete then print_endline "incomplete trace (no END line, or a partial op)";
  Printf.printf "model-diff: %d ops, %d divergences\n" !nops !ndiv;
  exit (if !ndiv = 0 && !complete then 0 else 1)
