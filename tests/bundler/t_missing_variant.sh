#!/bin/bash
# Extracting a variant the bundle does not hold fails and names it.
set -eu
. "$(dirname "$0")/lib.sh"

pack_dflags
run_fail "extract missing" 1 "b.elf: xen: variant not in bundle" \
	"$BUNDLER" extract "$W/b.elf" xen -o "$W/x"
[ ! -e "$W/x" ] || fail "extract wrote a file for a missing variant"
run_fail "extract prefix of a name" 1 "variant not in bundle" \
	"$BUNDLER" extract "$W/b.elf" fas -o "$W/x"
run_ok "extract present" "$BUNDLER" extract "$W/b.elf" fast -o "$W/x"
same "$W/fast" "$W/x"
exit 0
