#!/bin/bash
# The stub moved at pack time boots: a Linux-like toy kernel at 16 MiB
# physical (where the stub is linked) with a per-CPU segment at virtual 0;
# on native the moved stub applies the kvm delta (hvb.variant=kvm), checks
# the image hash and enters the toy, which then halts (so no done line:
# tools/boot times out, exit 3, and that is expected here).
set -eu
. "$(dirname "$0")/../bundler/lib.sh"

real_stub
build_linuxlike
run_ok pack "$BUNDLER" pack -v -o "$W/b.elf" --base native="$W/l.native" \
	--variant xen="$W/l.xen" --variant kvm="$W/l.kvm" --stub "$STUB"
grep -q "stub moved" "$W/err" || fail "the stub was not moved: $(cat "$W/err")"
rc=0
"$HERE/../../tools/boot" "$W/b.elf" --on native --timeout 15 -- hvb.variant=kvm \
	> "$W/boot" 2>&1 || rc=$?
cat "$W/boot"
[ "$rc" = 3 ] || fail "tools/boot exit $rc, expected 3 (the toy halts)"
grep -q '^@hvb {"event":"stub","variant":"kvm",.*"reason":"override","entry":"pvh","regions":2,' "$W/boot" ||
	fail "no stub line for kvm from the moved stub"
! grep -q stub_error "$W/boot" || fail "the moved stub reported an error"
exit 0
