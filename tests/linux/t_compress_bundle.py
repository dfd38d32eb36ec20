"""The bundle of Linux's native, kvm and xen builds with its deltas stored
with zstd (pack --compress zstd, stub-zstd.elf, moved above the kernel):
pack rebuilds every vmlinux from it byte for byte and verify agrees; the
stub decodes the kvm delta on native (TCG, hvb.variant=kvm) and the xen
delta as Xen's dom0, checks the image hash, and the kernel it starts is
that variant (uname) and runs the whole workload.  Prints the stored
deltas, raw and compressed."""
import os
import subprocess
import sys
from llib import *

sys.path.insert(0, os.path.join(ROOT, "tests", "bundle"))
from blib import payload  # noqa: E402

BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
BUNDLER = os.environ.get("BUNDLER", os.path.join(BUILD, "host", "bundler"))
TMP = os.environ.get("TMPDIR", "/tmp")
out = os.path.join(TMP, "linux-zstd.elf")
cmd = [BUNDLER, "pack", "-q", "-o", out, "--base", "native=" + vmlinux("native"),
       "--variant", "kvm=" + vmlinux("kvm"), "--variant", "xen=" + vmlinux("xen"),
       "--stub", os.path.join(BUILD, "stub", "stub.elf"),
       "--stub-zstd", os.path.join(BUILD, "stub", "stub-zstd.elf"), "--compress", "zstd"]
p = subprocess.run(cmd)
check(p.returncode == 0, f"pack --compress zstd exited {p.returncode}")
p = subprocess.run([BUNDLER, "verify", out], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
check(p.returncode == 0, f"verify: {p.stdout.decode()}")
pl = payload(open(out, "rb").read())
for v in ("kvm", "xen"):
    rs = pl["variants"][v]["regions"]
    z = [r for r in rs if r["comp"] != 0]
    check(z, f"{v}: no region stored compressed")
    print(f"{v}: {len(z)} of {len(rs)} regions compressed, delta {pl['variants'][v]['delta_bytes']} "
          f"bytes stored for {sum(r['new_len'] for r in rs)} bytes of regions")


def boot_bundle(on, variant, args):
    b = boot(out, on, args, timeout=240)
    if b.rc != 0:
        print(b.out)
        fail(f"the bundle on {on}: tools/boot exited {b.rc}")
    s = b.one("stub")
    check(s["variant"] == variant and s["regions"] > 0, f"stub on {on}: {s}")
    hello = b.one("linux")
    check(hello["variant"] == variant, f"uname -r says {hello['release']!r}, expected {variant}")
    check(len(b.all("workload")) == len(OPS), f"workload: {b.all('workload')}")
    check_done(b, 0)
    print(f"{on}: stub {s}")


boot_bundle("native", "kvm", ["hvb.variant=kvm"])
boot_bundle("xen", "xen", [])
