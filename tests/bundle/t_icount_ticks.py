# Under --icount the stub's ticks are exact: two runs give the same figure
# (kvm applied on native, so the delta path is measured).
from blib import *

t = []
for _ in range(2):
    b = boot(bundle(), "native", ["hvb.variant=kvm"], icount=True, expect_rc=1)
    s = check_stub_line(b, "kvm", "override", "pvh")
    t.append(s["ticks"])
check(t[0] == t[1] and t[0] > 0, f"ticks differ between runs: {t}")
print(f"stub apply ticks (instructions, kvm on native): {t[0]}")
