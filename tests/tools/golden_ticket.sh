#!/bin/sh
# usage: golden_ticket.sh OBJDUMP ARCHIVE lse|llsc
# The ticket lock's instructions are the contract of ticket.h: check the
# compiled functions contain them, and that the wait loop never polls with
# a plain (non-acquire) load.
set -eu
objdump=$1 archive=$2 flavour=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$objdump" -d "$archive" > "$tmp/all.s"

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
if [ "$flavour" = lse ]; then
	need vrm_ticket_lock ldadda sevl wfe ldaxrh
	need vrm_ticket_unlock staddlh
else
	need vrm_ticket_lock ldaxr stxr sevl wfe ldaxrh
	need vrm_ticket_unlock stlrh
fi
# The wait loop runs from wfe to the backward branch: no plain ldrh there.
loop=$(awk '/\twfe/ {on=1} on {print} on && /\tcbnz/ {exit}' "$tmp/vrm_ticket_lock.s")
if echo "$loop" | grep -qE '[[:space:]]ldrh[[:space:]]'; then
	echo "BAD: plain ldrh in the wait loop:"; echo "$loop"; fail=1
else
	echo "ok: wait loop polls with ldaxrh only"
fi
exit $fail
