# The move table and the base's site table, as columns (payload version 4,
# FORMAT.md 3.3 and 3.8), on a bundle whose variant lies elsewhere than
# the base: native as base, pvops (no shared layout with it) as variant,
# packed with stub.elf, which has encoding 2.  The move table read here
# by the format's own words (three uvarint columns ending exactly at its
# length) decodes to entries that are non-empty, sorted and disjoint, in
# the work area; extract rebuilds pvops.elf byte for byte through it.
# Then bytes of every column of both tables are changed one at a time
# (bits 2 and 5: a value; bit 7: where a varint ends), the payload hash
# (and the extract data's copy of it) fixed up, so only the applier's own
# checks stand between the damage and a wrong image: `bundler verify`
# must stop with a clear message (exit 1) or, where the byte changed
# nothing an image holds, still rebuild every image exactly (exit 0); and
# the table checks themselves must catch some in each table.
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bundle"))
from blib import F, TMP, check, image, payload, stub_elf  # noqa: E402
from reflib import move_table, site_table  # noqa: E402
from zbundle import verify_flips  # noqa: E402

BUNDLER = os.environ["BUNDLER"]
CLEAR = ("malformed payload table", "malformed reference table", "image hash mismatch",
         "malformed delta", "delta out of bounds")

path = os.path.join(TMP, "moved.elf")
subprocess.run([BUNDLER, "pack", "-q", "-o", path, "--base", "native=" + image("native.elf"),
                "--variant", "pvops=" + image("pvops.elf"), "--stub", stub_elf()], check=True)
data = bytes(open(path, "rb").read())
pl = payload(bytearray(data))
mt = move_table(data, pl, "pvops")
check(mt is not None and len(mt["entries"]) > 2, "pvops has no move table against native")
wsize = struct.unpack_from("<Q", data, pl["off"] + F["HVB_PH_WORK_SIZE"])[0]
end = 0
for s, ln, _ in mt["entries"]:
    check(ln > 0 and s >= end and s + ln <= wsize, f"move entry {s}+{ln} after {end}")
    end = s + ln
x = os.path.join(TMP, "pvops.rebuilt")
p = subprocess.run([BUNDLER, "extract", path, "pvops", "-o", x], stderr=subprocess.PIPE)
check(p.returncode == 0 and open(x, "rb").read() == open(image("pvops.elf"), "rb").read(),
      "extract did not rebuild pvops.elf byte for byte")
ro, rl = (struct.unpack_from("<I", data, pl["off"] + F[k])[0]
          for k in ("HVB_PH_REFS_OFF", "HVB_PH_REFS_LEN"))
check(rl > 0, "the payload has no base site table")
st = site_table(data, pl["off"] + ro)
check(st["end"] == pl["off"] + ro + rl, "the base site table's columns do not end at its length")


def spots(a, b, k=12):
    return list(range(a, min(b, a + k)))


tables = {
    "move table": sum((spots(*mt[c]) for c in ("gaps", "lengths", "changes")), []),
    "base site table": sum((spots(*st[c]) for c in ("counts", "bitmap", "kinds", "gaps")), []),
}
for c in ("bitmap", "kinds", "gaps"):
    check(st[c][1] > st[c][0], f"the base site table has an empty {c} column")
for what, offs in tables.items():
    flips = [(o, m) for o in offs for m in (0x24, 0x80)]	# a value, a varint's end
    said = verify_flips(data, pl, flips, CLEAR, f"{what}, ")
    kept = len(flips) - len(said)
    caught = sum(CLEAR[0] in e or CLEAR[1] in e for e in said)
    print(f"{what}: {2 * len(offs)} changes: {2 * len(offs) - kept} refused "
          f"({caught} by the table checks), {kept} changed nothing the images hold")
    check(caught > 0, f"no flip in the {what} was caught by the table checks themselves")
