"""initramfs: the entry point of /init as built into a vmlinux.  Linux
links its initramfs (a newc cpio archive, compressed as the config says)
between __initramfs_start and the word __initramfs_size; our init
(linux/init) is its /init, a static ELF.  Its entry point is where the
first user-space instruction of the boot runs (tools/patchcost counts the
instructions up to it)."""
import gzip
import struct

from .elf64 import file_bytes
from .stubs import symbols


def _cpio_file(archive, want):
    """The contents of the file named WANT in a newc cpio archive."""
    pos = 0
    while pos + 110 <= len(archive):
        if archive[pos:pos + 6] not in (b"070701", b"070702"):
            raise ValueError(f"no cpio header at offset {pos}")
        size = int(archive[pos + 54:pos + 62], 16)
        namesize = int(archive[pos + 94:pos + 102], 16)
        name = archive[pos + 110:pos + 110 + namesize - 1].decode("utf-8", "replace")
        start = (pos + 110 + namesize + 3) & ~3
        if name == want:
            return archive[start:start + size]
        if name == "TRAILER!!!":
            break
        pos = (start + size + 3) & ~3
    raise ValueError(f"no {want} in the initramfs")


def init_file(vmlinux):
    """The bytes of /init in VMLINUX's built-in initramfs (an ELF64 file);
    ValueError (saying what is wrong) when it has none."""
    syms = symbols(vmlinux)
    if "__initramfs_start" not in syms or "__initramfs_size" not in syms:
        raise ValueError(f"{vmlinux}: no built-in initramfs (__initramfs_start)")
    with open(vmlinux, "rb") as f:
        data = f.read()
    size, = struct.unpack("<Q", file_bytes(data, syms["__initramfs_size"], 8))
    blob = file_bytes(data, syms["__initramfs_start"], size)
    archive = gzip.decompress(blob) if blob[:2] == b"\x1f\x8b" else blob
    init = _cpio_file(archive, "init")
    if init[:4] != b"\x7fELF" or init[4] != 2:
        raise ValueError(f"{vmlinux}: its /init is not an ELF64 file")
    return init


def init_entry(vmlinux):
    """The entry address of /init in VMLINUX's built-in initramfs; ValueError
    when it has none."""
    entry, = struct.unpack_from("<Q", init_file(vmlinux), 24)
    return entry
