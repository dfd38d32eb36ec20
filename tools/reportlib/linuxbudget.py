"""linuxbudget: where issue 10's size target (the Linux bundle at most 1.1x
pvops Linux, both zstd -19) is won or lost, from measured bytes only.

Beyond native's own vmlinux (which the bundle's base and its symbols
reproduce), the target leaves a budget.  Xen's stored delta spends most of
it, and is split here into what pvops Linux carries as well (the functions
and objects only xen has, by `bundler diff --json`, their bytes compressed
alone) and the rest: the second copy, PARAVIRT_XXL's, of the functions
whose code changes when pv ops are calls.  Whatever else the bundle holds
(kvm's delta, the stub, the tables, the variants' symbols) is measured as
the bundle's zstd -19 less native's and less xen's delta.  So the line
that matters: how small the second copy would have to be for 1.1x."""
import json
import subprocess

from reportlib.data import zstd19
from reportlib.elf64 import file_bytes

TARGET = 1.1


def only_in_variant(bundler, base_path, var_path, prog):
    """(raw bytes, zstd -19 bytes, functions, objects) of what only the
    variant has, by the bundler's own diff: each such symbol's loaded
    bytes (none for bss), concatenated in the diff's order."""
    p = subprocess.run([bundler, "diff", base_path, var_path, "--json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    diff = json.loads(p.stdout)
    with open(var_path, "rb") as f:
        data = f.read()
    parts, counts = [], {"function": 0, "object": 0}
    for d in diff["differences"]:
        if d["kind"] not in counts or d["status"] != ["only_in_b"]:
            continue
        counts[d["kind"]] += 1
        try:
            parts.append(file_bytes(data, int(d["addr_b"], 16), d["size_b"]))
        except ValueError:
            pass
    raw = b"".join(parts)
    return len(raw), zstd19(raw, prog), counts["function"], counts["object"]


def budget(native_z, pvops_z, bundle_z, xen_delta, own_z):
    """The figures of the target's budget, every one measured or a
    difference of measured ones."""
    target = int(TARGET * pvops_z + 0.5)
    room = target - native_z
    rest = bundle_z - native_z - xen_delta
    second = xen_delta - own_z
    allowed = room - rest - own_z
    return {"target_bytes": target, "budget_beyond_native": room,
            "xen_delta": xen_delta, "xen_own_zstd19": own_z,
            "xen_second_copy": second, "everything_else": rest,
            "second_copy_allowed": allowed,
            "second_copy_allowed_share": round(allowed / second, 4) if second > 0 else None,
            "over_target": bundle_z - target}


def markdown(b):
    """The section of linux.md."""
    o = b["only_in_xen"]
    return ["", f"### Where the {TARGET}x budget goes", "",
            f"{TARGET}x pvops is {b['target_bytes']:,} B; beyond native's own vmlinux that leaves "
            f"{b['budget_beyond_native']:,} B. Xen's stored delta is {b['xen_delta']:,} B: "
            f"its own code and data ({o['functions']:,} functions and {o['objects']:,} objects "
            f"only xen has, {o['raw_bytes']:,} B, {b['xen_own_zstd19']:,} B under zstd -19 "
            "alone), which pvops Linux carries too, and "
            f"{b['xen_second_copy']:,} B for the rest: chiefly the second copy "
            "(PARAVIRT_XXL's) of the functions whose code changes when pv ops are calls. "
            "Everything else the bundle holds (kvm's delta, the stub, the tables, the "
            f"variants' symbols) costs {b['everything_else']:,} B of its zstd -19. "
            f"For {TARGET}x the second copy would have to fit in "
            f"{b['second_copy_allowed']:,} B"
            + (f", {100 * b['second_copy_allowed_share']:.0f}% of what it is."
               if b["second_copy_allowed_share"] is not None else ".")]
