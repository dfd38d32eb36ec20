#!/bin/bash
# --compress none, zstd and auto: each round-trips byte for byte; zstd
# stores a smaller payload and needs a stub with a zstd decoder (the
# symbol HVB_STUB_UNZSTD_SYM), which it then carries; auto keeps zstd only
# when the decoder stub plus the compressed deltas are the smaller bundle
# (a small decoder: zstd; one larger than the saving: uncompressed).
set -eu
. "$(dirname "$0")/lib.sh"

SYM=$(sed -n 's/^#define[[:space:]]\+HVB_STUB_UNZSTD_SYM[[:space:]]\+"\(.*\)".*/\1/p' \
	"$HERE/../../format/hvb_format.h")
[ -n "$SYM" ] || fail "no HVB_STUB_UNZSTD_SYM in hvb_format.h"

# fake_zstub NAME PAD: the fake stub plus the decoder symbol, a marker
# and PAD bytes standing for the decoder's code
fake_zstub() {
	printf '\t.text\n\t.globl %s\n%s:\tret\n\t.ascii "FAKEZSTUB"\n\t.fill %d, 1, 0x90\n%s\n' \
		"$SYM" "$SYM" "$2" '	.section .note.GNU-stack,"",@progbits' > "$W/$1.S"
	as --64 -o "$W/$1.o" "$W/$1.S" &&
	ld -m elf_x86_64 -z max-page-size=4096 -T "$HERE/fakestub.ld" \
		-o "$W/$1.elf" "$W/stub.o" "$W/$1.o" || fail "cannot build $1"
}

pack() {	# pack OUT ARGS...
	local o=$1
	shift
	run_ok "pack $o $*" "$BUNDLER" pack -o "$W/$o.elf" --base native="$W/base" \
		--variant fast="$W/fast" --variant big="$W/big" --stub "$W/stub.elf" "$@"
}

# has_zstub BUNDLE: it carries the fake decoder stub
has_zstub() {
	grep -q FAKEZSTUB "$1"
}

# ncomp BUNDLE: regions stored compressed
ncomp() {
	python3 - "$1" <<'PEOF'
import os, sys
sys.path.insert(0, os.environ["BLIB"])
from blib import payload
d = open(sys.argv[1], "rb").read()
pl = payload(d)
print(sum(r["comp"] != 0 for v in pl["variants"].values() for r in v["regions"]))
PEOF
}
export BLIB="$HERE/../bundle"

pack_dflags --compress none
mv "$W/b.elf" "$W/none.elf"
fake_zstub zstub 64
fake_zstub bigzstub 200000
# --stub itself may carry the decoder
run_ok "pack zstd" "$BUNDLER" pack -o "$W/zstd.elf" --base native="$W/base" \
	--variant fast="$W/fast" --variant big="$W/big" --stub "$W/zstub.elf" --compress zstd
pack auto --stub-zstd "$W/zstub.elf"
grep -q "stored with zstd" "$W/err" || { cat "$W/err"; fail "auto with a small decoder did not choose zstd"; }
pack autobig --stub-zstd "$W/bigzstub.elf"
grep -q "stored uncompressed" "$W/err" || { cat "$W/err"; fail "auto with a 200 KB decoder chose zstd"; }
pack autonone
grep -q "stored uncompressed" "$W/err" || fail "auto without a decoder stub did not store uncompressed"

for m in none zstd auto autobig autonone; do
	run_ok "verify $m" "$BUNDLER" verify "$W/$m.elf"
	for v in native:base fast:fast big:big; do
		run_ok "extract $m ${v%%:*}" "$BUNDLER" extract "$W/$m.elf" \
			"${v%%:*}" -o "$W/x"
		same "$W/${v#*:}" "$W/x"
	done
done
for m in zstd auto; do
	has_zstub "$W/$m.elf" || fail "$m: the bundle does not carry the decoder stub"
	[ "$(ncomp "$W/$m.elf")" -gt 0 ] || fail "$m: no region stored compressed"
done
for m in none autobig autonone; do
	! has_zstub "$W/$m.elf" || fail "$m: the bundle carries the decoder stub"
	[ "$(ncomp "$W/$m.elf")" = 0 ] || fail "$m: regions stored compressed"
done
read -r _ pn < <(secinfo "$W/none.elf" .hvb_payload)
read -r _ pz < <(secinfo "$W/zstd.elf" .hvb_payload)
[ "$pz" -lt "$pn" ] || fail "zstd payload $pz not smaller than uncompressed $pn"
echo "payload: none $pn, zstd $pz bytes"

# zstd with no decoder stub, or a --stub-zstd without the decoder
run_fail "zstd without a decoder stub" 1 "needs a stub with a zstd decoder" \
	"$BUNDLER" pack -o "$W/q.elf" --base native="$W/base" --variant fast="$W/fast" \
	--stub "$W/stub.elf" --compress zstd
[ ! -e "$W/q.elf" ] || fail "a bundle was written"
run_fail "--stub-zstd without the decoder" 1 "stub.elf: this stub has no zstd decoder" \
	"$BUNDLER" pack -o "$W/q.elf" --base native="$W/base" --variant fast="$W/fast" \
	--stub "$W/stub.elf" --stub-zstd "$W/stub.elf"
# a bad mode is a usage error
rc=0
"$BUNDLER" pack -o "$W/q.elf" --base native="$W/base" --stub "$W/stub.elf" \
	--compress lzma 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "--compress lzma: exit $rc, wanted 2"
exit 0
