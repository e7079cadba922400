#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot hyp.elf under QEMU and check its transcript against expected lines.

Expected-lines file: one substring per line ('#' comments, blank lines
ignored). Lines starting with '= ' must appear in file order relative to
each other (the deterministic skeleton); lines starting with '~ ' must
appear somewhere. Any line containing a FAIL pattern fails the test, as do
a QEMU exit code other than 0 and a timeout (a hang).
"""
import argparse
import subprocess
import sys

FAIL_PATTERNS = ["NOT BLOCKED", "FAIL", "PANIC", "BROKEN", "vrm-check:", "did not come up",
                 "failed"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--timeout", type=int, default=100)
    args = ap.parse_args()

    cmd = ["timeout", str(args.timeout), args.qemu, "-M", "virt,virtualization=on,gic-version=3",
           "-cpu", "max", "-smp", str(args.smp), "-m", "512M", "-nographic", "-no-reboot",
           "-kernel", args.kernel]
    print("running:", " ".join(cmd))
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    out = proc.stdout.decode("utf-8", "replace").replace("\r", "")
    lines = out.split("\n")
    print(out)
    errors = []
    if proc.returncode == 124:
        errors.append("timeout after %ds (hang)" % args.timeout)
    elif proc.returncode != 0:
        errors.append("qemu exited %d" % proc.returncode)

    for i, line in enumerate(lines):
        for pat in FAIL_PATTERNS:
            if pat in line:
                errors.append("line %d has '%s': %s" % (i + 1, pat, line))

    pos = 0
    with open(args.expect) as f:
        for raw in f:
            raw = raw.rstrip("\n")
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

    if errors:
        print("FAILED (smp %d):" % args.smp)
        for e in errors:
            print("  " + e)
        return 1
    print("ok: transcript matches %s (smp %d)" % (args.expect, args.smp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
