# tools/patchcost keeps each run's counts under the digests of what
# decides them, and reuses them only while those are unchanged: the same
# inputs give the kept counts without measuring again; a changed image
# (one byte) or other arguments measure again; --fresh measures again.
# No boot: the measuring is a stand-in that counts its calls.
import json
import os
import tempfile
from importlib.machinery import SourceFileLoader

from hvbtest import *

pc = SourceFileLoader("patchcost", os.path.join(ROOT, "tools", "patchcost")).load_module()
tmp = tempfile.mkdtemp(prefix="patchcost-kept.")
pc.CACHE = os.path.join(tmp, "kept")
img = os.path.join(tmp, "vmlinux")
with open(img, "wb") as f:
    f.write(b"\x7fELF" + bytes(4096))
calls = []


def measure():
    calls.append(1)
    return {"alternative_instructions": 1000 + len(calls)}


def run(args=None, fresh=False):
    return pc.kept("linux test on native", [img], args or {"on": "native"}, measure, fresh)


first, rec = run()
check(len(calls) == 1 and first["alternative_instructions"] == 1001, f"first run: {first}")
check(os.path.exists(rec), f"no record {rec}")
kept = json.load(open(rec))
check(kept["counts"] == first and img in kept["key"]["inputs"] and kept["measured_at"],
      f"the record lacks its counts, inputs or time: {kept}")
again, rec2 = run()
check(len(calls) == 1 and again == first and rec2 == rec,
      f"same inputs measured again ({len(calls)} measurements)")
with open(img, "r+b") as f:
    f.seek(100)
    f.write(b"\x01")
changed, rec3 = run()
check(len(calls) == 2 and rec3 != rec, "a changed image reused the kept counts")
run({"on": "xen"})
check(len(calls) == 3, "another platform reused the kept counts")
run(fresh=True)
check(len(calls) == 4, "--fresh reused the kept counts")
print(f"kept counts reused for the same inputs; measured again for a changed image, "
      f"another platform and --fresh ({len(calls)} measurements)")
