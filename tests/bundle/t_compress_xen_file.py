# On Xen the whole bundle can be stored compressed, with no decoder in the
# stub: Xen's dom0 loader decompresses a zstd image whose size is appended
# (as Linux appends it to its compressed kernels).  bundle.elf through
# zstd -19 boots as Xen's dom0, the stub applies the xen delta and the
# kernel hashes to xen.elf's hash.  Prints both sizes.
import os
import struct
import subprocess
from blib import *

src = bundle()
raw = open(src, "rb").read()
z = subprocess.run(["zstd", "-19", "-q", "-c", src], check=True, stdout=subprocess.PIPE).stdout
path = write(z + struct.pack("<I", len(raw)), "bundle.elf.zst")
check(len(z) < len(raw), f"zstd -19 made {len(z)} bytes of {len(raw)}")
b = boot(path, "xen", ["selftest"], expect_rc=0)
check_stub_line(b, "xen", "xen-entry", "xen")
ev = b.one("boot")
h = host_image_hash(image("xen.elf"))
check(ev["image_hash"] == h, f"kernel hashed {ev['image_hash']}, xen.elf hashes {h}")
check_selftest(b)
check_done(b, 0)
print(f"bundle.elf {len(raw)} bytes; zstd -19 with its size appended {len(z) + 4} bytes, "
      f"booted by Xen as it is")
