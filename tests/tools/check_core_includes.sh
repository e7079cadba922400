#!/bin/sh
# usage: check_core_includes.sh SOURCE_ROOT
# The core (lib/ except lib/hosted) and the public headers may include only
# <stdint.h> <stddef.h> <stdbool.h> and libvrm's own headers.
set -eu
cd "$1"
bad=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' lib include/vrm \
	--include='*.c' --include='*.h' --include='*.in' \
	| grep -v '^lib/hosted/' | grep -v '^include/vrm/hosted\.h' \
	| grep -vE '<(stdint|stddef|stdbool)\.h>|<vrm/' || true)
if [ -n "$bad" ]; then
	echo "core files include headers a freestanding build lacks:"
	echo "$bad"
	exit 1
fi
bad=$(grep -rnwE 'malloc|calloc|free|printf|fprintf|memset|memcpy' lib --include='*.c' \
	| grep -v '^lib/hosted/' | grep -vE '^\S+:[0-9]+:\s*(/\*|\*)' | grep -vE 'vrm_[a-z_]*(malloc|free|memset|memcpy)' || true)
if [ -n "$bad" ]; then
	echo "core files call libc:"
	echo "$bad"
	exit 1
fi
echo "ok: core is freestanding-clean"
