# A bundle packed without kvm, booted with hvb.variant=kvm: the stub says
# the variant is not in the bundle and starts nothing.
from blib import *

out = os.path.join(TMP, "nokvm.elf")
r = subprocess.run([BUNDLER, "pack", "-o", out, "--base", "native=" + image("native.elf"),
                    "--variant", "xen=" + image("xen.elf"), "--stub", stub_elf()],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
check(r.returncode == 0, "pack without kvm failed: " + r.stdout.decode())
b = expect_stub_error(out, "native", ["hvb.variant=kvm"], "no_variant")
check(b.one("stub_error").get("variant") == "kvm", "error line does not name kvm")
