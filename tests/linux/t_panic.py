"""A Linux panic is a failure: with no init to run (rdinit names a missing
file and there is no root device) Linux panics; tools/boot must say so and
exit 3 (no done line), not time out or pass."""
import subprocess
import sys
from llib import ROOT, check, vmlinux
import os

p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "boot"), vmlinux("native"),
                    "--on", "native", "--timeout", "120", "--", "rdinit=/missing"],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
out = p.stdout.decode("utf-8", "replace")
print(out[-1500:])
check(p.returncode == 3, f"tools/boot exited {p.returncode}, expected 3")
check("Linux failed: Kernel panic" in out, "tools/boot did not report the panic")
check("TIMEOUT" not in out, "the panic was only noticed by the timeout")
