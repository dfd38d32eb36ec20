"""The whole boot to /init, counted exactly (tools/icount-calls --at, what
tools/patchcost's boot_to_init is): on native and as Xen dom0, the count
at /init's entry point (read from the vmlinux's initramfs, the same bytes
as build/linux/init/init when that built it) is a boot's worth of
instructions, and the count at init's main, reached after the entry's
page fault and a few instructions of _start, is larger by a page fault's
worth: the counter runs in the boot's order and counts instructions, not
time.  Under Xen the count also holds SeaBIOS and Xen's own boot: it is
checked to be above native's, and the kernel's first instruction (Xen's
entry note; a PV kernel runs in ring 3) is reached between."""
import json
import os
import subprocess
import sys
import tempfile

from llib import ROOT, check, vmlinux

sys.path.insert(0, os.path.join(ROOT, "tools"))
from reportlib.initramfs import init_entry, init_file  # noqa: E402
from reportlib.stubs import symbols  # noqa: E402
from reportlib.xennote import xen_entry  # noqa: E402


def main_of(image):
    """The address of main in IMAGE's /init."""
    with tempfile.NamedTemporaryFile(suffix=".init") as f:
        f.write(init_file(image))
        f.flush()
        return symbols(f.name)["main"]


def count(variant, on):
    image = vmlinux(variant)
    entry, main = init_entry(image), main_of(image)
    built = os.path.join(os.path.dirname(os.path.dirname(image)), "init", "init")
    if os.path.exists(built) and os.path.getmtime(built) <= os.path.getmtime(image):
        check(open(built, "rb").read() == init_file(image),
              f"{image}: its initramfs /init is not {built}")
    dom0 = ["--at", f"entry={xen_entry(image):x}"] if on == "xen" else []
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "icount-calls"), image,
                        "--on", on, "--at", f"init={entry:x}", "--at", f"main={main:x}", *dom0,
                        "--timeout", "240", "--record-seconds", "90"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(p.returncode == 0, f"icount-calls exited {p.returncode}: {p.stderr.decode()[-1500:]}")
    r = json.loads(p.stdout)
    check(set(r["at"]) == {"init", "main"} | ({"entry"} if dom0 else set()),
          f"{variant} on {on}: reached {r['at']}, "
          f"stderr: {p.stderr.decode()[-500:]}")
    check(any(e.get("event") == "linux" for e in r["events"]),
          f"{variant} on {on}: the init printed no linux line: {r['events']}")
    at, m = r["at"]["init"]["instructions_before"], r["at"]["main"]["instructions_before"]
    print(f"{variant} on {on}: /init at {entry:#x} after {at} instructions, its main after "
          f"{m} ({m - at} later)")
    check(r["at"]["init"]["address"] == entry, f"reached at {r['at']['init']}")
    check(10_000_000 < at < 20_000_000_000, f"{at} instructions is no boot of Linux")
    # the entry's page fault (Linux maps the page in) and _start's few
    check(100 < m - at < 200_000, f"main {m - at} instructions after the entry")
    if dom0:
        # the kernel Xen starts runs in ring 3: its first instruction is
        # counted too, after Xen's boot and before the dom0's own
        e = r["at"]["entry"]["instructions_before"]
        print(f"  as dom0: startup_xen after {e}, dom0's own boot to /init {at - e}")
        check(10_000_000 < e < at and 10_000_000 < at - e,
              f"dom0 entered after {e} instructions, /init after {at}")
    return at


native = count("native", "native")
xen = count("xen", "xen")
check(xen > native, f"as Xen dom0 ({xen}) the boot to /init is not above native's ({native}), "
      "though Xen's own boot is in it")
