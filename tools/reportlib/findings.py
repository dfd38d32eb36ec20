"""findings: each claim of the 2007-2014 pvops debate against what was
measured here, in the order the report gives them: first the answer in
short (bytes, boot, hot path), then the claims (claims_size, claims_ops,
claims_boot; what a claim and a finding are: claim.py)."""
from .claim import HOST, NATIVE_ICOUNT, XEN_ICOUNT, claim, dearer, run_fig, runs_of, \
    work_figs, work_pairs
from .claims_boot import boot_cost, patchcost_run, stub_runs
from .claims_ops import bare_hardware, callee_save, lock_slow_path, no_impact, patched_site
from .claims_scale import scale
from .claims_size import five_kernels, replicate
from .data import fig, get, pct
from .linuxcost import share
from .runs import find


def short_bytes(d):
    """In short, bytes: our bundle against pvops.elf, Linux's against pvops
    Linux: (sentences, figures)."""
    s, lines, figs = d.get("sizes.json"), [], []
    if s and s.get("pvops"):
        b, p = s["bundle"], s["pvops"]
        figs += [fig(b["file_bytes"], "bytes", "bundle.elf", "sizes.json", "bundle.file_bytes"),
                 fig(p["file_bytes"], "bytes", "pvops.elf", "sizes.json", "pvops.file_bytes"),
                 fig(b["zstd19_bytes"], "bytes", "bundle.elf, zstd -19", "sizes.json",
                     "bundle.zstd19_bytes"),
                 fig(p["zstd19_bytes"], "bytes", "pvops.elf, zstd -19", "sizes.json",
                     "pvops.zstd19_bytes")]
        lines.append(f"Bytes: the bundle is {dearer(b['file_bytes'], p['file_bytes'])}, "
                     f"{b['file_bytes']} against {p['file_bytes']} "
                     f"for pvops.elf ({pct(b['file_bytes'], p['file_bytes'])}; "
                     f"{pct(b['zstd19_bytes'], p['zstd19_bytes'])} under zstd -19).")
    lb, lp = get(d.get("linux.json"), "bundle"), get(d.get("linux.json"), "sizes", "pvops")
    if isinstance(lb, dict) and isinstance(lp, dict) and "zstd19_bytes" in lb:
        figs += [fig(lb["zstd19_bytes"], "bytes", "Linux bundle, zstd -19", "linux.json",
                     "bundle.zstd19_bytes"),
                 fig(lp["zstd19_bytes"], "bytes", "pvops vmlinux, zstd -19", "linux.json",
                     "sizes.pvops.zstd19_bytes")]
        lines.append(f"Linux 6.1's bundle (native, kvm, xen) is "
                     f"{dearer(lb['zstd19_bytes'], lp['zstd19_bytes'])} than pvops Linux: "
                     f"{lb['zstd19_bytes']} bytes against {lp['zstd19_bytes']} under zstd -19 "
                     f"({pct(lb['zstd19_bytes'], lp['zstd19_bytes'])}).")
    return lines, figs


def short_boot(d, runs):
    """In short, boot, on native: (sentences, figures)."""
    lines, figs = [], []
    st, pv = stub_runs(runs, "native").get("native"), find(runs, "native", "pvops patched", "pvops")
    if st and pv:
        figs += [run_fig(st, "stub.ticks", "instructions", "stub, native"),
                 run_fig(pv, "pvops.ticks", "instructions", "pvops patching, native")]
        lines.append(f"Boot: the bundle is {dearer(st['stub']['ticks'], pv['pvops']['ticks'])}"
                     f", its stub takes {st['stub']['ticks']} "
                     f"instructions on native against {pv['pvops']['ticks']} for pvops' "
                     f"patching ({st['stub']['ticks'] / pv['pvops']['ticks']:.1f}x), once.")
    lc = get(d.get("linux.json"), "patch_cost_icount")
    c = get(lc, "compare", "native")
    if isinstance(c, dict) and "bundle_total" in c:
        a, b = c["bundle_total"], c["pvops_patching"]
        figs += [fig(a, "instructions", "Linux bundle on native: stub and own patching",
                     "linux.json", "patch_cost_icount.compare.native.bundle_total",
                     patchcost_run(lc, "bundle", "native", "native")),
                 fig(b, "instructions", "pvops Linux on native: its patching", "linux.json",
                     "patch_cost_icount.compare.native.pvops_patching",
                     patchcost_run(lc, "pvops", "native", "native"))]
        whole = ""
        if c.get("bundle_boot_to_init"):
            w = c["bundle_boot_to_init"]
            figs.append(fig(w, "instructions", "Linux bundle on native: power-on to /init",
                            "linux.json", "patch_cost_icount.compare.native.bundle_boot_to_init",
                            patchcost_run(lc, "bundle", "native", "native")))
            whole = f"; its stub is {share(c['stub'], w)} of the bundle's boot to /init ({w})"
        lines.append(f"Linux 6.1's bundle boots {dearer(a, b)} on native: {a} instructions "
                     f"(stub and the direct build's own patching) against {b} for pvops "
                     f"Linux's patching ({a / b:.2f}x){whole}.")
    return lines, figs


@claim("in-short", "this report", "In short: bundling against runtime patching")
def in_short(d, c):
    """The answer to the issue's question, in bytes, boot and hot path."""
    runs = runs_of(d)
    lines, figs = short_bytes(d)
    bl, bf = short_boot(d, runs)
    lines, figs = lines + bl, figs + bf
    hot = work_pairs(runs)
    for label, dr, pr in hot:
        figs += work_figs(label, dr, pr)
    if hot:
        lines.append("Hot path: the bundle is " + " and ".join(
            f"{dearer(a, b)} on {label} (its direct variant runs the whole workload in "
            f"{a} instructions, pvops in {b}: {pct(a, b)})"
            for label, a, b in ((lb, dr["work"]["ticks"], pr["work"]["ticks"])
                                for lb, dr, pr in hot)) + ".")
    if not lines:
        return c.missing(["sizes.json", "runs.json"])
    return c.found("measured" if len(lines) >= 3 else "partly measured", " ".join(lines), figs,
                   NATIVE_ICOUNT + "; " + XEN_ICOUNT + "; sizes: " + HOST, True)


CLAIMS = [in_short, replicate, five_kernels, scale, patched_site, bare_hardware, no_impact, callee_save,
          lock_slow_path, boot_cost]


def all_findings(d):
    out = []
    for fn in CLAIMS:
        absent = [f for f in fn.claim.needs if not d.get(f)]
        if absent:
            out.append(fn.claim.missing(absent))
            continue
        try:
            out.append(fn(d, fn.claim))
        except (KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError,
                IndexError, StopIteration) as e:
            out.append(fn.claim.found("missing", "The data this rests on is not in the "
                                      f"expected form ({e!r}).", [], "-", None,
                                      why="a JSON file changed shape"))
    return out
