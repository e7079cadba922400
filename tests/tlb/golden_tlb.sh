#!/bin/sh
# usage: golden_tlb.sh OBJDUMP ARCHIVE
# The EL2 back end's instructions are the contract of include/vrm/tlb.h:
# each function's compiled body holds its sequence, in order (other
# instructions may sit between), and only broadcast TLBIs on SMP paths.
set -eu
objdump=$1 archive=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$objdump" -d "$archive" > "$tmp/all.s"

fn() { # body of function $1: "mnemonic operands" per line
	awk -v f="<$1>:" '$2 == f {on=1; next} on && /^[0-9a-f]+ </ {on=0} on' "$tmp/all.s" |
		awk -F'\t' 'NF >= 3 {print $3 " " $4}'
}
fail=0
# inorder FUNCTION "INSN" ...: each INSN (a mnemonic plus optional first
# operand) appears after the previous one.
inorder() {
	f=$1; shift
	fn "$f" > "$tmp/$f.s"
	[ -s "$tmp/$f.s" ] || { echo "not found: $f"; fail=1; return; }
	line=0
	for insn in "$@"; do
		hit=$(awk -v from="$line" -v pat="$insn" 'NR > from && index($0, pat) == 1 {print NR; exit}' "$tmp/$f.s")
		if [ -z "$hit" ]; then
			echo "MISSING: $f lacks '$insn' after line $line"; fail=1; return
		fi
		line=$hit
	done
	echo "ok: $f: $*"
}
# never FUNCTION PATTERN: the body has no instruction starting with it.
never() {
	if fn "$1" | grep -q "^$2"; then
		echo "BAD: $1 has '$2'"; fail=1
	else
		echo "ok: $1 has no '$2'"
	fi
}
# Stage 2: a leading DSB ISH (R1 and R7: walks complete before VTTBR_EL2
# changes), the whole VTTBR_EL2 loaded and restored (R8). "dsb ish" also
# matches "dsb ishst" as a prefix, so `never` rules the store form out.
inorder vrm_tlb_flush_s2_ipa "dsb ish" "mrs" "msr vttbr_el2" "isb" "tlbi ipas2e1is" \
	"dsb ish" "tlbi vmalle1is" "dsb ish" "isb" "msr vttbr_el2" "isb"
# The range functions branch between three paths, so the compiler lays
# their blocks out in any order: check the straight part and the tail, and
# that the leading DSB is emitted once (not per page).
inorder vrm_tlb_flush_s2_range "dsb ish" "msr vttbr_el2" "isb"
inorder vrm_tlb_flush_s2_range "tlbi vmalle1is" "dsb ish"
inorder vrm_tlb_flush_s2_range "dsb ish" "isb" "msr vttbr_el2" "isb"
once() { # once FUNCTION INSN: exactly one such instruction in the body
	n=$(fn "$1" | grep -cE "^$2 *\$" || true)
	if [ "$n" = 1 ]; then echo "ok: $1 has one '$2'"; else echo "BAD: $1 has $n x '$2'"; fail=1; fi
}
once vrm_tlb_flush_el2_range "dsb ishst"
inorder vrm_tlb_flush_s2_range "tlbi ripas2e1is"
inorder vrm_tlb_flush_s2_range "tlbi ipas2e1is"
inorder vrm_tlb_flush_s2_range "tlbi vmalls12e1is"
inorder vrm_tlb_flush_vmid "dsb ish" "msr vttbr_el2" "isb" "tlbi vmalls12e1is" \
	"dsb ish" "isb" "msr vttbr_el2" "isb"
inorder vrm_tlb_flush_vmid_local "dsb nsh" "msr vttbr_el2" "isb" "tlbi vmalls12e1" \
	"dsb nsh" "isb" "msr vttbr_el2" "isb"
inorder vrm_tlb_flush_s2_ipa_local "dsb nsh" "msr vttbr_el2" "isb" "tlbi ipas2e1," \
	"dsb nsh" "tlbi vmalle1" "dsb nsh" "isb"
for f in vrm_tlb_flush_s2_ipa vrm_tlb_flush_s2_range vrm_tlb_flush_vmid; do
	never "$f" "dsb ishst"
done
for f in vrm_tlb_flush_vmid_local vrm_tlb_flush_s2_ipa_local; do
	never "$f" "dsb nshst"
done
# This build has neither erratum workaround: no EL1 register is written,
# no TLBI VALE2IS follows a stage-2 sequence's last DSB.
for f in vrm_tlb_flush_s2_ipa vrm_tlb_flush_s2_range vrm_tlb_flush_vmid \
	vrm_tlb_flush_vmid_local vrm_tlb_flush_s2_ipa_local; do
	never "$f" "msr tcr_el1"
	never "$f" "msr sctlr_el1"
	never "$f" "tlbi vale2is"
done
inorder vrm_tlb_flush_el2_va "dsb ishst" "tlbi" "dsb ish" "isb"
inorder vrm_tlb_flush_el2_va "tlbi vale2is"
inorder vrm_tlb_flush_el2_va "tlbi vae2is"
inorder vrm_tlb_flush_el2_range "dsb ish" "isb"
inorder vrm_tlb_flush_el2_range "tlbi rvae2is"
inorder vrm_tlb_flush_el2_range "tlbi vae2is"
inorder vrm_tlb_flush_el2_range "tlbi alle2is"
inorder vrm_tlb_flush_all_el1 "dsb ishst" "tlbi alle1is" "dsb ish" "isb"
# After an EL2 stage-1 map (no TLBI): the writes complete, then this PE
# resynchronises, so its next instruction may use the new mapping.
inorder vrm_tlb_sync_el2_map "dsb ishst" "isb"
never vrm_tlb_sync_el2_map "tlbi"
# ... and the operation frame calls it (its stage-2 path keeps a bare
# dsb ishst).
calls() { # calls FUNCTION CALLEE: FUNCTION's body has a bl to CALLEE
	if fn "$1" | grep -qE "^bl .*<$2>"; then
		echo "ok: $1 calls $2"
	else
		echo "BAD: $1 does not call $2"; fail=1
	fi
}
calls pgt_op_run vrm_tlb_sync_el2_map
inorder pgt_op_run "dsb ishst"
# SMP paths use only broadcast forms (no local TLBI, no DSB NSH).
for f in vrm_tlb_flush_s2_ipa vrm_tlb_flush_s2_range vrm_tlb_flush_vmid \
	vrm_tlb_flush_el2_va vrm_tlb_flush_el2_range vrm_tlb_flush_all_el1 \
	vrm_tlb_sync_el2_map; do
	never "$f" "dsb nsh"
	fn "$f" | grep '^tlbi' | grep -vqE '^tlbi [a-z0-9]+is([ ,]|$)' &&
		{ echo "BAD: $f has a non-broadcast TLBI"; fail=1; } || echo "ok: $f broadcast only"
done
exit $fail
