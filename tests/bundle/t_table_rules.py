# One broken table rule at a time (format/FORMAT.md 3.1 to 3.4), the
# payload hash fixed up each time so that only that rule can catch it:
# the stub must stop with the exact stub_error code the applier gives for
# that rule (format/apply.c, the code the stub runs), and `bundler verify`
# (the same applier on the host) must fail with that code's message
# (hvb_apply_strerror of HVB_E_<CODE>: the stub prints only the code).  Each
# case changes one field of the real bundle's payload; a rule whose check
# were removed would let its case boot (or fail later with another code).
import re
import subprocess

from blib import *

# what the host says for each code: format/apply.c's hvb_apply_strerror
STRERROR = dict(re.findall(r'case HVB_E_(\w+): return "([^"]*)";',
                           open(os.path.join(ROOT, "format", "apply.c")).read()))
check(len(STRERROR) > 10, f"hvb_apply_strerror not found in format/apply.c: {STRERROR}")

data0 = bytes(open(bundle(), "rb").read())
pl = payload(data0)
PO = pl["off"]


def u32(d, at):
    return struct.unpack_from("<I", d, PO + at)[0]


def u64(d, at):
    return struct.unpack_from("<Q", d, PO + at)[0]


def put32(d, at, v):
    struct.pack_into("<I", d, PO + at, v & 0xffffffff)


def put64(d, at, v):
    struct.pack_into("<Q", d, PO + at, v & 0xffffffffffffffff)


def ventry(d, name):
    """Payload offset of a variant's entry."""
    voff = u32(d, F["HVB_PH_VARIANT_OFF"])
    for i in range(u32(d, F["HVB_PH_NVARIANTS"])):
        e = voff + i * F["HVB_VARIANT_ENTRY_SIZE"]
        if d[PO + e:PO + e + F["HVB_NAME_SIZE"]].rstrip(b"\0").decode() == name:
            return e
    fail(f"no variant {name}")


def regions(d, name, enc=None):
    """Payload offsets of variant name's regions (of that encoding)."""
    e = ventry(d, name)
    roff = u32(d, e + F["HVB_VE_REGION_OFF"])
    rs = [roff + i * F["HVB_REGION_ENTRY_SIZE"] for i in range(u32(d, e + F["HVB_VE_REGION_COUNT"]))]
    return [r for r in rs if enc is None or d[PO + r + F["HVB_RE_ENCODING"]] == enc]


def rentry(d, name, k, enc=None):
    """Payload offset of variant name's k-th region (of that encoding)."""
    rs = regions(d, name, enc)
    check(len(rs) > k, f"{name} has no region {k} of encoding {enc}")
    return rs[k]


def rehash(d):
    n = u64(d, F["HVB_PH_PAYLOAD_SIZE"])
    h = F["HVB_PH_HASHED_FROM"]
    if h <= n <= pl["size"]:
        put64(d, F["HVB_PH_PAYLOAD_HASH"], xxh64(bytes(d[PO + h:PO + n])))


def region(field, delta=None, value=None, k=1, enc=None, name="kvm"):
    def f(d):
        at = rentry(d, name, k, enc) + F[field]
        width = 1 if field in ("HVB_RE_ENCODING", "HVB_RE_COMPRESSION") else 4
        if width == 1:
            d[PO + at] = value
        else:
            put32(d, at, value if value is not None else u32(d, at) + delta)
    return f


def variant(field, value, name="kvm", wide=True):
    def f(d):
        at = ventry(d, name) + F[field]
        (put64 if wide else put32)(d, at, value(d, at))
    return f


def header(field, value, wide=False):
    def f(d):
        (put64 if wide else put32)(d, F[field], value(d, F[field]))
    return f


def first_zero_entry(d):
    return u32(d, F["HVB_PH_ZERO_OFF"])


def rename(d):
    k, n = ventry(d, "kvm"), ventry(d, "native")
    d[PO + k:PO + k + F["HVB_NAME_SIZE"]] = d[PO + n:PO + n + F["HVB_NAME_SIZE"]]


def empty_name(d):
    d[PO + ventry(d, "kvm")] = 0


def overlap_prev(d):
    prev, r = rentry(d, "kvm", 0), rentry(d, "kvm", 1)
    put32(d, r + F["HVB_RE_TARGET"], u32(d, prev + F["HVB_RE_TARGET"]))


# the literal-region rules need a variant whose delta has one (pack
# decides which: a function only in that variant, say)
LIT = next((v for v in ("kvm", "xen") if regions(data0, v, enc=0)), None)
check(LIT is not None, "no variant of the bundle has a literal region (encoding 0)")
WS = F["HVB_PH_WORK_SIZE"]
CASES = [
    # (what, change, expected stub_error code, kernel arguments)
    ("header_size not 128", header("HVB_PH_HDR_SIZE", lambda d, a: 120), "format", []),
    ("payload_size below the header", header("HVB_PH_PAYLOAD_SIZE", lambda d, a: 64, True),
     "format", []),
    ("no variants", header("HVB_PH_NVARIANTS", lambda d, a: 0), "format", []),
    ("65 variants", header("HVB_PH_NVARIANTS", lambda d, a: 65), "format", []),
    ("base_index past the table", header("HVB_PH_BASE_INDEX", lambda d, a: 3), "format", []),
    ("variant table past the payload", header("HVB_PH_VARIANT_OFF", lambda d, a: pl["size"] - 8),
     "format", []),
    ("variant entry size 87", header("HVB_PH_VARIANT_ENTSIZE", lambda d, a: 87), "format", []),
    ("region entry size 31", header("HVB_PH_REGION_ENTSIZE", lambda d, a: 31), "format", []),
    ("zero table past the payload", header("HVB_PH_ZERO_COUNT", lambda d, a: pl["size"] // 8),
     "format", []),
    ("a zero range past the work area",
     lambda d: put32(d, first_zero_entry(d) + F["HVB_ZE_LENGTH"], u64(d, WS) + 1), "format", []),
    ("work_size 0", header("HVB_PH_WORK_SIZE", lambda d, a: 0, True), "format", []),
    ("work area wraps", header("HVB_PH_WORK_VADDR", lambda d, a: -4096, True), "format", []),
    ("header's base hash differs from the base entry's",
     header("HVB_PH_BASE_IMAGE_HASH", lambda d, a: u64(d, a) ^ 1, True), "format", []),
    ("an empty variant name", empty_name, "format", []),
    ("two variants of one name", rename, "format", []),
    ("variant flags not 0", variant("HVB_VE_FLAGS", lambda d, a: 1, wide=False), "format", []),
    ("filesz above memsz", variant("HVB_VE_FILESZ", lambda d, a: u64(d, a + 8) + 1), "format", []),
    ("filesz 0", variant("HVB_VE_FILESZ", lambda d, a: 0), "format", []),
    ("vaddr below the work area", variant("HVB_VE_VADDR", lambda d, a: u64(d, a) - 4096),
     "format", []),
    ("extent past the work area", variant("HVB_VE_MEMSZ", lambda d, a: u64(d, WS) + 4096),
     "format", []),
    ("region table past the payload",
     variant("HVB_VE_REGION_OFF", lambda d, a: pl["size"] - 16, wide=False), "format", []),
    ("delta_bytes not the sum of data_len",
     variant("HVB_VE_DELTA_BYTES", lambda d, a: u32(d, a) - 1, wide=False), "format", []),
    ("region reserved u16 not 0", region("HVB_RE_RESERVED0", value=1), "format", []),
    ("region reserved u32 not 0", region("HVB_RE_RESERVED1", value=1), "format", []),
    ("regions out of order (overlapping)", overlap_prev, "delta_bounds", []),
    ("an empty region", lambda d: (region("HVB_RE_OLD_LEN", value=0)(d),
                                   region("HVB_RE_NEW_LEN", value=0)(d)), "delta_bounds", []),
    ("a region past the work area", region("HVB_RE_TARGET", delta=0x7fffffff, k=-1),
     "delta_bounds", []),
    ("region data past the payload", region("HVB_RE_DATA_OFF", value=pl["size"] - 2),
     "format", []),
    ("raw_len not data_len (uncompressed)", region("HVB_RE_RAW_LEN", delta=1, enc=1),
     "format", []),
    ("literal raw_len not new_len",
     lambda d: (region("HVB_RE_RAW_LEN", delta=1, k=0, enc=0, name=LIT)(d),
                region("HVB_RE_DATA_LEN", delta=1, k=0, enc=0, name=LIT)(d),
                variant("HVB_VE_DELTA_BYTES", lambda d, a: u32(d, a) + 1, name=LIT,
                        wide=False)(d)),
     "format", []),
    ("compression 2 with ops", region("HVB_RE_COMPRESSION", value=2, enc=1), "format", []),
    ("scratch above max_scratch", header("HVB_PH_MAX_SCRATCH", lambda d, a: 0), "format", []),
    ("unknown encoding", region("HVB_RE_ENCODING", value=7), "encoding", ["hvb.variant=kvm"]),
    ("zstd in the stub", region("HVB_RE_COMPRESSION", value=1, enc=0, k=0, name=LIT),
     "compression", ["hvb.variant=" + LIT]),
]

codes = {}
for what, change, code, args in CASES:
    d = bytearray(data0)
    change(d)
    rehash(d)
    check(bytes(d) != data0, f"{what}: the change changed nothing")
    name = "rule-" + "".join(c if c.isalnum() else "_" for c in what) + ".elf"
    img = write(d, name)
    b = expect_stub_error(img, "native", args, code)
    msg = STRERROR[code.upper()]
    v = subprocess.run([BUNDLER, "verify", img], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = v.stdout.decode()
    check(v.returncode == 1, f"{what}: verify exited {v.returncode}")
    if code != "compression":	# the host's applier has zstd
        check(msg in out, f"{what}: verify does not say '{msg}': {out}")
    print(f"{what}: stub_error {code} ({msg}); verify agrees")
    codes[code] = codes.get(code, 0) + 1
print(f"{len(CASES)} rules, each caught by its own check: {codes}")
