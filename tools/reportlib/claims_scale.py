"""claims_scale: the bundler on what distributions ship (issue 9: 100 MB
kernels with 40,000+ functions pack in under 5 minutes and 2 GB), from
tools/linux-scale-measure's files (reportlib/scale.py names them)."""
from .claim import claim
from .data import fig
from .scale import SCALE_FILES, mib, platform


def kernel_figs(name, s):
    """Each kernel's file bytes and function count: (phrases, figures)."""
    parts, figs = [], []
    for i, (v, k) in enumerate(s["kernels"].items()):
        figs += [fig(k["file_bytes"], "bytes", f"{v}: vmlinux file", name,
                     f"kernels.{v}.file_bytes"),
                 fig(k["functions"], "functions", f"{v}: .symtab FUNC entries", name,
                     f"kernels.{v}.functions")]
        parts.append(f"{v} ({'the base' if i == 0 else 'a variant'}: {k['file_bytes']} bytes, "
                     f"{k['functions']} functions)")
    return parts, figs


def pack_figs(name, s):
    p, m, lim = s["pack"], s["machine"], s["limits"]
    figs = [fig(p["cpu_s"], "s", "pack: CPU time, user + system", name, "pack.cpu_s"),
            fig(p["peak_rss_kib"], "KiB", "pack: peak RSS", name, "pack.peak_rss_kib"),
            fig(p["wall_s"], "s", "pack: wall clock (supplementary)", name, "pack.wall_s"),
            fig(m["load_average_before"], "load", "load average before the pack", name,
                "machine.load_average_before"),
            fig(lim["pack_wall_s"], "s", "limit on the pack's time", name, "limits.pack_wall_s"),
            fig(lim["pack_peak_rss_kib"], "KiB", "limit on the pack's memory", name,
                "limits.pack_peak_rss_kib"),
            fig(s["bundle"]["file_bytes"], "bytes", "bundle.elf", name, "bundle.file_bytes")]
    if "load_average_after" in m:
        figs.append(fig(m["load_average_after"], "load", "load average after", name,
                        "machine.load_average_after"))
    return figs


AT_SCALE_FUNCTIONS = 40000     # the "40,000+ functions"


def one_run(name, what, s):
    """One measurement's sentence, figures, whether it kept to the limits
    and whether its largest kernel is of the issue's scale."""
    parts, figs = kernel_figs(name, s)
    figs += pack_figs(name, s)
    p, lim = s["pack"], s["limits"]
    ok = p["cpu_s"] < lim["pack_wall_s"] and p["peak_rss_kib"] < lim["pack_peak_rss_kib"]
    wall_ok = p["wall_s"] < lim["pack_wall_s"]
    big = max(s["kernels"].values(), key=lambda k: k["functions"])
    at_scale = big["functions"] >= AT_SCALE_FUNCTIONS
    total = sum(k["file_bytes"] for k in s["kernels"].values())
    text = (f"{what}: {' and '.join(parts)} packed in {p['cpu_s']} s of CPU time with a peak "
            f"RSS of {mib(p['peak_rss_kib'])} MiB ({'within' if ok else 'outside'} the "
            f"{lim['pack_wall_s']} s and {mib(lim['pack_peak_rss_kib'])} MiB), into a bundle "
            f"of {s['bundle']['file_bytes']} bytes against {total} for the kernels apart; "
            f"wall clock {p['wall_s']} s ({'within' if wall_ok else 'over'} the limit), a "
            "supplementary figure: one run, so no spread, and it holds the other processes' "
            f"time too (on {platform(s)})")
    if s.get("byte_exact") is not None:
        figs.append(fig(s["byte_exact"], "bool", "every extracted kernel byte for byte", name,
                        "byte_exact"))
        text += ("; every kernel extracted from the bundle byte for byte" if s["byte_exact"]
                 else "; an extracted kernel DIFFERS from its input")
    if not at_scale:
        text += (f"; but its kernel with the most functions has {big['functions']} functions, fewer than "
                 f"the claim's {AT_SCALE_FUNCTIONS}: this run does not test the claim")
    return text, figs, ok and s.get("byte_exact") is not False, at_scale


@claim("scale", "issue 9 (what distributions ship)",
       "A distribution's kernel (100 MB with symbols, 40,000+ functions) packs in under "
       "5 minutes and 2 GB of memory on 2 cores.")
def scale(d, c):
    texts, figs, verdicts, absent = [], [], [], []
    for name, _title, what, target, cost in SCALE_FILES:
        s = d.get(name)
        if not s:
            absent.append(f"{what} not run (build/report/{name} is written by `{target}`, "
                          f"which {cost})")
            continue
        t, f, ok, at_scale = one_run(name, what, s)
        texts.append(t)
        figs += f
        if at_scale:
            verdicts.append(ok)
    if not texts:
        return c.found("missing", "Not measured here: " + "; ".join(absent) + ".", [], "-",
                       None, why="neither scale measurement has been run (" +
                       ", ".join(f"`{t}`" for _, _, _, t, _ in SCALE_FILES) + ")")
    head = ("Not tested: no kernel measured is of the claim's size" if not verdicts else
            "Yes, in CPU time and memory" if all(verdicts) else "No")
    answer = head + ". " + ". ".join(texts) + "."
    if absent:
        answer += " Not measured: " + "; ".join(absent) + "."
    plat = "; ".join(platform(d[n]) for n, *_ in SCALE_FILES if d.get(n))
    return c.found("measured" if verdicts else "untestable at this scale", answer, figs,
                   "the build host: " + plat, "partly",
                   why="sizes and function counts are exact; CPU time and RSS are one "
                   "run's, by /usr/bin/time; the wall clock depends on the host's other load"
                   + ("" if verdicts else "; no kernel measured has 40,000 functions"))
