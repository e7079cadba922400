#!/usr/bin/env bash
# Build a model checker: compile Coq models, extract them to OCaml, link
# the OCaml driver against the extraction. Everything happens in WORKDIR
# (never in the source tree).
#   build_checker.sh OUT_EXE WORKDIR COQ_SRC_DIR EXTRACT_V DRIVER_ML V_FILE...
# V_FILE: models, relative to COQ_SRC_DIR, in dependency order (logical
# prefix VRM, as proofs/coq/_CoqProject). EXTRACT_V runs the Extraction
# commands; it must write model.ml / model.mli into its current directory.
set -eu
out=$1 work=$2 coqsrc=$3 extract=$4 driver=$5
shift 5
mkdir -p "$work"
for f in "$@"; do
  mkdir -p "$work/$(dirname "$f")"
  cp "$coqsrc/$f" "$work/$f"
  (cd "$work" && coqc -Q . VRM "$f") || { echo "coqc failed on $f" >&2; exit 1; }
done
cp "$extract" "$work/Extract.v"
rm -f "$work/model.ml" "$work/model.mli"
(cd "$work" && coqc -Q . VRM Extract.v) || { echo "coqc failed on $extract" >&2; exit 1; }
[ -f "$work/model.ml" ] || { echo "$extract did not write model.ml" >&2; exit 1; }
cp "$driver" "$work/driver.ml"
# Extracted code is not warning-clean OCaml (unused variables, partial
# matches Coq proved impossible); the driver is compiled with warnings on.
(cd "$work" && ocamlopt -w -a -c model.mli model.ml &&
  ocamlopt -w +a-4-9-40-41-42-44-45-70 -warn-error +a -c driver.ml &&
  ocamlopt model.cmx driver.cmx -o checker) ||
  { echo "ocamlopt failed" >&2; exit 1; }
cp "$work/checker" "$out"
