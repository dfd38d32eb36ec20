#!/bin/bash
# Inputs that are not x86-64 ELF executables get an error naming the file.
set -eu
. "$(dirname "$0")/lib.sh"

build_stub
build_prog base -DSCALE=1
echo "just some text" > "$W/text.txt"
printf '\177ELF' > "$W/short.elf"
as --64 -o "$W/reloc.o" "$HERE/fakestub.S"
printf 'int f(void){return 1;}\n' > "$W/f.c"
gcc -m32 -c -o "$W/obj32.o" "$W/f.c" 2> /dev/null || cp "$W/text.txt" "$W/obj32.o"

run_fail "pack text variant" 1 "bundler: $W/text.txt: not an ELF file" \
	"$BUNDLER" pack -o "$W/q.elf" --base native="$W/base" \
	--variant x="$W/text.txt" --stub "$W/stub.elf"
run_fail "pack text base" 1 "bundler: $W/text.txt: not an ELF file" \
	"$BUNDLER" pack -o "$W/q.elf" --base native="$W/text.txt" --stub "$W/stub.elf"
run_fail "pack text stub" 1 "bundler: $W/text.txt: not an ELF file" \
	"$BUNDLER" pack -o "$W/q.elf" --base native="$W/base" --stub "$W/text.txt"
run_fail "diff short" 1 "bundler: $W/short.elf: " "$BUNDLER" diff "$W/short.elf" "$W/base"
run_fail "diff relocatable" 1 "bundler: $W/reloc.o: not an x86-64 ELF executable" \
	"$BUNDLER" diff "$W/base" "$W/reloc.o"
run_fail "diff 32-bit" 1 "bundler: $W/obj32.o: not an" \
	"$BUNDLER" diff "$W/base" "$W/obj32.o"
run_fail "diff missing file" 1 "bundler: $W/nonexistent: No such file" \
	"$BUNDLER" diff "$W/base" "$W/nonexistent"
run_fail "list non-bundle" 1 "bundler: $W/base: not a bundle" "$BUNDLER" list "$W/base"
run_fail "verify text" 1 "bundler: $W/text.txt: not an ELF file" \
	"$BUNDLER" verify "$W/text.txt"
# a stub without the contract's symbols
run_fail "pack, base as stub" 1 "$W/base: not a boot stub" \
	"$BUNDLER" pack -o "$W/q.elf" --base native="$W/base" --stub "$W/base"
[ ! -e "$W/q.elf" ] || fail "pack left an output behind"
exit 0
