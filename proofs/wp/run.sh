#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Frama-C WP proofs of contracts on libvrm's real C functions.
# Usage: run.sh [SOURCE_ROOT [BUILD_DIR]]
# Each harness proofs/wp/<name>.c puts ACSL contracts on prototypes and
# #includes the unmodified lib/ source; WP (+ RTE guards: no overflow, no
# out-of-bounds access, no bad shift) must prove every goal with z3/cvc4:
# a harness is ok only when frama-c succeeds, every goal of every pass is
# proved (N == M), M is at least the harness's recorded minimum in
# goal_counts.txt (a contract or invariant that silently stops producing
# goals proves nothing), and no smoke test fails outside smoke_allow.txt.
# (Not -report-unclassified-unknown: it also flags the unproven default
# specs of undefined extern functions the harness never calls.)
# Smoke tests (-wp-smoke-tests): WP also tries to prove \false after each
# precondition, loop invariant and block of code; if it can, the contract
# is inconsistent or the code unreachable, and every goal under it holds
# vacuously. Those goals are counted apart from M ("smoke S / T passed").
# Prints TAP: one line per harness. Every Frama-C/why3 file is written under
# BUILD_DIR (default: a temporary directory), never into the source tree.
# Environment (to show the checks can fail, and to rerun one harness):
#   VRM_WP_ONLY=a,b        run only those harnesses (the TAP plan counts them)
#   VRM_WP_EXPECT_MORE=k   add k to every recorded minimum
#   VRM_WP_SMOKE_ALLOW=f   allow-list file instead of smoke_allow.txt
#   VRM_WP_SMOKE_DEAD=a,b  harnesses that also get dead-code / dead-call
#                          smoke tests ("all": every one; default
#                          pool_range,pool_checks). Every harness gets the
#                          precondition smoke test (a contract whose
#                          requires is inconsistent fails). Dead-code
#                          smoke tests cost: tlb_range with them about
#                          4 min on the idle 2-core machine (they find its
#                          allow-listed clamp), every harness 32 min on a
#                          loaded one; too long for CI, so
#                          VRM_WP_SMOKE_DEAD=all runs them by hand
#                          (pgt_roundtrip opts out even then, see below).
set -u

root=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
build=${2:-}
if [ -z "$build" ]; then
	build=$(mktemp -d)
	trap 'rm -rf "$build"' EXIT
fi
mkdir -p "$build"
build=$(cd "$build" && pwd)
wp="$root/proofs/wp"
# Bounded work, not wall-clock: each goal gets a prover step budget
# (-wp-steps, why3's steplimit: CVC4 and Z3 resource units, the same on any
# machine); the largest proof here takes 344,598 steps, so 1,500,000 leaves
# 4x room. The wall-clock timeout is only a backstop: with 10 s (the old
# limit) a goal that takes 5.4 s on an idle machine timed out at 20 s while
# another build loaded both cores (CVC4 on tlb_range's contiguous_3).
steps=${VRM_WP_STEPS:-1500000}
timeout_s=${VRM_WP_TIMEOUT:-120}

if ! command -v frama-c >/dev/null; then
	echo "1..0 # SKIP frama-c not installed"
	exit 0
fi
# A fresh machine has no why3 prover configuration yet.
if [ ! -e "${WHY3CONFIG:-$HOME/.why3.conf}" ]; then
	why3 config detect >/dev/null 2>&1 || true
fi

# harness : function(s) proven : extra frama-c options (a later
# -wp-timeout overrides the default; -wp-no-volatile: the stubs' relaxed
# load of a volatile is an ordinary read, see framac_stubs.h; -inline-calls:
# WP proves the named real bodies inlined into the harness function;
# -warn-unsigned-overflow: an unsigned wrap is an RTE error too;
# pgt_roundtrip's smoke tests check its preconditions only: with the codec
# inlined, the branches for inputs the harness excludes (pa != 0, invalid
# prots) are dead by construction, and wp:range would split each of the
# ~60 dead-code smoke goals 128 ways, about 30 minutes on a loaded machine)
harnesses=(
	"tlb_range:vrm_tlb_range_encode,range_operand:"
	"pgt_desc:vrm_pgt_desc_type,prot_valid_feats,vrm_pgt_desc_table:"
	"pgt_map:map_visit_op:-wp-no-volatile"
	"pgt_map_run:map_run,pgt_run_room,pgt_level_shift,pgt_min,pgt_max:-wp-no-volatile -warn-unsigned-overflow -wp-auto wp:range"
	"pgt_roundtrip:attrs_roundtrip,attrs_roundtrip_xnx,attrs_roundtrip_fwb,attrs_roundtrip_fwb_xnx:-inline-calls vrm_pgt_desc_leaf,vrm_pgt_desc_prot,s2_attrs,s1_attrs,s2_exec,vrm_pgt_prot_valid,prot_valid_feats,vrm_pgt_features,vrm_pgt_level_size,pgt_level_shift -wp-auto wp:range -wp-timeout 1 -wp-no-smoke-dead-code -wp-no-smoke-dead-call"
	"pool_range:pool_range:-wp-auto wp:bitshift"
	"pool_checks:donate_check,share_check,unshare_check,pool_word,vrm_read_once_64:-wp-no-volatile"
	"pool_core:pool_transition,pool_run,pool_lock,pool_unlock,stripe,pool_actor_ok,pool_pa,pool_word,vrm_read_once_64:-wp-no-volatile"
	"pool_ops:vrm_pool_donate,vrm_pool_unshare,donate_dir_ok,share_pair_ok,share_begin:-wp-no-volatile"
	"pool_apply:w_make,apply,pool_commit,pool_word,vrm_read_once_64,vrm_write_once_64:-wp-no-volatile -wp-timeout 1 -wp-auto wp:bitwised,wp:bitrange"
)

if [ -n "${VRM_WP_ONLY:-}" ]; then
	sel_h=()
	for h in "${harnesses[@]}"; do
		case ",$VRM_WP_ONLY," in *",${h%%:*},"*) sel_h+=("$h") ;; esac
	done
	if [ ${#sel_h[@]} -eq 0 ]; then
		echo "run.sh: no harness named '$VRM_WP_ONLY'" >&2
		exit 2
	fi
	harnesses=("${sel_h[@]}")
fi
more=${VRM_WP_EXPECT_MORE:-0}
allow_file=${VRM_WP_SMOKE_ALLOW:-$wp/smoke_allow.txt}
if [ ! -r "$allow_file" ]; then
	echo "run.sh: cannot read smoke allow-list $allow_file" >&2
	exit 2
fi

# One harness: its TAP line (and # notes) on stdout; non-zero if not ok.
# k: its number in the plan.
run_harness() {
	local k=$1 h=$2
	name=${h%%:*}
	# Recorded minimum; a harness with none cannot pass.
	expect=$(awk -v n="$name" '$1 == n { print $2 }' "$wp/goal_counts.txt")
	[ -n "$expect" ] && expect=$((expect + more))
	rest=${h#*:}
	fcts=${rest%%:*}
	extra=${rest#*:}
	log="$build/$name.log"
	: >"$log"
	rc=0
	# Pass 1: the harness's lemmas (-wp-fct does not select them);
	# pass 2: the functions' contracts and RTE guards. posts[i] is put
	# after the harness's extra options, so it wins for pass i.
	passes=("-wp-fct $fcts")
	posts=("")
	if grep -q '@ *lemma\|/\*@ *lemma' "$wp/$name.c"; then
		# A harness may give its lemma pass its own options (e.g. a
		# tactic its function pass must not wait for) on a comment line
		# "wp-lemma-options: ...".
		lemma_opts=$(sed -n 's/^.*wp-lemma-options: *//p' "$wp/$name.c" | head -1)
		passes=("-wp-prop @lemma" "${passes[@]}")
		posts=("$lemma_opts" "${posts[@]}")
	fi
	smoke_scope="-wp-no-smoke-dead-code -wp-no-smoke-dead-call"
	case ",${VRM_WP_SMOKE_DEAD:-pool_range,pool_checks}," in
		*,all,*|*",$name,"*) smoke_scope="" ;;
	esac
	proved=0
	total=0
	smoke_ok=0
	smoke_all=0
	s_allowed=0
	smoke_notes=()
	smoke_bad=()
	for i in "${!passes[@]}"; do
		sel=${passes[$i]}
		post=${posts[$i]}
		# cd: Frama-C may drop files in the working directory.
		mkdir -p "$build/$name"
		# shellcheck disable=SC2086
		(cd "$build/$name" && frama-c \
			-cpp-extra-args="-CC -include $wp/include/framac_stubs.h -I$wp/include -I$root/include" \
			"$wp/$name.c" \
			-wp -wp-rte $sel -wp-prover z3,cvc4 \
			-wp-steps "$steps" -wp-timeout "$timeout_s" -wp-par 2 -wp-cache none \
			-wp-out "$build/$name/wp" -wp-smoke-tests $smoke_scope $extra $post) >"$log.pass" 2>&1 || rc=1
		cat "$log.pass" >>"$log"
		line=$(grep -E '^\[wp\] Proved goals: ' "$log.pass" | tail -1 | sed -E 's/.*: +//')
		# WP counts smoke tests among its goals (a passed one as
		# proved): take them out, and list the failed ones as
		# "function line" (the warning after each [Failed] line gives
		# the location; a test is reported once per prover).
		s_pass=$(grep -E '^\[wp\] \[Passed\] Smoke-test ' "$log.pass" | sort -u | wc -l)
		awk '/^\[wp\] \[Failed\] Smoke-test /{ g = $4; next }
		     g != "" && /Warning: Failed smoke-test/ {
			split($2, a, ":"); f = g
			sub(/^typed_(ref_)?/, "", f); sub(/_wp_smoke_.*/, "", f)
			print f, a[2], g; g = "" }' "$log.pass" | sort -u >"$log.smoke"
		s_fail=$(wc -l <"$log.smoke")
		while read -r f l g; do
			if awk -v h="$name" -v f="$f" -v l="$l" \
				'$1 == h && $2 == f && $3 == l { ok = 1 } END { exit !ok }' "$allow_file"; then
				s_allowed=$((s_allowed + 1))
				smoke_notes+=("allowed failed smoke test $g ($f, line $l): smoke_allow.txt")
			else
				smoke_bad+=("failed smoke test $g ($f, line $l): inconsistent contract or dead code")
			fi
		done <"$log.smoke"
		rm -f "$log.pass" "$log.smoke"
		p=${line%% *}
		t=${line##* }
		if [ -z "$line" ]; then
			rc=1
		else
			proved=$((proved + p - s_pass))
			total=$((total + t - s_pass - s_fail))
			smoke_ok=$((smoke_ok + s_pass))
			smoke_all=$((smoke_all + s_pass + s_fail))
		fi
	done
	summary="$proved / $total goals (expected >= ${expect:-?}), smoke $smoke_ok / $smoke_all passed"
	[ "$s_allowed" -gt 0 ] && summary="$summary, $s_allowed failure(s) allowed"
	if [ $rc -eq 0 ] && [ "$proved" -eq "$total" ] && [ "$total" -gt 0 ] &&
		[ -n "$expect" ] && [ "$total" -ge "$expect" ] && [ ${#smoke_bad[@]} -eq 0 ]; then
		echo "ok $k - $name ($fcts): $summary"
		for m in "${smoke_notes[@]}"; do echo "# $m"; done
	else
		echo "not ok $k - $name ($fcts): $summary"
		[ -z "$expect" ] && echo "# no recorded minimum for $name in goal_counts.txt"
		[ -n "$expect" ] && [ "$total" -lt "$expect" ] &&
			echo "# $total goals, fewer than the recorded minimum $expect"
		for m in "${smoke_notes[@]}" "${smoke_bad[@]}"; do echo "# $m"; done
		grep -E '^\[wp\] \[(Failed|Timeout|Unknown)\] Goal|rror' "$log" | head -20 | sed 's/^/# /'
		echo "# full log: $log"
		return 1
	fi
}

# Harnesses run side by side, VRM_WP_JOBS at a time (default 2): Frama-C's
# own work (parsing, VC generation, Qed) is single-threaded, so one
# harness at a time left a core idle between its prover calls. The provers'
# bound is steps, not time, so the results do not depend on the load. The
# TAP lines come out in plan order.
jobs=${VRM_WP_JOBS:-2}
echo "1..${#harnesses[@]}"
k=0
for h in "${harnesses[@]}"; do
	k=$((k + 1))
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n || true
	done
	( run_harness "$k" "$h" >"$build/${h%%:*}.tap" 2>&1; echo $? >"$build/${h%%:*}.rc" ) &
done
wait
fail=0
for h in "${harnesses[@]}"; do
	cat "$build/${h%%:*}.tap"
	[ "$(cat "$build/${h%%:*}.rc" 2>/dev/null)" = 0 ] || fail=1
	rm -f "$build/${h%%:*}.tap" "$build/${h%%:*}.rc"
done
exit $fail
