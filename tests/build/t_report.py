# make report's figures agree with what other sources say: the bundle's base
# is the native image's loaded bytes (readelf vs bundler), file sizes are
# the files', the patch-site table holds as many sites as the pvops kernel
# reports patching, and the report prints its tables.
import json
import os
import subprocess
import sys
from hvbtest import *

out = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "report")],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
check(out.returncode == 0, f"tools/report failed: {out.stderr.decode()[-400:]}")
text = out.stdout.decode()
for part in ["| native.elf |", "| bundle.elf |", "| pvops.elf", "## The bundle, part by part",
             "| deltas (kvm, xen) |", "## Per variant", "| xen |", "| kvm |"]:
    check(part in text, f"the printed report lacks {part!r}")
build = os.environ["BUILD"]
sizes = json.load(open(os.path.join(build, "report", "sizes.json")))
check(os.path.exists(os.path.join(build, "report", "report.md")), "no report.md")
for v in ["native", "xen", "kvm"]:
    check(sizes["variants"][v]["file_bytes"] == os.path.getsize(image(f"{v}.elf")),
          f"{v}: file size in the report is not the file's")
b = sizes["bundle"]
check(b["file_bytes"] == os.path.getsize(image("bundle.elf")), "bundle size is not the file's")
check(b["base_bytes"] == sizes["variants"]["native"]["loaded_bytes"],
      f"bundle base {b['base_bytes']} != native loaded {sizes['variants']['native']['loaded_bytes']}")
check(0 < b["delta_bytes"] < sizes["variants"]["xen"]["loaded_bytes"], f"deltas: {b}")
check(sizes["variant_images"]["file_bytes"] ==
      sum(os.path.getsize(image(f"{v}.elf")) for v in ["native", "xen", "kvm"]), "variant images")
p = boot(image("pvops.elf"), "native", [], expect_rc=0).one("pvops")
check(sizes["pvops"]["patch_sites"] == p["sites"],
      f"site table holds {sizes['pvops']['patch_sites']}, the kernel patched {p['sites']}")
print(f"bundle {b['file_bytes']} B (stub {b['stub_bytes']}, base {b['base_bytes']}, "
      f"deltas {b['delta_bytes']}), pvops sites {p['sites']}")
