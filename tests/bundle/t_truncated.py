# A truncated payload: the stub's parameters say it is shorter than its
# header does (what a short read or a cut payload segment leaves).  The
# stub's self-check word is fixed up, so that the applier's check is what
# catches it.
from blib import *

data = bytearray(open(bundle(), "rb").read())
po = params_off(data)
size, = struct.unpack_from("<Q", data, po + F["HVB_SP_PAYLOAD_SIZE"])
struct.pack_into("<Q", data, po + F["HVB_SP_PAYLOAD_SIZE"], size - 100)
fix_stub_check(data)
expect_stub_error(write(data, "trunc.elf"), "native", [], "truncated")
