#!/usr/bin/env bash
# Decide every litmus test of proofs/litmus (and catalogue/) with the Coq
# decision procedure proofs/coq/litmus/Litmus.v.  Output is TAP:
#   1..N
#   ok - <file>          (or: not ok - <file>)
# Usage: proofs/litmus/run.sh [BUILD_DIR]
# Everything (copied model .v files, generated tests, .vo) goes to BUILD_DIR
# (default: a fresh temp dir), never into the source tree.
# Tests that need the VMSA model (header "-variant vmsa") are not decided:
# they are excluded from the count and listed in README.md.
# Exit status 0 only if every line is "ok".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
COQ=$(cd "$HERE/../coq" && pwd)
if [ $# -ge 1 ] && [ -n "$1" ]; then
  BUILD=$1; mkdir -p "$BUILD" || exit 1; BUILD=$(cd "$BUILD" && pwd)
else
  BUILD=$(mktemp -d "${TMPDIR:-/tmp}/vrm-litmus.XXXXXX") || exit 1
fi
rm -rf "$BUILD/arm" "$BUILD/litmus" "$BUILD/tests"
mkdir -p "$BUILD/arm" "$BUILD/litmus" "$BUILD/tests"
cp "$COQ/arm/Rel.v" "$COQ/arm/Aarch64.v" "$BUILD/arm/"
cp "$COQ/litmus/Litmus.v" "$COQ/litmus/LitmusSound.v" "$COQ/litmus/LitmusComplete.v" \
  "$BUILD/litmus/"

TESTS=()
for f in "$HERE"/*.litmus "$HERE"/catalogue/*.litmus; do
  [ -e "$f" ] || continue
  grep -q -- '-variant vmsa' "$f" && continue   # no VMSA model: not decided
  TESTS+=("$f")
done
# Three lines more than the tests: no escape hatch in the procedure's
# sources, decide_sound closed, and the completeness theorems closed.
echo "1..$((${#TESTS[@]} + 3))"
BAD=$(grep -nwE 'Admitted|admit|Axiom|Axioms|Parameter|Parameters|Hypothesis|Hypotheses|Variable|Variables|Conjecture' \
  "$COQ/litmus/Litmus.v" "$COQ/litmus/LitmusSound.v" "$COQ/litmus/LitmusComplete.v")
if [ -z "$BAD" ]; then
  echo "ok - litmus sources contain no Admitted/admit/Axiom/Parameter/Hypothesis/Variable"
else
  echo "not ok - litmus sources contain no Admitted/admit/Axiom/Parameter/Hypothesis/Variable"
  echo "$BAD" | sed 's/^/# /'
fi

# The model, once; if it fails every test fails.
MODEL_OK=1
for v in arm/Rel.v arm/Aarch64.v litmus/Litmus.v litmus/LitmusSound.v litmus/LitmusComplete.v; do
  if ! (cd "$BUILD" && coqc -Q . VRM "$v") >"$BUILD/model.log" 2>&1; then
    MODEL_OK=0; sed 's/^/# /' "$BUILD/model.log"; break
  fi
done

fail=0; i=0
[ -z "$BAD" ] || fail=1
printf 'Require VRM.litmus.LitmusSound.\nPrint Assumptions VRM.litmus.LitmusSound.decide_sound.\n' \
  > "$BUILD/Assumptions.v"
if [ $MODEL_OK = 1 ] && (cd "$BUILD" && coqc -Q . VRM Assumptions.v) > "$BUILD/assumptions.out" 2>&1 &&
   grep -q "Closed under the global context" "$BUILD/assumptions.out"; then
  echo "ok - litmus.LitmusSound.decide_sound (Print Assumptions closed)"
else
  echo "not ok - litmus.LitmusSound.decide_sound (Print Assumptions closed)"
  sed 's/^/# /' "$BUILD/assumptions.out"; fail=1
fi
printf '%s\n' 'Require VRM.litmus.LitmusComplete.' \
  'Print Assumptions VRM.litmus.LitmusComplete.decide_complete.' \
  'Print Assumptions VRM.litmus.LitmusComplete.decide_correct.' \
  'Print Assumptions VRM.litmus.LitmusComplete.mp_dmbs_forbidden.' > "$BUILD/AssumptionsC.v"
if [ $MODEL_OK = 1 ] && (cd "$BUILD" && coqc -Q . VRM AssumptionsC.v) > "$BUILD/assumptionsC.out" 2>&1 &&
   [ "$(grep -c "Closed under the global context" "$BUILD/assumptionsC.out")" = 3 ]; then
  echo "ok - litmus.LitmusComplete.decide_complete, decide_correct, mp_dmbs_forbidden (Print Assumptions closed)"
else
  echo "not ok - litmus.LitmusComplete.decide_complete, decide_correct, mp_dmbs_forbidden (Print Assumptions closed)"
  sed 's/^/# /' "$BUILD/assumptionsC.out"; fail=1
fi
for f in "${TESTS[@]}"; do
  i=$((i + 1))
  rel=${f#"$HERE"/}
  ok=0
  if [ $MODEL_OK = 1 ] && name=$(python3 "$HERE/to_coq.py" "$f" "$BUILD/tests" 2>"$BUILD/tr.log"); then
    if (cd "$BUILD" && coqc -Q . VRM "tests/$name.v") >"$BUILD/tests/$name.log" 2>&1; then
      ok=1
    else
      sed 's/^/# /' "$BUILD/tests/$name.log" | head -20
    fi
  else
    sed 's/^/# /' "$BUILD/tr.log"
  fi
  if [ $ok = 1 ]; then echo "ok - $rel"; else echo "not ok - $rel"; fail=1; fi
done
exit $fail
