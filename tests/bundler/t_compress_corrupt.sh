#!/bin/bash
# A byte flipped inside a zstd-compressed region, with the payload hash
# fixed up so that only decoding can catch it: verify and extract stop
# with a clear message (the frame does not decode, what it decodes to
# breaks the op stream's or a site table's bounds, or fails the image
# hash) and write nothing; other variants still extract.
set -eu
. "$(dirname "$0")/lib.sh"

SYM=$(sed -n 's/^#define[[:space:]]\+HVB_STUB_UNZSTD_SYM[[:space:]]\+"\(.*\)".*/\1/p' \
	"$HERE/../../format/hvb_format.h")
build_stub
printf '\t.text\n\t.globl %s\n%s:\tret\n\t.section .note.GNU-stack,"",@progbits\n' \
	"$SYM" "$SYM" > "$W/z.S"
as --64 -o "$W/z.o" "$W/z.S" && ld -m elf_x86_64 -z max-page-size=4096 \
	-T "$HERE/fakestub.ld" -o "$W/zstub.elf" "$W/stub.o" "$W/z.o" ||
	fail "cannot build the decoder stub"
build_prog base -DSCALE=1
build_prog fast -DSCALE=2 -DFAST
build_prog big -DSCALE=5 -DBIGTABLE '-DGREETING="howdy there"'
run_ok pack "$BUNDLER" pack -o "$W/b.elf" --base native="$W/base" \
	--variant fast="$W/fast" --variant big="$W/big" --stub "$W/stub.elf" \
	--stub-zstd "$W/zstub.elf" --compress zstd

# corrupt VARIANT WHERE: a copy with one byte of the variant's frame (or,
# if it has none, its largest compressed region) flipped (WHERE: head = in the frame header, mid =
# in the middle of the frame), payload hash fixed up
corrupt() {
	BLIB="$HERE/../bundle" python3 - "$W/b.elf" "$W/c.elf" "$1" "$2" <<'PEOF'
import os, sys
sys.path.insert(0, os.environ["BLIB"])
from blib import payload, fix_payload_hash, F
src, dst, var, where = sys.argv[1:]
d = bytearray(open(src, "rb").read())
pl = payload(d)
v = pl["variants"][var]
rs = [r for r in v["regions"] if r["comp"] not in (F["HVB_COMP_NONE"], F["HVB_COMP_FRAME"])]
if v["frame_len"]:	# the variant's frame holds every region's data
    r = dict(data_off=v["frame_off"], data_len=v["frame_len"], comp="frame", enc="any")
elif rs:
    r = max(rs, key=lambda r: r["data_len"])
else:
    sys.exit(f"no compressed region in {var}")
off = pl["off"] + r["data_off"] + (5 if where == "head" else r["data_len"] // 2)
d[off] ^= 0x5a
fix_payload_hash(d, pl)
open(dst, "wb").write(d)
print(f"{var}: flipped byte {off - pl['off'] - r['data_off']} of a {r['data_len']}-byte "
      f"compressed region (compression {r['comp']}, encoding {r['enc']})")
PEOF
}

for var in fast big; do
	for where in head mid; do
		corrupt $var $where || fail "cannot corrupt $var"
		run_fail "verify, $var $where" 1 \
			"c.elf: $var: \(compressed delta does not decode\|delta out of bounds\|malformed delta\|malformed reference table\|image hash mismatch\)" \
			"$BUNDLER" verify "$W/c.elf"
		rm -f "$W/x"
		run_fail "extract, $var $where" 1 \
			"\(compressed delta does not decode\|delta out of bounds\|malformed delta\|malformed reference table\|image hash mismatch\)" \
			"$BUNDLER" extract "$W/c.elf" $var -o "$W/x"
		[ ! -e "$W/x" ] || fail "extract wrote $var from a corrupt bundle"
		run_ok "extract native from it" "$BUNDLER" extract "$W/c.elf" native -o "$W/x"
		same "$W/base" "$W/x"
	done
done
exit 0
