"""Under -icount the init's workload figures are instruction counts that
repeat from boot to boot: over three boots of the direct build on native,
every op gives the same count.  tools/boot makes a Linux boot on native
repeatable: no RDRAND/RDSEED, and an RTC that starts at a fixed time and
runs in guest time (with the host's, Linux's random seed, and with it the
address-space layout, differed from boot to boot, and munmap's count
moved by up to 1.8%)."""
from llib import OPS, boot_linux, check

runs = []
for _ in range(3):
    b = boot_linux("native", "native", icount=True)
    runs.append({e["op"]: e["ticks"] for e in b.all("workload")})
for op in OPS:
    counts = [r[op] for r in runs]
    check(len(set(counts)) == 1, f"{op}: {counts} ticks")
print(runs)
