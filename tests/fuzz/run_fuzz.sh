#!/bin/sh
# Runs one libFuzzer harness for a bounded time and prints its execution
# count. usage: run_fuzz.sh HARNESS WORK_CORPUS SEED_CORPUS SECONDS SEED
# New inputs go to WORK_CORPUS (in the build tree); the seed corpus in the
# source tree is only read. FUZZ_SECONDS overrides SECONDS (long runs).
# Any crash, sanitizer report, leak, timeout, invariant break or model
# divergence makes libFuzzer exit non-zero, and so this script.
set -u
harness=$1 work=$2 seeds=$3 secs=${FUZZ_SECONDS:-$4} seed=$5
mkdir -p "$work" || exit 1
log="$work.log"
"$harness" -max_total_time="$secs" -seed="$seed" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$work-" "$work" "$seeds" >"$log" 2>&1
rc=$?
tail -n 25 "$log"
runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 \2/p' "$log" | tail -n 1)
if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
	set -- $runs
	echo "$(basename "$harness"): $1 executions in $2 s, no failure (seed $seed)"
	exit 0
fi
echo "$(basename "$harness"): FAILED (exit $rc); crashing input saved as $work-crash-* (see $log)"
exit 1
