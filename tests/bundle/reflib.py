"""reflib: the reference tables of encoding-2 regions (FORMAT.md 3.8), read
from a bundle's payload for the corruption tests (imported, not a test)."""
import struct

from blib import F, check, fix_payload_hash, section, xxh64


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


def move_table(data, pl, variant):
    """The variant's move table (FORMAT.md 3.3): a dict of the file
    offsets [start, end) of its three columns ("gaps", "lengths",
    "changes") and "entries", the (start, len, delta) it decodes to;
    None if it has none."""
    e = pl["off"] + pl["variants"][variant]["entry"]
    n, off, ln = (struct.unpack_from("<I", data, e + F[k])[0]
                  for k in ("HVB_VE_MOVE_COUNT", "HVB_VE_MOVE_OFF", "HVB_VE_MOVE_LEN"))
    if not n:
        check(off == 0 and ln == 0, f"{variant}: no move entry, but a move table at {off}+{ln}")
        return None
    i = pl["off"] + off
    cols, vals = {}, []
    for name in ("gaps", "lengths", "changes"):
        start, col = i, []
        for _ in range(n):
            v, i = uvar(data, i)
            col.append(v)
        cols[name] = (start, i)
        vals.append(col)
    check(i == pl["off"] + off + ln, f"{variant}: the move table's columns end at "
          f"{i - pl['off']}, its length says {off + ln}")
    entries, end, delta = [], 0, 0
    for gap, length, z in zip(*vals):
        delta = (delta + ((z >> 1) ^ -(z & 1))) & 0xffffffff
        entries.append((end + gap, length, delta))
        end += gap + length
    return dict(cols, entries=entries)


def fix_hashes(d, pl):
    """The payload hash, and the extract data's record of it and its own
    hash, made to match a changed payload: only the applier's checks and
    the image hashes can then see the change."""
    fix_payload_hash(d, pl)
    xo, _ = section(d, F["HVB_SEC_EXTRACT"])
    struct.pack_into("<8s", d, xo + F["HVB_XH_PAYLOAD_HASH"],
                     bytes(d[pl["off"] + F["HVB_PH_PAYLOAD_HASH"]:][:8]))
    size, = struct.unpack_from("<Q", d, xo + F["HVB_XH_SIZE"])
    struct.pack_into("<Q", d, xo + F["HVB_XH_HASH"],
                     xxh64(bytes(d[xo + F["HVB_XH_HASHED_FROM"]:xo + size])))
