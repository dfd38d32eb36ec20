# tools/boot refuses bad input clearly and never hangs.
set -eu
boot="$TOOLS/boot"
expect() {	# expect CODE MESSAGE-PART -- ARGS
	code=$1 part=$2
	shift 3
	set +e
	out=$(timeout 60 "$boot" "$@" 2>&1)
	rc=$?
	set -e
	if [ "$rc" != "$code" ] || ! grep -q -- "$part" <<<"$out"; then
		echo "FAIL: boot $*: exit $rc (want $code), output: $out"
		exit 1
	fi
}
printf 'not an elf' > "$TMPDIR/junk.elf"
expect 2 "no such file" -- "$TMPDIR/missing.elf" --on native
expect 2 "not an ELF image" -- "$TMPDIR/junk.elf" --on native
expect 2 "invalid choice" -- "$IMAGES/native.elf" --on vmware
expect 2 "only meaningful" -- "$IMAGES/native.elf" --on kvm --icount
expect 2 "1 to 8 CPUs" -- "$IMAGES/native.elf" --on native --smp 0
expect 2 "only meaningful with --on xen" -- "$IMAGES/native.elf" --on native --dom0-vcpus 2
# An ELF that QEMU cannot boot (no PVH note): no done line, exit 3.
cp /bin/true "$TMPDIR/true.elf"
expect 3 "without a done line" -- "$TMPDIR/true.elf" --on native --timeout 30
