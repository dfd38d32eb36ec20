# The runtime-patched image on KVM, patched and with pv.patch=0: the same
# checks as t_pvops.py (skips, saying why, where /dev/kvm is unusable).
HVB_PVOPS_KVM=1 exec python3 tests/boot/t_pvops.py
