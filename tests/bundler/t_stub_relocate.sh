#!/bin/bash
# A kernel laid out like Linux's vmlinux (text at 16 MiB physical, where
# the stub is linked; a per-CPU PT_LOAD at virtual address 0; debug
# sections): pack moves the stub above the kernel, and the moved stub is
# byte for byte the stub ld links at that address; every variant
# extracts exactly.  Where the stub cannot go, pack says why.
set -eu
. "$(dirname "$0")/lib.sh"

real_stub
build_linuxlike
readelf -lW "$W/l.native" | grep -q 'LOAD .* 0x0000000000000000 0x0000000001001000' ||
	fail "the toy has no per-CPU segment at virtual 0"
run_ok pack "$BUNDLER" pack -v -o "$W/b.elf" --base native="$W/l.native" \
	--variant xen="$W/l.xen" --variant kvm="$W/l.kvm" --stub "$STUB"
grep -q "stub moved from 0x1000000 to 0x1200000 physical" "$W/err" ||
	fail "stub not moved: $(cat "$W/err")"
run_ok verify "$BUNDLER" verify "$W/b.elf"
for v in native xen kvm; do
	run_ok "extract $v" "$BUNDLER" extract "$W/b.elf" $v -o "$W/x.$v"
	same "$W/l.$v" "$W/x.$v"
done
readelf -lW "$W/b.elf" | grep -q 'LOAD .* 0x0000000000000000 0x0000000001001000' ||
	fail "the per-CPU segment is not at its own addresses in the bundle"

# the stub ld links at 18 MiB equals the moved one, but for the parameters
# and the self-check hash the bundler fills
make -s -C "$HERE/../../stub" O="$W/stub18" STUB_PHYS=0x1200000 > /dev/null ||
	fail "cannot link the stub at 18 MiB"
python3 - "$W/b.elf" "$W/stub18/stub.elf" <<'PY' || fail "moved stub differs from the one linked there"
import struct, subprocess, sys
bundle, linked = (open(p, "rb").read() for p in sys.argv[1:])

def loads(d):
    phoff, = struct.unpack_from("<Q", d, 32)
    n, = struct.unpack_from("<H", d, 56)
    return [struct.unpack_from("<IIQQQQQ", d, phoff + 56 * i) for i in range(n)]

def sym(path, name):
    out = subprocess.run(["nm", path], stdout=subprocess.PIPE, check=True).stdout.decode()
    return [int(l.split()[0], 16) for l in out.splitlines() if l.endswith(" " + name)][0]

par = sym(sys.argv[2], "hvb_stub_params")
chk = sym(sys.argv[2], "hvb_stub_check")
assert sym(sys.argv[1], "hvb_stub_params") == par, "the bundle's symbol is not where ld put it"
inb = {p[3]: p for p in loads(bundle) if p[0] == 1}
n = 0
for p in (p for p in loads(linked) if p[0] == 1):
    q = inb[p[3]]
    assert q[4] == p[4] and q[5] == p[5], f"segment {p[3]:#x}: {q} vs {p}"
    a, b = bytearray(linked[p[2]:p[2] + p[5]]), bytearray(bundle[q[2]:q[2] + q[5]])
    if p[3] <= par < p[3] + p[5]:
        o = par - p[3]
        a[o:o + 40] = b[o:o + 40] = bytes(40)
    if p[3] <= chk < p[3] + p[5]:
        o = chk - p[3]
        a[o:o + 4] = b[o:o + 4] = bytes(4)
    assert a == b, f"segment {p[3]:#x} differs at {[hex(p[3] + i) for i in range(len(a)) if a[i] != b[i]][:8]}"
    n += len(a)
print(f"moved stub: {n} bytes equal to the stub linked at 18 MiB")
PY

# a stub that cannot move (no relocations): refused, and why
build_stub
run_fail "fixed stub over the kernel" 1 "has no relocations to move it" \
	"$BUNDLER" pack -o "$W/f.elf" --base native="$W/l.native" --stub "$W/stub.elf"
# a kernel the stub cannot reach (above the first GiB)
sed 's/0xffffffff81000000/0xffffffffc1000000/' "$HERE/linuxlike.ld" > "$W/high.ld"
build_kern_ld "$W/high.ld" h.native
run_fail "kernel above 1 GiB" 1 "not below 1024 MiB" \
	"$BUNDLER" pack -o "$W/h.elf" --base native="$W/h.native" --stub "$STUB"
[ ! -e "$W/f.elf" ] && [ ! -e "$W/h.elf" ] || fail "pack wrote a bundle it refused"
exit 0
