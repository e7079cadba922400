#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot hyp.elf under QEMU and check its transcript against expected lines.

QEMU is started through scripts/qemu-hyp (--launcher), the one command line
that names every device; --qemu is the binary it runs. The transcript is
printed as it arrives.

Expected-lines file: one substring per line ('#' comments, blank lines
ignored). Lines starting with '= ' must appear in file order relative to
each other (the deterministic skeleton); lines starting with '~ ' must
appear somewhere. In a line, {smp} is the CPU count, {s} is "s" unless it
is 1, {mib} the RAM size in MiB (--mem), and a line holding {i} stands for
one line per secondary CPU, i = 1 .. smp-1. Any line containing a FAIL pattern fails the test, as do
a QEMU exit code other than 0 and a timeout (a hang).

--expect-panic turns it round, for an image built to panic: the test
passes only if the transcript shows the PANIC line and QEMU exits non-zero
(not by timeout) -- the panic path must never look like a clean SYSTEM_OFF.
--twin SUBSTR is for a broken twin, an image built without exactly one
protection: every attack line containing SUBSTR must print NOT BLOCKED and
every other attack line BLOCKED -- the proof that those attacks can fail.
Given more than once, a line containing any of them is the twin's.
Arguments after '--' go to QEMU.
"""
import argparse
import os
import subprocess
import sys

FAIL_PATTERNS = ["NOT BLOCKED", "FAIL", "PANIC", "BROKEN", "vrm-check:", "did not come up",
                 "failed", "SYSTEM_RESET"]
# A Linux host's kernel log lines ("[    1.234567] ..."; expected-linux.txt)
# are held to these instead: an ordinary kernel message may say "failed"
# (an unsigned module's "module verification failed" does), an oops, a
# panic or a reboot may not.
KERNEL_FAIL_PATTERNS = ["Kernel panic", "Internal error", "Unable to handle", "Call trace:",
                        "BUG:", "WARNING:", "Oops", "Restarting system"]


def boot(args, qemu_args):
    """Run QEMU to completion; return (exit status, transcript lines)."""
    cmd = ["timeout", str(args.timeout), args.launcher, args.kernel, str(args.smp)] + qemu_args
    print("running: QEMU=%s QEMU_CPU=%s QEMU_MEM=%s %s" %
          (args.qemu, args.cpu, args.mem, " ".join(cmd)), flush=True)
    env = dict(os.environ, QEMU=args.qemu, QEMU_CPU=args.cpu, QEMU_MEM=args.mem)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env)
    lines = []
    for raw in proc.stdout:
        line = raw.decode("utf-8", "replace").replace("\r", "").rstrip("\n")
        print(line, flush=True)
        lines.append(line)
    return proc.wait(), lines


def expand(path, smp, mib):
    """The expected file's lines with {smp}, {s}, {mib} and {i} filled in."""
    out = []
    with open(path) as f:
        for raw in f:
            raw = raw.rstrip("\n")
            if raw.startswith("#"):
                continue
            raw = raw.replace("{smp}", str(smp)).replace("{s}", "" if smp == 1 else "s")
            raw = raw.replace("{mib}", str(mib))
            if "{i}" in raw:
                out += [raw.replace("{i}", str(i)) for i in range(1, smp)]
            else:
                out.append(raw)
    return out


def mebibytes(size):
    """QEMU's -m syntax (512M, 2G, plain MiB) in MiB."""
    units = {"M": 1, "G": 1024, "T": 1024 * 1024}
    return int(size[:-1]) * units[size[-1].upper()] if size[-1].upper() in units else int(size)


def check_expected(path, lines, smp, mib):
    errors = []
    pos = 0
    if True:
        for raw in expand(path, smp, mib):
            if not raw or raw.startswith("#"):
                continue
            kind, want = raw[:2], raw[2:]
            if kind == "= ":
                j = pos
                while j < len(lines) and want not in lines[j]:
                    j += 1
                if j == len(lines):
                    where = "anywhere" if not any(want in l for l in lines) else "in order"
                    errors.append("missing (%s): %s" % (where, want))
                else:
                    pos = j + 1
            elif kind == "~ ":
                if not any(want in l for l in lines):
                    errors.append("missing: %s" % want)
            else:
                errors.append("bad expected line: %s" % raw)
    return errors


def main():
    argv = sys.argv[1:]
    qemu_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, qemu_args = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--launcher", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--cpu", default="max")
    ap.add_argument("--mem", default="512M", help="QEMU -m (the DTB must report it)")
    ap.add_argument("--expect")
    ap.add_argument("--expect-panic", action="store_true")
    ap.add_argument("--once", action="store_true",
                    help="with --expect-panic: exactly one PANIC line (no recursion)")
    ap.add_argument("--twin", metavar="SUBSTR", action="append")
    ap.add_argument("--broken", metavar="SUBSTR", action="append",
                    help="a twin whose check, not an attack, must fail: a line with SUBSTR "
                         "says BROKEN, and every attack is still BLOCKED")
    ap.add_argument("--allow-skip", metavar="SUBSTR", action="append", default=[],
                    help="an attack line with SUBSTR may print SKIPPED (a CPU without the feature)")
    ap.add_argument("--timeout", type=int, default=100)
    args = ap.parse_args(argv)
    if not args.expect and not args.expect_panic and not args.twin and not args.broken:
        ap.error("one of --expect, --expect-panic, --twin or --broken is required")

    status, lines = boot(args, qemu_args)
    errors = []
    if status == 124:
        errors.append("timeout after %ds (hang)" % args.timeout)
    if args.twin or args.broken:
        args.twin = args.twin or []
        if status != 0:
            errors.append("qemu exited %d" % status)
        attacks = [l for l in lines if l.startswith("attack: ") and "SKIPPED" not in l]
        def twins(line):
            return any(t in line for t in args.twin)
        mine = [l for l in attacks if twins(l)]
        for t in args.twin:
            if not any(t in l for l in attacks):
                errors.append("no attack line contains '%s'" % t)
        for b in args.broken or []:
            if not any(b in l and "BROKEN" in l for l in lines):
                errors.append("no line with '%s' says BROKEN" % b)
        if args.broken and not attacks:
            errors.append("no attack lines: the run did not get far")
        for l in attacks:
            if twins(l) and "NOT BLOCKED" not in l:
                errors.append("the twin's own attack still BLOCKED: %s" % l)
            if not twins(l) and "NOT BLOCKED" in l:
                errors.append("another attack NOT BLOCKED: %s" % l)
        if any("PANIC" in l for l in lines):
            errors.append("the twin panicked")
    elif args.expect_panic:
        if status == 0:
            errors.append("qemu exited 0 after a panic: the panic path looks like success")
        panics = sum("hyp: PANIC" in l for l in lines)
        if panics == 0:
            errors.append("no 'hyp: PANIC' line")
        elif args.once and panics != 1:
            errors.append("%d PANIC lines: the panic path re-entered itself" % panics)
    else:
        if status not in (0, 124):
            errors.append("qemu exited %d" % status)
        for i, line in enumerate(lines):
            for pat in KERNEL_FAIL_PATTERNS if line.startswith("[") else FAIL_PATTERNS:
                if pat in line:
                    errors.append("line %d has '%s': %s" % (i + 1, pat, line))
        errors += check_expected(args.expect, lines, args.smp, mebibytes(args.mem))
        # The host's tally must be the attack lines themselves (counted here).
        tally = [l for l in lines if l.startswith("host: attacks: ")]
        got = (sum(l.startswith("attack: ") and "... BLOCKED (" in l for l in lines),
               sum(l.startswith("attack: ") and "... NOT BLOCKED (" in l for l in lines))
        if tally and tally[-1] != "host: attacks: %d blocked, %d not blocked" % got:
            errors.append("tally '%s' but %d BLOCKED and %d NOT BLOCKED lines" %
                          ((tally[-1],) + got))
        # An attack SKIPPED is a check not made: only where the expected file
        # itself says so (-smp 1) or --allow-skip names it (a CPU model
        # without the feature) -- never silently on a CPU that has it.
        expected = expand(args.expect, args.smp, mebibytes(args.mem))
        for l in lines:
            if l.startswith("attack: ") and "SKIPPED" in l and \
               not any("SKIPPED" in e and e[2:] in l for e in expected) and \
               not any(s in l for s in args.allow_skip):
                errors.append("attack SKIPPED: %s" % l)

    if errors:
        print("FAILED (smp %d, -m %s, -cpu %s):" % (args.smp, args.mem, args.cpu))
        for e in errors:
            print("  " + e)
        return 1
    if args.broken:
        print("ok: broken twin: '%s' BROKEN, every attack BLOCKED" % "' and '".join(args.broken))
    elif args.twin:
        print("ok: broken twin: %d attack(s) on '%s' NOT BLOCKED, every other attack BLOCKED"
              % (len(mine), "' or '".join(args.twin)))
    elif args.expect_panic:
        print("ok: panic ended QEMU with status %d (smp %d)" % (status, args.smp))
    else:
        print("ok: transcript matches %s (smp %d, -m %s, -cpu %s)" %
              (args.expect, args.smp, args.mem, args.cpu))
    return 0


if __name__ == "__main__":
    sys.exit(main())
