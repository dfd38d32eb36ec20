#!/bin/bash
# verify's whole-bundle check (bundler/bootverify.c, FORMAT.md "Boot check
# record"): one byte changed in each recorded part (the ELF header's entry
# point, a program header, a note, the stub's code) and verify fails
# naming that part; the record itself damaged; each of verify's other
# checks alone, with every hash fixed up so that only it can catch the
# damage: a stub segment dropped from the record (covered by no hash),
# the stub's self-check word wrong (what the stub's first stage would
# stop on).  An intact bundle verifies with "boot check: N parts ok".
set -eu
. "$(dirname "$0")/lib.sh"

build_stub
build_kern k.native
build_kern k.xen -DHV_XEN
run_ok pack "$BUNDLER" pack -q -o "$W/b.elf" --base native="$W/k.native" \
	--variant xen="$W/k.xen" --stub "$W/stub.elf"
run_ok verify "$BUNDLER" verify "$W/b.elf"
grep -q "boot check: 5 parts ok" "$W/err" || fail "no boot check line: $(cat "$W/err")"

# damage CASE: write $W/d.elf, a copy of the bundle with that damage
damage() {
	python3 - "$W/b.elf" "$W/d.elf" "$1" "$R_FORMAT" <<'PY'
import re, struct, subprocess, sys
src, dst, case, fmt = sys.argv[1:]
F = {m[0]: int(m[1], 0) for m in re.findall(r"#define (HVB_\w+)\s+(0x[0-9a-f]+|\d+)u?\b", open(fmt).read())}
d = bytearray(open(src, "rb").read())
out = subprocess.run(["readelf", "-SW", src], stdout=subprocess.PIPE, check=True).stdout.decode()
rec = int(re.search(r"\.hvb_check\s+\S+\s+\S+\s+([0-9a-f]+)", out).group(1), 16)
def xxh(b, alg):
    open(dst, "wb").write(b)
    return int(subprocess.run(["xxhsum", alg, dst], stdout=subprocess.PIPE,
                              check=True).stdout.split()[0], 16)
n, = struct.unpack_from("<I", d, rec + F["HVB_BC_NPARTS"])
parts = {}
for i in range(n):
    e = rec + F["HVB_BOOTCHECK_HDR_SIZE"] + i * F["HVB_BOOTCHECK_PART_SIZE"]
    name = d[e:e + 16].rstrip(b"\0").decode()
    off, ln = struct.unpack_from("<QQ", d, e + F["HVB_BP_FILE_OFF"])
    parts[name] = (e, off, ln)
def fix_record(count):
    struct.pack_into("<I", d, rec + F["HVB_BC_NPARTS"], count)
    size = F["HVB_BOOTCHECK_HDR_SIZE"] + count * F["HVB_BOOTCHECK_PART_SIZE"]
    struct.pack_into("<Q", d, rec + F["HVB_BC_SIZE"], size)
    h = F["HVB_BC_HASHED_FROM"]
    struct.pack_into("<Q", d, rec + F["HVB_BC_HASH"], xxh(bytes(d[rec + h:rec + size]), "-H64"))
if case == "elf_header":
    d[24] ^= 0x10				# e_entry
elif case in parts:
    _, off, ln = parts[case]
    d[off + ln // 2] ^= 0x10
elif case == "record":
    d[rec + F["HVB_BOOTCHECK_HDR_SIZE"] + 20] ^= 0x01
elif case == "uncovered":			# the last part (the stub's) dropped
    fix_record(n - 1)
elif case == "selfcheck":			# the stub's word wrong, its part rehashed
    at, = struct.unpack_from("<Q", d, rec + F["HVB_BC_STUB_CHECK"])
    d[at + F["HVB_SC_HASH"]] ^= 0x01
    e, off, ln = parts["stub1"]
    struct.pack_into("<Q", d, e + F["HVB_BP_HASH"], xxh(bytes(d[off:off + ln]), "-H64"))
    fix_record(n)
else:
    sys.exit(f"no part {case}: {sorted(parts)}")
open(dst, "wb").write(d)
PY
}
R_FORMAT=$HERE/../../format/hvb_format.h

for part in elf_header program_headers notes stub0 stub1; do
	damage "$part"
	run_fail "verify with $part damaged" 1 "boot check: $part (file bytes \[0x" \
		"$BUNDLER" verify "$W/d.elf"
	grep -q "is corrupt: hash" "$W/err" || fail "$part: $(cat "$W/err")"
done
damage record
run_fail "verify with the record damaged" 1 "the .hvb_check record is corrupt" \
	"$BUNDLER" verify "$W/d.elf"
damage uncovered
run_fail "verify with a stub segment not in the record" 1 "is covered by no hash" \
	"$BUNDLER" verify "$W/d.elf"
damage selfcheck
run_fail "verify with a wrong stub self-check word" 1 "the stub's self-check fails" \
	"$BUNDLER" verify "$W/d.elf"
! grep -q "is corrupt" "$W/err" || fail "selfcheck case: a part's hash failed too: $(cat "$W/err")"
# extract still works from a bundle whose boot check fails (it rebuilds
# the input files; the boot check is verify's)
run_ok "extract from a damaged stub" "$BUNDLER" extract "$W/d.elf" xen -o "$W/x.xen"
same "$W/k.xen" "$W/x.xen"
echo "verify names every damaged part"
