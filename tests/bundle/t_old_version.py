# A payload of an earlier format version (1: no reference-aware deltas;
# 2: no frames) is refused by the stub with its version error; no kernel
# starts.
from blib import *

check(F["HVB_PAYLOAD_VERSION"] >= 3, "the format is at version 3 or later")
for old in range(1, F["HVB_PAYLOAD_VERSION"]):
    data = bytearray(open(bundle(), "rb").read())
    pl = payload(data)
    struct.pack_into("<I", data, pl["off"] + F["HVB_PH_VERSION"], old)
    expect_stub_error(write(data, f"version{old}.elf"), "native", ["hvb.variant=xen"], "version")
