"""findings: each claim of the 2007-2014 pvops debate against what was
measured here.  One function per claim; each returns a finding: the
claim, the measured answer (every number in it comes from a figure), the
figures with the JSON file and key they come from (and the run, for a
boot), the platform, whether the figures are exact, and, when data is
missing or the claim cannot be tested here, why."""
from .data import fig, get, pct
from .linuxcost import KVM_WHY
from .runs import find, op_cost, work_of

NATIVE_ICOUNT = "native (QEMU TCG, -icount: instructions)"
XEN_ICOUNT = "Xen 4.17 PV dom0 under QEMU TCG (-icount: instructions, Xen's included)"
HOST = "the build host: x86-64 ELF files (bytes)"


def finding(cid, claim, who, status, answer, figures, platform, exact, why=None):
    f = {"id": cid, "claim": claim, "who": who, "status": status, "answer": answer,
         "figures": figures, "platform": platform, "exact": exact}
    if why:
        f["why"] = why
    return f


class Claim:
    """A claim of the debate: its id, who made it, its words; a finding
    answers it."""

    def __init__(self, cid, who, text, needs):
        self.cid, self.who, self.text, self.needs = cid, who, text, needs

    def found(self, status, answer, figures, platform, exact, why=None):
        return finding(self.cid, self.text, self.who, status, answer, figures, platform,
                       exact, why)

    def missing(self, files):
        return self.found("missing", "Not measured yet: " + ", ".join(
            f"build/report/{f}" for f in files) + " is missing.", [], "-", None,
            why="the run that writes it has not been made (make demo, make report)")


def claim(cid, who, text, needs=()):
    """Decorator: FN(d, c) answers the claim C, kept as FN.claim; FN is
    called only when the files NEEDS names are there (else: missing)."""
    def wrap(fn):
        fn.claim = Claim(cid, who, text, list(needs))
        return fn
    return wrap


def runs_of(d):
    """The digested boots of the last make demo (runs.json), or []."""
    return (d.get("runs.json") or {}).get("runs") or []


def run_fig(run, path, unit, what):
    """The figure at PATH (fields joined by dots) of one run's digest,
    keyed in runs.json by the run's file."""
    return fig(get(run, *path.split(".")), unit, what, "runs.json",
               f"runs[file={run['file']}].{path}", run)


def op_fig(run, op, what):
    """One op's median instructions per iteration in RUN."""
    return run_fig(run, f"bench.{op}.median", "instructions", what)


def work_pairs(runs):
    """[(platform label, direct run, pvops patched run)] of the whole
    workload under icount, on each platform that has both."""
    out = []
    for plat, label in (("native", "native"), ("xen", "Xen")):
        dr, pr = work_of(runs, plat, "direct"), work_of(runs, plat, "pvops patched")
        if dr and pr:
            out.append((label, dr, pr))
    return out


def work_figs(label, dr, pr):
    return [run_fig(dr, "work.ticks", "instructions", f"workload, direct, {label}"),
            run_fig(pr, "work.ticks", "instructions", f"workload, pvops patched, {label}")]


@claim("replicate", "Ingo Molnar, 2007",
       "It is enough to replicate only those functions that truly differ between the builds.",
       needs=["sizes.json"])
def replicate(d, c):
    """Molnar: bundle only the functions that differ."""
    s = d["sizes.json"]
    figs, parts = [], []
    for v, pv in s["per_variant"].items():
        if not pv.get("functions_total") or v == "native":
            continue
        figs.append(fig(pv["functions_differ"], "functions", f"{v}: functions that differ",
                        "sizes.json", f"per_variant.{v}.functions_differ"))
        figs.append(fig(pv["functions_total"], "functions", f"{v}: functions in the image",
                        "sizes.json", f"per_variant.{v}.functions_total"))
        figs.append(fig(pv["delta_bytes"], "bytes", f"{v}: stored delta", "sizes.json",
                        f"per_variant.{v}.delta_bytes"))
        parts.append(f"{v} differs from native in {pv['functions_differ']} of "
                     f"{pv['functions_total']} functions "
                     f"({100 * pv['functions_differ'] / pv['functions_total']:.0f}%), "
                     f"stored as {pv['delta_bytes']} bytes of delta")
    b, vi = s["bundle"], s["variant_images"]
    figs += [fig(b["file_bytes"], "bytes", "bundle.elf", "sizes.json", "bundle.file_bytes"),
             fig(vi["file_bytes"], "bytes", "the variant images apart", "sizes.json",
                 "variant_images.file_bytes")]
    worst = max((pv for v, pv in s["per_variant"].items() if pv.get("functions_total")
                 and v != "native"), key=lambda pv: pv["functions_differ"] / pv["functions_total"])
    frac = worst["functions_differ"] / worst["functions_total"]
    answer = ("Yes, it can be done: " + "; ".join(parts) + f". The bundle is {b['file_bytes']} "
              f"bytes against {vi['file_bytes']} for the images apart "
              f"({b['file_bytes'] / vi['file_bytes']:.2f}x).")
    if frac > 0.5:
        answer += (f" But the functions that differ are not few: up to {100 * frac:.0f}% of a "
                   "variant's, because every caller of an inlined op is different code.")
    lx = get(d.get("growth.json"), "linux", "points")
    if lx and lx[-1].get("functions"):
        last = lx[-1]
        fx = last["functions"]
        for v, f in fx.items():
            figs.append(fig(f["differ"], "functions", f"Linux {v}: functions that differ",
                            "growth.json", f"linux.points[{last['n'] - 1}].functions.{v}.differ"))
        answer += (" In Linux 6.1 (bundled by tools/growth): " + "; ".join(
            f"{v} differs from native in {f['differ']} of {f['total']} functions "
            f"({100 * f['differ'] / max(f['total'], 1):.1f}%)" for v, f in fx.items()) +
                   ", by bytes: each vmlinux is linked alone (no shared layout), so a function "
                   "whose addresses moved counts as differing.")
    cls = d.get("bundle-classes.json")
    if cls is not None:
        answer += " The bundle's bytes by class are in build/report/bundle-classes.json."
    return c.found("measured", answer, figs, HOST, True)


def growth_line(g, name, unit_name):
    """One curve's sentence and figures, or (None, []) when it has no fit."""
    if not g or not g.get("fit") or not g.get("points"):
        return None, []
    f, pts = g["fit"], g["points"]
    one = pts[0]["separate_file_bytes"]
    per = f["bundle_file_bytes"]["bytes_per_variant"]
    last = pts[-1]
    key = f"{name}.fit.bundle_file_bytes.bytes_per_variant"
    figs = [fig(per, "bytes/variant", f"{unit_name}: bundle growth per added variant "
                f"(fit N={f['from_n']}..{f['to_n']})", "growth.json", key),
            fig(one, "bytes", f"{unit_name}: one image ({g['order'][0]})", "growth.json",
                f"{name}.points[0].separate_file_bytes"),
            fig(last["bundle_file_bytes"], "bytes", f"{unit_name}: bundle of N={last['n']}",
                "growth.json", f"{name}.points[{last['n'] - 1}].bundle_file_bytes"),
            fig(last["separate_file_bytes"], "bytes", f"{unit_name}: N={last['n']} images apart",
                "growth.json", f"{name}.points[{last['n'] - 1}].separate_file_bytes")]
    text = (f"{unit_name}: each added variant costs the bundle {per:.0f} bytes "
            f"({100 * per / one:.1f}% of one image file, fitted over "
            f"N={f['from_n']}..{f['to_n']}); {last['n']} variants bundled are "
            f"{last['bundle_file_bytes']} bytes against {last['separate_file_bytes']} apart "
            f"({last['separate_file_bytes'] / last['bundle_file_bytes']:.1f}x)")
    if "separate_loaded_bytes" in last:
        figs.append(fig(last["separate_loaded_bytes"], "bytes",
                        f"{unit_name}: N={last['n']} images apart, loaded bytes", "growth.json",
                        f"{name}.points[{last['n'] - 1}].separate_loaded_bytes"))
        text += f", {last['separate_loaded_bytes']} counting only their loaded bytes"
    pv = g.get("pvops")
    if pv:
        figs.append(fig(pv["file_bytes"], "bytes", f"{unit_name}: the pvops image",
                        "growth.json", f"{name}.pvops.file_bytes"))
        text += (f" and {pv['file_bytes']} for the one pvops image "
                 f"({last['bundle_file_bytes'] / pv['file_bytes']:.2f}x)")
    return text, figs


@claim("250mb", "Jeremy Fitzhardinge, 2007",
       ("Bundling N+1 builds multiplies the package: ~50 MB to ~250 MB for native, "
        "Xen, vmi, lguest and kvm."), needs=["growth.json"])
def five_kernels(d, c):
    """Fitzhardinge: five kernels in one package, 50 MB to 250 MB."""
    g = d["growth.json"]
    texts, figs = [], []
    for name, label in (("linux", "Linux 6.1"), ("ours", "Our kernel")):
        t, f = growth_line(g.get(name), name, label)
        if t:
            texts.append(t)
            figs += f
    if not texts:
        return c.missing(["growth.json (no curve)"])
    lx = g.get("linux") or {}
    status = "measured"
    note = ""
    if not lx.get("points"):
        status = "partly measured"
        note = " Real Linux is not built here yet: only our kernel's curve."
    elif lx.get("missing"):
        note = (" Linux variants not built yet: " + ", ".join(lx["missing"]) +
                " (the curve stops short).")
        status = "partly measured"
    answer = ("No: a bundle grows by the variant's differences, not by a kernel. " +
              "; ".join(texts) + "." + note +
              " Build-only variants (no platform here) are named in growth.json.")
    return c.found(status, answer, figs, HOST, True)


@claim("nop-or-call", "Jeremy Fitzhardinge, 2010",
       ("A pvops site costs, at worst, a 6-byte nop when unused and a direct call "
        "(or up to 6 bytes inline) when used."), needs=["runs.json"])
def patched_site(d, c):
    """Fitzhardinge: a patched site costs a 6-byte nop or a direct call."""
    runs = runs_of(d)
    pr = find(runs, "native", "pvops patched", "pvops")
    figs, texts = [], []
    if pr:
        p = pr["pvops"]
        figs += [run_fig(pr, f"pvops.{k}", "sites", f"pvops.elf on native: {k}")
                 for k in ("sites", "direct", "inline", "nop")]
        texts.append(f"On native the {p['sites']} sites of pvops.elf become {p['inline']} "
                     f"inline, {p['direct']} direct calls and {p['nop']} nops, as claimed")
    costs = []
    for op in ("lock_kick", "irq_disable", "set_pte", "clock_ns"):
        dv, pv = op_cost(runs, op, "native", "direct"), op_cost(runs, op, "native", "pvops patched")
        if dv and pv:
            figs += [op_fig(dv[1], op, f"{op}, direct, native"),
                     op_fig(pv[1], op, f"{op}, pvops patched, native")]
            costs.append(f"{op} {dv[0]:g} direct, {pv[0]:g} patched")
            if op == "lock_kick" and dv[0] == 3:
                costs[-1] += " (native's body is empty and its site a nop)"
    if costs:
        texts.append("but a patched site is not free: the caller still sets up the call's "
                     "arguments and keeps its registers for it (instructions per op, loop "
                     "of 3 included: " + "; ".join(costs) + ")")
    lx = d.get("linux.json") or {}
    ps = get(lx, "patch_sites")
    if ps:
        for v in ("native", "pvops"):
            if v in ps:
                figs.append(fig(ps[v]["parainstructions"], "sites",
                                f"Linux {v}: .parainstructions entries", "linux.json",
                                f"patch_sites.{v}.parainstructions"))
        if "native" in ps and "pvops" in ps:
            texts.append(f"Linux 6.1 has {ps['pvops']['parainstructions']} pvops sites in the "
                         f"pvops build and {ps['native']['parainstructions']} in the native one")
    para = get(lx, "patch_cost_icount", "linux", "pvops on native", "apply_paravirt")
    if para and get(ps, "pvops", "parainstructions"):
        n = ps["pvops"]["parainstructions"]
        figs.append(fig(para, "instructions", "Linux pvops on native: apply_paravirt",
                        "linux.json", 'patch_cost_icount.linux["pvops on native"].apply_paravirt'))
        texts.append(f"patching them at boot (apply_paravirt, exact under icount) costs Linux "
                     f"{para} instructions on native, {para / n:.0f} a site")
    if not texts:
        return c.missing(["runs.json (no pvops run)"])
    return c.found("measured", "; ".join(texts) + ".", figs,
                   NATIVE_ICOUNT, True)


@claim("0.97", "the 2009 pvops measurement on bare hardware",
       "A pvops kernel costs +0.97% on bare hardware against one built without it.")
def bare_hardware(d, c):
    """The 2009 measurement: +0.97% on bare hardware."""
    figs, texts = [], []
    for label, dr, pr in work_pairs(runs_of(d)):
        a, b = pr["work"]["ticks"], dr["work"]["ticks"]
        figs += work_figs(label, dr, pr)
        texts.append(f"our kernel's whole workload on {label}: {b} instructions direct, "
                     f"{a} pvops patched ({pct(a, b)})")
    w = get(d.get("linux.json"), "workload_icount_native")
    if w and w.get("native") and w.get("pvops"):
        ops = [op for op in w["native"] if op in w["pvops"]]
        for op in ops:
            figs.append(fig(w["pvops"][op], "instructions", f"Linux {op}, pvops, native",
                            "linux.json", f"workload_icount_native.pvops.{op}"))
            figs.append(fig(w["native"][op], "instructions", f"Linux {op}, direct, native",
                            "linux.json", f"workload_icount_native.native.{op}"))
        texts.append("Linux 6.1's workload ops on native: " + ", ".join(
            f"{op} {pct(w['pvops'][op], w['native'][op])}" for op in ops))
    why = ("there is no bare hardware here: QEMU TCG counts instructions exactly but has "
           "no cycles, caches or branch predictors, so a cycle percentage cannot be "
           "measured; the instruction-count analogue is")
    if not texts:
        return c.found("untestable", "Untestable here as stated, and the "
                       "analogue is missing: build/report/runs.json has no workload runs "
                       "(make demo).", [], "-", None, why=why)
    return c.found("untestable as stated; analogue measured",
                   "Not as cycles: " + why + ": " + "; ".join(texts) + ".", figs,
                   NATIVE_ICOUNT + "; " + XEN_ICOUNT, True, why=why)


@claim("no-impact", "the pvops design goal (Fitzhardinge, 2007; the 2010 thread)",
       "After patching, running on bare hardware is indistinguishable from a native build.",
       needs=["runs.json"])
def no_impact(d, c):
    """After patching, native runs as if pvops were not there."""
    runs = runs_of(d)
    dr, pr = find(runs, "native", "direct", "bench"), find(runs, "native", "pvops patched", "bench")
    if not (dr and pr):
        return c.missing(["runs.json (native icount runs)"])
    ops = [op for op in dr["bench"] if op in pr["bench"]]
    worse = [(op, dr["bench"][op]["median"], pr["bench"][op]["median"]) for op in ops
             if pr["bench"][op]["median"] > dr["bench"][op]["median"]]
    same = [op for op in ops if pr["bench"][op]["median"] == dr["bench"][op]["median"]]
    figs = [f for op, _, _ in worse for f in (op_fig(dr, op, f"{op}, direct"),
                                              op_fig(pr, op, f"{op}, pvops patched"))]
    top = sorted(worse, key=lambda w: (w[2] - w[1]) / w[1], reverse=True)[:4]
    answer = (f"No: after patching, {len(worse)} of {len(ops)} benchmarked ops still cost "
              f"more on native than in the direct build ({len(same)} the same); the largest: " +
              ", ".join(f"{op} {a:g} to {b:g} ({pct(b, a)})" for op, a, b in top) +
              ". Patching removes the indirect call, not the call site's register and "
              "argument constraints.")
    return c.found("measured", answer, figs, NATIVE_ICOUNT, True)


@claim("callee-save", "Linus Torvalds and Jeremy Fitzhardinge, 2007",
       ("Ops called with a convention that clobbers nothing (callee-save) make a call "
        "almost as cheap as the inline instruction it replaces."), needs=["runs.json"])
def callee_save(d, c):
    """The callee-save convention for the irq ops."""
    runs = runs_of(d)
    figs, rows, diffs = [], [], []
    for op in ("irq_disable", "irq_enable", "irq_save", "irq_restore"):
        got = {h: op_cost(runs, op, "xen", h) for h in ("direct", "pvops patched", "pvops calls")}
        if not all(got.values()):
            continue
        figs += [op_fig(r, op, f"{op}, {h}, Xen") for h, (_, r) in got.items()]
        diffs.append(got["pvops calls"][0] - got["direct"][0])
        rows.append(f"{op} {got['direct'][0]:g} inlined, {got['pvops calls'][0]:g} as a call "
                    f"to the callee-save entry")
    if not rows:
        return c.missing(["runs.json (Xen icount runs)"])
    answer = (f"Yes, measured on Xen, where the irq ops are real work: a call to the "
              f"callee-save entry costs {min(diffs):+g} to {max(diffs):+g} instructions "
              "against the inlined body (" + "; ".join(rows) + "), the call and return "
              "and no spills at the site, because the site may clobber only rax. What a call "
              "cannot recover is what inlining lets the compiler fold (constants, "
              "registers): tools/inlinecost decomposes it.")
    return c.found("measured", answer, figs, XEN_ICOUNT, True)


@claim("lock-slow-path", "Jeremy Fitzhardinge, 2010; Waiman Long, 2014",
       ("Spinlock pvops are called only in the slow path (a long spin, an unlock with "
        "waiters); the uncontended lock and unlock make no extra calls."))
def lock_slow_path(d, c):
    """Spinlock pvops only on the slow path."""
    runs = runs_of(d)
    figs, texts = [], []
    for plat in ("native", "xen"):
        cr = find(runs, plat, "pvops counting", "work_ops")
        if cr:
            ops = cr["work_ops"]
            figs += [run_fig(cr, f"work_ops.{k}", "calls", f"workload on {plat}: {k} calls")
                     for k in ("lock_wait", "lock_kick", "irq_save", "irq_restore") if k in ops]
            rounds = get(cr, "work", "rounds")
            texts.append(f"on {plat}, the workload's {rounds} rounds of two threads over one "
                         f"lock made {ops.get('lock_wait')} lock_wait and "
                         f"{ops.get('lock_kick')} lock_kick calls "
                         f"(and {ops.get('irq_save')} irq_save)")
        dv, pv = op_cost(runs, "spin_lock_irqsave", plat, "direct"), \
            op_cost(runs, "spin_lock_irqsave", plat, "pvops patched")
        if dv and pv:
            figs += [op_fig(dv[1], "spin_lock_irqsave", f"spin_lock_irqsave, direct, {plat}"),
                     op_fig(pv[1], "spin_lock_irqsave", f"spin_lock_irqsave, pvops, {plat}")]
            texts.append(f"an uncontended spin_lock_irqsave on {plat} costs {dv[0]:g} "
                         f"instructions direct and {pv[0]:g} pvops (its irq sites)")
    lt = d.get("locktable.json")
    if lt and isinstance(lt.get("cells"), list):
        cells = {(x.get("setup"), x.get("image"), x.get("mode")): i
                 for i, x in enumerate(lt["cells"])}
        for img in ("direct", "pvops"):
            si, pi = cells.get(("overcommit", img, "spin")), cells.get(("overcommit", img, "pv"))
            if si is not None and pi is not None:
                a = get(lt["cells"][pi], "wait_max_ns", "median")
                b = get(lt["cells"][si], "wait_max_ns", "median")
                if a and b:
                    figs += [fig(b, "ns", f"worst wait, overcommit, {img}, spin",
                                 "locktable.json", f"cells[{si}].wait_max_ns.median"),
                             fig(a, "ns", f"worst wait, overcommit, {img}, pv slow path",
                                 "locktable.json", f"cells[{pi}].wait_max_ns.median")]
                    texts.append(f"with lock holders preempted under Xen ({img}), the slow path "
                                 f"cuts the median worst wait from {b / 1e6:.0f} to "
                                 f"{a / 1e6:.0f} ms (wall clock under TCG: not exact)")
    if not texts:
        return c.missing(["runs.json", "locktable.json"])
    return c.found("measured", "Yes: " + "; ".join(texts) + ".", figs,
                   NATIVE_ICOUNT + "; " + XEN_ICOUNT + "; lock waits: Xen under TCG, wall clock",
                   "partly" if lt else True)


def stub_runs(runs, platform):
    """{variant: its icount run on PLATFORM whose stub took fewest
    instructions} (the boot-cost runs: the shortest command lines; the
    stub reads the command line)."""
    best = {}
    for r in runs:
        if "stub" in r and r["icount"] and r["platform"] == platform:
            v = r["stub"]["variant"]
            if v not in best or r["stub"]["ticks"] < best[v]["stub"]["ticks"]:
                best[v] = r
    return best


def our_boot(runs):
    """Our kernel: the stub per variant against pvops patching, per
    platform under icount: (sentences, figures)."""
    texts, figs = [], []
    for plat, label in (("native", "native"), ("xen", "Xen")):
        best, pv = stub_runs(runs, plat), find(runs, plat, "pvops patched", "pvops")
        if not best or not pv:
            continue
        figs += [run_fig(r, "stub.ticks", "instructions", f"stub applying {v}, {label}")
                 for v, r in sorted(best.items())]
        figs.append(run_fig(pv, "pvops.ticks", "instructions", f"pvops detect and patch, {label}"))
        texts.append(f"on {label} the stub (detect, apply the delta, hash the image) takes " +
                     ", ".join(f"{r['stub']['ticks']} instructions for {v}"
                               for v, r in sorted(best.items())) +
                     f"; pvops detects and patches its {pv['pvops']['sites']} sites in "
                     f"{pv['pvops']['ticks']}")
    return texts, figs


# tools/patchcost's comparison (reportlib/linuxcost.py): field, what it is
LINUX_BOOT = [("pvops_patching", "pvops Linux's alternative_instructions"),
              ("pvops_apply_paravirt", "of it apply_paravirt"),
              ("direct_patching", "the direct build's own alternative_instructions"),
              ("paravirt_added", "pvops' patching beyond the direct build's"),
              ("stub", "the bundle's stub (rdtsc total)"),
              ("stub_image_hash", "the stub's image hash"),
              ("bundle_total", "the bundle: stub and the direct build's own patching")]


def linux_boot(d):
    """Linux 6.1: its own boot-time patching against its bundle's stub,
    exact under icount, per platform: (sentences, figures)."""
    cmp = get(d.get("linux.json"), "patch_cost_icount", "compare")
    texts, figs = [], []
    for plat, label in (("native", "native"), ("xen", "Xen")):
        x = get(cmp, plat)
        if not isinstance(x, dict):
            continue
        figs += [fig(x[k], "instructions", f"Linux on {label}: {what}", "linux.json",
                     f"patch_cost_icount.compare.{plat}.{k}") for k, what in LINUX_BOOT]
        texts.append(f"on {label} pvops Linux patches itself in {x['pvops_patching']} "
                     f"instructions ({x['pvops_apply_paravirt']} of them in apply_paravirt), "
                     f"where the direct {x['variant']} build's own patching takes "
                     f"{x['direct_patching']}: paravirt's share is {x['paravirt_added']}. The "
                     f"bundle's stub takes {x['stub']} ({x['stub_image_hash']} of them hashing "
                     f"the rebuilt image), so its path costs {x['bundle_total']}, "
                     f"{x['bundle_total'] / x['pvops_patching']:.2f}x pvops'")
    if texts:
        texts.append("on KVM not measured: " + (get(cmp, "kvm", "why") or KVM_WHY))
    return texts, figs


@claim("boot-cost", "(the bundle's own question)",
       "Choosing the variant at boot costs the bundle more than patching costs pvops.")
def boot_cost(d, c):
    """Not a claim of the debate, but its price: what each way costs at boot."""
    ours, ofigs = our_boot(runs_of(d))
    lin, lfigs = linux_boot(d)
    if not ours and not lin:
        return c.missing(["runs.json (boot-cost runs)", "linux.json (patch_cost_icount)"])
    answer = ""
    if ours:
        answer += "Our kernel: " + "; ".join(ours) + ". Both are once per boot."
    if lin:
        answer += (" Linux 6.1 (tools/patchcost, each call counted from entry to return "
                   "under icount): " + "; ".join(lin) + ".")
    status = "measured" if ours and lin else "partly measured"
    return c.found(status, answer.strip(), ofigs + lfigs,
                   NATIVE_ICOUNT + "; " + XEN_ICOUNT, True,
                   why=None if lin else "no Linux patch costs (make linux, then make report)")


def dearer(a, b):
    return "dearer" if a > b else "cheaper" if a < b else "the same"


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
    c = get(d.get("linux.json"), "patch_cost_icount", "compare", "native")
    if isinstance(c, dict):
        a, b = c["bundle_total"], c["pvops_patching"]
        figs += [fig(a, "instructions", "Linux bundle on native: stub and own patching",
                     "linux.json", "patch_cost_icount.compare.native.bundle_total"),
                 fig(b, "instructions", "pvops Linux on native: its patching", "linux.json",
                     "patch_cost_icount.compare.native.pvops_patching")]
        lines.append(f"Linux 6.1's bundle boots {dearer(a, b)} on native: {a} instructions "
                     f"(stub and the direct build's own patching) against {b} for pvops "
                     f"Linux's patching ({a / b:.2f}x).")
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


CLAIMS = [in_short, replicate, five_kernels, patched_site, bare_hardware, no_impact, callee_save,
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
