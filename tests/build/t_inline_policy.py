# The inlining policy does what it says.  Under "none" every op is a call to
# its one out-of-line body hv_<op>, so every other function the variants
# share is the same bytes in native, xen and kvm (only the bodies differ);
# under "hot" every op src/hv/hv.h marks HOT keeps, exactly, the instruction
# count it has with every op inlined (icount, on native and on Xen), no
# runtime path nor the workload's phases cost more, and a cold op does cost
# its call; and the files of code that runs once (src/sources.mk's cold-y)
# call every op out of line, so their functions are the same bytes in
# every variant, while a path's are not.  The images are built by tools/frontier in a copy of the tree;
# the all-inline reference is build/images/, the default policy.
import os
import re
import subprocess
import sys

from hvbtest import *

TOOLS = os.environ.get("TOOLS", os.path.join(ROOT, "tools"))
WORK = os.path.join(os.environ.get("TMPDIR", "/tmp"), "frontier")
PATHS = ["spin_lock_irqsave", "map_touch_unmap", "ctx_switch_pingpong", "timer_irq_roundtrip"]
# The workload's phases but console output (the UART's time is its cost).
PHASES = ["map_touch_unmap", "ping_pong", "timer_irqs"]


def functions(img):
    """{name: bytes} of every function in the image (nm sizes, file bytes)."""
    secs = []
    out = subprocess.run(["readelf", "-SW", img], stdout=subprocess.PIPE, check=True).stdout
    for line in out.decode().splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+PROGBITS\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)",
                     line)
        if m:
            secs.append((int(m.group(2), 16), int(m.group(3), 16), int(m.group(4), 16)))
    data = open(img, "rb").read()
    funcs = {}
    out = subprocess.run(["nm", "-S", img], stdout=subprocess.PIPE, check=True).stdout
    for line in out.decode().splitlines():
        f = line.split()
        if len(f) != 4 or f[2] not in "tT":
            continue
        addr, size = int(f[0], 16), int(f[1], 16)
        sec = next((s for s in secs if s[0] <= addr < s[0] + s[2]), None)
        check(sec is not None, f"{img}: {f[3]} is in no section")
        funcs[f[3]] = data[sec[1] + addr - sec[0]:sec[1] + addr - sec[0] + size]
    return funcs


def ops(tier="HOT|COLD"):
    """The ops src/hv/hv.h declares, of the tier(s) given."""
    with open(os.path.join(ROOT, "src", "hv", "hv.h")) as f:
        return re.findall(rf"^HV_OP\((?:{tier}), [^,]+, hv_(\w+),", f.read(), re.M)


OPS = set(ops())


def op_body(name):
    """hv_<op>, or a part GCC split from it (hv_<op>.cold)."""
    return name.startswith("hv_") and name[3:].split(".")[0] in OPS


def callers(img):
    """Functions with a call or jump to an hv_<op> body."""
    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", img], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    found, cur = set(), None
    for line in dis.splitlines():
        m = re.match(r"[0-9a-f]+ <(\S+)>:", line)
        if m:
            cur = m.group(1)
        else:
            m = re.search(r"\s(?:call|jmp)\s+[0-9a-f]+ <(hv_[\w.]+)>", line)
            if m and op_body(m.group(1)) and not op_body(cur):
                found.add(cur)
    return found


def cold_files():
    """src/sources.mk's cold-y: the files of code that runs once."""
    with open(os.path.join(ROOT, "src", "sources.mk")) as f:
        text = f.read().replace("\\\n", " ")
    m = re.search(r"^cold-y\s*:=(.*)$", text, re.M)
    check(m is not None, "src/sources.mk has no cold-y")
    return m.group(1).split()


def functions_from(mapfile, files):
    """Names of the functions the link map places from files' objects (a
    part GCC split off, .text.unlikely.<f>, as <f>.cold)."""
    with open(mapfile) as f:
        text = f.read()
    found = set()
    for m in re.finditer(r"^ \.text\.(\S+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)$", text, re.M):
        name, size, obj = m.group(1), int(m.group(2), 16), m.group(3)
        if size and any(obj.endswith(f"/obj/{src}.o") for src in files):
            found.add(name[len("unlikely."):] + ".cold" if name.startswith("unlikely.") else name)
    return found


def bench(img, on, names):
    """Instructions per iteration of each bench named (the fewest of the
    repetitions; on native they must agree) and of each workload phase,
    as work.<phase>."""
    b = boot(img, on, ["bench=" + ",".join(names), "bench.reps=3", "bench.target_us=100",
                       "work"], icount=True, expect_rc=0)
    got = {e["name"]: e for e in b.all("bench")}
    for n in names:
        check(n in got, f"{img} on {on}: no bench line for {n}")
        # Under Xen an event can land in one repetition: the minimum is exact.
        check(on != "native" or got[n]["ticks_min"] == got[n]["ticks_max"],
              f"{img} on {on}: {n} not exact under icount: {got[n]}")
    res = {n: got[n]["ticks_min"] for n in names}
    work = b.one("work")
    res.update({f"work.{p}": work[p] for p in PHASES})
    return res


allinline = image("native.elf")
check(not any(op_body(n) for n in functions(allinline)),
      f"{allinline} has out-of-line hv_ bodies: not the all-inline default")

p = subprocess.run([sys.executable, os.path.join(TOOLS, "frontier"), "build", "none", "hot",
                    "--work", WORK], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
check(p.returncode == 0, "tools/frontier build failed:\n" + p.stdout.decode()[-3000:])

# none: every function the variants share, but the op bodies, is identical.
none = {v: functions(os.path.join(WORK, "none", f"{v}.elf")) for v in ["native", "xen", "kvm"]}
# The callers all three share (native's LAPIC code is only in native, say).
calling = callers(os.path.join(WORK, "none", "native.elf")) & set(none["xen"]) & set(none["kvm"])
check(len(calling) >= 20, f"only {len(calling)} shared functions call an out-of-line op: {calling}")
for v in ["xen", "kvm"]:
    shared = set(none["native"]) & set(none[v])
    differ = sorted(f for f in shared if none["native"][f] != none[v][f] and not op_body(f))
    check(not differ, f"policy none: native and {v} differ in {differ}")
bodies = [f for f in none["native"] if op_body(f) and f in none["xen"]
          and none["native"][f] != none["xen"][f]]
check(len(bodies) >= 10, f"policy none: only {len(bodies)} op bodies differ native/xen: {bodies}")
print(f"none: {len(calling)} callers of out-of-line ops, the same bytes in native, xen and kvm; "
      f"{len(bodies)} op bodies differ native/xen")

# hot: code that runs once is the same bytes in every variant; a path is not.
hotf = {v: functions(os.path.join(WORK, "hot", f"{v}.elf")) for v in ["native", "xen", "kvm"]}
once = functions_from(os.path.join(WORK, "hot", "native.map"), cold_files())
for f in ["selftest_run", "smp_boot", "bench_run", "lockbench_run"]:
    check(f in once, f"{f} is not from a cold-y file: {sorted(once)}")
for v in ["xen", "kvm"]:
    differ = sorted(f for f in once if f in hotf[v] and hotf["native"][f] != hotf[v][f])
    check(not differ, f"policy hot: code that runs once differs native/{v}: {differ}")
for f in ["loop_clock_ns", "loop_irq_save_restore", "vm_map"]:
    check(hotf["native"][f] != hotf["xen"][f], f"policy hot: path {f} is the same bytes in "
          "native and xen: its hot ops are not inlined")
print(f"hot: {len(once)} functions of code that runs once, the same bytes in native, xen and kvm")

# hot: every hot op with a bench keeps its all-inline count; paths no worse.
hot = [op for op in ops("HOT") if op in BENCH_OPS]
check(len(hot) >= 6, f"only {len(hot)} hot ops have a bench: {hot}")
names = hot + PATHS + ["cpuid"]
paths = PATHS + [f"work.{p}" for p in PHASES]
for on, v in [("native", "native"), ("xen", "xen")]:
    a = bench(image(f"{v}.elf"), on, names)
    h = bench(os.path.join(WORK, "hot", f"{v}.elf"), on, names)
    for n in hot:
        check(h[n] == a[n], f"{on}: hot op {n}: {h[n]} instructions under the hot policy, "
              f"{a[n]} all-inline")
    for n in paths:
        check(h[n] <= a[n], f"{on}: {n}: {h[n]} instructions under the hot policy, "
              f"{a[n]} all-inline")
    check(h["cpuid"] > a["cpuid"], f"{on}: cold op cpuid costs no call: {h['cpuid']} vs {a['cpuid']}")
    print(f"hot on {on}: " + ", ".join(f"{n} {h[n]:g}" for n in hot) +
          " instructions, as all-inline; paths (hot/all) " +
          ", ".join(f"{n} {h[n]:g}/{a[n]:g}" for n in paths) +
          f"; cold cpuid {h['cpuid']:g}/{a['cpuid']:g}")
