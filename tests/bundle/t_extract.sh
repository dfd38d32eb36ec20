# bundler extract gives back every variant byte for byte; verify passes.
set -eu
b="$IMAGES/bundle.elf"
[ -f "$b" ] || { echo "FAIL: $b missing: run make allvariants"; exit 1; }
"$BUNDLER" verify "$b" || { echo "FAIL: bundler verify"; exit 1; }
for v in native xen kvm; do
	"$BUNDLER" extract "$b" "$v" -o "$TMPDIR/$v.elf" ||
		{ echo "FAIL: extract $v"; exit 1; }
	cmp "$TMPDIR/$v.elf" "$IMAGES/$v.elf" ||
		{ echo "FAIL: extract $v differs from $IMAGES/$v.elf"; exit 1; }
	echo "extract $v: identical"
done
if "$BUNDLER" extract "$b" vmware -o "$TMPDIR/x.elf" 2>/dev/null; then
	echo "FAIL: extract of a variant not in the bundle succeeded"; exit 1
fi
