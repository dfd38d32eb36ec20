# Under TCG with icount (one TSC tick per guest instruction) the cost of a
# fixed op loop is exact: the same in every repetition and every run, an
# integer, and equal to the instructions of the loop in the disassembly.
import re
import subprocess
from hvbtest import *

img = image("native.elf")
# Loops without interrupts or halts: their counts cannot depend on timing.
ops = ["irq_disable", "irq_enable", "irq_save", "irq_restore", "irq_save_restore", "cpuid",
       "load_root", "set_pte", "flush_one", "flush_all", "clock_ns", "lock_kick_wait",
       "spin_lock_irqsave", "map_touch_unmap", "ctx_switch_pingpong"]
args = ["bench=" + ",".join(ops), "bench.reps=3", "bench.target_us=100"]
runs = []
for _ in range(2):
    b = boot(img, "native", args, icount=True, expect_rc=0)
    runs.append({e["name"]: e for e in b.all("bench")})
for op in ops:
    a, c = runs[0].get(op), runs[1].get(op)
    check(a is not None and c is not None, f"no bench line for {op}")
    check(a["ticks_min"] == a["ticks_max"], f"{op}: repetitions differ under icount: {a}")
    check(a["ticks_min"] == int(a["ticks_min"]), f"{op}: not a whole instruction count: {a}")
    check(a == c, f"{op}: two runs differ: {a} vs {c}")

# Count the instructions of each call-free loop body in the disassembly.
dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", img], stdout=subprocess.PIPE,
                     check=True).stdout.decode()
funcs = re.split(r"\n(?=[0-9a-f]+ <)", dis)
checked = 0
# lock_kick_wait's wait sees a moved word and skips its pause: a loop with
# a branch taken around part of it, so its static length is not its count.
for op in [o for o in ops if o != "lock_kick_wait"]:
    body = [f for f in funcs if f"<loop_{op}>:" in f.split("\n")[0]]
    if not body:
        continue
    insns = []
    for l in body[0].splitlines()[1:]:
        m = re.match(r"\s*([0-9a-f]+):\s+(\S+)\s*(.*)", l)
        if m:
            insns.append((int(m.group(1), 16), m.group(2), m.group(3)))
    back = [(i, x) for i, x in enumerate(insns)
            if x[1].startswith("j") and re.match(r"[0-9a-f]+ <", x[2])
            and int(x[2].split()[0], 16) < x[0]]
    if len(back) != 1:
        continue
    i, (addr, _, target) = back[0]
    start = int(target.split()[0], 16)
    loop = [x for x in insns if start <= x[0] <= addr]
    if any(x[1].startswith("call") or x[1].startswith("rep") for x in loop):
        continue
    check(runs[0][op]["ticks_min"] == len(loop),
          f"{op}: measured {runs[0][op]['ticks_min']} instructions per iteration, "
          f"the loop in loop_{op} has {len(loop)}: " + "; ".join(x[1] for x in loop))
    checked += 1
check(checked >= 8, f"only {checked} loops could be matched against the disassembly")
print(f"{checked} op loops match their disassembly; {len(ops)} exact and repeatable")
