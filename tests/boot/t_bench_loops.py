# Every bench loop, in every image, is a loop that still holds its op: the
# op's own instructions in the direct variants (cli, a movb to vcpu_info,
# the hypercall-page entry...), its pv_op_table call in pvops.  Read from
# objdump of the images: a loop the compiler deleted, or an op it hoisted
# out of the loop, fails here before any figure is believed.
import os
import re
import subprocess
from hvbtest import *

# The ops each bench runs per iteration (a bench named after an op runs it).
USES = {"irq_save_restore": ["irq_save", "irq_restore"],
        "lock_kick_wait": ["lock_kick", "lock_wait"],
        "halt_wakeup": ["clock_ns", "timer_set", "halt", "irq_disable"],
        "spin_lock_irqsave": ["irq_save", "irq_disable", "irq_restore"],
        "timer_irq_roundtrip": ["clock_ns", "timer_set"]}
CALLS = {"map_touch_unmap": ["vm_map", "vm_unmap"], "ctx_switch_pingpong": ["thread_yield"]}

HC = {"mmu_update": 1, "set_timer_op": 15, "console_io": 18, "mmuext_op": 26, "sched_op": 29,
      "event_channel_op": 32}
MASK = r"%gs:0x41"	# this vCPU's vcpu_info, in its per-CPU record (percpu.h)
NATIVE = {"irq_disable": r"\tcli", "irq_enable": r"\tsti", "irq_save": r"\tpushf",
          "irq_restore": r"\tpopf", "cpuid": r"\tcpuid", "load_root": r"mov\s+%\w+,%cr3",
          "set_pte": r"mov\s+%\w+,\(%\w+\)", "flush_one": r"\tinvlpg", "flush_all": r"mov\s+%cr3,",
          "clock_ns": r"\trdtsc", "timer_set": r"call\s+\w+ <lapic_timer_program>",
          "console_write": r"\tout\s", "lock_wait": r"\tpause", "halt": r"\thlt",
          "lock_kick": None}	# nothing to do on bare hardware: the loop alone
XEN = {"irq_disable": r"movb\s+\$0x1,.*" + MASK, "irq_enable": r"movb\s+\$0x0,.*" + MASK,
       "irq_save": r"cmpb\s+\$0x1,.*" + MASK, "irq_restore": r"set\w+\s+.*" + MASK,
       "cpuid": r"\tud2", "clock_ns": r"\trdtsc"}
for op, hc in [("load_root", "mmuext_op"), ("set_pte", "mmu_update"), ("flush_one", "mmuext_op"),
               ("flush_all", "mmuext_op"), ("timer_set", "set_timer_op"),
               ("console_write", "console_io"), ("lock_kick", "event_channel_op"),
               ("lock_wait", "sched_op"), ("halt", "sched_op")]:
    XEN[op] = rf"call\s+\w+ <hypercall_page\+{HC[hc] * 32:#x}>"

# pvops: the op's slot in pv_op_table, in the order of the op list.
pv_h = open(os.path.join(ROOT, "src", "hv", "pv", "pv.h")).read()
PV_ORDER = re.findall(r"^\s*X\((\w+), \d+,", pv_h, re.M)
check(len(PV_ORDER) >= 20, f"could not read the op list from pv.h: {PV_ORDER}")
PVOPS = {op: r"call\s+\*.*<pv_op_table" + (f"\\+{8 * i:#x}>" if i else ">")
         for i, op in enumerate(PV_ORDER)}


def loops(img):
    """Each loop_<bench> function's loop, as instruction lines: from the
    earliest target of a backward jump to the last backward jump (a cold
    path placed after the loop that jumps back belongs to it)."""
    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", img], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    out = {}
    for f in re.split(r"\n(?=[0-9a-f]+ <)", dis):
        m = re.match(r"[0-9a-f]+ <loop_(\w+)>:", f)
        if not m:
            continue
        insns = []
        for l in f.splitlines()[1:]:
            a = re.match(r"\s*([0-9a-f]+):\s+(.*)", l)
            if a:
                insns.append((int(a.group(1), 16), a.group(2)))
        lo, hi = None, None
        for addr, text in insns:
            j = re.match(r"j\w+\s+([0-9a-f]+) <loop_", text)
            if j and int(j.group(1), 16) < addr:
                lo = min(lo, int(j.group(1), 16)) if lo is not None else int(j.group(1), 16)
                hi = max(hi, addr) if hi is not None else addr
        out[m.group(1)] = None if lo is None else [t for a, t in insns if lo <= a <= hi]
    return out


PATTERNS = {"native.elf": NATIVE, "kvm.elf": NATIVE, "xen.elf": XEN, "pvops.elf": PVOPS}
checked = 0
for name, pats in PATTERNS.items():
    found = loops(image(name))
    for bench in BENCH_OPS + BENCH_COMPOSITES:
        body = found.get(bench, "missing")
        check(body != "missing", f"{name}: no function loop_{bench}")
        check(body is not None, f"{name}: loop_{bench} has no loop left (deleted by the compiler?)")
        text = "\n\t".join([""] + body)
        if bench in CALLS:
            for fn in CALLS[bench]:
                check(re.search(rf"call\s+\w+ <{fn}>", text),
                      f"{name}: loop_{bench} does not call {fn}:{text}")
            continue
        for op in USES.get(bench, [bench]):
            pat = pats.get(op, "?")
            check(pat != "?", f"test knows no instructions of {op} for {name}")
            if pat is None:
                continue
            check(re.search(pat, text), f"{name}: loop_{bench} lacks {op} ({pat}) inside its "
                  f"loop; the loop is:{text}")
        checked += 1
print(f"{checked} bench loops hold their ops in {len(PATTERNS)} images")
