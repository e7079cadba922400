#!/bin/sh
# usage: trace_absent.sh NM ARCHIVE — a build without the test-only PTE
# trace (VRM_PTE_TRACE 0: release builds, -Dpte_trace=disabled) defines
# and calls none of it: a descriptor write is the store alone.
set -eu
found=$("$1" "$2" 2>/dev/null | grep -E " [TtUBbDd] (vrm_pgt__trace_on|vrm_pgt__trace_pte)\$" || true)
if [ -n "$found" ]; then
	echo "build without the PTE trace still has it:"; echo "$found"; exit 1
fi
"$1" "$2" | grep -q ' T vrm_pgt_map$' || { echo "archive has no vrm_pgt_map: wrong file?"; exit 1; }
echo "ok: no PTE-trace hook in the archive"
