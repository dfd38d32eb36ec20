# A payload of the previous format version (1: no reference-aware deltas)
# is refused by the stub with its version error; no kernel starts.
from blib import *

check(F["HVB_PAYLOAD_VERSION"] >= 2, "the format is at version 2 or later")
data = bytearray(open(bundle(), "rb").read())
pl = payload(data)
struct.pack_into("<I", data, pl["off"] + F["HVB_PH_VERSION"], 1)
expect_stub_error(write(data, "version1.elf"), "native", ["hvb.variant=xen"], "version")
