# A byte flipped inside the kvm delta, with the payload hash fixed up so
# that only the image hash after applying can catch it.
from blib import *

data = bytearray(open(bundle(), "rb").read())
pl = payload(data)
off = delta_data_byte(data, pl, "kvm")
check(off is not None, "no data byte found in the kvm delta")
data[off] ^= 0x5a
fix_payload_hash(data, pl)
expect_stub_error(write(data, "delta.elf"), "native", ["hvb.variant=kvm"], "image_hash")
