# A reference table made to claim more sites than its region can hold
# (the payload hash fixed up, so only the applier's own check can see it):
# the stub stops with ref_table and starts no kernel.  The bundle is packed
# here with stub.elf alone, which has encoding 2, so that pack uses it (with
# stub-norefs.elf given, as `make bundle` gives it, our kernel's bundle
# stores no encoding-2 region: FORMAT.md 3.10).
import subprocess

from blib import *
from reflib import ref_regions, uvar

refs_bundle = os.path.join(TMP, "refs.elf")
subprocess.run([BUNDLER, "pack", "-q", "-o", refs_bundle, "--base", "native=" + image("native.elf"),
                "--variant", "xen=" + image("xen.elf"), "--variant", "kvm=" + image("kvm.elf"),
                "--stub", stub_elf()], check=True)
data = bytearray(open(refs_bundle, "rb").read())
pl = payload(data)
done = False
for variant in ("kvm", "xen"):
    for r in ref_regions(data, pl, variant):
        start, _ = r["tables"][0]
        n, nxt = uvar(data, start)
        if nxt == start + 1 and r["old_len"] < 4 * 127:	# a one-byte count
            data[start] = 127	# more 4-byte fields than the region has room for
            fix_payload_hash(data, pl)
            expect_stub_error(write(data, "reftable.elf"), "native",
                              [f"hvb.variant={variant}"], "ref_table")
            done = True
            break
    if done:
        break
check(done, "no encoding-2 region under 508 bytes in kvm or xen: the test has nothing to damage")
