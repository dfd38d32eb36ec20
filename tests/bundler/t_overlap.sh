#!/bin/bash
# pack refuses a stub that overlaps a kernel image, naming both.
set -eu
. "$(dirname "$0")/lib.sh"

build_stub
build_kern k.native
# the same toy kernel linked where the stub lives
sed 's/0xffffffff80100000/0xffffffff81000000/' "$HERE/kern.ld" > "$W/high.ld"
gcc -O2 -ffreestanding -fno-pic -fno-asynchronous-unwind-tables -mcmodel=kernel \
	-ffunction-sections -fdata-sections -nostdlib -static -Wl,-T,"$W/high.ld" \
	-Wl,-z,max-page-size=4096 -Wl,--build-id=none -o "$W/k.high" \
	"$HERE/kern_entry.S" "$HERE/kern.c" -DHV_XEN || fail "cannot build k.high"
run_fail "overlapping variant" 1 "overlaps" \
	"$BUNDLER" pack -o "$W/q.elf" --base native="$W/k.native" \
	--variant xen="$W/k.high" --stub "$W/stub.elf"
grep -q "the stub\|the kernel work area" "$W/err" || fail "overlap message names nothing"
[ ! -e "$W/q.elf" ] || fail "pack wrote an overlapping bundle"
exit 0
