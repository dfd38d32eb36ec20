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


def zpack(name, *args, **switches):
    """zbundle's three images packed with --compress zstd and args, the
    HVB_PACK_* test switches given (name=value; None removes one from the
    environment): the file, its bytes and its payload tables."""
    out = os.path.join(TMP, name)
    env = dict(os.environ)
    for k, v in switches.items():
        env.pop(k, None)
        if v:
            env[k] = v
    subprocess.run([BUNDLER, "pack", "-q", "-o", out, "--base", "native=" + image("native.elf"),
                    "--variant", "xen=" + image("xen.elf"), "--variant", "kvm=" + image("kvm.elf"),
                    "--stub", stub_elf(), "--stub-zstd", stub_zstd_elf(), "--compress", "zstd",
                    *args], check=True, env=env)
    data = bytes(open(out, "rb").read())
    return out, data, payload(data)


def variant_flags(data, pl, v):
    """variant v's flags word (HVB_VE_FLAGS)"""
    return struct.unpack_from("<I", data, pl["off"] + pl["variants"][v]["entry"] +
                              F["HVB_VE_FLAGS"])[0]


def rebuilt(path, variants=("xen", "kvm")):
    """extract rebuilds each variant's image byte for byte from path, and
    verify passes"""
    for v in variants:
        x = os.path.join(TMP, v + ".rebuilt")
        p = subprocess.run([BUNDLER, "extract", path, v, "-o", x], stderr=subprocess.PIPE)
        check(p.returncode == 0, f"extract {v}: {p.stderr.decode()}")
        check(open(x, "rb").read() == open(image(v + ".elf"), "rb").read(),
              f"extract did not rebuild {v}.elf byte for byte from {path}")
    p = subprocess.run([BUNDLER, "verify", path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    check(p.returncode == 0, f"verify {path}: {p.stderr.decode()}")


# what verify may say of a damaged frame or site table: each a clear stop
VERIFY_CLEAR = ("compressed delta does not decode", "malformed delta", "delta out of bounds",
                "malformed reference table", "image hash mismatch")


def verify_flips(data, pl, flips, clear=VERIFY_CLEAR, what=""):
    """Each (file offset, xor) of flips applied to its own copy of data,
    the payload hash and the extract data's record of it fixed up: verify
    must stop with a message naming one of clear (exit 1), or pass, every
    image then rebuilt exactly.  The messages of the refused ones."""
    from reflib import fix_hashes
    said = []
    for off, xor in flips:
        d = bytearray(data)
        d[off] ^= xor
        fix_hashes(d, pl)
        p = subprocess.run([BUNDLER, "verify", write(d, "flip.elf")], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        err = p.stderr.decode("utf-8", "replace")
        if p.returncode == 0:
            continue
        check(p.returncode == 1, f"{what}flip at {off}: verify exited {p.returncode}: {err}")
        check(any(c in err for c in clear), f"{what}flip at {off}: unclear message: {err}")
        said.append(err)
    return said


# what damaged data in a frame can end in (t_frame.py): it does not decode,
# or it decodes to an op stream or site table that breaks its own bounds,
# or to bytes the image hash refuses
FRAME_DAMAGED = ("decompress", "delta_corrupt", "delta_bounds", "ref_table", "image_hash")


def flip_compressed(data, pl, variant, where, name):
    """A copy with one byte flipped in the variant's frame, or where it has
    none its largest compressed region (where: "head", byte 5, in the
    frame or first block header; "mid", its middle byte), payload hash
    fixed up.  The host's verify must catch it; returns the path and what
    verify said ("decompress" or "image_hash", or for a frame "frame":
    any refusal naming the variant; libzstd and the stub's Linux zstd
    1.5.2 do not always reject the same damaged frames, and the image hash
    catches the rest)."""
    d = bytearray(data)
    v = pl["variants"][variant]
    if v["frame_len"]:
        at, n, what = v["frame_off"], v["frame_len"], f"{v['frame_len']}-byte frame"
    else:
        rs = [r for r in v["regions"] if r["comp"] != F["HVB_COMP_NONE"]]
        check(rs, f"{variant}: no compressed region")
        r = max(rs, key=lambda r: r["data_len"])
        at, n, what = r["data_off"], r["data_len"], f"{r['data_len']}-byte compressed region"
    off = pl["off"] + at + (5 if where == "head" else n // 2)
    d[off] ^= 0x5a
    fix_payload_hash(d, pl)
    path = write(d, name)
    p = subprocess.run([BUNDLER, "verify", path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    out = p.stdout.decode()
    if f"{variant}: compressed delta does not decode" in out:
        code = "decompress"
    elif f"{variant}: image hash mismatch" in out:
        code = "image_hash"
    elif v["frame_len"] and p.returncode == 1 and f"{variant}:" in out:
        code = "frame"
    else:
        print(out)
        fail(f"verify did not catch the flipped byte in {variant}'s compressed data")
    print(f"{variant}: flipped byte {where} of a {what}; host verify: {code}")
    return path, code


def expect_caught(img, on, args, codes=("decompress", "image_hash")):
    """The stub stopped on damaged compressed data: a stub_error line that
    the frame does not decode or the image hash does not match (codes;
    FRAME_DAMAGED for a variant's frame), done status 5, no kernel
    started."""
    b = boot(img, on, args, timeout=60)
    errs = b.all("stub_error")
    if not errs:
        print(b.out)
        fail(f"no stub_error line (tools/boot exit {b.rc})")
    check(errs[0]["code"] in codes, f"stub_error {errs[0]}, expected one of {codes}")
    check(not b.all("stub") and not b.all("boot"), "a kernel started after the stub failed")
    check_done(b, 5)
    check(b.rc == 1, f"tools/boot exited {b.rc}, expected 1")
    print(f"stub on {on}: {errs[0]['code']}")
