"""elf64: bytes of an ELF64 file by virtual address, through its PT_LOAD
program headers (what a loader copies)."""
import struct


def file_bytes(data, vaddr, size):
    """SIZE bytes at virtual address VADDR of the ELF64 file DATA;
    ValueError where no segment's file bytes hold them (bss, or none)."""
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    for i in range(phnum):
        ptype, _, off, va, _, filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data,
                                                                phoff + i * phentsize)
        if ptype == 1 and va <= vaddr and vaddr + size <= va + filesz:
            return data[off + vaddr - va:off + vaddr - va + size]
    raise ValueError(f"{vaddr:#x}+{size}: not in a loaded segment")
