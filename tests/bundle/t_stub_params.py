# The stub's checks of its own parameters, each alone: a parameter changed
# and the stub's self-check word fixed up (blib.fix_stub_check), so the
# self-check passes and only the parameter check can stop it.
#  - the payload address pointing at the stub itself: payload_address
#    (native);
#  - Xen's hypercall page not page-aligned: hypercall_page (on Xen, the
#    only place the stub keeps the page).
from blib import *

data = bytes(open(bundle(), "rb").read())
po = params_off(data)
stub = next(p for p in phdrs(data) if p["type"] == 1 and p["off"] <= po < p["off"] + p["filesz"])

d = bytearray(data)
struct.pack_into("<Q", d, po + F["HVB_SP_PAYLOAD_PADDR"], stub["paddr"])
fix_stub_check(d)
expect_stub_error(write(d, "payload-on-stub.elf"), "native", [], "payload_address")

hc, = struct.unpack_from("<Q", data, po + F["HVB_SP_HYPERCALL_PAGE"])
check(hc and hc % 4096 == 0, f"the bundle's hypercall page {hc:#x}")
d = bytearray(data)
struct.pack_into("<Q", d, po + F["HVB_SP_HYPERCALL_PAGE"], hc + 8)
fix_stub_check(d)
expect_stub_error(write(d, "hcpage-unaligned.elf"), "xen", [], "hypercall_page")
