#!/bin/sh
# SPDX-License-Identifier: MIT
# Build vrm.ko out of tree against Debian's headers for the host kernel:
#   build.sh KDIR SRCDIR OUT.ko
# kbuild writes next to its sources (M=), so they are copied into a work
# directory beside OUT first; the source tree stays clean.
set -eu
kdir=$1 src=$2 out=$3
work=$(cd "$(dirname "$out")" && pwd)/vrm-module  # M= must be absolute
rm -rf "$work"
mkdir -p "$work"
cp "$src/vrm.c" "$src/vrm_uapi.h" "$src/Kbuild" "$work/"
if ! make -s -C "$kdir" M="$work" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- modules \
    >"$work/make.log" 2>&1; then
  cat "$work/make.log" >&2
  exit 1
fi
cp "$work/vrm.ko" "$out"
