# t_bigframe.py's variant as Xen's PV dom0: our xen kernel relinked with
# the 6 MiB array (bigframe.py), against the same kernel relinked without
# it, both by one script that fixes Xen's hypercall page (a bundle's Xen
# variants share the page its notes name).  The variant is one frame
# decoding past 4 MiB; the stub applies it from its per-bundle scratch,
# enters it through its Xen entry, and the kernel hashes to the relinked
# file.  Skips while pack frames nothing where Xen writes its hypercall
# page into the work area (the hcframe work lifts that).
from bigframe import *

obj = big_object()
# Xen: base and variant linked by one script that fixes the hypercall page
xld = fixed_hypercall_page_ld()
xenbase = relink("xen", None, xld, "xen-base.elf")
xenbig = relink("xen", obj, xld, "xen-big.elf")
xout, msg = pack("bigframe-xen.elf", "xen=" + xenbase, "xenbig", xenbig)
if "no frames" in msg and not payload(open(xout, "rb").read())["variants"]["xenbig"]["frame_len"]:
    skip("pack frames nothing where Xen writes its hypercall page into the work area "
         "(the hcframe work lifts that); the Xen half waits for it")
xdata, _, _, xv = check_framed(xout, "xenbig")
check_done(boot_big(xout, "xen", "xenbig", xenbig, xv["frame_len"], 0), 0)
