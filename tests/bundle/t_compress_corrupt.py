# A byte flipped in compressed delta data (payload hash fixed up, so only
# decoding can catch it): the host's verify and the stub both stop, each
# because the frame does not decode or what it decodes to fails the image
# hash (libzstd and the stub's Linux zstd differ on which), never a kernel.  kvm's on native (TCG) by
# hvb.variant=, xen's as Xen's dom0; in a frame header and mid-frame.  A
# variant stored as one frame (as both are since frames allow Xen's
# hypercall page in the work area) can also end in what the frame decodes
# to breaking its own bounds.
from zbundle import *

_, data, pl = zbundle()


def codes(v):
    return FRAME_DAMAGED if pl["variants"][v]["frame_len"] else ("decompress", "image_hash")


for where in ("head", "mid"):
    path, _ = flip_compressed(data, pl, "kvm", where, f"zkvm-{where}.elf")
    expect_caught(path, "native", ["hvb.variant=kvm"], codes("kvm"))
path, _ = flip_compressed(data, pl, "xen", "mid", "zxen-mid.elf")
expect_caught(path, "xen", [], codes("xen"))
