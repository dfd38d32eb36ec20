# A byte flipped inside a delta, payload hash not fixed: the payload hash
# catches it before anything is applied.
from blib import *

data = bytearray(open(bundle(), "rb").read())
pl = payload(data)
off = delta_data_byte(data, pl, "kvm")
check(off is not None, "no data byte found in the kvm delta")
data[off] ^= 0x01
expect_stub_error(write(data, "payload.elf"), "native", [], "payload_hash")
