#!/bin/bash
# The libFuzzer targets (fuzz/) in make check: each built with ASan and
# UBSan, run for a fixed budget of FUZZ_RUNS inputs (20,000, fixed seed)
# from the seed corpus the build made, then every saved crash input
# (fuzz/regress/<target>/) once.  Any crash, sanitizer report, leak or
# timeout fails.  `make fuzz FUZZ_SECONDS=N` runs them longer.
set -eu
R=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD:-$R/build}
make -s --no-print-directory -C "$R/fuzz" O="$B/fuzz-check" BUILD="$B" check \
	FUZZ_RUNS="${FUZZ_RUNS:-20000}" || { echo "FAIL: a fuzz target crashed or did not run"; exit 1; }
