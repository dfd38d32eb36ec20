# tools/locktable refuses bad arguments and missing images clearly.
set -eu
lt="$TOOLS/locktable"
"$lt" --help | grep -q "pure spinning" || { echo "FAIL: --help"; exit 1; }
set +e
out=$("$lt" --reps 0 2>&1); rc=$?
[ "$rc" = 2 ] && grep -q "must be positive" <<<"$out" || { echo "FAIL: --reps 0: $rc $out"; exit 1; }
out=$("$lt" --images "$TMPDIR" 2>&1); rc=$?
[ "$rc" = 2 ] && grep -q "xen.elf is missing" <<<"$out" || { echo "FAIL: no images: $rc $out"; exit 1; }
