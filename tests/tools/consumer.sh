#!/bin/sh
# usage: consumer.sh SOURCE_ROOT WORKDIR
# Installs libvrm into a fresh prefix, then builds and runs a consumer that
# knows libvrm only through `pkg-config --cflags --libs vrm`.
set -eu
src=$1 work=$2
rm -rf "$work"
mkdir -p "$work"
meson setup "$work/build" "$src" --prefix="$work/prefix" --libdir=lib \
	-Dtests=false -Dbenches=false >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
meson install -C "$work/build" >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
cflags=$(pkg-config --cflags vrm)
libs=$(pkg-config --libs vrm)
echo "pkg-config --cflags --libs vrm: $cflags $libs"
cat > "$work/consumer.c" <<'C'
#include <vrm/vrm.h>
/* The exported functions stay the ABI beside the header's inline forms:
 * a pointer to one, and a parenthesised call, reach the library. */
static void (*const lock_fn)(vrm_ticket_t *) = vrm_ticket_lock;
int main(void)
{
	vrm_ticket_t l = VRM_TICKET_INIT;
	vrm_ticket_lock(&l);
	if (!vrm_ticket_is_locked(&l) || vrm_ticket_trylock(&l))
		return 1;
	vrm_ticket_unlock(&l);
	if (vrm_ticket_is_locked(&l))
		return 1;
	lock_fn(&l);
	if (!vrm_ticket_is_locked(&l) || (vrm_ticket_trylock)(&l))
		return 1;
	(vrm_ticket_unlock)(&l);
	return vrm_ticket_is_locked(&l) ? 1 : 0;
}
C
${CC:-cc} -std=c11 -Wall -Wextra -Werror $cflags "$work/consumer.c" -o "$work/consumer" $libs \
	-Wl,-rpath,"$work/prefix/lib"
"$work/consumer"
echo "ok: consumer built with pkg-config alone and ran"
