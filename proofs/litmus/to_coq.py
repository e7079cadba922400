#!/usr/bin/env python3
"""to_coq.py -- translate a herd7 AArch64 litmus test (the subset used in
proofs/litmus) into a Coq file that runs the decision procedure of
proofs/coq/litmus/Litmus.v on it.

  to_coq.py TEST.litmus OUT_DIR      -> writes OUT_DIR/<Name>.v, prints <Name>

The emitted file proves  Theorem <name>_expected : decide prog = <b>.
by vm_compute, where <b> is true for an expected "Sometimes"/"Allowed"
and false for "Never"/"Forbidden" (taken from a "(* expect: ... *)" line,
else from an "Expected: ..." line in the header comment).  For an
allowed test it also states the Prop-level witness through
LitmusSound.decide_sound; for a forbidden one, <name>_forbidden: no
consistent execution satisfies the condition (LitmusComplete.decide_forbidden,
whose premise in_scope is checked by vm_compute).

Static addresses: every access's base register must hold a location from
the init block and never be written; index registers only add an
address dependency.  Branches must target a label that directly follows
them (the program stays straight-line; the branch is a control
dependency).  H/B size suffixes are accepted and treated as full-width:
the model has no mixed-size accesses.  Exits 2 with a message on
anything outside the subset.
"""
import re, sys, os

PTR = 100  # value of location k's address is PTR + k

class Bad(Exception):
    pass

def reg(s):
    s = s.strip().upper()
    if s in ('XZR', 'WZR'):
        return 31
    m = re.fullmatch(r'[XW](\d+)', s)
    if not m:
        raise Bad('bad register ' + s)
    return int(m.group(1))

def parse(text):
    m = re.match(r'\s*AArch64\s+(\S+)', text)
    if not m:
        raise Bad('not an AArch64 litmus test')
    name = m.group(1)
    comments = ' '.join(re.findall(r'\(\*(.*?)\*\)', text, re.S))
    em = re.search(r'expect:\s*(\w+)', comments) or re.search(r'Expected:\s*(\w+)', comments)
    if not em:
        raise Bad('no expected result (add a "(* expect: Never *)" line)')
    exp = em.group(1).lower()
    if exp in ('sometimes', 'allowed', 'ok'):
        expected = True
    elif exp in ('never', 'forbidden', 'no'):
        expected = False
    else:
        raise Bad('unknown expectation ' + exp)
    body = re.sub(r'\(\*.*?\*\)', ' ', text[m.end():], flags=re.S)
    i, j = body.index('{'), body.index('}')
    init, rest = body[i + 1:j], body[j + 1:]
    return name, expected, init, rest

def translate(text):
    name, expected, init, rest = parse(text)
    locs, mem, regs = [], {}, {}
    def loc(nm):
        if nm not in locs:
            locs.append(nm); mem.setdefault(nm, 0)
        return locs.index(nm)
    for d in [d.strip() for d in init.split(';') if d.strip()]:
        d = re.sub(r'^(u?int\d*_t|int|uint\d+|int\d+)\s+', '', d)
        mm = re.fullmatch(r'(\d+):([XW]\d+)\s*=\s*(\S+)', d)
        if mm:
            t, r, v = int(mm.group(1)), reg(mm.group(2)), mm.group(3)
            regs.setdefault(t, {})[r] = int(v) if re.fullmatch(r'-?\d+', v) else ('loc', loc(v))
            continue
        mm = re.fullmatch(r'(\w+)\s*=\s*(\d+)', d) or re.fullmatch(r'(\w+)', d)
        if not mm:
            raise Bad('bad init ' + d)
        loc(mm.group(1))
        mem[mm.group(1)] = int(mm.group(2)) if mm.lastindex == 2 else 0
    qm = re.search(r'(~?exists|forall)', rest)
    if not qm:
        raise Bad('no final condition')
    if qm.group(1) != 'exists':
        raise Bad('only "exists" conditions are supported')
    prog_txt, cond_txt = rest[:qm.start()], rest[qm.end():]
    rows = [r for r in prog_txt.split(';') if r.strip()]
    heads = [h.strip() for h in rows[0].split('|')]
    nt = len(heads)
    code = [[] for _ in range(nt)]
    for r in rows[1:]:
        cells = r.split('|')
        for t in range(nt):
            c = cells[t].strip() if t < len(cells) else ''
            if c:
                code[t].append(c)
    threads = []
    for t in range(nt):
        threads.append((regs.get(t, {}), thread(code[t], regs.get(t, {}))))
    cond = parse_cond(cond_txt, loc)
    mems = '[' + '; '.join(str(mem[l]) for l in locs) + ']'
    def iv(v):
        return str(PTR + v[1]) if isinstance(v, tuple) else str(v)
    ths = '; '.join('([' + '; '.join('(%d, %s)' % (r, iv(v)) for r, v in sorted(ir.items())) +
                    '], [' + '; '.join(c) + '])' for ir, c in threads)
    return name, expected, 'Prog %s [%s]\n  (%s)' % (mems, ths, cond)

def b(x):
    return 'true' if x else 'false'

def thread(lines, iregs):
    out, written, pending = [], set(), None
    def base(a):
        mm = re.fullmatch(r'\[\s*([XW]\d+)\s*(?:,\s*([XW]\d+)(?:\s*,\s*\w+)?)?\s*\]', a.strip().upper())
        if not mm:
            raise Bad('bad address ' + a)
        br = reg(mm.group(1))
        if br in written or not isinstance(iregs.get(br), tuple):
            raise Bad('base register %s is not a fixed location' % mm.group(1))
        ars = [reg(mm.group(2))] if mm.group(2) else []
        return iregs[br][1], ars
    def opnd(s):
        s = s.strip()
        return 'OImm %d' % int(s[1:], 0) if s.startswith('#') else 'OReg %d' % reg(s)
    for ln in lines:
        mm = re.fullmatch(r'(\w+):\s*(.*)', ln)
        if mm:
            if pending == mm.group(1):
                pending = None
            ln = mm.group(2).strip()
            if not ln:
                continue
        if pending is not None:
            raise Bad('branch to %s skips instructions (not straight-line)' % pending)
        op, _, args = ln.partition(' ')
        op = op.upper()
        a = [x.strip() for x in re.split(r',(?![^\[]*\])', args)] if args.strip() else []
        o = re.sub(r'[HB]$', '', op) if op not in ('SUB',) else op
        if o in ('LDR', 'LDAR', 'LDXR', 'LDAXR'):  # not LDAPR: the model's Q set is not emitted
            l, ars = base(a[1])
            out.append('ILd %s %s %d %d %s' % (b('A' in o[2:] ), b('X' in o), reg(a[0]), l,
                       '[' + '; '.join(map(str, ars)) + ']'))
            written.add(reg(a[0]))
        elif o in ('STR', 'STLR'):
            l, ars = base(a[1])
            out.append('ISt %s %d %d %s' % (b(o == 'STLR'), reg(a[0]), l,
                       '[' + '; '.join(map(str, ars)) + ']'))
        elif o in ('STXR', 'STLXR'):
            l, ars = base(a[2])
            out.append('IStx %s %d %d %d' % (b(o == 'STLXR'), reg(a[0]), reg(a[1]), l))
            written.add(reg(a[0]))
        elif re.fullmatch(r'(LDADD|SWP|STADD)(A|L|AL)?', o):
            mo = re.fullmatch(r'(LDADD|SWP|STADD)(A|L|AL)?', o)
            kind, ord_ = mo.group(1), mo.group(2) or ''
            if kind == 'STADD':
                l, _ = base(a[1]); rs, rd = reg(a[0]), 31
            else:
                l, _ = base(a[2]); rs, rd = reg(a[0]), reg(a[1])
            out.append('IAmo %s %s %s %d %d %d' % ('OpSwp' if kind == 'SWP' else 'OpAdd',
                       b('A' in ord_), b('L' in ord_), rs, rd, l))
            written.add(rd)
        elif op in ('DMB', 'DSB'):
            k = (a[0].upper() if a else 'SY')
            k = {'SY': '', 'ISH': '', 'LD': 'LD', 'ISHLD': 'LD', 'ST': 'ST', 'ISHST': 'ST'}.get(k)
            if k is None:
                raise Bad('bad barrier ' + ln)
            out.append('IFence %s_ISH%s' % (op, k))
        elif op == 'ISB':
            out.append('IFence ISB')
        elif op == 'NOP':
            pass
        elif op == 'MOV':
            out.append('IAlu AMov %d 31 (%s)' % (reg(a[0]), opnd(a[1])))
            written.add(reg(a[0]))
        elif op in ('ADD', 'EOR'):
            out.append('IAlu %s %d %d (%s)' % ('AAdd' if op == 'ADD' else 'AEor',
                       reg(a[0]), reg(a[1]), opnd(a[2])))
            written.add(reg(a[0]))
        elif op == 'CMP':
            out.append('IAlu AEor 32 %d (%s)' % (reg(a[0]), opnd(a[1])))
        elif op in ('CBZ', 'CBNZ'):
            out.append('IBr %d' % reg(a[0])); pending = a[1]
        elif op.startswith('B.'):
            out.append('IBr 32'); pending = a[0]
        else:
            raise Bad('unsupported instruction ' + ln)
    if pending is not None:
        raise Bad('branch target %s not found right after the branch' % pending)
    return out

def parse_cond(s, loc):
    toks = re.findall(r'/\\|\\/|\(|\)|[^\s()/\\]+', s)
    pos = [0]
    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else None
    def atom():
        t = toks[pos[0]]; pos[0] += 1
        if t == '(':
            e = disj()
            if toks[pos[0]] != ')':
                raise Bad('bad condition')
            pos[0] += 1
            return e
        if t.lower() == 'true':
            return 'CTrue'
        mm = re.fullmatch(r'(?:(\d+):([XW]\d+)|\[?(\w+)\]?)=(\w+)', t)
        if not mm:
            raise Bad('bad condition atom ' + t)
        v = mm.group(4)
        v = int(v) if re.fullmatch(r'\d+', v) else PTR + loc(v)
        if mm.group(1):
            return '(CReg %s %d %d)' % (mm.group(1), reg(mm.group(2)), v)
        return '(CMem %d %d)' % (loc(mm.group(3)), v)
    def conj():
        e = atom()
        while peek() == '/\\':
            pos[0] += 1; e = '(CAnd %s %s)' % (e, atom())
        return e
    def disj():
        e = conj()
        while peek() == '\\/':
            pos[0] += 1; e = '(COr %s %s)' % (e, conj())
        return e
    e = disj()
    if pos[0] != len(toks):
        raise Bad('trailing text in condition')
    return e

def coq_name(name):
    n = re.sub(r'[^A-Za-z0-9_]', '_', name)
    return n if n[0].isalpha() else 'T_' + n

def main():
    src, outdir = sys.argv[1], sys.argv[2]
    try:
        name, expected, prog = translate(open(src).read())
    except (Bad, ValueError, IndexError) as e:
        sys.stderr.write('%s: %s\n' % (src, e)); sys.exit(2)
    cn = coq_name(name)
    sound = os.environ.get('LITMUS_SOUND', '1') == '1'
    txt = ['(* Generated by proofs/litmus/to_coq.py from %s. *)' % os.path.basename(src),
           'From Coq Require Import List.', 'Import ListNotations.',
           'From VRM.arm Require Import Aarch64.',
           'From VRM.litmus Require Import Litmus%s.' % (' LitmusSound LitmusComplete' if sound else ''),
           '', 'Definition prog := %s.' % prog, '',
           '(* %s *)' % ('allowed: decide_sound turns this into a Prop-level witness below.' if expected else
                         'forbidden: decide_forbidden (LitmusComplete.v) turns this into a theorem below.'),
           'Theorem %s_expected : decide prog = %s.' % (cn, b(expected)),
           'Proof. vm_compute; reflexivity. Qed.']
    if sound and expected:
        txt += ['', '(* The allowed outcome, as a Prop: a consistent candidate execution. *)',
                'Theorem %s_allowed : exists X, execution_of prog X /\\ consistent X /\\ final_cond prog X.' % cn,
                'Proof. exact (decide_sound prog %s_expected). Qed.' % cn]
    if sound and not expected:
        txt += ['', '(* The forbidden outcome, as a Prop: no consistent candidate execution has it. *)',
                'Theorem %s_forbidden : forall X, execution_of prog X -> consistent X -> ~ final_cond prog X.' % cn,
                'Proof. apply decide_forbidden; [vm_compute; reflexivity|exact %s_expected]. Qed.' % cn]
    open(os.path.join(outdir, cn + '.v'), 'w').write('\n'.join(txt) + '\n')
    print(cn)

if __name__ == '__main__':
    main()
