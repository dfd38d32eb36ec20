"""scale: the bundler at distribution scale (issue 9), as
tools/linux-scale-measure wrote it: build/report/scale-debian.json
(`make linux-scale-debian`: Debian's own Linux 6.1 amd64 and cloud-amd64
vmlinux) and build/report/scale.json (`make linux-scale`: the
x86_64_defconfig pair, native and xen).  The report's tables; the finding
is in claims_scale.py.  A file that is missing is said to be not run,
with the make target that writes it."""
from .render import table

# file name, title, what it measured, the make target that writes it, what that costs
SCALE_FILES = [
    ("scale-debian.json", "Debian's kernels", "Debian's own Linux 6.1 amd64 and cloud-amd64 "
     "(the -dbg packages' vmlinux, DWARF stripped, .symtab and .rela.* kept)",
     "make linux-scale-debian",
     "downloads about 1.1 GB with apt-get download, then packs for a few minutes"),
    ("scale.json", "x86_64_defconfig", "Linux 6.1 from x86_64_defconfig, native and xen "
     "(configs/linux/scale/)", "make linux-scale",
     "builds the two defconfig kernels first: hours on this shared host"),
]
STEPS = ["pack", "list", "verify"]


def mib(kib):
    return f"{kib / 1024:.0f}"


def missing_lines(name, what, target, cost):
    return [f"{what}.", "", f"**Missing**: not run here. `build/report/{name}` is written by "
            f"`{target}`, which {cost}.", ""]


def kernel_rows(s):
    """One row per kernel: name (base or variant), file, loaded, functions, zstd -19."""
    names = list(s["kernels"])
    return [[f"{v} ({'base' if i == 0 else 'variant'})" + (f", {k['release']}"
                                                          if k.get("release") else ""),
             k["file_bytes"], k["loaded_bytes"], k["functions"], k.get("zstd19_bytes", "-")]
            for i, v in enumerate(names) for k in [s["kernels"][v]]]


def bundle_rows(s):
    """The bundle, each variant's stored delta, and zstd --patch-from beside it."""
    b = s["bundle"]
    rows = [["bundle.elf", b["file_bytes"], b.get("zstd19_bytes", "-")]]
    if "separate_zstd19_bytes" in s:
        rows.append(["the kernels apart, each zstd -19", "-", s["separate_zstd19_bytes"]])
    for v, k in s["kernels"].items():
        d = k.get("delta")
        if d:
            rows.append([f"{v}: stored delta ({d['regions']} regions)", d["delta_bytes"], "-"])
        if "zstd19_patch_from_base_bytes" in k:
            rows.append([f"{v}: zstd -19 --patch-from the base", "-",
                         k["zstd19_patch_from_base_bytes"]])
    return rows


def step_rows(s):
    """pack, list, verify and each extract: CPU (user + system), peak RSS, wall."""
    steps = [(x, s[x]) for x in STEPS if x in s]
    steps += [(f"extract {v}" + (", byte for byte" if e.get("byte_exact") else
                                 ", **differs**"), e) for v, e in s.get("extract", {}).items()]
    return [[name, e["cpu_s"], e["user_s"], e["sys_s"], mib(e["peak_rss_kib"]), e["wall_s"]]
            for name, e in steps]


def platform(s):
    """The machine and its load, as the run recorded them."""
    m = s["machine"]
    return (f"{m.get('cpu', '?')}, {m.get('cpus', '?')} CPUs, Linux {m.get('kernel', '?')}; "
            f"load average {m['load_average_before']:.1f} before the pack, "
            f"{m.get('load_average_after', float('nan')):.1f} after")


def limits_line(s):
    """The issue's limits against the run, CPU time first (the pack's own
    work), wall clock as the supplementary figure."""
    p, lim = s["pack"], s["limits"]
    lw, lr = lim["pack_wall_s"], lim["pack_peak_rss_kib"]
    cpu_ok, rss_ok, wall_ok = p["cpu_s"] < lw, p["peak_rss_kib"] < lr, p["wall_s"] < lw
    return (f"Limits (issue 9): pack under {lw} s and {mib(lr)} MiB. CPU time "
            f"{p['cpu_s']} s ({'within' if cpu_ok else 'over'}), peak RSS "
            f"{mib(p['peak_rss_kib'])} MiB ({'within' if rss_ok else 'over'}); wall clock "
            f"{p['wall_s']} s ({'within' if wall_ok else 'over'}): a supplementary figure, one "
            "run, no spread, on a host shared with other builds, so it holds other processes' "
            "time too.")


def measured_lines(name, what, s):
    md = [f"{what}.", "", f"From `build/report/{name}`, written by `{s['command']}` at {s['date']} "
          f"(commit {(s.get('commit') or '?')[:12]}"
          + (", tree with uncommitted changes" if s.get("tree_dirty") else "") + ").",
          f"Platform: {platform(s)}.", ""]
    md += table(kernel_rows(s), ["kernel", "file", "loaded", "functions", "zstd -19"]) + [""]
    md += table(bundle_rows(s), ["bundle", "bytes", "zstd -19"]) + [""]
    md += table(step_rows(s), ["step", "CPU s", "user s", "system s", "peak RSS MiB",
                               "wall s"]) + [""]
    return md + [limits_line(s), ""]


def section(data):
    """The report's section from {file name: parsed JSON or None}."""
    md = ["", "## Distribution-size Linux: packing 100 MB kernels", "",
          "Whether the bundler copes with what distributions ship (issue 9: a vmlinux of",
          "100 MB with symbols, 40,000+ functions, packed in under 5 minutes and 2 GB).",
          "Sizes in bytes and function counts (.symtab FUNC entries) are exact; times are",
          "/usr/bin/time's, CPU is user + system with bsdiff's children included.", ""]
    for name, title, what, target, cost in SCALE_FILES:
        md += [f"### {title}", ""]
        s = data.get(name)
        md += measured_lines(name, what, s) if s else missing_lines(name, what, target, cost)
    return md
