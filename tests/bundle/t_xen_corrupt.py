# On Xen: a byte flipped in the xen delta, payload hash fixed up; the stub
# (on Xen's console) reports the image hash mismatch and stops Xen with
# status 5; the kernel never starts.
from blib import *

data = bytearray(open(bundle(), "rb").read())
pl = payload(data)
off = delta_data_byte(data, pl, "xen")
check(off is not None, "no data byte found in the xen delta")
data[off] ^= 0x5a
fix_payload_hash(data, pl)
expect_stub_error(write(data, "xendelta.elf"), "xen", [], "image_hash")
