# Shared helpers for tests/bundler/t_*.sh (sourced, not a test itself).
: "${BUNDLER:?set BUNDLER to the built bundler}"
: "${TMPDIR:=/tmp}"
export TMPDIR
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
W=$(mktemp -d "$TMPDIR/bt.XXXXXX")
trap 'rm -rf "$W"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# the fake stub, $W/stub.elf
build_stub() {
	as --64 -o "$W/stub.o" "$HERE/fakestub.S" &&
	ld -m elf_x86_64 -z max-page-size=4096 -T "$HERE/fakestub.ld" \
		-o "$W/stub.elf" "$W/stub.o" || fail "cannot build the fake stub"
}

# build_prog NAME CFLAGS...: static non-PIE build of prog.c, $W/NAME
build_prog() {
	local n=$1
	shift
	gcc -O2 -static -no-pie -o "$W/$n" "$HERE/prog.c" "$@" ||
		fail "cannot build $n"
}

# run_ok DESC CMD...: the command must succeed
run_ok() {
	local d=$1
	shift
	"$@" > "$W/out" 2> "$W/err" || { cat "$W/err" >&2; fail "$d: exit $?"; }
}

# run_fail DESC WANT-RC PATTERN CMD...: must exit WANT-RC, stderr ~ PATTERN
run_fail() {
	local d=$1 want=$2 pat=$3 rc=0
	shift 3
	"$@" > "$W/out" 2> "$W/err" || rc=$?
	[ "$rc" = "$want" ] || { cat "$W/err" >&2; fail "$d: exit $rc, wanted $want"; }
	grep -q -- "$pat" "$W/err" ||
		{ cat "$W/err" >&2; fail "$d: message lacks '$pat'"; }
}

# same FILE1 FILE2: byte for byte
same() {
	cmp "$1" "$2" > /dev/null || fail "$2 differs from $1 ($(cmp "$1" "$2" 2>&1 | head -1))"
}

# build_kern_ld SCRIPT NAME CFLAGS...: the toy kernel linked with SCRIPT
build_kern_ld() {
	local ld=$1 n=$2
	shift 2
	gcc -O2 -ffreestanding -fno-pic -fno-asynchronous-unwind-tables \
		-mcmodel=kernel -ffunction-sections -fdata-sections -nostdlib \
		-static -Wl,-T,"$ld" -Wl,-z,max-page-size=4096 \
		-Wl,--build-id=none -o "$W/$n" "$HERE/kern_entry.S" \
		"$HERE/kern.c" "$@" || fail "cannot build $n"
}

# build_kern NAME CFLAGS...: the toy kernel with the shared layout, $W/NAME
build_kern() {
	build_kern_ld "$HERE/kern.ld" "$@"
}

# build_linuxlike: the toy kernel laid out like vmlinux (linuxlike.ld),
# with debug sections, as $W/l.native, $W/l.xen, $W/l.kvm
build_linuxlike() {
	build_kern_ld "$HERE/linuxlike.ld" l.native -g
	build_kern_ld "$HERE/linuxlike.ld" l.xen -g -DHV_XEN
	build_kern_ld "$HERE/linuxlike.ld" l.kvm -g -DHV_KVM
}

# real_stub: the boot stub as built (make bundle), or skip
real_stub() {
	STUB=${BUILD:-$HERE/../../build}/stub/stub.elf
	[ -e "$STUB" ] || { echo "SKIP: $STUB not built (make allvariants)"; exit 77; }
}

# fmt NAME: a constant of format/hvb_format.h (integers only)
fmt() {
	local v
	v=$(sed -n "s/^#define[[:space:]]\+$1[[:space:]]\+\(0x[0-9a-fA-F]\+\|[0-9]\+\)\(u\|ull\)\?\b.*/\1/p" \
		"$HERE/../../format/hvb_format.h")
	[ -n "$v" ] || fail "no $1 in format/hvb_format.h"
	echo $((v))
}

# secinfo FILE NAME: "offset size" (decimal) of a section
secinfo() {
	readelf -SW "$1" | sed -n "s/.* $2 *[A-Z]* *[0-9a-f]* \([0-9a-f]*\) \([0-9a-f]*\) .*/\1 \2/p" |
		{ read -r o s && echo "$((16#$o)) $((16#$s))"; }
}

# flip FILE OFFSET: invert one byte in place
flip() {
	local v
	v=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $((v ^ 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# poke FILE OFFSET STRING: overwrite bytes in place
poke() {
	printf '%s' "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# pack_dflags: the three -D variants of prog.c and the bundle $W/b.elf
pack_dflags() {
	build_stub
	build_prog base -DSCALE=1
	build_prog fast -DSCALE=2 -DFAST
	build_prog big -DSCALE=5 -DBIGTABLE '-DGREETING="howdy there"'
	run_ok pack "$BUNDLER" pack -o "$W/b.elf" --base native="$W/base" \
		--variant fast="$W/fast" --variant big="$W/big" \
		--stub "$W/stub.elf" "$@"
}
