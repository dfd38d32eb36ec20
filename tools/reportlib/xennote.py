"""xennote: where Xen starts a PV dom0 kernel: the XEN_ELFNOTE_ENTRY
(type 1) note of its ELF file, a virtual address.  A 64-bit PV kernel runs
in ring 3, so its first instruction is a user-mode point for
tools/icount-calls --at (the bundle's note names its stub's entry)."""
import struct

XEN_ELFNOTE_ENTRY = 1


def xen_entry(path):
    """The entry address in PATH's Xen ELF notes; ValueError if it has none."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise ValueError(f"{path}: not an ELF64 file")
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    for i in range(phnum):
        ptype, _, off, _, _, filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data,
                                                               phoff + i * phentsize)
        pos, end = off, off + filesz
        while ptype == 4 and pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
            name = data[pos + 12:pos + 12 + namesz].rstrip(b"\0")
            desc = pos + 12 + (namesz + 3) // 4 * 4
            if name == b"Xen" and ntype == XEN_ELFNOTE_ENTRY and descsz == 8:
                return struct.unpack_from("<Q", data, desc)[0]
            pos = desc + (descsz + 3) // 4 * 4
    raise ValueError(f"{path}: no Xen entry note (XEN_ELFNOTE_ENTRY)")
