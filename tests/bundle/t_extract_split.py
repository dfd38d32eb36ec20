# The extract data stores each residual that holds a symbol table in its
# split form (FORMAT.md section 4, compressions 3 and 4): the base's alone,
# the variants' against the base's, unless the symbols in base coordinates
# (compression 5) measured smaller for a variant. Extract gives every file back byte for
# byte, and a split form whose zeroed st_name field is not zero (the extract
# hash fixed up, so that only the split's own check can see it) is refused
# with a clear error and no output file.
import os
import struct
import subprocess
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
check(ents["native"]["comp"] == F["HVB_XCOMP_ZSTD_SPLIT"],
      f"the base's residual is not stored split: {ents['native']['comp']}")
for v in ["xen", "kvm"]:
    check(ents[v]["comp"] in (F["HVB_XCOMP_ZSTD_SPLIT_BASE"], F["HVB_XCOMP_ZSTD_BASE_SYMS"]),
          f"{v}: residual neither split nor in base coordinates against the base: "
          f"{ents[v]['comp']}")
for v in ["native", "xen", "kvm"]:
    out = os.path.join(TMP, f"split.{v}.elf")
    subprocess.run([BUNDLER, "extract", bundle(), v, "-o", out], check=True)
    check(open(out, "rb").read() == open(image(f"{v}.elf"), "rb").read(),
          f"extract {v} differs from {image(v + '.elf')}")

# damage: one split-out st_name field of the base made non-zero
b = ents["native"]
frame = bytes(data[xoff + b["doff"]:xoff + b["doff"] + b["dlen"]])
split = subprocess.run(["zstd", "-d", "-q", "-c"], input=frame, stdout=subprocess.PIPE,
                       check=True).stdout
T = len(split) - F["HVB_XSPLIT_TRAILER_SIZE"]
roff, = struct.unpack_from("<Q", split, T + F["HVB_XT_SYMTAB_OFF"])
nsym, = struct.unpack_from("<I", split, T + F["HVB_XT_NSYMS"])
check(len(split) == b["res_len"] + 4 * nsym + F["HVB_XSPLIT_TRAILER_SIZE"], "split form length")
bad = bytearray(split)
struct.pack_into("<I", bad, roff + F["HVB_XSPLIT_SYM_SIZE"] * (nsym // 2), 1)
z = subprocess.run(["zstd", "-19", "-q", "-c", "--no-check"], input=bytes(bad),
                   stdout=subprocess.PIPE, check=True).stdout
check(len(z) <= b["dlen"], f"damaged frame {len(z)} longer than the stored {b['dlen']}")
data[xoff + b["doff"]:xoff + b["doff"] + len(z)] = z
struct.pack_into("<Q", data, b["e"] + F["HVB_XE_DATA_LEN"], len(z))
size, = struct.unpack_from("<Q", data, xoff + F["HVB_XH_SIZE"])
struct.pack_into("<Q", data, xoff + F["HVB_XH_HASH"],
                 xxh64(bytes(data[xoff + F["HVB_XH_HASHED_FROM"]:xoff + size])))
bad_bundle = write(data, "split-damaged.elf")
out = os.path.join(TMP, "split-damaged.native.elf")
p = subprocess.run([BUNDLER, "extract", bad_bundle, "native", "-o", out],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
msg = p.stdout.decode()
print(msg.strip())
check(p.returncode != 0, "extract of a damaged split residual succeeded")
check("extract data does not decompress" in msg, f"unclear error: {msg}")
check(not os.path.exists(out), "extract left an output file")
