# The stub's own checks of the payload-version-4 tables, at boot: native as
# base and pvops (no shared layout with it, so it has a move table) as
# variant, packed with stub.elf (encoding 2).  Where one of the move
# table's varints ends is changed (the payload hash fixed up): the stub
# stops with format before anything else.  A kind in the base site table's
# kinds column made 0, which no kind there may be: the stub stops with
# ref_table while rebuilding pvops.  Neither starts a kernel.  The bundle
# as packed boots pvops.
import subprocess

from blib import *
from reflib import move_table, site_table

path = os.path.join(TMP, "moved.elf")
subprocess.run([BUNDLER, "pack", "-q", "-o", path, "--base", "native=" + image("native.elf"),
                "--variant", "pvops=" + image("pvops.elf"), "--stub", stub_elf()], check=True)
data = bytes(open(path, "rb").read())
pl = payload(bytearray(data))
b = boot(path, "native", ["hvb.variant=pvops"], timeout=60)
check(b.one("stub")["variant"] == "pvops", "the bundle as packed did not boot pvops")

mt = move_table(data, pl, "pvops")
check(mt is not None, "pvops has no move table against native")
d = bytearray(data)
d[mt["lengths"][0]] ^= 0x80
fix_payload_hash(d, pl)
expect_stub_error(write(d, "movetable.elf"), "native", ["hvb.variant=pvops"], "format")

ro = struct.unpack_from("<I", data, pl["off"] + F["HVB_PH_REFS_OFF"])[0]
st = site_table(data, pl["off"] + ro)
check(st["kinds"][1] > st["kinds"][0], "the base site table has no kind that is not 0")
d = bytearray(data)
d[st["kinds"][0]] &= 0xf0	# the first kind, in the low half of the byte
fix_payload_hash(d, pl)
expect_stub_error(write(d, "sitekinds.elf"), "native", ["hvb.variant=pvops"], "ref_table")
