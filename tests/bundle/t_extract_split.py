# The extract data stores each residual that holds a symbol table in a
# form that takes the symbols apart (FORMAT.md section 4): the base's as
# its plane form (compression 6) or split (3), the variants' split against
# the base's (4) or with the symbols in base coordinates (5), whichever
# measured smallest. Extract gives every file back byte for byte. Damage
# (the extract hash fixed up, so that only the form's own checks can see
# it): a plane form with a trailer naming entries past its end, or one
# decoding to a byte more, is refused with a clear error; one with a
# byte of its planes flipped gives a file whose hash is wrong, also
# refused; never an output file.
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



def damaged(name, form):
    """the bundle with the base's residual frame made of form; extract's
    message for it, checked to have failed without output"""
    d = bytearray(data)
    z = min((subprocess.run(["zstd", *lv, "-q", "-c", "--no-check"], input=bytes(form),
                            stdout=subprocess.PIPE, check=True).stdout
             for lv in (["-19"], ["--ultra", "-22"], ["-12"])), key=len)
    check(len(z) <= b["dlen"], f"{name}: damaged frame {len(z)} longer than the stored {b['dlen']}")
    d[xoff + b["doff"]:xoff + b["doff"] + len(z)] = z
    struct.pack_into("<Q", d, b["e"] + F["HVB_XE_DATA_LEN"], len(z))
    size, = struct.unpack_from("<Q", d, xoff + F["HVB_XH_SIZE"])
    struct.pack_into("<Q", d, xoff + F["HVB_XH_HASH"],
                     xxh64(bytes(d[xoff + F["HVB_XH_HASHED_FROM"]:xoff + size])))
    bad_bundle = write(d, f"{name}.elf")
    out = os.path.join(TMP, f"{name}.native.elf")
    p = subprocess.run([BUNDLER, "extract", bad_bundle, "native", "-o", out],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    msg = p.stdout.decode()
    print(f"{name}: {msg.strip()}")
    check(p.returncode != 0, f"extract of {name} succeeded")
    check(not os.path.exists(out), f"{name}: extract left an output file")
    return msg


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
