# The growth curve is what the files say: tools/growth builds our kernel's
# six variants (three of them built only for the curve, added to a copy of
# the tree by the README's recipe), and for every N the images-apart figure
# is the sum of the files, the bundle grows with each variant, a repack of
# N=3 gives the same bytes and verifies, and the build-only hyperv variant
# comes out of the N=4 bundle byte for byte.  The Linux curve, where its
# variants are built, is checked against its files the same way.
import json
import os
import subprocess

from hvbtest import *

REPORT = os.path.join(ROOT, "build", "report")
TREE = os.path.join(ROOT, "build", "growth", "tree", "build")
p = subprocess.run([os.path.join(ROOT, "tools", "growth", ), "ours", "linux", "-q"],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
check(p.returncode == 0, f"tools/growth failed: {p.stdout.decode()[-1500:]}")
g = json.load(open(os.path.join(REPORT, "growth.json")))
ours = g["ours"]
names = ["native", "kvm", "xen", "hyperv", "acrn", "jailhouse"]
check(ours["order"] == names, f"our variants: {ours['order']}")
check(len(ours["points"]) == 6, f"{len(ours['points'])} points for our kernel")


def check_curve(c, path_of):
    prev = None
    for pt in c["points"]:
        files = [path_of(v) for v in pt["variants"]]
        check(pt["separate_file_bytes"] == sum(os.path.getsize(f) for f in files),
              f"N={pt['n']}: images apart {pt['separate_file_bytes']} is not the files' sum")
        if prev:
            check(pt["bundle_file_bytes"] > prev["bundle_file_bytes"],
                  f"N={pt['n']}: the bundle did not grow ({prev['bundle_file_bytes']} -> "
                  f"{pt['bundle_file_bytes']})")
            check(pt["bundle_file_bytes"] - prev["bundle_file_bytes"] <
                  os.path.getsize(files[-1]), f"N={pt['n']}: a variant cost a whole image")
            check(pt["added_bundle_file_bytes"] == pt["bundle_file_bytes"] -
                  prev["bundle_file_bytes"], f"N={pt['n']}: the step is not the difference")
        prev = pt
    f = c["fit"]
    incs = [b["bundle_file_bytes"] - a["bundle_file_bytes"]
            for a, b in zip(c["points"][1:], c["points"][2:])] or [0]
    slope = f["bundle_file_bytes"]["bytes_per_variant"]
    check(min(incs) - 1 <= slope <= max(incs) + 1 or len(c["points"]) < 3,
          f"fitted {slope} outside the increments {incs}")
    return slope


slope = check_curve(ours, lambda v: os.path.join(TREE, "images", f"{v}.elf"))
bundler = os.path.join(TREE, "host", "bundler")
img = lambda v: os.path.join(TREE, "images", f"{v}.elf")  # noqa: E731
tmp = os.environ.get("TMPDIR", "/tmp")
out = os.path.join(tmp, "b3.elf")
subprocess.run([bundler, "pack", "-q", "-o", out, "--base", f"native={img('native')}",
                "--variant", f"kvm={img('kvm')}", "--variant", f"xen={img('xen')}",
                "--stub", os.path.join(TREE, "stub", "stub.elf")], check=True)
check(os.path.getsize(out) == ours["points"][2]["bundle_file_bytes"],
      f"a repack of N=3 is {os.path.getsize(out)} bytes, the curve says "
      f"{ours['points'][2]['bundle_file_bytes']}")
subprocess.run([bundler, "verify", out], check=True, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
b4 = os.path.join(ROOT, "build", "growth", "ours", "bundle-4.elf")
ext = os.path.join(tmp, "hyperv.elf")
subprocess.run([bundler, "extract", b4, "hyperv", "-o", ext], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
check(open(ext, "rb").read() == open(img("hyperv"), "rb").read(),
      "hyperv extracted from the N=4 bundle differs from hyperv.elf")
print(f"our kernel: {slope:.0f} bytes per added variant; repack and extract agree")

lx = g.get("linux") or {}
built = [v for v in ["native", "kvm", "xen", "hyperv", "vmware", "acrn", "jailhouse"]
         if os.path.exists(os.path.join(ROOT, "build", "linux", v, "vmlinux"))]
if "native" in built:
    check(lx["order"] == built and lx["missing"] == [v for v in ["native", "kvm", "xen", "hyperv",
                                                                "vmware", "acrn", "jailhouse"]
                                                     if v not in built],
          f"the Linux curve has {lx.get('order')} (missing {lx.get('missing')}); built: {built}")
    check(all(lx["platforms"][v].startswith("build-only") == (v not in ("native", "kvm", "xen"))
              for v in built), f"build-only variants not marked: {lx['platforms']}")
if lx.get("points"):
    ls = check_curve(lx, lambda v: os.path.join(ROOT, "build", "linux", v, "vmlinux"))
    print(f"Linux: {len(lx['points'])} variants ({', '.join(lx['order'])}), "
          f"{ls:.0f} bytes per added variant" +
          (f"; not built: {', '.join(lx['missing'])}" if lx.get("missing") else ""))
else:
    print(f"Linux: no curve (not built: {', '.join(lx.get('missing', []))})")
