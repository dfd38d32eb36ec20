"""llib: what the Linux tests share: the variants' paths, and booting one
through tools/boot (hvbtest.boot), checking the init's @hvb lines."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from hvbtest import boot, check, check_done, fail  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINUX = os.path.join(os.environ.get("BUILD", os.path.join(ROOT, "build")), "linux")
VARIANTS = ["native", "kvm", "xen", "pvops"]
# The init's workload ops (linux/init/workload.c).
OPS = ["syscall", "fault", "munmap", "pipe", "clock_syscall", "clock_vdso"]
# What Linux says it runs on ("Hypervisor detected: ..."), per platform:
# nothing on TCG (QEMU's "TCGTCGTCGTCG" signature is no hypervisor it knows).
DETECTED = {"native": "", "kvm": "KVM", "xen": "Xen PV"}


def vmlinux(variant):
    p = os.path.join(LINUX, variant, "vmlinux")
    if not os.path.exists(p):
        fail(f"{p} is missing: run 'make linux' first")
    return p


def config(variant):
    """The variant's .config as {option: value}, unset options left out."""
    p = os.path.join(LINUX, variant, ".config")
    if not os.path.exists(p):
        fail(f"{p} is missing: run 'make linux' first")
    return read_config(p)


def read_config(p):
    """A Linux .config file as {option: value}, unset options left out."""
    opts = {}
    with open(p) as f:
        for line in f:
            if line.startswith("CONFIG_"):
                k, v = line.rstrip("\n").split("=", 1)
                opts[k[len("CONFIG_"):]] = v
    return opts


def bundle():
    """build/linux/bundle.elf (make linux-bundle): native whole, kvm and xen."""
    p = os.path.join(LINUX, "bundle.elf")
    if not os.path.exists(p):
        fail(f"{p} is missing: run 'make linux' (or 'make linux-bundle') first")
    return p


def boot_linux(variant, on, icount=False, timeout=240, image=None, args=()):
    """Boot VARIANT's vmlinux (or IMAGE, a bundle expected to choose VARIANT)
    on ON; check the init saw that kernel, ran the whole workload and ended
    with status 0.  Returns the boot."""
    b = boot(image or vmlinux(variant), on, args=args, icount=icount, timeout=timeout)
    if b.rc != 0:
        print(b.out)
        fail(f"{image or variant} on {on}: tools/boot exited {b.rc}")
    hello = b.one("linux")
    check(hello["variant"] == variant,
          f"uname -r says {hello['release']!r}, expected the {variant} variant")
    check(hello["detected"] == DETECTED[on],
          f"{variant} on {on}: Linux detected {hello['detected']!r}, expected {DETECTED[on]!r}")
    ops = {e["op"]: e for e in b.all("workload")}
    for op in OPS:
        check(op in ops, f"workload op {op!r} did not report")
        check(ops[op]["per_op"] > 0 and ops[op]["n"] > 0, f"workload {op}: {ops[op]}")
    check(not b.all("error"), f"workload errors: {b.all('error')}")
    check_done(b, 0)
    return b


def boot_bundle(variant, on, icount=False, timeout=300, args=()):
    """Boot the Linux bundle on ON: the stub must say it chose VARIANT, from
    the right entry, after its image hash check (the stub writes its line
    only after the rebuild and the hash check passed: stub/stub.c run()),
    and the Linux it entered must be VARIANT's, running the workload to a
    clean status."""
    b = boot_linux(variant, on, icount=icount, timeout=timeout, image=bundle(), args=args)
    st = b.one("stub")
    check(st["variant"] == variant, f"the stub chose {st['variant']!r}, expected {variant!r}")
    check(st["entry"] == ("xen" if on == "xen" else "pvh"), f"stub entry {st['entry']!r} on {on}")
    check(not b.all("stub_error"), f"stub error: {b.all('stub_error')}")
    check(b.out.index('"event":"stub"') < b.out.index('"event":"linux"'),
          "the init spoke before the stub")
    return b
