# The payload's version is one the stub does not know: refused.
from blib import *

data = bytearray(open(bundle(), "rb").read())
pl = payload(data)
struct.pack_into("<I", data, pl["off"] + F["HVB_PH_VERSION"], F["HVB_PAYLOAD_VERSION"] + 1)
expect_stub_error(write(data, "version.elf"), "native", [], "version")
