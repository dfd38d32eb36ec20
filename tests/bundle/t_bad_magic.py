# The payload's magic damaged: the stub refuses it.
from blib import *

data = bytearray(open(bundle(), "rb").read())
pl = payload(data)
data[pl["off"] + F["HVB_PH_MAGIC"] + 3] ^= 0x20
expect_stub_error(write(data, "magic.elf"), "native", [], "magic")
