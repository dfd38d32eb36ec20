# The stub decodes frames made against the base in reference space
# (FORMAT.md 3.3, HVB_VF_REFPREFIX): our kernel's native, xen and kvm
# packed with --compress zstd and those frames forced.  Before it decodes
# a variant's frame the stub turns every site of the base's site table
# into reference space in the work area, and after it turns them back.
# As Xen's PV dom0 it starts xen (hash of xen.elf, self-test passing), on
# native with hvb.variant=kvm it rebuilds kvm (hash of kvm.elf).  With the
# table's site count made larger than its bytes can hold (payload hash
# fixed up) the stub stops with ref_table before decoding anything.
from zbundle import *
from reflib import uvar

os.environ["HVB_PACK_REFPREFIX"] = "always"
zb, data, pl = zbundle("bundle-refprefix.elf")
PO = pl["off"]
for v in ("xen", "kvm"):
    fl, = struct.unpack_from("<I", data, PO + pl["variants"][v]["entry"] + F["HVB_VE_FLAGS"])
    check(pl["variants"][v]["frame_len"] > 0 and fl & F["HVB_VF_REFPREFIX"],
          f"{v}: frame {pl['variants'][v]['frame_len']} B, flags {fl:#x}")
toff, tlen = struct.unpack_from("<II", data, PO + F["HVB_PH_REFS_OFF"])
check(F["HVB_PH_REFS_LEN"] == F["HVB_PH_REFS_OFF"] + 4, "refs_len follows refs_off")
check(tlen > 0, "no base site table")

b = boot(zb, "xen", ["selftest"], expect_rc=0)
s = check_stub_line(b, "xen", "xen-entry", "xen")
ev = b.one("boot")
h = host_image_hash(image("xen.elf"))
check(ev["variant"] == "xen" and ev["image_hash"] == h, f"kernel {ev}, xen.elf hashes {h}")
check_selftest(b)
check_done(b, 0)
print(f"xen: stub {s}")

b = boot(zb, "native", ["hvb.variant=kvm"], expect_rc=1)	# kvm on TCG: status 3
ev = b.one("boot")
h = host_image_hash(image("kvm.elf"))
check(ev["variant"] == "kvm" and ev["image_hash"] == h, f"kernel {ev}, kvm.elf hashes {h}")
print(f"native, hvb.variant=kvm: rebuilt kvm.elf ({pl['variants']['kvm']['frame_len']}-byte frame)")

n, nxt = uvar(data, PO + toff)
check(nxt == PO + toff + 2, f"site count {n} is not two bytes long")
d = bytearray(data)
d[PO + toff:nxt] = b"\xff\x7f"	# 16,383 sites: more than its bytes hold
fix_payload_hash(d, pl)
expect_caught(write(d, "refprefix-count.elf"), "native", ["hvb.variant=kvm"], ("ref_table",))
