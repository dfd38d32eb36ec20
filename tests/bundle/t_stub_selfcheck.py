# The stub checks its own bytes before it acts (stub/selfcheck.S): one
# byte changed in its C code, its rodata, its parameters or its
# self-check word, and it stops with stub_hash and status 5 before any
# other code of it runs (no "stub" line, no kernel), on native and on
# Xen.  The same byte fixed back up with the right hash (fix_stub_check)
# boots: the check compares the real hash, not a constant.  And verify
# names the stub's part as the corrupt one.
import subprocess

from blib import *

data = bytes(open(bundle(), "rb").read())
at = stub_check_off(data)
n, = struct.unpack_from("<I", data, at + F["HVB_SC_LEN"])
start = at - n
po = params_off(data)
check(start < po < at, f"the parameters {po:#x} are outside the checked bytes [{start:#x}, {at:#x})")
out = subprocess.run(["nm", bundle()], stdout=subprocess.PIPE, check=True).stdout.decode()
# places: in the middle of the C code (well after the first stage), a
# rodata string, the payload size parameter, the check word itself
places = {"code": start + n // 3, "rodata": data.index(b"unknown hypervisor", start, at),
          "params": po + F["HVB_SP_PAYLOAD_SIZE"], "word": at + F["HVB_SC_HASH"] + 1}
for name, off in places.items():
    bad = bytearray(data)
    bad[off] ^= 0x24
    expect_stub_error(write(bad, f"stub-{name}.elf"), "native", [], "stub_hash")
    v = subprocess.run([BUNDLER, "verify", write(bad, f"v-{name}.elf")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    msg = v.stdout.decode()
    check(v.returncode == 1 and "boot check: stub0 " in msg and "is corrupt" in msg,
          f"verify of a corrupt stub ({name}): exit {v.returncode}: {msg}")

# the code byte changed and the word fixed up: the stub runs it (the
# change is in a byte whose new value still boots: a rodata byte of the
# failure text the stub never prints on a good boot)
ok = bytearray(data)
text = data.index(b"not packed by", start, at)
ok[text] ^= 0x20
fix_stub_check(ok)
b = boot(write(ok, "stub-fixed.elf"), "native", [], expect_rc=0)
check(b.all("stub") and b.all("boot"), "a stub whose word matches its bytes did not boot")

bad = bytearray(data)
bad[places["code"]] ^= 0x24
expect_stub_error(write(bad, "stub-xen.elf"), "xen", [], "stub_hash")
