"""Under -icount the init's workload figures are exact instruction counts:
two boots of the direct build on native give the same count for every op."""
from llib import OPS, boot_linux, check

runs = []
for _ in range(2):
    b = boot_linux("native", "native", icount=True)
    runs.append({e["op"]: e["ticks"] for e in b.all("workload")})
for op in OPS:
    check(runs[0][op] == runs[1][op], f"{op}: {runs[0][op]} then {runs[1][op]} ticks")
print(runs[0])
