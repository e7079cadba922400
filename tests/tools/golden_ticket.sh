#!/bin/sh
# usage: golden_ticket.sh OBJDUMP ARCHIVE lse|llsc|both
# The ticket lock's instructions are the contract of ticket.h: check the
# compiled functions contain them, and that the wait loop never polls with
# a plain (non-acquire) load.
#   lse, llsc  one flavour compiled in (-Datomics=lse/llsc): the public
#              vrm_ticket_lock / _unlock / _trylock hold it;
#   both       the run-time choice (-Datomics=runtime): each flavour is its
#              own function (vrm__ticket_lock_lse, ..._llsc, ...), and the
#              public functions hold no lock instruction, only calls to both.
set -eu
objdump=$1 archive=$2 mode=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# -r: relocations name the call targets in the unlinked objects.
"$objdump" -dr "$archive" > "$tmp/all.s"

fn() { # print the body of function $1
	awk -v f="<$1>:" '$2 == f {on=1; next} on && /^[0-9a-f]+ </ {on=0} on' "$tmp/all.s"
}
fail=0
need() { # need FUNCTION INSN...
	f=$1; shift
	fn "$f" > "$tmp/$f.s"
	[ -s "$tmp/$f.s" ] || { echo "not found: $f"; fail=1; return; }
	for insn in "$@"; do
		if grep -qE "[[:space:]]$insn([[:space:]]|$)" "$tmp/$f.s"; then
			echo "ok: $f has $insn"
		else
			echo "MISSING: $f lacks $insn"; fail=1
		fi
	done
}
calls() { # calls FUNCTION TARGET...: FUNCTION branches to each TARGET
	f=$1; shift
	fn "$f" > "$tmp/$f.s"
	for t in "$@"; do
		if grep -qE "R_AARCH64_(CALL|JUMP)26[[:space:]]+$t\$" "$tmp/$f.s"; then
			echo "ok: $f calls $t"
		else
			echo "MISSING: $f does not call $t"; fail=1
		fi
	done
	if grep -qE '[[:space:]](ld|st|cas|swp)[a-z]*(a|l|x)[a-z]*[[:space:]]|[[:space:]](ldadd|stadd|cas|swp)[a-z]*[[:space:]]' "$tmp/$f.s"; then
		echo "BAD: $f has an atomic or acquire/release instruction of its own:"
		grep -E '[[:space:]](ld|st|cas|swp)[a-z]*(a|l|x)[a-z]*[[:space:]]|[[:space:]](ldadd|stadd|cas|swp)[a-z]*[[:space:]]' "$tmp/$f.s"
		fail=1
	else
		echo "ok: $f has no atomic or acquire/release instruction of its own"
	fi
}
waitloop() { # the wait loop of lock function $1 runs from wfe to the backward branch
	loop=$(awk '/\twfe/ {on=1} on {print} on && /\tcbnz/ {exit}' "$tmp/$1.s")
	if echo "$loop" | grep -qE '[[:space:]]ldrh[[:space:]]'; then
		echo "BAD: plain ldrh in the wait loop of $1:"; echo "$loop"; fail=1
	else
		echo "ok: $1's wait loop polls with ldaxrh only"
	fi
}
lse() { # lse LOCK UNLOCK TRYLOCK
	need "$1" ldadda sevl wfe ldaxrh; waitloop "$1"
	need "$2" staddlh
	need "$3" ldr casa
}
llsc() {
	need "$1" ldaxr stxr sevl wfe ldaxrh; waitloop "$1"
	need "$2" stlrh
	need "$3" ldr ldaxr stxr
}
case $mode in
lse) lse vrm_ticket_lock vrm_ticket_unlock vrm_ticket_trylock ;;
llsc) llsc vrm_ticket_lock vrm_ticket_unlock vrm_ticket_trylock ;;
both)
	lse vrm__ticket_lock_lse vrm__ticket_unlock_lse vrm__ticket_trylock_lse
	llsc vrm__ticket_lock_llsc vrm__ticket_unlock_llsc vrm__ticket_trylock_llsc
	for f in lock unlock trylock; do
		calls vrm_ticket_$f vrm__ticket_${f}_lse vrm__ticket_${f}_llsc
	done
	# One image for CPUs without FEAT_LSE: no LSE instruction anywhere
	# but in the three LSE flavour functions, run only once selected.
	stray=$(awk '
		/^[0-9a-f]+ <[^>]+>:$/ { f = $2; next }
		NF >= 3 && $1 ~ /^[0-9a-f]+:$/ {
			m = $3
			if (m ~ /^(casp?|swp|ld(add|clr|eor|set|smax|smin|umax|umin)|st(add|clr|eor|set|smax|smin|umax|umin))(a|l|al)?(b|h)?$/ &&
			    f !~ /^<vrm__ticket_(lock|unlock|trylock)_lse>:$/)
				print f, $0
		}' "$tmp/all.s")
	if [ -n "$stray" ]; then
		echo "BAD: LSE instructions outside the LSE flavour functions:"; echo "$stray"; fail=1
	else
		echo "ok: no LSE instruction outside vrm__ticket_{lock,unlock,trylock}_lse"
	fi ;;
*) echo "usage: $0 OBJDUMP ARCHIVE lse|llsc|both"; exit 2 ;;
esac
exit $fail
