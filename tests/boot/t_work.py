# The whole workload (kernel argument work) under icount, on native and on
# Xen: its total instructions are exact (two runs agree), ordered direct <=
# pvops patched <= pvops unpatched, and with pv.count=1 every op it runs is
# counted: at least the ops its phases must call.
import concurrent.futures
from hvbtest import *

ARGS = ["work", "work.pages=64", "work.rounds=50", "work.irqs=5", "work.lines=2"]
RUNS = [("direct", None, []), ("again", None, []), ("patched", "pvops.elf", []),
        ("unpatched", "pvops.elf", ["pv.patch=0"]), ("count", "pvops.elf", ["pv.count=1"])]


def work(on, img, extra):
    b = boot(image(img or f"{on}.elf"), on, ARGS + extra, icount=True, timeout=300, expect_rc=0)
    ops = b.all("work_ops")
    return b.one("work"), ops[0] if ops else None, b.one("pvops") if img else None


with concurrent.futures.ThreadPoolExecutor(2) as ex:
    jobs = {(on, name): ex.submit(work, on, img, extra)
            for on in ("native", "xen") for name, img, extra in RUNS}
res = {k: f.result() for k, f in jobs.items()}

for on in ("native", "xen"):
    t = {name: res[on, name][0]["ticks"] for name, _, _ in RUNS}
    print(f"{on}: direct {t['direct']}, patched {t['patched']} "
          f"(+{100 * (t['patched'] - t['direct']) / t['direct']:.2f}%), unpatched "
          f"{t['unpatched']} (+{100 * (t['unpatched'] - t['direct']) / t['direct']:.2f}%)")
    check(t["direct"] == t["again"], f"{on}: two runs of the workload differ: {t}")
    check(t["direct"] <= t["patched"] <= t["unpatched"], f"{on}: not in order: {t}")
    w = res[on, "direct"][0]
    check(w["pages"] == 64 and w["rounds"] == 50 and w["irqs"] == 5 and w["lines"] == 2,
          f"{on}: the workload did not take its arguments: {w}")
    check(res[on, "count"][2]["counting"] == 1 and res[on, "count"][2]["patched"] == 0,
          f"{on}: pv.count=1 should count with sites left indirect: {res[on, 'count'][2]}")
    check(res[on, "patched"][1] is None, f"{on}: ops counted without pv.count=1")
    ops = res[on, "count"][1]
    check(ops is not None, f"{on}: no work_ops line with pv.count=1")
    # Each page mapped and unmapped (set_pte twice, flush once); each round
    # of either thread saves, disables, restores; each interrupt arms the
    # timer; each line is one console write.
    want = {"set_pte": 128, "flush_one": 64, "make_pte": 64, "irq_save": 100,
            "irq_disable": 100, "irq_restore": 100, "timer_set": 5, "console_write": 2}
    for op, n in want.items():
        check(ops[op] >= n, f"{on}: {op} ran {ops[op]} times, at least {n} expected: {ops}")
    check(ops["total"] == sum(v for k, v in ops.items() if k not in ("event", "total")),
          f"{on}: op counts do not add up: {ops}")
