# Under --icount the stub's ticks are instructions, exact: two runs give the
# same figure, and the figures are the work the stub must do.  It hashes
# the whole image (no instruction reads more than 8 bytes), so the base
# alone costs at least image_bytes / 8; a variant's delta costs on top of
# that at least delta_bytes / 8 (no instruction writes more than 8 bytes);
# and no stub spends 100 instructions per image byte.
import os
import subprocess
from blib import *


def stub_ticks(variant):
    t = []
    for _ in range(2):
        b = boot(bundle(), "native", [f"hvb.variant={variant}"], icount=True,
                 expect_rc=0 if variant == "native" else 1)
        t.append(check_stub_line(b, variant, "override", "pvh"))
    check(t[0]["ticks"] == t[1]["ticks"], f"{variant}: ticks differ between runs: "
          f"{t[0]['ticks']} {t[1]['ticks']}")
    return t[0]


def loaded_bytes(elf):
    tmp = os.path.join(os.environ.get("TMPDIR", "/tmp"), os.path.basename(elf) + ".bin")
    subprocess.run(["objcopy", "-O", "binary", elf, tmp], check=True)
    return os.path.getsize(tmp)


base = stub_ticks("native")
image_bytes = loaded_bytes(image("native.elf"))
check(image_bytes // 8 <= base["ticks"] <= 100 * image_bytes,
      f"native: {base['ticks']} instructions to check a {image_bytes}-byte image")
for v in ("kvm", "xen"):
    s = stub_ticks(v)
    extra = s["ticks"] - base["ticks"]
    check(extra >= s["delta_bytes"] // 8,
          f"{v}: applying {s['delta_bytes']} delta bytes cost {extra} instructions over "
          f"the base's {base['ticks']}: fewer than one per 8 bytes")
    print(f"stub ticks (instructions) {v} on native: {s['ticks']} = base {base['ticks']} "
          f"+ {extra} for {s['delta_bytes']} delta bytes in {s['regions']} regions")
print(f"stub ticks native: {base['ticks']} for a {image_bytes}-byte image")
