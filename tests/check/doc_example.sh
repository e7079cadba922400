#!/bin/sh
# usage: doc_example.sh CC DOC BUILD_INCLUDE SRC_INCLUDE ARCHIVE WORKDIR
# Compiles and runs the C example of docs/checker.md against the checked
# library, so the documentation cannot drift from the API.
set -eu
cc=$1 doc=$2 binc=$3 sinc=$4 lib=$5 work=$6
mkdir -p "$work"
awk '/^```c$/ {on=1; next} /^```$/ {on=0} on' "$doc" > "$work/example.c"
[ -s "$work/example.c" ] || { echo "no C block in $doc"; exit 1; }
$cc ${EXTRA_CFLAGS:-} -std=c11 -Wall -Wextra -Werror -I"$binc" -I"$sinc" "$work/example.c" "$lib" -lpthread \
	-o "$work/example"
"$work/example"
