# The bundle's variant table is each image's own: for every variant,
# `bundler list --json` gives the vaddr, filesz and memsz of the image's
# loaded span, its PVH and Xen entries and its hashes, and each is compared
# with what the image's ELF program headers and notes say (read here, not
# through the bundler) and with xxhsum of its bytes.
import json
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from hvbtest import check, host_image_hash, image

BUNDLER = os.environ["BUNDLER"]
PT_LOAD, PT_NOTE = 1, 4
XEN_ELFNOTE_ENTRY, XEN_ELFNOTE_PHYS32_ENTRY = 1, 18


def elf_facts(path):
    d = open(path, "rb").read()
    check(d[:4] == b"\x7fELF" and d[4] == 2, f"{path}: not ELF64")
    phoff, = struct.unpack_from("<Q", d, 32)
    phentsize, phnum = struct.unpack_from("<HH", d, 54)
    loads, notes = [], {}
    for i in range(phnum):
        t, _, off, va, _, fsz, msz = struct.unpack_from("<IIQQQQQ", d, phoff + i * phentsize)
        if t == PT_LOAD and msz:
            loads.append((va, fsz, msz))
        elif t == PT_NOTE:
            p = off
            while p + 12 <= off + fsz:
                nsz, dsz, typ = struct.unpack_from("<III", d, p)
                name = d[p + 12:p + 12 + nsz].rstrip(b"\0")
                desc = p + 12 + (nsz + 3) // 4 * 4
                if name == b"Xen":
                    notes[typ] = int.from_bytes(d[desc:desc + dsz], "little")
                p = desc + (dsz + 3) // 4 * 4
    check(loads, f"{path}: no PT_LOAD")
    lo = min(va for va, _, _ in loads)
    return {"vaddr": lo,
            "filesz": max(va + fsz for va, fsz, _ in loads if fsz) - lo,
            "memsz": max(va + msz for va, _, msz in loads) - lo,
            "pvh_entry": notes.get(XEN_ELFNOTE_PHYS32_ENTRY, 0),
            "xen_entry": notes.get(XEN_ELFNOTE_ENTRY, 0)}


def xxh64_file(path):
    out = subprocess.run(["xxhsum", "-H64", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=True)
    return out.stdout.decode().split()[0]


p = subprocess.run([BUNDLER, "list", "--json", image("bundle.elf")], stdout=subprocess.PIPE)
check(p.returncode == 0, f"bundler list --json exited {p.returncode}")
table = json.loads(p.stdout)["variants"]
check(len(table) >= 3, f"only {len(table)} variants in the bundle")
for v in table:
    elf = image(f"{v['name']}.elf")
    want = elf_facts(elf)
    for k, w in want.items():
        got = int(v[k], 0) if isinstance(v[k], str) else v[k]
        check(got == w, f"{v['name']}: the table's {k} is {got:#x}, the image's is {w:#x}")
    check(v["image_hash"] == host_image_hash(elf),
          f"{v['name']}: the table's image hash {v['image_hash']}, the image's {host_image_hash(elf)}")
    check(v["file_size"] == os.path.getsize(elf) and v["file_hash"] == xxh64_file(elf),
          f"{v['name']}: file size/hash {v['file_size']}/{v['file_hash']}, the file's "
          f"{os.path.getsize(elf)}/{xxh64_file(elf)}")
    print(f"{v['name']}: vaddr {want['vaddr']:#x} filesz {want['filesz']} memsz {want['memsz']} "
          f"pvh {want['pvh_entry']:#x} xen {want['xen_entry']:#x}: as the image says")
