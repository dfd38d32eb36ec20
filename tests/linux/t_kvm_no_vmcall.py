"""The KVM-capable kernels hold no KVM hypercall (this machine's KVM never
returns from vmcall): with SMP off, Linux 6.1 compiles none of its KVM
hypercall sites (pv IPIs, sched-yield, spinlock kicks).  Every vmcall or
vmmcall left, in place or as an alternative's replacement, is in a vmware_*
function (VMware's backdoor) or a xen_hypercall_* stub (Xen HVM's), each
used only after its hypervisor's CPUID signature."""
import bisect
import struct
import subprocess
from llib import check, vmlinux

HYPERCALLS = (b"\x0f\x01\xc1", b"\x0f\x01\xd9")   # vmcall, vmmcall


def functions(path):
    out = subprocess.run(["nm", "-n", path], stdout=subprocess.PIPE, check=True)
    syms = [(int(f[0], 16), f[2]) for f in (l.split() for l in out.stdout.decode().splitlines())
            if len(f) == 3 and f[1] in "tTwW"]
    return [a for a, _ in syms], [n for _, n in syms]


def sections(path, data):
    phoff, shoff = struct.unpack_from("<QQ", data, 32)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 58)
    sh = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize) for i in range(shnum)]
    stroff = sh[shstrndx][4]
    return {data[stroff + s[0]:data.index(b"\0", stroff + s[0])].decode(): (s[3], s[4], s[5])
            for s in sh}


def hypercall_sites(v):
    """Addresses of code that is or may become vmcall/vmmcall: in-place
    instructions (objdump) and sites whose alternative replacement is one."""
    path = vmlinux(v)
    data = open(path, "rb").read()
    secs = sections(path, data)
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "-j", ".text", "-j",
                          ".init.text", path], stdout=subprocess.PIPE, check=True)
    sites = [int(l.split(":")[0], 16) for l in out.stdout.decode().splitlines()
             if l.split("\t")[-1].strip() in ("vmcall", "vmmcall")]
    addr, off, size = secs[".altinstructions"]
    raddr, roff, _ = secs[".altinstr_replacement"]
    for e in range(0, size - size % 12, 12):
        io, ro, _, _, rlen = struct.unpack_from("<iiHBB", data, off + e)
        repl = addr + e + 4 + ro
        code = data[roff + repl - raddr:roff + repl - raddr + rlen]
        if any(h in code for h in HYPERCALLS):
            sites.append(addr + e + io)
    return sites


for v in ["native", "kvm", "xen", "pvops"]:
    addrs, names = functions(vmlinux(v))
    funcs = sorted({names[bisect.bisect_right(addrs, a) - 1] for a in hypercall_sites(v)})
    bad = [f for f in funcs if not f.startswith(("vmware_", "xen_hypercall_"))]
    check(not bad, f"{v}: vmcall/vmmcall outside VMware's and Xen's code, in {bad}")
    print(f"{v}: vmcall/vmmcall only in {funcs}")
