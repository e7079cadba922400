#!/bin/sh
# usage: check_undefined.sh NM ARCHIVE ALLOWED_LIST
# Fails if ARCHIVE needs a symbol from outside itself that is not a
# documented environment hook: the freestanding core must not pull in libc.
set -eu
nm=$1 archive=$2 allowed=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$nm" -g --defined-only "$archive" 2>/dev/null | awk 'NF==3 {print $3}' | sort -u > "$tmp/defined"
"$nm" -g --undefined-only "$archive" 2>/dev/null | awk '{print $NF}' | grep -v ':$' | sort -u > "$tmp/undef"
grep -v '^#' "$allowed" | sed '/^$/d' | sort -u > "$tmp/allowed"
comm -23 "$tmp/undef" "$tmp/defined" > "$tmp/external"
bad=$(comm -23 "$tmp/external" "$tmp/allowed")
echo "external symbols: $(tr '\n' ' ' < "$tmp/external")"
if [ -n "$bad" ]; then
	echo "undocumented undefined symbols in $archive:"
	echo "$bad"
	exit 1
fi
[ -s "$tmp/defined" ] || { echo "no symbols defined: wrong archive?"; exit 1; }
echo "ok: only documented environment hooks are undefined"
