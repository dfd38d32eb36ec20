# The native image on native (QEMU TCG): boot line, self-test, bench lines,
# and the image hash the kernel computed equals the hash of the file.
from hvbtest import *

img = image("native.elf")
b = boot(img, "native", ["selftest", "bench", "bench.reps=3", "bench.target_us=500"], expect_rc=0)
boot_ev = b.one("boot")
check(boot_ev["variant"] == "native", f"variant {boot_ev['variant']}")
check(boot_ev["platform"] == "native", f"platform {boot_ev['platform']}")
check(boot_ev["strategy"] == "direct", f"strategy {boot_ev['strategy']}")
check(boot_ev["clock"] == "tsc", f"clock {boot_ev['clock']}")
check(boot_ev["signature"] == "TCGTCGTCGTCG", f"signature {boot_ev['signature']}")
h = host_image_hash(img)
check(boot_ev["image_hash"] == h, f"kernel hashed {boot_ev['image_hash']}, file hashes {h}")
check_selftest(b)
check_bench(b, "native")
check_done(b, 0)
