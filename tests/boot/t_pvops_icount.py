# Op by op on native under TCG with icount (one tick per instruction): the
# exact instruction counts of the direct variant, pvops patched and pvops
# unpatched, and their order: direct <= patched <= unpatched.
from hvbtest import *

ops = ["irq_disable", "irq_enable", "irq_save", "irq_restore", "irq_save_restore", "cpuid",
       "load_root", "set_pte", "flush_one", "flush_all", "clock_ns", "timer_set",
       "lock_kick", "lock_kick_wait", "spin_lock_irqsave", "map_touch_unmap",
       "ctx_switch_pingpong"]
args = ["bench=" + ",".join(ops), "bench.reps=3", "bench.target_us=100"]
runs = {}
for name, img, extra in [("direct", "native.elf", []), ("patched", "pvops.elf", []),
                         ("unpatched", "pvops.elf", ["pv.patch=0"])]:
    b = boot(image(img), "native", args + extra, icount=True, expect_rc=0)
    runs[name] = {e["name"]: e for e in b.all("bench")}

print(f"{'op':22} {'direct':>8} {'patched':>8} {'unpatched':>10}")
for op in ops:
    row = []
    for name in ("direct", "patched", "unpatched"):
        e = runs[name].get(op)
        check(e is not None, f"{name}: no bench line for {op}")
        check(e["ticks_min"] == e["ticks_max"] == int(e["ticks_min"]),
              f"{name} {op}: not an exact instruction count: {e}")
        row.append(int(e["ticks_min"]))
    print(f"{op:22} {row[0]:8} {row[1]:8} {row[2]:10}")
    check(row[0] <= row[1] <= row[2], f"{op}: direct {row[0]}, patched {row[1]}, "
          f"unpatched {row[2]}: not in order")
# Patching must pay off somewhere: the irq ops are where it matters.
check(runs["patched"]["irq_disable"]["ticks_min"] < runs["unpatched"]["irq_disable"]["ticks_min"],
      "patching irq_disable saved nothing")
