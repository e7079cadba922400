#!/usr/bin/env bash
# Checker overhead: the lock and page-table benchmarks built with checking
# off (-Dchecked=false) and on (-Dchecked=true), same flags otherwise, run
# back to back; prints both figures and the checked/unchecked ratio.
#   bench/checker-overhead.sh [reps]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
reps=${1:-5}
for mode in unchecked checked; do
  dir=build/bench-$mode
  [ -f "$dir/build.ninja" ] || meson setup "$dir" --buildtype=release -Dtests=false \
    -Dchecked=$([ $mode = checked ] && echo true || echo false) >/dev/null
  ninja -C "$dir" bench/lock/bench_lock bench/pgtable/bench_pgt >/dev/null
done
# Third column of the row whose first column is $2, in markdown table $1.
cell() { awk -F'|' -v row="$2" -v col="$3" '$2 ~ "^ *"row" *$" {gsub(/[ x]/, "", $(col + 1)); print $(col + 1)}' "$1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for mode in unchecked checked; do
  build/bench-$mode/bench/lock/bench_lock "$reps" 2000000 300 > "$tmp/lock-$mode"
  build/bench-$mode/bench/pgtable/bench_pgt "$reps" > "$tmp/pgt-$mode"
done
echo "| benchmark | unchecked | checked | checked / unchecked |"
echo "|---|---:|---:|---:|"
row() { # label file row col
  u=$(cell "$tmp/$2-unchecked" "$3" "$4"); c=$(cell "$tmp/$2-checked" "$3" "$4")
  awk -v l="$1" -v u="$u" -v c="$c" 'BEGIN { printf "| %s | %s | %s | %.2fx |\n", l, u, c, c / u }'
}
row "vrm_ticket uncontended ns/round trip" lock vrm_ticket 2
row "vrm_ticket contended Mops/s (lower = slower)" lock vrm_ticket 4
row "pgtable map 1 GiB, 4 KiB pages, ns/page" pgt "4 KiB pages" 2
row "pgtable unmap 1 GiB, 4 KiB pages, ns/page" pgt "4 KiB pages" 5
row "pgtable map 1 GiB, 2 MiB blocks, ns/page" pgt "2 MiB blocks" 2
