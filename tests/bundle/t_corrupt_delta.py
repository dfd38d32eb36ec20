# A byte flipped inside the kvm delta, with the payload hash fixed up so
# that only the image hash after applying can catch it.
from blib import *

check_corrupt_delta("kvm", "native", ["hvb.variant=kvm"])
