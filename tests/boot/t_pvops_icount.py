# Op by op under TCG with icount (one tick per instruction), on native and
# on Xen: the exact instruction counts of the direct variant, pvops
# patched, pvops with every site a call (pv.inline=0: Linux's method for
# Xen's irq ops, calls to small assembler stubs) and pvops unpatched, and
# their order: direct <= patched <= unpatched, patched <= calls; on Xen the
# inline-patched irq_disable and irq_save no worse than direct.
#
# Exact: under Xen, Xen's own timer work now and then lands in one
# repetition, so the figure is the median of five, which must be a whole
# count and the same in two runs of the same image.
import concurrent.futures
from hvbtest import *

QUIET = ["irq_disable", "irq_enable", "irq_save", "irq_restore", "irq_save_restore", "cpuid",
         "load_root", "set_pte", "flush_one", "flush_all", "clock_ns", "timer_set",
         "lock_kick", "lock_kick_wait", "spin_lock_irqsave", "map_touch_unmap",
         "ctx_switch_pingpong"]
IRQ = ["irq_disable", "irq_enable", "irq_save", "irq_restore"]
args = ["bench=" + ",".join(QUIET), "bench.reps=5", "bench.target_us=100"]
RUNS = [("direct", None, []), ("patched", "pvops.elf", []), ("calls", "pvops.elf", ["pv.inline=0"]),
        ("unpatched", "pvops.elf", ["pv.patch=0"]), ("again", "pvops.elf", [])]
DIRECT = {"native": "native.elf", "xen": "xen.elf"}


def bench(on, img, extra):
    b = boot(image(img), on, args + extra, icount=True, timeout=300, expect_rc=0)
    return {e["name"]: e for e in b.all("bench")}


jobs = {}
with concurrent.futures.ThreadPoolExecutor(2) as ex:
    for on in ("native", "xen"):
        for name, img, extra in RUNS:
            jobs[on, name] = ex.submit(bench, on, img or DIRECT[on], extra)
res = {k: f.result() for k, f in jobs.items()}

for on in ("native", "xen"):
    print(f"{on}: instructions per operation")
    print(f"  {'op':22} {'direct':>8} {'patched':>8} {'calls':>8} {'unpatched':>10}")
    for op in QUIET:
        row = {}
        for name, _, _ in RUNS:
            e = res[on, name].get(op)
            check(e is not None, f"{on} {name}: no bench line for {op}")
            m = e["ticks_median"]
            check(m == int(m), f"{on} {name} {op}: median {m} is not a whole count: {e}")
            if on == "native":
                check(e["ticks_min"] == e["ticks_max"] == m,
                      f"native {name} {op}: repetitions differ under icount: {e}")
            row[name] = int(m)
        print(f"  {op:22} {row['direct']:8} {row['patched']:8} {row['calls']:8} "
              f"{row['unpatched']:10}")
        check(row["again"] == row["patched"],
              f"{on} {op}: two runs of the patched image differ: {row['patched']}, {row['again']}")
        check(row["direct"] <= row["patched"] <= row["unpatched"],
              f"{on} {op}: direct {row['direct']}, patched {row['patched']}, unpatched "
              f"{row['unpatched']}: not in order")
        check(row["patched"] <= row["calls"] <= row["unpatched"],
              f"{on} {op}: patched {row['patched']}, all calls {row['calls']}, unpatched "
              f"{row['unpatched']}: not in order")
        if on == "xen" and op in ("irq_disable", "irq_save"):
            check(row["patched"] == row["direct"],
                  f"xen {op}: patched inline {row['patched']}, direct {row['direct']}")
    # Patching must pay off where it matters: the irq ops it inlines (a
    # direct call costs the instructions of the indirect one).
    for op in (IRQ[:4] if on == "native" else ["irq_disable", "irq_save"]):
        check(res[on, "patched"][op]["ticks_median"] < res[on, "unpatched"][op]["ticks_median"],
              f"{on}: patching {op} saved nothing")
