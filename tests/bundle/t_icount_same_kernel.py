# Booted through the bundle, the kernel is the native variant itself: under
# TCG with icount its op costs are the same exact instruction counts as the
# directly booted native.elf, op for op.
from blib import *

ops = ["irq_save_restore", "cpuid", "set_pte", "flush_one", "clock_ns",
       "spin_lock_irqsave", "map_touch_unmap", "ctx_switch_pingpong"]
args = ["bench=" + ",".join(ops), "bench.reps=3", "bench.target_us=100"]
direct = boot(image("native.elf"), "native", args, icount=True, expect_rc=0)
bundled = boot(bundle(), "native", args, icount=True, expect_rc=0)
check(bundled.one("stub")["variant"] == "native", "the stub did not pick native")
check(bundled.one("boot")["image_hash"] == direct.one("boot")["image_hash"],
      "the bundled kernel's image hash differs from native.elf's")
d = {e["name"]: e for e in direct.all("bench")}
u = {e["name"]: e for e in bundled.all("bench")}
for op in ops:
    check(op in d and op in u, f"no bench line for {op}")
    check(d[op]["ticks_min"] == u[op]["ticks_min"] == u[op]["ticks_max"],
          f"{op}: direct {d[op]['ticks_min']}, bundled {u[op]['ticks_min']}..{u[op]['ticks_max']}")
print("bundled native kernel: " + ", ".join(f"{op} {u[op]['ticks_min']:g}" for op in ops))
