# The ops src/hv/hv.h marks HOT include every op the op-counting build
# (configs/inline/count.config) sees called at least once per iteration of
# a runtime path, and the counts are those of the code: a lock round trip
# saves, disables and restores the flags once each; a map-touch-unmap writes
# two page-table entries and flushes one.
import json
import os
import re
import subprocess
import sys

from hvbtest import *

TOOLS = os.environ.get("TOOLS", os.path.join(ROOT, "tools"))
WORK = os.path.join(os.environ.get("TMPDIR", "/tmp"), "frontier")

p = subprocess.run([sys.executable, os.path.join(TOOLS, "frontier"), "counts", "--work", WORK],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
check(p.returncode == 0, "tools/frontier counts failed:\n" + p.stderr.decode()[-3000:])
res = json.loads(p.stdout)
c = res["counts"]
check(c["spin_lock_irqsave"] == {"irq_save": 1, "irq_disable": 1, "irq_restore": 1},
      f"one spin_lock_irqsave round trip: {c['spin_lock_irqsave']}")
check(c["map_touch_unmap"].get("set_pte") == 2 and c["map_touch_unmap"].get("flush_one") == 1,
      f"one map_touch_unmap: {c['map_touch_unmap']}")
check(c["boot"].get("setup") == 1 and c["boot"].get("setup_traps") == 1, f"boot: {c['boot']}")
tiers = res["tiers"]
check(len(tiers) >= 20, f"hv.h declares only {len(tiers)} ops: {tiers}")
cold = [op for op in res["measured_hot"] if tiers.get(op) != "HOT"]
check(not cold, f"measured hot but not HOT in hv.h: {cold}")
print("measured hot: " + ", ".join(res["measured_hot"]) + "; all HOT in hv.h")
