# On Xen: a byte flipped in the xen delta, payload hash fixed up; the stub
# (on Xen's console) reports the image hash mismatch and stops Xen with
# status 5; the kernel never starts.
from blib import *

check_corrupt_delta("xen", "xen", [])
