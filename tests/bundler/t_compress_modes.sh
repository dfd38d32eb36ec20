#!/bin/bash
# --compress none, zstd and auto all round-trip; zstd makes a smaller
# payload than none.
set -eu
. "$(dirname "$0")/lib.sh"

pack_dflags --compress none
mv "$W/b.elf" "$W/none.elf"
run_ok "pack zstd" "$BUNDLER" pack -o "$W/zstd.elf" --base native="$W/base" \
	--variant fast="$W/fast" --variant big="$W/big" --stub "$W/stub.elf" \
	--compress zstd
run_ok "pack auto" "$BUNDLER" pack -o "$W/auto.elf" --base native="$W/base" \
	--variant fast="$W/fast" --variant big="$W/big" --stub "$W/stub.elf" \
	--compress auto
grep -q "zstd with base prefix" "$W/err" || fail "auto did not print the measured totals"
for m in none zstd auto; do
	run_ok "verify $m" "$BUNDLER" verify "$W/$m.elf"
	for v in native:base fast:fast big:big; do
		run_ok "extract $m ${v%%:*}" "$BUNDLER" extract "$W/$m.elf" \
			"${v%%:*}" -o "$W/x"
		same "$W/${v#*:}" "$W/x"
	done
done
read -r _ pn < <(secinfo "$W/none.elf" .hvb_payload)
read -r _ pz < <(secinfo "$W/zstd.elf" .hvb_payload)
[ "$pz" -lt "$pn" ] || fail "zstd payload $pz not smaller than uncompressed $pn"
# a bad mode is a usage error
rc=0
"$BUNDLER" pack -o "$W/q.elf" --base native="$W/base" --stub "$W/stub.elf" \
	--compress lzma 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "--compress lzma: exit $rc, wanted 2"
exit 0
