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


def site_table(data, i):
    """The columns of the site table at data[i] (FORMAT.md 3.8): a dict of
    [start, end) file offsets, "counts" (n, and m if n > 0), "bitmap",
    "kinds", "gaps"; and "end"."""
    start = i
    n, i = uvar(data, i)
    m = 0
    if n:
        m, i = uvar(data, i)
    out = dict(counts=(start, i))
    out["bitmap"] = (i, i + (n + 7) // 8)
    i = out["bitmap"][1]
    out["kinds"] = (i, i + (m * F["HVB_REF_KIND_BITS"] + 7) // 8)
    i = out["kinds"][1]
    g = i
    for _ in range(n):
        _, i = uvar(data, i)
    out["gaps"] = (g, i)
    out["end"] = i
    return out


def ref_regions(data, pl, variant):
    """The variant's encoding-2 regions, each with the file offsets of its
    two tables: [start, end) of the extra sites (a site table) and of the
    exclusions (a count, then as many varints)."""
    out = []
    for r in pl["variants"][variant]["regions"]:
        if r["enc"] != F["HVB_ENC_REFOPS"]:
            continue
        base = pl["off"] + r["data_off"]
        tabs = [(base, site_table(data, base)["end"])]
        i = tabs[0][1]
        n, i = uvar(data, i)
        for _ in range(n):
            _, i = uvar(data, i)
        tabs.append((tabs[0][1], i))
        check(i <= base + r["data_len"], "reference tables run past the region's data")
        out.append(dict(r, tables=tabs))
    return out
