"""reflib: the reference tables of encoding-2 regions (FORMAT.md 3.8), read
from a bundle's payload for the corruption tests (imported, not a test)."""
from blib import F, check


def uvar(data, i):
    """(value, next index) of the LEB128 varint at data[i]."""
    v = s = 0
    while True:
        b = data[i]
        i += 1
        v |= (b & 0x7f) << s
        s += 7
        if not b & 0x80:
            return v, i


def ref_regions(data, pl, variant):
    """The variant's encoding-2 regions, each with the file offsets of its
    two tables: [start, end) of the extra sites and of the exclusions (a
    count, then as many varints, like a site table)."""
    out = []
    for r in pl["variants"][variant]["regions"]:
        if r["enc"] != F["HVB_ENC_REFOPS"]:
            continue
        base = pl["off"] + r["data_off"]
        i, tabs = base, []
        for _ in range(2):
            start = i
            n, i = uvar(data, i)
            for _ in range(n):
                _, i = uvar(data, i)
            tabs.append((start, i))
        check(i <= base + r["data_len"], "reference tables run past the region's data")
        out.append(dict(r, tables=tabs))
    return out
