#!/bin/bash
# Outputs appear whole or not at all (bundler/outfile.c): pack and extract
# write a temporary file beside the target and rename it only on success.
# Each case below checks the exit status, the message, that the target is
# untouched (or absent) and that no temporary file is left behind.
#  - the output is one of the inputs: by the same path, another path, a
#    symbolic link and a hard link (same device and inode): refused before
#    any work, the input unchanged;
#  - the output directory is missing or not a directory: said before the
#    inputs are even opened (a missing input is not what is reported);
#  - pack that fails after its work (a kernel the stub cannot reach) and
#    extract that fails (a corrupt bundle): an existing target unchanged;
#  - a write that fails half-way (file size limit): no partial output;
#  - success: the file appears with mode 0755 less the umask.
set -eu
. "$(dirname "$0")/lib.sh"

build_stub
build_kern k.native
build_kern k.xen -DHV_XEN
mkdir "$W/o"
PACK=(pack -q --base native="$W/k.native" --variant xen="$W/k.xen" --stub "$W/stub.elf")

no_temp() {
	local left
	left=$(find "$W" "$W/o" -maxdepth 1 -name '.*.??????' | head -1)
	[ -z "$left" ] || fail "$1: temporary file left behind: $left"
}

# the output is an input
cp "$W/k.native" "$W/keep.native"
ln -s "$W/k.native" "$W/link.elf"
ln "$W/k.native" "$W/hard.elf"
for o in "$W/k.native" "$W/o/../k.native" "$W/link.elf" "$W/hard.elf" "$W/stub.elf"; do
	run_fail "pack -o $o (an input)" 1 "refusing to overwrite an input" \
		"$BUNDLER" "${PACK[@]}" -o "$o"
	same "$W/keep.native" "$W/k.native"
done
run_ok "pack" "$BUNDLER" "${PACK[@]}" -o "$W/o/b.elf"
cp "$W/o/b.elf" "$W/keep.b"
run_fail "extract -o the bundle" 1 "refusing to overwrite an input" \
	"$BUNDLER" extract "$W/o/b.elf" xen -o "$W/o/./b.elf"
same "$W/keep.b" "$W/o/b.elf"
no_temp "refused"

# the output directory, checked first
run_fail "pack into a missing directory" 1 "output directory $W/nodir: No such file" \
	"$BUNDLER" pack -o "$W/nodir/b.elf" --base native="$W/missing.elf" --stub "$W/stub.elf"
run_fail "pack into a file's 'directory'" 1 "output directory $W/k.xen: not a directory" \
	"$BUNDLER" pack -o "$W/k.xen/b.elf" --base native="$W/missing.elf" --stub "$W/stub.elf"
run_fail "extract into a missing directory" 1 "output directory $W/nodir" \
	"$BUNDLER" extract "$W/missing.elf" xen -o "$W/nodir/x.elf"
run_fail "pack onto a directory" 1 "is a directory" "$BUNDLER" "${PACK[@]}" -o "$W/o"

# failures after the work leave an existing target as it was
sed 's/0xffffffff81000000/0xffffffffc1000000/' "$HERE/linuxlike.ld" > "$W/high.ld"
build_kern_ld "$W/high.ld" h.native
echo "old contents" > "$W/o/old.elf"
run_fail "pack that fails" 1 "not below 1024 MiB" \
	"$BUNDLER" pack -o "$W/o/old.elf" --base native="$W/h.native" --stub "$W/stub.elf"
[ "$(cat "$W/o/old.elf")" = "old contents" ] || fail "a failed pack changed its target"
python3 - "$W/o/b.elf" "$W/bad.elf" <<'PY'
import re, subprocess, sys
d = bytearray(open(sys.argv[1], "rb").read())
out = subprocess.run(["readelf", "-SW", sys.argv[1]], stdout=subprocess.PIPE).stdout.decode()
off = int(re.search(r"\.hvb_payload\s+\S+\s+\S+\s+([0-9a-f]+)", out).group(1), 16)
d[off + 200] ^= 0xff       # in the payload: its hash fails
open(sys.argv[2], "wb").write(d)
PY
cp "$W/o/old.elf" "$W/o/x.elf"
rc=0
"$BUNDLER" extract "$W/bad.elf" xen -o "$W/o/x.elf" 2> "$W/err" || rc=$?
[ "$rc" = 1 ] || fail "extract of a corrupt bundle: exit $rc"
[ "$(cat "$W/o/x.elf")" = "old contents" ] || fail "a failed extract changed its target"
no_temp "failed pack and extract"

# a write that fails half-way: no partial file (SIGXFSZ ignored, so the
# write returns EFBIG)
rc=0
( trap '' XFSZ; ulimit -f 8; exec "$BUNDLER" extract "$W/o/b.elf" xen -o "$W/o/big.elf" ) \
	2> "$W/err" || rc=$?
[ "$rc" = 1 ] || { cat "$W/err"; fail "extract past the file size limit: exit $rc"; }
grep -q "big.elf: write: File too large" "$W/err" || { cat "$W/err"; fail "no write error said"; }
[ ! -e "$W/o/big.elf" ] || fail "a failed write left a partial output"
rc=0
( trap "" XFSZ; ulimit -f 1; exec "$BUNDLER" "${PACK[@]}" -o "$W/o/big.elf" ) \
	2> "$W/err" || rc=$?
[ "$rc" = 1 ] || { cat "$W/err"; fail "pack past the file size limit: exit $rc"; }
grep -q "big.elf: writing ELF" "$W/err" || { cat "$W/err"; fail "no write error said"; }
[ ! -e "$W/o/big.elf" ] || fail "a failed pack left a partial output"
no_temp "failed writes"

# success: whole, with the usual mode
( umask 027; "$BUNDLER" extract "$W/o/b.elf" xen -o "$W/o/x.elf" )
same "$W/k.xen" "$W/o/x.elf"
[ "$(stat -c %a "$W/o/x.elf")" = 750 ] || fail "extract mode $(stat -c %a "$W/o/x.elf"), wanted 750"
[ "$(stat -c %a "$W/o/b.elf")" = "$(printf %o $((0755 & ~$(umask))))" ] ||
	fail "pack mode $(stat -c %a "$W/o/b.elf")"
no_temp "success"
echo "atomic outputs: inputs refused, directories checked first, failures leave nothing"
