# Each defconfig survives a round trip through the configuration tools:
# <name>_defconfig, savedefconfig, and that minimal file again give the
# same full configuration, with the backend the name promises.
set -eu
for cfg in configs/*_defconfig; do
	name=$(basename "$cfg" _defconfig)
	a="$TMPDIR/$name.a" b="$TMPDIR/$name.b"
	make -s O="$a" "${name}_defconfig" >/dev/null
	make -s O="$a" savedefconfig >/dev/null
	mkdir -p "$TMPDIR/configs"
	cp "$a/defconfig" "configs/.roundtrip_${name}_defconfig"
	trap 'rm -f configs/.roundtrip_*' EXIT
	make -s O="$b" ".roundtrip_${name}_defconfig" >/dev/null
	if ! diff -u <(grep -v '^#' "$a/.config") <(grep -v '^#' "$b/.config"); then
		echo "FAIL: $cfg does not round-trip through savedefconfig"
		exit 1
	fi
	case $name in
	pvops) want=CONFIG_STRATEGY_PVOPS=y ;;
	*) want="CONFIG_HV_$(echo "$name" | tr a-z A-Z)=y" ;;
	esac
	grep -q "^$want" "$a/.config" || {
		echo "FAIL: ${name}_defconfig does not set $want"; exit 1; }
done
