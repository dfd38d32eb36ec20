# A variant whose decoded frame is larger than the 4 MiB the stub once had
# for frames (FORMAT.md 3.9: the stub's scratch is sized per bundle): our
# kernel relinked here with a 6 MiB array in .data (a 128 KiB
# pseudo-random block, repeated: one frame with a long window stores it
# in little more than one block, region by region each 512 KiB piece
# pays for the block again, so pack frames it).  Packed with
# --compress zstd against the directly built kernel, the variant is
# framed, its frame decodes to more than 4 MiB, and the stub's scratch
# (HVB_SP_SCRATCH_SIZE, covered by its PT_LOAD's memsz) holds the
# payload's max_scratch.  The stub applies it and enters it, and the
# kernel hashes to the relinked file: on native (hvb.variant=big) and
# (t_bigframe_xen.py: the same as Xen's PV dom0).  Then the scratch
# parameter one byte short of max_scratch (self-check word fixed up):
# the stub's `scratch` error, no kernel.
from bigframe import *

obj = big_object()
natbig = relink("native", obj)
out, _ = pack("bigframe.elf", "native=" + image("native.elf"), "big", natbig)
data, po, need, v = check_framed(out, "big")
check_done(boot_big(out, "native", "big", natbig, v["frame_len"], 0), 0)

# the scratch parameter one byte short: the stub's scratch error
d = bytearray(data)
struct.pack_into("<Q", d, po + F["HVB_SP_SCRATCH_SIZE"], need - 1)
fix_stub_check(d)
expect_stub_error(write(d, "bigframe-short.elf"), "native", ["hvb.variant=big"], "scratch")
