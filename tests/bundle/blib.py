"""blib: what the bundle tests share (imported, not a test itself).

Reads a bundle's ELF program and section headers, its payload (header,
variant and region tables, format/FORMAT.md) and the stub's parameters,
makes damaged copies of a bundle, and checks that the stub refused one.
Every offset, size and magic of the format comes from format/hvb_format.h,
read here (F), never written down twice."""
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from hvbtest import *  # noqa: E402,F401,F403

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUNDLER = os.environ.get("BUNDLER", os.path.join(ROOT, "build", "host", "bundler"))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
TMP = os.environ.get("TMPDIR", "/tmp")
VBASE = 0xffffffff80000000
FORMAT_H = os.path.join(ROOT, "format", "hvb_format.h")


def format_fields(path=FORMAT_H):
    """The #define HVB_* constants of the format header: ints and strings."""
    out = {}
    for m in re.finditer(r'^#define\s+(HVB_\w+)\s+(?:"([^"]*)"|(0x[0-9a-fA-F]+|\d+)(?:u|ull)?\b)',
                         open(path).read(), re.M):
        out[m.group(1)] = m.group(2) if m.group(2) is not None else int(m.group(3), 0)
    return out


F = format_fields()


def bundle():
    return image("bundle.elf")


def stub_elf():
    p = os.path.join(BUILD, "stub", "stub.elf")
    if not os.path.exists(p):
        fail(f"{p} is missing: run 'make allvariants' first")
    return p


def phdrs(data):
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    out = []
    for i in range(phnum):
        t, _, off, va, pa, fsz, msz = struct.unpack_from("<IIQQQQQ", data, phoff + i * phentsize)
        out.append(dict(type=t, off=off, vaddr=va, paddr=pa, filesz=fsz, memsz=msz))
    return out


def section(data, name):
    """(file offset, size) of a named section."""
    shoff, = struct.unpack_from("<Q", data, 40)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 58)

    def sh(i):
        return struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
    stroff = sh(shstrndx)[4]
    for i in range(shnum):
        nm, _, _, _, off, size = sh(i)
        end = data.index(b"\0", stroff + nm)
        if data[stroff + nm:end].decode() == name:
            return off, size
    fail(f"no section {name} in the bundle")


def vaddr_to_off(data, va):
    for p in phdrs(data):
        if p["type"] == 1 and p["vaddr"] <= va < p["vaddr"] + p["filesz"]:
            return p["off"] + va - p["vaddr"]
    fail(f"address {va:#x} is not in the bundle's file bytes")


def params_off(data, path=None):
    """File offset of the stub's parameters in the bundle, by the bundle's
    own symbol for them."""
    out = subprocess.run(["nm", path or bundle()], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    for l in out.splitlines():
        f = l.split()
        if len(f) == 3 and f[2] == F["HVB_STUB_PARAMS_SYM"]:
            off = vaddr_to_off(data, int(f[0], 16))
            magic = F["HVB_STUB_MAGIC"].encode()
            check(data[off + F["HVB_SP_MAGIC"]:][:len(magic)] == magic,
                  "hvb_stub_params not filled in the bundle")
            return off
    fail(f"the bundle has no symbol {F['HVB_STUB_PARAMS_SYM']}")


def payload(data):
    """The payload's offset in the file and its tables."""
    off, size = section(data, F["HVB_SEC_PAYLOAD"])
    p = data[off:off + size]
    magic = F["HVB_PAYLOAD_MAGIC"].encode()
    check(p[F["HVB_PH_MAGIC"]:][:len(magic)] == magic, "payload magic")

    def u32(at):
        return struct.unpack_from("<I", p, at)[0]
    voff = u32(F["HVB_PH_VARIANT_OFF"])
    variants = {}
    for i in range(u32(F["HVB_PH_NVARIANTS"])):
        e = voff + i * F["HVB_VARIANT_ENTRY_SIZE"]
        name = p[e + F["HVB_VE_NAME"]:][:F["HVB_NAME_SIZE"]].rstrip(b"\0").decode()
        roff = u32(e + F["HVB_VE_REGION_OFF"])
        regions = []
        for k in range(u32(e + F["HVB_VE_REGION_COUNT"])):
            r = roff + k * F["HVB_REGION_ENTRY_SIZE"]
            regions.append(dict(target=u32(r + F["HVB_RE_TARGET"]),
                                old_len=u32(r + F["HVB_RE_OLD_LEN"]),
                                new_len=u32(r + F["HVB_RE_NEW_LEN"]),
                                enc=p[r + F["HVB_RE_ENCODING"]],
                                comp=p[r + F["HVB_RE_COMPRESSION"]],
                                data_off=u32(r + F["HVB_RE_DATA_OFF"]),
                                data_len=u32(r + F["HVB_RE_DATA_LEN"])))
        variants[name] = dict(regions=regions, delta_bytes=u32(e + F["HVB_VE_DELTA_BYTES"]),
                              entry=e, frame_off=u32(e + F["HVB_VE_FRAME_OFF"]),
                              frame_len=u32(e + F["HVB_VE_FRAME_LEN"]),
                              frame_raw=u32(e + F["HVB_VE_FRAME_RAW"]))
    return dict(off=off, size=size, variants=variants)


def _xxhsum(b, algo):
    """xxhsum's -H<algo> hash of b (Debian's xxhash, the same library the
    bundler links), as an integer."""
    tmp = os.path.join(TMP, "blib.hash.bin")
    with open(tmp, "wb") as f:
        f.write(b)
    out = subprocess.run(["xxhsum", f"-H{algo}", tmp], check=True, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    return int(out.stdout.decode().split()[0], 16)


def xxh64(b):
    return _xxhsum(b, "64")


def xxh32(b):
    return _xxhsum(b, "0")


def stub_check_off(data):
    """File offset of the stub's self-check word, from the boot check
    record (.hvb_check)."""
    off, _ = section(data, F["HVB_SEC_CHECK"])
    magic = F["HVB_BOOTCHECK_MAGIC"].encode()
    check(data[off:off + len(magic)] == magic, "boot check record magic")
    at, = struct.unpack_from("<Q", data, off + F["HVB_BC_STUB_CHECK"])
    return at


def fix_stub_check(data):
    """Recompute the stub's self-check word after an edit of its bytes (its
    parameters), so that only the check under test can catch the damage."""
    at = stub_check_off(data)
    n, = struct.unpack_from("<I", data, at + F["HVB_SC_LEN"])
    struct.pack_into("<I", data, at + F["HVB_SC_HASH"], xxh32(bytes(data[at - n:at])))


def fix_payload_hash(data, pl):
    """Recompute the payload hash after an edit, so that only the image
    hash can catch the damage."""
    o, n, h = pl["off"], pl["size"], F["HVB_PH_HASHED_FROM"]
    struct.pack_into("<Q", data, o + F["HVB_PH_PAYLOAD_HASH"], xxh64(bytes(data[o + h:o + n])))


def delta_data_byte(data, pl, variant):
    """File offset of a byte of new data inside one of the variant's deltas:
    a literal region's byte, or a byte after a LIT or ADD op header, so a
    flip changes the output and nothing else (the op stream stays valid)."""
    check(variant in pl["variants"], f"no variant {variant} in the bundle")
    return literal_data_byte(pl, variant) or ops_data_byte(data, pl, variant)


def literal_data_byte(pl, variant):
    for r in pl["variants"][variant]["regions"]:
        base = pl["off"] + r["data_off"]
        if r["comp"] != F["HVB_COMP_NONE"]:
            continue
        if r["enc"] == F["HVB_ENC_LITERAL"] and r["data_len"] > 0:
            return base + r["data_len"] // 2
    return None


def ops_data_byte(data, pl, variant):
    for r in pl["variants"][variant]["regions"]:
        if r["comp"] != F["HVB_COMP_NONE"] or r["enc"] != F["HVB_ENC_OPS"]:
            continue
        base = pl["off"] + r["data_off"]
        i = 0
        while i < r["data_len"]:
            v = s = 0
            while True:
                b = data[base + i]
                i += 1
                v |= (b & 0x7f) << s
                s += 7
                if not b & 0x80:
                    break
            kind, n = v & ((1 << F["HVB_OP_SHIFT"]) - 1), v >> F["HVB_OP_SHIFT"]
            if kind in (F["HVB_OP_ADD"], F["HVB_OP_LIT"]):
                return base + i + n // 2
    return None


def write(data, name):
    p = os.path.join(TMP, name)
    with open(p, "wb") as f:
        f.write(data)
    return p


def expect_stub_error(img, on, args, code):
    """The stub refused the bundle: its error line with CODE, done status
    5, tools/boot exit 1, and no kernel ever started."""
    b = boot(img, on, args, timeout=60)
    errs = b.all("stub_error")
    if not errs:
        print(b.out)
        fail(f"no stub_error line (tools/boot exit {b.rc})")
    check(errs[0]["code"] == code, f"stub_error code {errs[0]['code']}, expected {code}: {errs[0]}")
    check(not b.all("stub"), "the stub reported success too")
    check(not b.all("boot"), "a kernel started after the stub failed")
    check_done(b, 5)
    check(b.rc == 1, f"tools/boot exited {b.rc}, expected 1")
    line = [l for l in b.out.splitlines() if "hvbundle stub: FATAL" in l]
    check(line, "no human-readable FATAL line")
    print(line[0])
    return b


def check_stub_line(b, variant, reason, entry, signature=None):
    s = b.one("stub")
    check(s["variant"] == variant, f"stub variant {s['variant']}, expected {variant}")
    check(s["reason"] == reason, f"stub reason {s['reason']}, expected {reason}")
    check(s["entry"] == entry, f"stub entry {s['entry']}, expected {entry}")
    if signature is not None:
        check(s["signature"] == signature, f"stub signature {s['signature']!r}")
    for k in ("regions", "delta_bytes", "ticks"):
        check(isinstance(s[k], int) and s[k] >= 0, f"stub {k}: {s.get(k)}")
    if variant != "native":
        check(s["regions"] > 0 and s["delta_bytes"] > 0, f"no delta applied for {variant}: {s}")
    print(f"stub: {s}")
    return s


def check_bundle_boot(on, variant, reason, entry, signature=None):
    """Boot the bundle on a platform: the stub picks variant for reason,
    the kernel it starts is that variant on that platform, hashes to the
    directly built variant's hash, and passes its self-test."""
    b = boot(bundle(), on, ["selftest"], expect_rc=0)
    check_stub_line(b, variant, reason, entry, signature)
    ev = b.one("boot")
    check(ev["variant"] == variant and ev["platform"] == on and ev["entry"] == entry,
          f"boot line {ev}")
    h = host_image_hash(image(f"{variant}.elf"))
    check(ev["image_hash"] == h, f"kernel hashed {ev['image_hash']}, {variant}.elf hashes {h}")
    check_selftest(b)
    check_done(b, 0)


def check_corrupt_delta(variant, on, args):
    """Flip a byte in variant's delta data, fix the payload hash up so only
    the image hash after applying can catch it, and expect the stub to stop."""
    data = bytearray(open(bundle(), "rb").read())
    pl = payload(data)
    off = delta_data_byte(data, pl, variant)
    check(off is not None, f"no data byte found in the {variant} delta")
    data[off] ^= 0x5a
    fix_payload_hash(data, pl)
    expect_stub_error(write(data, f"{variant}-delta.elf"), on, args, "image_hash")
