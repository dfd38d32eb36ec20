#!/bin/bash
# pack -q says nothing on success; without it, progress goes to stderr
# only when stderr is a terminal (never into a log file).
set -eu
. "$(dirname "$0")/lib.sh"

build_stub
build_kern k.native
build_kern k.xen -DHV_XEN
set -- pack -o "$W/b.elf" --base native="$W/k.native" --variant xen="$W/k.xen" \
	--stub "$W/stub.elf"
run_ok "pack -q" "$BUNDLER" "$@" -q
[ ! -s "$W/err" ] || fail "pack -q wrote to stderr: $(cat "$W/err")"
run_ok "pack" "$BUNDLER" "$@"
grep -q "xen: 2 of 3 functions" "$W/err" || fail "no summary without -q"
! grep -q $'\r' "$W/err" || fail "progress written to a file"
if command -v script > /dev/null; then
	script -qec "'$BUNDLER' $* 2>&1" /dev/null > "$W/tty" || fail "pack on a terminal"
	grep -q $'\rbundler: self-check 2/2' "$W/tty" || fail "no progress on a terminal: $(cat -A "$W/tty")"
	script -qec "'$BUNDLER' $* -q 2>&1" /dev/null > "$W/tty" || fail "pack -q on a terminal"
	[ ! -s "$W/tty" ] || fail "pack -q on a terminal: $(cat -A "$W/tty")"
fi
exit 0
