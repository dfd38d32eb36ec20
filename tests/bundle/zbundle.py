"""zbundle: what the compressed-payload tests share (imported, not a test).

Packs our kernel's bundle with its deltas stored with zstd (`bundler pack
--compress zstd`, carrying build/stub/stub-zstd.elf), and makes copies of
it with one byte of a compressed region flipped."""
import os
import subprocess
from blib import *


def stub_zstd_elf():
    p = os.path.join(BUILD, "stub", "stub-zstd.elf")
    if not os.path.exists(p):
        fail(f"{p} is missing: run 'make allvariants' first")
    return p


def zbundle(name="bundle-zstd.elf", mode="zstd"):
    """Pack native + xen + kvm with --compress MODE; the file and its
    payload tables.  With zstd, every variant has compressed regions."""
    out = os.path.join(TMP, name)
    cmd = [BUNDLER, "pack", "-q", "-o", out, "--base", "native=" + image("native.elf"),
           "--variant", "xen=" + image("xen.elf"), "--variant", "kvm=" + image("kvm.elf"),
           "--stub", stub_elf(), "--stub-zstd", stub_zstd_elf(), "--compress", mode]
    subprocess.run(cmd, check=True)
    data = bytearray(open(out, "rb").read())
    pl = payload(data)
    if mode == "zstd":
        for v in ("xen", "kvm"):
            n = sum(r["comp"] != F["HVB_COMP_NONE"] for r in pl["variants"][v]["regions"])
            check(n > 0, f"{v}: no region stored compressed")
    return out, data, pl


def flip_compressed(data, pl, variant, where, name):
    """A copy with one byte flipped in the variant's largest compressed
    region (where: "head", byte 5, in the frame or first block header;
    "mid", its middle byte), payload hash fixed up.  The host's verify
    must catch it; returns the path and what verify said ("decompress" or
    "image_hash": libzstd and the stub's Linux zstd 1.5.2 do not always
    reject the same damaged frames, and the image hash catches the rest)."""
    d = bytearray(data)
    rs = [r for r in pl["variants"][variant]["regions"] if r["comp"] != F["HVB_COMP_NONE"]]
    check(rs, f"{variant}: no compressed region")
    r = max(rs, key=lambda r: r["data_len"])
    off = pl["off"] + r["data_off"] + (5 if where == "head" else r["data_len"] // 2)
    d[off] ^= 0x5a
    fix_payload_hash(d, pl)
    path = write(d, name)
    v = subprocess.run([BUNDLER, "verify", path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT).stdout.decode()
    if f"{variant}: compressed delta does not decode" in v:
        code = "decompress"
    elif f"{variant}: image hash mismatch" in v:
        code = "image_hash"
    else:
        print(v)
        fail(f"verify did not catch the flipped byte in {variant}'s compressed data")
    print(f"{variant}: flipped byte {where} of a {r['data_len']}-byte compressed region; "
          f"host verify: {code}")
    return path, code


def expect_caught(img, on, args):
    """The stub stopped on damaged compressed data: a stub_error line that
    the frame does not decode or the image hash does not match, done
    status 5, no kernel started."""
    b = boot(img, on, args, timeout=60)
    errs = b.all("stub_error")
    if not errs:
        print(b.out)
        fail(f"no stub_error line (tools/boot exit {b.rc})")
    check(errs[0]["code"] in ("decompress", "image_hash"), f"stub_error {errs[0]}")
    check(not b.all("stub") and not b.all("boot"), "a kernel started after the stub failed")
    check_done(b, 5)
    check(b.rc == 1, f"tools/boot exited {b.rc}, expected 1")
    print(f"stub on {on}: {errs[0]['code']}")
