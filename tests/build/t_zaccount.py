# tools/zaccount accounts for every byte of bundle.elf and pvops.elf under
# zstd -19: the parts' shares add up to what the zstd tool gives for the
# file, every loaded byte of the stub and the kernel code is named by its
# object file (no unnamed part beyond alignment padding), and the parts'
# raw bytes add up to the file.
import json
import os
import subprocess
import tempfile
from hvbtest import *

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
build = os.environ.get("BUILD", os.path.join(ROOT, "build"))
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "za.json")
    p = subprocess.run([os.path.join(ROOT, "tools", "zaccount"), "--images", IMAGES,
                        "--build", build, "--json", out], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    check(p.returncode == 0, f"zaccount exited {p.returncode}: {p.stdout.decode()[-2000:]}")
    res = json.load(open(out))
for name in ["bundle.elf", "pvops.elf", "native.elf"]:
    r = res["files"][name]
    data = open(image(name), "rb").read()
    z = len(subprocess.run(["zstd", "-19", "-q", "-c", image(name)], stdout=subprocess.PIPE,
                           check=True).stdout)
    check(r["zstd19"] == z, f"{name}: zaccount says zstd -19 {r['zstd19']}, the zstd tool {z}")
    check(sum(v["share"] for v in r["parts"].values()) == z,
          f"{name}: shares add up to {sum(v['share'] for v in r['parts'].values())}, not {z}")
    check(sum(v["bytes"] for v in r["parts"].values()) == len(data),
          f"{name}: parts hold {sum(v['bytes'] for v in r['parts'].values())} of {len(data)} bytes")
    print(f"{name}: {len(data)} bytes, zstd -19 {z}, {len(r['parts'])} parts")
parts = res["files"]["bundle.elf"]["parts"]
for want in ["stub: applier (format/apply.c)", "stub: main (stub.c)", "base code: common",
             "payload: xen delta", "payload: kvm delta"]:
    check(want in parts, f"bundle.elf: no part '{want}': {sorted(parts)}")
check(parts.get("stub: other", {"bytes": 0})["bytes"] < 256,
      f"bundle.elf: {parts.get('stub: other')} stub bytes named by no object")
pv = res["files"]["pvops.elf"]["parts"]
for want in ["code: pvops runtime", "pvops patch sites", "code: xen backend", "code: common"]:
    check(want in pv, f"pvops.elf: no part '{want}': {sorted(pv)}")
