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
# A call is the name followed by "(" (comments that merely name them pass);
# the el2 build's undefined-symbol test is the binding check.
bad=$(grep -rnE '(^|[^a-zA-Z0-9_>.])(malloc|calloc|realloc|free|printf|fprintf|memset|memcpy|memmove|strlen)[[:space:]]*\(' \
	lib --include='*.c' --include='*.h' | grep -v '^lib/hosted/' \
	| grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)' || true)
if [ -n "$bad" ]; then
	echo "core files call libc:"
	echo "$bad"
	exit 1
fi
echo "ok: core is freestanding-clean"
