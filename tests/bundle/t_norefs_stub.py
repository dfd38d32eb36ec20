# make bundle gives pack stub-norefs.elf (no encoding 2) beside stub.elf,
# and for our kernel, whose variants share one layout, the bundle without
# encoding 2 is the smaller (FORMAT.md 3.10): it carries that stub, no
# region uses encoding 2 and the base site table is empty.  A region
# relabelled as encoding 2 (payload hash fixed up, so only the applier can
# see it) stops that stub with a clear `encoding` error, no kernel started.
import struct

from blib import *

data = bytearray(open(bundle(), "rb").read())
pl = payload(data)
PO = pl["off"]
refs_len, = struct.unpack_from("<I", data, PO + F["HVB_PH_REFS_LEN"])
check(refs_len == 0, f"base site table of {refs_len} bytes: encoding 2 is used")
encs = {r["enc"] for v in pl["variants"].values() for r in v["regions"]}
check(F["HVB_ENC_REFOPS"] not in encs, f"a region uses encoding 2: {encs}")
norefs = os.path.join(BUILD, "stub", "stub-norefs.elf")
stub_bytes = sum(p["filesz"] for p in phdrs(open(norefs, "rb").read()) if p["type"] == 1)
soff, ssize = section(data, ".hvb_stub0")
check(ssize == stub_bytes, f"the bundle's stub is {ssize} bytes, stub-norefs.elf {stub_bytes}")
print(f"stub-norefs.elf ({stub_bytes} bytes) carried; encodings used {sorted(encs)}")

def u32(at):
    return struct.unpack_from("<I", data, PO + at)[0]


max_scratch = u32(F["HVB_PH_MAX_SCRATCH"])
voff = u32(F["HVB_PH_VARIANT_OFF"])
for i in range(u32(F["HVB_PH_NVARIANTS"])):
    e = voff + i * F["HVB_VARIANT_ENTRY_SIZE"]
    if data[PO + e:PO + e + F["HVB_NAME_SIZE"]].rstrip(b"\0") == b"kvm":
        roff = u32(e + F["HVB_VE_REGION_OFF"])
for k, r in enumerate(pl["variants"]["kvm"]["regions"]):
    if r["enc"] == F["HVB_ENC_OPS"] and r["comp"] == 0 and 2 * r["old_len"] <= max_scratch:
        data[PO + roff + k * F["HVB_REGION_ENTRY_SIZE"] + F["HVB_RE_ENCODING"]] = F["HVB_ENC_REFOPS"]
        break
else:
    fail("no kvm region to relabel")
fix_payload_hash(data, pl)
expect_stub_error(write(data, "norefs-enc2.elf"), "native", ["hvb.variant=kvm"], "encoding")
