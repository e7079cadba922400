#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The compiled ticket lock is the sequence the Arm-model proofs are about.

usage: ticket_insns.py OBJDUMP ARCHIVE lse|llsc|both TICKETINSNS_V [--mutate]
                       [--prefix PFX]

proofs/coq/arm/TicketInsns.v lists, per flavour, the memory-access and
barrier instructions of vrm_ticket_lock / _unlock / _trylock; the Coq
development builds the lock's events from those lists. Which functions
hold them depends on the build (meson -Datomics):
  lse, llsc  one flavour compiled in: vrm_ticket_lock / _unlock / _trylock
             themselves hold that flavour's sequences;
  both       the run-time choice (-Datomics=runtime): each flavour's
             sequence is its own function, vrm__ticket_lock_lse,
             vrm__ticket_lock_llsc, ..., checked against its list, and the
             public vrm_ticket_* only dispatch: they must touch the lock
             word not at all (an empty list).
This test disassembles the library and extracts, from each function, in
text order:
  - every barrier (DMB, DSB, ISB), and
  - every load, store or atomic whose address is the lock word (bytes 0-3
    of the vrm_ticket_t the function was passed in x0),
then fails unless they equal the list. So an asm change that the proofs
have not been redone for fails CI.

The lock pointer is followed through `mov` and `add #imm` into other
registers (checked builds keep it in x19); a `bl` clobbers x0-x18.
Accesses to other fields (the checked build's `holder`, offset 4) are not
the lock protocol and are skipped, as are the accesses of a basic block
that reports a violation to the checker (vrm_check_violation: the refused
unlock reads the word only to word its report, and changes nothing).

--prefix PFX checks an inlined copy instead (tests/tools/ticket_inline_probe.c,
an unchecked build's caller): functions PFXlock, PFXunlock, PFXtrylock, each
holding <vrm/ticket.h>'s inline fast path. With one flavour compiled in each
must equal that flavour's list; in `both` mode each holds both flavours'
blocks behind the branch on the boot-time choice, and must equal the lse
list followed by the llsc list or the other way round (text order is the
compiler's block layout; no access outside the two blocks is allowed).

--mutate replaces the first acquire instruction of each expected list by
its plain twin (LDAXRH->LDRH, LDADDA->LDADD, ...): the test must then fail,
which meson checks (should_fail), so the comparison is shown to bite (in
`both` mode every flavour function's list is mutated).
"""
import re
import subprocess
import sys

FUNCS = ["lock", "unlock", "trylock"]
BARRIERS = {"dmb", "dsb", "isb"}
# Loads, stores and atomics (LDR*/STR*/LDA*/STL*/LDX*/STX*, LSE LD<op>/ST<op>,
# SWP*, CAS*); pair forms too.
MEM = re.compile(r"^(ld|st|swp|cas)[a-z0-9]*$")
ADDR = re.compile(r"\[(x\d+|sp)(?:,\s*#(-?(?:0x)?[0-9a-f]+))?\]")
PLAIN_TWIN = {"LDAXRH": "LDRH", "LDAXR": "LDXR", "LDADDA": "LDADD", "CASA": "CAS",
              "STLRH": "STRH", "STADDLH": "STADDH"}
BRANCHES = re.compile(r"^(b|bl|br|blr|ret|cbz|cbnz|tbz|tbnz|b\.[a-z]+)$")


def expected(path, flavour):
    text = open(path).read()
    m = re.search(r"\(\* BEGIN shipped sequences \*\)(.*)\(\* END shipped sequences \*\)",
                  text, re.S)
    if not m:
        sys.exit("%s: no BEGIN/END shipped sequences block" % path)
    seqs = {}
    for line in m.group(1).splitlines():
        d = re.match(r"\s*Definition (\w+)_(lock|unlock|trylock) : list insn := \[(.*)\]\.\s*$",
                     line)
        if d and d.group(1) == flavour:
            seqs[d.group(2)] = [s.strip() for s in d.group(3).split(";") if s.strip()]
    missing = [f for f in FUNCS if f not in seqs]
    if missing:
        sys.exit("%s: no %s definition for %s" % (path, flavour, ", ".join(missing)))
    return seqs


def functions(objdump, archive):
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", archive], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    funcs, cur = {}, None
    for line in out.splitlines():
        h = re.match(r"^[0-9a-f]+ <([\w.]+)>:$", line)
        if h:
            cur = funcs.setdefault(h.group(1), [])
            continue
        i = re.match(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$", line)
        if i and cur is not None:
            cur.append((int(i.group(1), 16), i.group(2), i.group(3).split("//")[0].strip()))
    return funcs


def report_blocks(body):
    """Addresses of instructions in basic blocks that call vrm_check_violation."""
    leaders = {body[0][0]}
    for k, (addr, mn, ops) in enumerate(body):
        if BRANCHES.match(mn):
            t = re.search(r"\b([0-9a-f]+) <", ops)
            if t:
                leaders.add(int(t.group(1), 16))
            if k + 1 < len(body):
                leaders.add(body[k + 1][0])
    blocks, cur = [], []
    for ins in body:
        if ins[0] in leaders and cur:
            blocks.append(cur)
            cur = []
        cur.append(ins)
    blocks.append(cur)
    out = set()
    for b in blocks:
        if any(mn in ("b", "bl") and "<vrm_check_violation>" in ops for _, mn, ops in b):
            out.update(a for a, _, _ in b)
    return out


def xreg(r):
    return "x" + r[1:] if re.match(r"^[wx]\d+$", r) else None


def lock_sequence(body, paths=False):
    """paths: the function is a probe whose flavour paths each end in `ret`
    and each begin with x0 still the lock pointer (the branch on the flag
    comes first and uses other registers), so tracking restarts after each
    `ret`. Were that not so, accesses would be missed and the comparison
    would fail: it cannot make a wrong sequence pass."""
    skip = report_blocks(body)
    off = {"x0": 0}  # register -> offset from the lock pointer
    seq = []
    for addr, mn, ops in body:
        regs = [o.strip() for o in ops.split(",")]
        if paths and mn == "ret":
            off = {"x0": 0}
            continue
        if mn in BARRIERS:
            seq.append(mn.upper())
            continue
        if MEM.match(mn):
            a = ADDR.search(ops)
            if a and a.group(1) in off and addr not in skip:
                o = off[a.group(1)] + (int(a.group(2), 0) if a.group(2) else 0)
                if 0 <= o < 4:
                    seq.append(mn.upper())
            # a load's destination register(s) no longer hold the pointer
            if mn.startswith("ld") or mn.startswith("cas") or mn.startswith("swp"):
                for r in regs[:2]:
                    if xreg(r):
                        off.pop(xreg(r), None)
            continue
        if mn == "bl":
            for n in range(19):
                off.pop("x%d" % n, None)
            continue
        dst = xreg(regs[0]) if regs and regs[0] else None
        if dst is None:
            continue
        if mn == "mov" and len(regs) == 2 and regs[1] in off:
            off[dst] = off[regs[1]]
        elif mn == "add" and len(regs) == 3 and regs[1] in off and regs[2].startswith("#"):
            off[dst] = off[regs[1]] + int(regs[2][1:], 0)
        else:
            off.pop(dst, None)
    return seq


def mutated(seq):
    seq = list(seq)
    for k, ins in enumerate(seq):
        if ins in PLAIN_TWIN:
            seq[k] = PLAIN_TWIN[ins]
            break
    return seq


def inline_checks(coq, mode, mutate, prefix):
    """As checks(), for the inlined copies: (name, accepted lists, what)."""
    out = []
    flavours = ("lse", "llsc") if mode == "both" else (mode,)
    want = {fl: expected(coq, fl) for fl in flavours}
    for f in FUNCS:
        seqs = {fl: mutated(want[fl][f]) if mutate else list(want[fl][f]) for fl in flavours}
        if mode == "both":
            accept = [seqs["lse"] + seqs["llsc"], seqs["llsc"] + seqs["lse"]]
            what = "lse_%s then llsc_%s (either order) in TicketInsns.v" % (f, f)
        else:
            accept = [seqs[mode]]
            what = "%s_%s in TicketInsns.v" % (mode, f)
        out.append((prefix + f, accept, what))
    return out


def checks(coq, mode, mutate):
    """(function name, accepted lists, what the list is) for each function."""
    out = []
    for flavour in (("lse", "llsc") if mode == "both" else (mode,)):
        want = expected(coq, flavour)
        for f in FUNCS:
            seq = mutated(want[f]) if mutate else list(want[f])
            name = "vrm__ticket_%s_%s" % (f, flavour) if mode == "both" else "vrm_ticket_" + f
            out.append((name, [seq], "%s_%s in TicketInsns.v" % (flavour, f)))
    if mode == "both":
        for f in FUNCS:
            out.append(("vrm_ticket_" + f, [[]], "dispatch only (no lock-word access)"))
    return out


def main():
    argv = sys.argv[1:]
    prefix = None
    if "--prefix" in argv:
        k = argv.index("--prefix")
        if k + 1 >= len(argv):
            sys.exit(__doc__)
        prefix = argv[k + 1]
        del argv[k:k + 2]
    args = [a for a in argv if a != "--mutate"]
    mutate = "--mutate" in argv
    if len(args) != 4 or args[2] not in ("lse", "llsc", "both"):
        sys.exit(__doc__)
    objdump, archive, mode, coq = args
    funcs = functions(objdump, archive)
    fail = 0
    todo = (inline_checks(coq, mode, mutate, prefix) if prefix is not None
            else checks(coq, mode, mutate))
    for name, accept, what in todo:
        if name not in funcs:
            print("not found in %s: %s" % (archive, name))
            fail = 1
            continue
        got = lock_sequence(funcs[name], paths=prefix is not None)
        verdict = "ok" if got in accept else "MISMATCH"
        print("%s: %s compiled %s, %s %s" % (verdict, name, got, what,
                                             " or ".join(str(a) for a in accept)))
        if got not in accept:
            fail = 1
    if fail:
        print("The compiled lock differs from the sequences the Arm-model proofs are about:"
              " redo proofs/coq/arm/ for the new asm, then update TicketInsns.v.")
    return fail


if __name__ == "__main__":
    sys.exit(main())
