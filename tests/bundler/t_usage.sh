#!/bin/bash
# usage: exit 2 with usage on stderr; --help exit 0 on stdout.
set -eu
. "$(dirname "$0")/lib.sh"

run_ok "--help" "$BUNDLER" --help
grep -q '^usage: bundler pack' "$W/out" || fail "--help prints no usage"
for args in "" "frobnicate" "pack" "extract onlyone" "diff a" "list a b" \
	"pack -o x --base native" "pack -o x --base native=y"; do
	# shellcheck disable=SC2086
	run_fail "args '$args'" 2 "^usage: bundler" "$BUNDLER" $args
done
run_fail "bad variant name" 1 "bad variant name" "$BUNDLER" pack -o "$W/x" \
	--base "this-name-is-far-too-long=/dev/null" --stub /dev/null
run_fail "empty variant name" 1 "bad variant name" "$BUNDLER" pack -o "$W/x" \
	--base "=/dev/null" --stub /dev/null
exit 0
