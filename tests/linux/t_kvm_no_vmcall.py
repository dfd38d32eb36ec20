"""The KVM-capable kernels add no KVM hypercall (this machine's KVM never
returns from vmcall): with SMP off, Linux 6.1 compiles none of its KVM
hypercall sites (pv IPIs, sched-yield, spinlock kicks).  The only vmcall or
vmmcall instructions left are the ones the direct build has too (VMware's
backdoor, used only after VMware's CPUID signature)."""
import subprocess
from llib import check, vmlinux


def hypercall_functions(v):
    p = subprocess.run(["objdump", "-d", "--no-show-raw-insn", vmlinux(v)],
                       stdout=subprocess.PIPE, check=True)
    lines = p.stdout.decode("utf-8", "replace").splitlines()
    check(len(lines) > 100000, f"{v}: objdump gave only {len(lines)} lines")
    funcs, cur = set(), None
    for line in lines:
        if line.endswith(">:"):
            cur = line.split("<", 1)[1][:-2]
        elif line.split("\t")[-1].split()[:1] in (["vmcall"], ["vmmcall"]):
            funcs.add(cur)
    return funcs


native = hypercall_functions("native")
print(f"native: vmcall/vmmcall in {sorted(native)}")
for v in ["kvm", "pvops"]:
    extra = hypercall_functions(v) - native
    check(not extra, f"{v}: KVM hypercalls in {sorted(extra)}")
    print(f"{v}: no vmcall/vmmcall beyond the direct build's")
