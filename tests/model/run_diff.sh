#!/usr/bin/env bash
# Differential test of the C library against a model extracted from Coq.
#   run_diff.sh [--wrapper CMD] [--expect-divergence] --min-ops N \
#               TRACE_EXE CHECKER_EXE [TRACE_ARGS...]
# Runs `CMD TRACE_EXE TRACE_ARGS | CHECKER_EXE`. TRACE_EXE drives the C
# library with random operations and prints each operation, its result
# and the resulting state; CHECKER_EXE (OCaml, extracted model) replays
# every operation on the model and compares. The checker's last line is
#   model-diff: OPS ops, DIV divergences
# and its status is 0 iff DIV is 0 and it read a complete trace.
# Pass: the trace program succeeded, OPS >= N and DIV = 0; with
# --expect-divergence (a library twin with a protection removed): the
# trace program succeeded and the checker found a divergence.
set -u -o pipefail
wrapper=()
expect_div=0
min_ops=1
while [ $# -gt 0 ]; do
  case $1 in
    --wrapper) wrapper=($2); shift 2 ;;
    --expect-divergence) expect_div=1; shift ;;
    --min-ops) min_ops=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || { echo "usage: $0 [--wrapper CMD] [--expect-divergence] --min-ops N TRACE CHECKER [ARGS]" >&2; exit 2; }
trace=$1 checker=$2
shift 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vrm-diff.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
"${wrapper[@]}" "$trace" "$@" 2>"$tmp/trace.err" | "$checker" >"$tmp/check.out" 2>&1
st=("${PIPESTATUS[@]}")
tail -5 "$tmp/check.out"
if [ "${st[0]}" -ne 0 ]; then
  echo "FAIL: trace program exited ${st[0]}"; cat "$tmp/trace.err"; exit 1
fi
last=$(grep -E '^model-diff: [0-9]+ ops, [0-9]+ divergences$' "$tmp/check.out" | tail -1)
if [ -z "$last" ]; then
  echo "FAIL: the checker printed no summary (status ${st[1]})"; head -20 "$tmp/check.out"; exit 1
fi
ops=$(echo "$last" | awk '{print $2}')
div=$(echo "$last" | awk '{print $4}')
if [ $expect_div = 1 ]; then
  if [ "$div" -ge 1 ] && [ "${st[1]}" -ne 0 ]; then
    echo "PASS: divergence caught (as the twin must be)"; exit 0
  fi
  echo "FAIL: the twin ran $ops operations with no divergence"; exit 1
fi
if [ "${st[1]}" -ne 0 ] || [ "$div" -ne 0 ]; then
  echo "FAIL: $div divergences (checker status ${st[1]})"; head -40 "$tmp/check.out"; exit 1
fi
if [ "$ops" -lt "$min_ops" ]; then
  echo "FAIL: $ops operations, fewer than $min_ops"; exit 1
fi
echo "PASS: $ops operations, 0 divergences"
