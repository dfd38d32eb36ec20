"""The bundler on real Linux 6.1 (make linux): native as the base, kvm and
xen as variants, packed with the real stubs (pack --compress auto, which
frames each variant's deltas as one zstd frame with the base as prefix
when that is smaller: format/FORMAT.md 3.3); list (text and JSON agree),
verify, and extract of every variant byte for byte.  What the bundle
stores for xen's loaded image (its frame or deltas, its region and move
tables, and the whole base site table although kvm shares it) must be
smaller than `zstd -19 --patch-from` of xen's vmlinux against native's
(issue 9).  Beside it: the bundler's measure of the same reference-space
regions as one frame, and the extract data xen adds (symbols and other
unloaded bytes, host-only).  Pack's wall time and peak memory
(/usr/bin/time -v) are measured.  The figures go to
build/report/linux-bundle.json."""
import json
import os
import re
import subprocess
import time

from llib import LINUX, ROOT, check, fail, vmlinux

BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
BUNDLER = os.environ.get("BUNDLER", os.path.join(BUILD, "host", "bundler"))
STUB = os.path.join(BUILD, "stub", "stub.elf")
STUB_ZSTD = os.path.join(BUILD, "stub", "stub-zstd.elf")
TMP = os.environ.get("TMPDIR", "/tmp")
OUT = os.path.join(TMP, "linux-bundle.elf")
VARS = ["kvm", "xen"]


def run(*cmd, **kw):
    p = subprocess.run(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if p.returncode:
        print(p.stderr.decode("utf-8", "replace")[-3000:])
        fail(f"{' '.join(cmd)} exited {p.returncode}")
    return p


for s_ in (STUB, STUB_ZSTD):
    if not os.path.exists(s_):
        fail(f"{s_} is missing: run 'make allvariants' first")
imgs = {v: vmlinux(v) for v in ["native"] + VARS}
t0 = time.monotonic()
p = run("/usr/bin/time", "-v", BUNDLER, "pack", "-q", "-o", OUT,
        "--base", f"native={imgs['native']}",
        *sum((["--variant", f"{v}={imgs[v]}"] for v in VARS), []), "--stub", STUB,
        "--stub-zstd", STUB_ZSTD)
wall = time.monotonic() - t0
err = p.stderr.decode()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
print(f"pack: {wall:.1f} s wall, peak {rss / 1024:.0f} MiB")
check(rss < 2 * 1024 * 1024, f"pack peaked at {rss} KiB, over 2 GiB")

run(BUNDLER, "verify", OUT)
lj = json.loads(run(BUNDLER, "list", "--json", OUT).stdout)
lt = run(BUNDLER, "list", OUT).stdout.decode()
byname = {v["name"]: v for v in lj["variants"]}
for v in VARS:
    e = byname[v]
    m = re.search(rf"^{v} +\S+ +\S+ +\S+ +(\d+) +(\d+) +(\d+) ", lt, re.M)
    check(m, f"list: no row for {v}")
    check([int(x) for x in m.groups()] == [e["bytes_differ"], e["regions"], e["delta_bytes"]],
          f"list text {m.groups()} and JSON disagree for {v}")
    c = e["classes"]["functions"]
    check(c["ref_identical"] > 0, f"{v}: no function identical after reference resolution: {c}")
for v in ["native"] + VARS:
    x = os.path.join(TMP, f"x.{v}")
    run(BUNDLER, "extract", OUT, v, "-o", x)
    check(subprocess.run(["cmp", "-s", x, imgs[v]]).returncode == 0,
          f"extract {v} is not byte for byte {imgs[v]}")
    os.unlink(x)
    print(f"{v}: extracted byte for byte ({os.path.getsize(imgs[v])} bytes)")


def zst(*args):
    return len(subprocess.run(["zstd", "-19", "-q", "-T1", "-c", "--long=27", *args],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              check=True).stdout)


xe = byname["xen"]
xen_delta = (xe["delta_bytes"] + xe["region_table_bytes"] + xe["move_table_bytes"] +
             lj["base_site_table_bytes"])
framed = xe["classes"]["frame_zstd19_refspace"] + lj["base_site_table_bytes"]
patch = zst(f"--patch-from={imgs['native']}", imgs["xen"])
res = dict(pack_seconds=round(wall, 1), pack_peak_kib=rss, bundle_bytes=os.path.getsize(OUT),
           bundle_zstd19=zst(OUT), images={v: dict(bytes=os.path.getsize(imgs[v]),
                                                   zstd19=zst(imgs[v])) for v in imgs},
           xen_patch_from=patch, xen_loaded_stored=xen_delta, xen_refspace_frame=framed,
           base_site_table_bytes=lj["base_site_table_bytes"],
           variants={v: byname[v] for v in VARS})
os.makedirs(os.path.join(BUILD, "report"), exist_ok=True)
with open(os.path.join(BUILD, "report", "linux-bundle.json"), "w") as f:
    json.dump(res, f, indent=1)
for v in VARS:
    e = byname[v]
    print(f"{v}: delta {e['delta_bytes']} B in {e['regions']} regions; classes "
          f"{e['classes']['functions']}; floor {e['classes']['floor_zstd19']}")
print(f"xen: loaded image stored in {xen_delta} B ({'a frame' if xe['frame_bytes'] else 'deltas'} "
      f"{xe['delta_bytes']}, region table {xe['region_table_bytes']}, move table "
      f"{xe['move_table_bytes']}, base site table {lj['base_site_table_bytes']}) against "
      f"zstd -19 --patch-from {patch} B; its extract data {xe['extract_bytes']} B more "
      f"(host-only)")
print(f"xen: the bundler's measure of its reference-space regions as one zstd -19 frame, "
      f"base as prefix, with the site tables: {framed} B")
check(xen_delta < patch, f"xen as stored ({xen_delta} B) does not beat zstd --patch-from "
      f"({patch} B)")
