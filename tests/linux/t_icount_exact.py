"""Under -icount the init's workload figures are instruction counts that
repeat from boot to boot: over three boots of the direct build on native,
every op gives the same count, except munmap, which may move by up to 0.5%
(freeing pages goes to the per-CPU lists or in a batch to the buddy
allocator depending on the allocator's history, seen to move 0.13%)."""
from llib import OPS, boot_linux, check

runs = []
for _ in range(3):
    b = boot_linux("native", "native", icount=True)
    runs.append({e["op"]: e["ticks"] for e in b.all("workload")})
for op in OPS:
    counts = [r[op] for r in runs]
    if op == "munmap":
        check(max(counts) - min(counts) <= min(counts) * 0.005, f"munmap: {counts} ticks")
    else:
        check(len(set(counts)) == 1, f"{op}: {counts} ticks")
print(runs)
