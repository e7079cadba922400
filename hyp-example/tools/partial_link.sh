#!/bin/sh
# usage: partial_link.sh CC OBJCOPY OUT HOSTLIB VRMLIB
# The host kernel becomes one relocatable object with its own private copy
# of libvrm (ticket locks) and only host_entry left global, so nothing in
# the host can bind to a symbol of the core (whose pages it cannot reach).
set -eu
cc=$1 objcopy=$2 out=$3 hostlib=$4 vrmlib=$5
"$cc" -nostdlib -r -o "$out.tmp" -Wl,--whole-archive "$hostlib" -Wl,--no-whole-archive "$vrmlib"
"$objcopy" --keep-global-symbol=host_entry "$out.tmp" "$out"
rm -f "$out.tmp"
