#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every rule string the checker can report is quoted in docs/checker.md.

usage: rules_documented.py SOURCE_ROOT
Finds each string literal passed as the rule of check_violation_locked() or
vrm_check_violation() in lib/, and fails unless it appears in the doc as
`rule` (backquoted, verbatim). A rule renamed in the code without the doc,
or a new one left undocumented, fails.
"""
import glob
import re
import sys

root = sys.argv[1]
doc = open(root + "/docs/checker.md").read()
call = re.compile(r"(?:check_violation_locked|vrm_check_violation)\(\s*VRM_COND_\w+\s*,(.*?)\)\s*;",
                  re.S)
rules = set()
for path in glob.glob(root + "/lib/**/*.c", recursive=True):
    for m in call.finditer(open(path).read()):
        # the rule is the second argument: every literal before its comma
        args = m.group(1)
        depth, cut = 0, len(args)
        for i, ch in enumerate(args):
            depth += ch == "("
            depth -= ch == ")"
            if ch == "," and depth == 0:
                cut = i
                break
        rules.update(re.findall(r'"([^"]+)"', args[:cut]))
missing = sorted(r for r in rules if "`%s`" % r not in doc)
for r in sorted(rules):
    print("%s: %s" % ("ok" if r not in missing else "MISSING", r))
if not rules:
    print("no rule strings found under lib/: the pattern is stale")
    sys.exit(1)
sys.exit(1 if missing else 0)
