# tools/inlinecost's decomposition accounts for every instruction: its
# per-iteration totals (from QEMU's execution trace) equal the exact bench
# counts under icount, direct and pvops patched, and the pvops side has the
# call and ret the direct side inlined away.
import os
import re
import subprocess
from hvbtest import *

ops = ["cpuid", "console_write"]
p = subprocess.run([os.path.join(ROOT, "tools", "inlinecost"), "--ops", ",".join(ops),
                    "--markdown"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
out = p.stdout.decode()
check(p.returncode == 0, f"tools/inlinecost exited {p.returncode}: {out}")
args = ["bench=" + ",".join(ops), "bench.reps=3", "bench.target_us=100"]
direct = {e["name"]: e for e in boot(image("native.elf"), "native", args, icount=True,
                                     expect_rc=0).all("bench")}
patched = {e["name"]: e for e in boot(image("pvops.elf"), "native", args, icount=True,
                                      expect_rc=0).all("bench")}
for op in ops:
    m = re.search(rf"^\| {op} \|.*\| (\d+) / (\d+) \|$", out, re.M)
    check(m, f"no row for {op} in:\n{out}")
    d, pt = int(m.group(1)), int(m.group(2))
    check(d == direct[op]["ticks_min"] and pt == patched[op]["ticks_min"],
          f"{op}: inlinecost counts {d} / {pt}, bench under icount {direct[op]['ticks_min']} / "
          f"{patched[op]['ticks_min']}")
    calls = re.search(rf"^\| {op} \| [^|]+ \| (\d+) / (\d+)", out, re.M)
    check(calls and int(calls.group(1)) == 0 and int(calls.group(2)) == 2,
          f"{op}: expected no call/ret inline and one call and ret patched: {out}")
print(out)
