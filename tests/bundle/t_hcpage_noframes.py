# The rule's other side (format/FORMAT.md 3.3): a Xen hypercall page on
# bytes the base loads from its file.  xen.elf's XEN_ELFNOTE_HYPERCALL_PAGE
# moved (in a copy) from its zero-filled page onto a page of native.elf's
# file bytes: `pack --compress zstd -v` says why it makes no frame, stores
# every variant region by region, and the bundle still verifies.  The same
# images with the note left alone are framed (t_xen_frame.py boots them).
import re
import subprocess

from zbundle import *

xen = bytearray(open(image("xen.elf"), "rb").read())
FILE_PAGE = 0xffffffff80105000          # inside native.elf's file bytes
# the note: namesz 4, descsz 8, type 2, "Xen\0", then the address
note = struct.pack("<III", 4, 8, 2) + b"Xen\0"
check(xen.count(note) == 1, "xen.elf has no single hypercall-page note")
at = xen.index(note) + 16
HC, = struct.unpack_from("<Q", xen, at)
check(HC != FILE_PAGE, f"xen.elf's hypercall page is already {HC:#x}")
struct.pack_into("<Q", xen, at, FILE_PAGE)
moved = write(xen, "xen-hcpage-on-file.elf")
ph = [p for p in phdrs(open(image("native.elf"), "rb").read()) if p["type"] == 1]
check(any(p["vaddr"] <= FILE_PAGE and FILE_PAGE + 4096 <= p["vaddr"] + p["filesz"] for p in ph),
      f"{FILE_PAGE:#x} is not on native.elf's file bytes")

out = os.path.join(TMP, "bundle-hcpage-noframes.elf")
p = subprocess.run([BUNDLER, "pack", "-v", "-o", out, "--base", "native=" + image("native.elf"),
                    "--variant", "xen=" + moved, "--variant", "kvm=" + image("kvm.elf"),
                    "--stub", stub_elf(), "--stub-zstd", stub_zstd_elf(), "--compress", "zstd"],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
log = p.stdout.decode()
check(p.returncode == 0, f"pack exited {p.returncode}: {log[-2000:]}")
why = [l for l in log.splitlines() if "no frames: Xen's hypercall page" in l]
check(why and f"{FILE_PAGE:#x}" in why[0] and "loads from its file" in why[0],
      f"pack -v gave no reason naming the page: {why}")
print(why[0])
pl = payload(open(out, "rb").read())
for v in ("xen", "kvm"):
    e = pl["variants"][v]
    check(e["frame_len"] == 0 and not any(r["comp"] == F["HVB_COMP_FRAME"] for r in e["regions"]),
          f"{v} framed although the hypercall page is on the base's file bytes")
v = subprocess.run([BUNDLER, "verify", out], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
check(v.returncode == 0, f"verify: {v.stdout.decode()}")
print(f"xen {pl['variants']['xen']['delta_bytes']} B, kvm {pl['variants']['kvm']['delta_bytes']} B "
      "region by region; verify passes")
