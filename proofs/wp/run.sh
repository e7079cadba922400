#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Frama-C WP proofs of contracts on libvrm's real C functions.
# Usage: run.sh [SOURCE_ROOT [BUILD_DIR]]
# Each harness proofs/wp/<name>.c puts ACSL contracts on prototypes and
# #includes the unmodified lib/ source; WP (+ RTE guards: no overflow, no
# out-of-bounds access, no bad shift) must prove every goal with z3/cvc4:
# a harness is ok only when frama-c succeeds and "Proved goals: N / M" has
# N == M > 0 in every pass. (Not -report-unclassified-unknown: it also
# flags the unproven default specs of undefined extern functions the
# harness never calls.)
# Prints TAP: one line per harness. Every Frama-C/why3 file is written under
# BUILD_DIR (default: a temporary directory), never into the source tree.
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
# WP proves the named real bodies inlined into the harness function)
harnesses=(
	"tlb_range:vrm_tlb_range_encode:"
	"pgt_desc:vrm_pgt_desc_type,prot_valid_feats,vrm_pgt_desc_table:"
	"pgt_map:map_run,pgt_level_shift:-wp-no-volatile"
	"pgt_roundtrip:attrs_roundtrip:-inline-calls vrm_pgt_desc_leaf,vrm_pgt_desc_prot,s2_attrs,s1_attrs,s2_exec,vrm_pgt_prot_valid,prot_valid_feats,vrm_pgt_features,vrm_pgt_level_size,pgt_level_shift -wp-auto wp:range -wp-timeout 1"
	"pool_range:pool_range:-wp-auto wp:bitshift"
	"pool_checks:donate_check,share_check,pool_word,vrm_read_once_64:-wp-no-volatile"
	"pool_apply:w_make,apply,pool_commit,pool_word,vrm_read_once_64,vrm_write_once_64:-wp-no-volatile -wp-timeout 1 -wp-auto wp:bitwised,wp:bitrange"
)

echo "1..${#harnesses[@]}"
k=0
fail=0
for h in "${harnesses[@]}"; do
	k=$((k + 1))
	name=${h%%:*}
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
	proved=0
	total=0
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
			-wp-out "$build/$name/wp" $extra $post) >"$log.pass" 2>&1 || rc=1
		cat "$log.pass" >>"$log"
		line=$(grep -E '^\[wp\] Proved goals: ' "$log.pass" | tail -1 | sed -E 's/.*: +//')
		rm -f "$log.pass"
		p=${line%% *}
		t=${line##* }
		if [ -z "$line" ]; then
			rc=1
		else
			proved=$((proved + p))
			total=$((total + t))
		fi
	done
	summary="$proved / $total"
	if [ $rc -eq 0 ] && [ "$proved" -eq "$total" ] && [ "$total" -gt 0 ]; then
		echo "ok $k - $name ($fcts): $summary goals proved"
	else
		echo "not ok $k - $name ($fcts): $summary goals proved"
		grep -E '^\[wp\] \[(Failed|Timeout|Unknown)|rror' "$log" | head -20 | sed 's/^/# /'
		echo "# full log: $log"
		fail=1
	fi
done
exit $fail
