# A bundle file cut short inside the payload: QEMU would only say "Error
# while loading elf kernel"; tools/boot names the cut and exits 3 without
# booting anything.
from blib import *

data = open(bundle(), "rb").read()
pl = payload(data)
p = write(data[:pl["off"] + pl["size"] // 2], "cut.elf")
for on in ("native", "xen"):
    r = subprocess.run([sys.executable, BOOT, p, "--on", on, "--timeout", "60"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode()
    print(out.strip())
    check(r.returncode == 3, f"{on}: tools/boot exited {r.returncode}, expected 3")
    check("truncated image" in out and "PT_LOAD" in out, f"{on}: no clear message")
    check("@hvb" not in out, f"{on}: something booted")
