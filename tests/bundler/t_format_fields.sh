#!/bin/bash
# One place for each fact of the bundle format: the stub-parameter magic
# is written once (format/hvb_format.h), and no code reads or writes a
# format field at a bare offset; they all use the header's names.
set -eu
. "$(dirname "$0")/lib.sh"

R=$(cd "$HERE/../.." && pwd)
cd "$R"
SRC="bundler format stub fuzz tests/bundle tests/bundler tests/fuzz tools"
INC="--include=*.c --include=*.h --include=*.S --include=*.py --include=*.sh"

# the magics, each once in the code (FORMAT.md explains them)
for m in HVBSTUB1 HVBPAYLD HVBXTRC1 HVBBOOT1; do
	# shellcheck disable=SC2086
	n=$(grep -rl $INC "$m" $SRC | grep -v '/t_format_fields\.sh$' || true)
	[ "$n" = format/hvb_format.h ] || fail "$m is written in: $(echo $n)"
done

# ld32(p + 52), st64(e + 16, ...), struct.pack_into("<I", d, o + 8, ...),
# re[12], p[r + 13]: a field at a bare offset.  (ld64 and st64 built from
# two 32-bit halves are byte order, not format.)
pat='\b(ld|st)(32|64)\([a-z_>.-]+ *\+ *[0-9]+ *[,)]'
pat="$pat|(pack_into|unpack_from)\([^,]+,[^,]+, *[^,]*\+ *[0-9]+ *[,)]"
pat="$pat|\b(re|pl|ve|be|e|h|x)\[([a-z_]+ *\+ *)?[0-9]{2,}\]|\bp\[[a-z_]+ *\+ *[0-9]+\]"
# shellcheck disable=SC2086
bad=$(grep -rnE $INC "$pat" $SRC |
	grep -vE '^format/hvb_format\.h:|^[^:]+:[0-9]+:static uint8_t|ld32\(p \+ 4\) << 32|st32\(p \+ 4, \(uint32_t\)\(v >> 32\)\)|\(uint32_t\)p\[[0-3]\]|/t_format_fields\.sh:' || true)
[ -z "$bad" ] || fail "bare format offsets outside format/hvb_format.h:
$bad"

# blib.py reads the same values the C code sees
cat > "$W/dump.c" <<'CEOF'
#include <stdio.h>
#include "hvb_format.h"
int main(void)
{
CEOF
sed -n 's/^#define[[:space:]]\+\(HVB_[A-Z0-9_]\+\)[[:space:]]\+\(0x[0-9a-fA-F]\+\|[0-9]\+\)\(u\|ull\)\?\b.*/\1/p' \
	format/hvb_format.h |
	while read -r n; do
		printf '\tprintf("%s %%llu\\n", (unsigned long long)(%s));\n' "$n" "$n"
	done >> "$W/dump.c"
sed -n 's/^#define[[:space:]]\+\(HVB_[A-Z0-9_]\+\)[[:space:]]\+".*/\1/p' format/hvb_format.h |
	while read -r n; do
		printf '\tprintf("%s %%s\\n", %s);\n' "$n" "$n"
	done >> "$W/dump.c"
printf '\treturn 0;\n}\n' >> "$W/dump.c"
gcc -std=c99 -Wall -Werror -I format -o "$W/dump" "$W/dump.c" || fail "dump.c"
"$W/dump" | sort > "$W/c.txt"
PYTHONPATH="$R/tests:$R/tests/bundle" python3 -c '
import blib
for k, v in sorted(blib.F.items()):
    print(k, v)' | sort > "$W/py.txt"
[ "$(wc -l < "$W/c.txt")" -gt 100 ] || fail "too few constants read from the header"
diff "$W/c.txt" "$W/py.txt" || fail "blib.py reads the header differently from the C compiler"
# every #define in the header is one blib.py can read
n=$(grep -c '^#define HVB_[A-Z0-9_]*[[:space:]]' format/hvb_format.h)
[ "$n" = "$(wc -l < "$W/c.txt")" ] || fail "header has $n defines, $(wc -l < "$W/c.txt") readable"
exit 0
