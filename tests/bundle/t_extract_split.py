# The extract data stores each residual that holds a symbol table in a
# form that takes the symbols apart (FORMAT.md section 4): the base's as
# its plane form (compression 6) or split (3), the variants' split against
# the base's (4) or with the symbols in base coordinates (5), whichever
# measured smallest. Extract gives every file back byte for byte. Damage
# (the extract hash fixed up, so that only the form's own checks can see
# it): a plane form with a trailer naming entries past its end, or one
# decoding to a byte more, is refused with a clear error; one with a
# byte of its planes flipped gives a file whose hash is wrong, also
# refused; never an output file.  A variant in base coordinates
# (compression 5): a byte changed anywhere in its frame is refused (or,
# where zstd does not read that byte, the very file comes out), never
# with an output file.
import os
import struct
import subprocess
import sys
from blib import *

data = bytearray(open(bundle(), "rb").read())
xoff, xsize = section(data, F["HVB_SEC_EXTRACT"])
n, = struct.unpack_from("<I", data, xoff + F["HVB_XH_NENTRIES"])
tab, = struct.unpack_from("<Q", data, xoff + F["HVB_XH_TABLE_OFF"])
ents = {}
for i in range(n):
    e = xoff + tab + i * F["HVB_XBLOB_ENTRY_SIZE"]
    name = data[e:e + 16].rstrip(b"\0").decode()
    comp, = struct.unpack_from("<I", data, e + F["HVB_XE_RES_COMP"])
    res_len, doff, dlen = struct.unpack_from("<QQQ", data, e + F["HVB_XE_RES_LEN"])
    ents[name] = dict(e=e, comp=comp, res_len=res_len, doff=doff, dlen=dlen)
print({k: v["comp"] for k, v in ents.items()})
check(ents["native"]["comp"] in (F["HVB_XCOMP_ZSTD_SPLIT"], F["HVB_XCOMP_ZSTD_PLANES"]),
      f"the base's residual neither split nor planes: {ents['native']['comp']}")
for v in ["xen", "kvm"]:
    check(ents[v]["comp"] in (F["HVB_XCOMP_ZSTD_SPLIT_BASE"], F["HVB_XCOMP_ZSTD_BASE_SYMS"]),
          f"{v}: residual neither split nor in base coordinates against the base: "
          f"{ents[v]['comp']}")
for v in ["native", "xen", "kvm"]:
    out = os.path.join(TMP, f"split.{v}.elf")
    subprocess.run([BUNDLER, "extract", bundle(), v, "-o", out], check=True)
    check(open(out, "rb").read() == open(image(f"{v}.elf"), "rb").read(),
          f"extract {v} differs from {image(v + '.elf')}")


def write_frame(name, v, z):
    """the bundle with v's data made of the frame z (fitting in what v
    stored), the extract hash fixed up; its path"""
    d = bytearray(data)
    b = ents[v]
    check(len(z) <= b["dlen"], f"{name}: damaged frame {len(z)} longer than the stored {b['dlen']}")
    d[xoff + b["doff"]:xoff + b["doff"] + len(z)] = z
    struct.pack_into("<Q", d, b["e"] + F["HVB_XE_DATA_LEN"], len(z))
    size, = struct.unpack_from("<Q", d, xoff + F["HVB_XH_SIZE"])
    struct.pack_into("<Q", d, xoff + F["HVB_XH_HASH"],
                     xxh64(bytes(d[xoff + F["HVB_XH_HASHED_FROM"]:xoff + size])))
    return write(d, f"{name}.elf")


def refused(name, bad_bundle, v):
    """extract's message for v of bad_bundle, checked to have failed
    without output"""
    out = os.path.join(TMP, f"{name}.{v}.elf")
    p = subprocess.run([BUNDLER, "extract", bad_bundle, v, "-o", out],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    msg = p.stdout.decode()
    print(f"{name}: {msg.strip()}")
    check(p.returncode != 0, f"extract of {name} succeeded")
    check(not os.path.exists(out), f"{name}: extract left an output file")
    return msg


def zstd(form):
    """the smallest zstd frame of form we make"""
    return min((subprocess.run(["zstd", *lv, "-q", "-c", "--no-check"], input=bytes(form),
                               stdout=subprocess.PIPE, check=True).stdout
                for lv in (["-19"], ["--ultra", "-22"], ["-12"])), key=len)


def damaged(name, form):
    """the bundle with the base's residual frame made of form; extract's
    message for it, checked to have failed without output"""
    return refused(name, write_frame(name, "native", zstd(form)), "native")


def base_coordinates(v):
    """v's residual compression 5 with bytes of its frame changed"""
    b = ents[v]
    frame = bytes(data[xoff + b["doff"]:xoff + b["doff"] + b["dlen"]])
    # refused, or (where zstd does not read the byte) the very file
    orig = open(image(f"{v}.elf"), "rb").read()
    nref = 0
    for i in range(0, len(frame), max(1, len(frame) // 24)):
        bad = bytearray(frame)
        bad[i] ^= 0x10
        path = write_frame(f"{v}-flip{i}", v, bytes(bad))
        out = os.path.join(TMP, f"{v}-flip{i}.out")
        p = subprocess.run([BUNDLER, "extract", path, v, "-o", out],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode == 0:
            check(open(out, "rb").read() == orig, f"{v}: frame byte {i} changed the file")
            continue
        nref += 1
        msg = p.stdout.decode()
        check(not os.path.exists(out), f"{v}-flip{i}: extract left an output file")
        check(any(m in msg for m in ("does not decompress", "inconsistent", "hash")),
              f"unclear error: {msg}")
    print(f"{v}: {nref} frame bytes changed, refused")
    check(nref > 0, f"{v}: no changed frame byte was refused")


for v in ["xen", "kvm"]:
    if ents[v]["comp"] == F["HVB_XCOMP_ZSTD_BASE_SYMS"]:
        base_coordinates(v)


b = ents["native"]
frame = bytes(data[xoff + b["doff"]:xoff + b["doff"] + b["dlen"]])
form = subprocess.run(["zstd", "-d", "-q", "-c"], input=frame, stdout=subprocess.PIPE,
                      check=True).stdout
T = len(form) - F["HVB_XSPLIT_TRAILER_SIZE"]
roff, = struct.unpack_from("<Q", form, T + F["HVB_XT_SYMTAB_OFF"])
nsym, = struct.unpack_from("<I", form, T + F["HVB_XT_NSYMS"])
if b["comp"] == F["HVB_XCOMP_ZSTD_PLANES"]:
    check(len(form) == b["res_len"] + F["HVB_XSPLIT_TRAILER_SIZE"], "plane form length")
    bad = bytearray(form)
    struct.pack_into("<I", bad, T + F["HVB_XT_NSYMS"], nsym + (b["res_len"] - roff) // 24)
    msg = damaged("planes-count", bad)
    check("extract data does not decompress" in msg, f"unclear error: {msg}")
    msg = damaged("planes-long", form[:T] + b"\0" + form[T:])
    check("extract data does not decompress" in msg, f"unclear error: {msg}")
    bad = bytearray(form)
    bad[roff + 24 * nsym - 1] ^= 0x40      # the last plane: a symbol's size
    msg = damaged("planes-flip", bad)
    check("hash" in msg, f"unclear error: {msg}")
    sys.exit(0)
check(b["comp"] == F["HVB_XCOMP_ZSTD_SPLIT"], f"the base's residual: compression {b['comp']}")
# damage: one split-out st_name field of the base made non-zero
check(len(form) == b["res_len"] + 4 * nsym + F["HVB_XSPLIT_TRAILER_SIZE"], "split form length")
bad = bytearray(form)
struct.pack_into("<I", bad, roff + F["HVB_XSPLIT_SYM_SIZE"] * (nsym // 2), 1)
msg = damaged("split-damaged", bad)
check("extract data does not decompress" in msg, f"unclear error: {msg}")
