"""findings: each claim of the 2007-2014 pvops debate against what was
measured here.  One function per claim; each returns a finding: the
claim, the measured answer (every number in it comes from a figure), the
figures with the JSON file and key they come from (and the run, for a
boot), the platform, whether the figures are exact, and, when data is
missing or the claim cannot be tested here, why."""
from .data import fig, get, pct
from .runs import op_cost, work_of

NATIVE_ICOUNT = "native (QEMU TCG, -icount: instructions)"
XEN_ICOUNT = "Xen 4.17 PV dom0 under QEMU TCG (-icount: instructions, Xen's included)"
HOST = "the build host: x86-64 ELF files (bytes)"


def finding(cid, claim, who, status, answer, figures, platform, exact, why=None):
    f = {"id": cid, "claim": claim, "who": who, "status": status, "answer": answer,
         "figures": figures, "platform": platform, "exact": exact}
    if why:
        f["why"] = why
    return f


def missing(cid, claim, who, files):
    return finding(cid, claim, who, "missing",
                   "Not measured yet: " + ", ".join(f"build/report/{f}" for f in files) +
                   " is missing.", [], "-", None,
                   why="the run that writes it has not been made (make demo, make report)")


def kib(n):
    return f"{n / 1024:.1f} KiB"


def mib(n):
    return f"{n / 1048576:.1f} MiB"


def replicate(d):
    """Molnar: bundle only the functions that differ."""
    cid, who = "replicate", "Ingo Molnar, 2007"
    claim = ("It is enough to replicate only those functions that truly differ "
             "between the builds.")
    s = d.get("sizes.json")
    if not s or "per_variant" not in s:
        return missing(cid, claim, who, ["sizes.json"])
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
    return finding(cid, claim, who, "measured", answer, figs, HOST, True)


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


def five_kernels(d):
    """Fitzhardinge: five kernels in one package, 50 MB to 250 MB."""
    cid, who = "250mb", "Jeremy Fitzhardinge, 2007"
    claim = ("Bundling N+1 builds multiplies the package: ~50 MB to ~250 MB for native, "
             "Xen, vmi, lguest and kvm.")
    g = d.get("growth.json")
    if not g:
        return missing(cid, claim, who, ["growth.json"])
    texts, figs = [], []
    for name, label in (("linux", "Linux 6.1"), ("ours", "Our kernel")):
        t, f = growth_line(g.get(name), name, label)
        if t:
            texts.append(t)
            figs += f
    if not texts:
        return missing(cid, claim, who, ["growth.json (no curve)"])
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
    return finding(cid, claim, who, status, answer, figs, HOST, True)


def patched_site(d):
    """Fitzhardinge: a patched site costs a 6-byte nop or a direct call."""
    cid, who = "nop-or-call", "Jeremy Fitzhardinge, 2010"
    claim = ("A pvops site costs, at worst, a 6-byte nop when unused and a direct call "
             "(or up to 6 bytes inline) when used.")
    runs = (d.get("runs.json") or {}).get("runs")
    if not runs:
        return missing(cid, claim, who, ["runs.json"])
    pr = next((r for r in runs if r["platform"] == "native" and r["how"] == "pvops patched"
               and "pvops" in r and r["icount"]), None)
    figs, texts = [], []
    if pr:
        p = pr["pvops"]
        for k in ("sites", "direct", "inline", "nop"):
            figs.append(fig(p[k], "sites", f"pvops.elf on native: {k}", "runs.json",
                            f"runs[file={pr['file']}].pvops.{k}", pr))
        texts.append(f"On native the {p['sites']} sites of pvops.elf become {p['inline']} "
                     f"inline, {p['direct']} direct calls and {p['nop']} nops, as claimed")
    costs = []
    for op in ("lock_kick", "irq_disable", "set_pte", "clock_ns"):
        dv, pv = op_cost(runs, op, "native", "direct"), op_cost(runs, op, "native", "pvops patched")
        if dv and pv:
            figs += [fig(dv[0], "instructions", f"{op}, direct, native", "runs.json",
                         f"runs[file={dv[1]['file']}].bench.{op}.median", dv[1]),
                     fig(pv[0], "instructions", f"{op}, pvops patched, native", "runs.json",
                         f"runs[file={pv[1]['file']}].bench.{op}.median", pv[1])]
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
    extra = {k: v for k, v in lx.items() if "site" in k and "cost" in k}
    for k in extra:
        texts.append(f"Linux's per-site cost: build/report/linux.json, {k}")
    if not texts:
        return missing(cid, claim, who, ["runs.json (no pvops run)"])
    return finding(cid, claim, who, "measured", "; ".join(texts) + ".", figs,
                   NATIVE_ICOUNT, True)


def bare_hardware(d):
    """The 2009 measurement: +0.97% on bare hardware."""
    cid, who = "0.97", "the 2009 pvops measurement on bare hardware"
    claim = "A pvops kernel costs +0.97% on bare hardware against one built without it."
    runs = (d.get("runs.json") or {}).get("runs") or []
    figs, texts = [], []
    for plat, label in (("native", "native"), ("xen", "Xen")):
        dr, pr = work_of(runs, plat, "direct"), work_of(runs, plat, "pvops patched")
        if dr and pr:
            a, b = pr["work"]["ticks"], dr["work"]["ticks"]
            figs += [fig(b, "instructions", f"workload, direct, {label}", "runs.json",
                         f"runs[file={dr['file']}].work.ticks", dr),
                     fig(a, "instructions", f"workload, pvops patched, {label}", "runs.json",
                         f"runs[file={pr['file']}].work.ticks", pr)]
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
        return finding(cid, claim, who, "untestable", "Untestable here as stated, and the "
                       "analogue is missing: build/report/runs.json has no workload runs "
                       "(make demo).", [], "-", None, why=why)
    return finding(cid, claim, who, "untestable as stated; analogue measured",
                   "Not as cycles: " + why + ": " + "; ".join(texts) + ".", figs,
                   NATIVE_ICOUNT + "; " + XEN_ICOUNT, True, why=why)


def no_impact(d):
    """After patching, native runs as if pvops were not there."""
    cid, who = "no-impact", "the pvops design goal (Fitzhardinge, 2007; the 2010 thread)"
    claim = "After patching, running on bare hardware is indistinguishable from a native build."
    runs = (d.get("runs.json") or {}).get("runs")
    if not runs:
        return missing(cid, claim, who, ["runs.json"])
    dr = next((r for r in runs if r["platform"] == "native" and r["how"] == "direct"
               and r["icount"] and r["bench"]), None)
    pr = next((r for r in runs if r["platform"] == "native" and r["how"] == "pvops patched"
               and r["icount"] and r["bench"]), None)
    if not (dr and pr):
        return missing(cid, claim, who, ["runs.json (native icount runs)"])
    ops = [op for op in dr["bench"] if op in pr["bench"]]
    worse = [(op, dr["bench"][op]["median"], pr["bench"][op]["median"]) for op in ops
             if pr["bench"][op]["median"] > dr["bench"][op]["median"]]
    same = [op for op in ops if pr["bench"][op]["median"] == dr["bench"][op]["median"]]
    figs = []
    for op, a, b in worse:
        figs += [fig(a, "instructions", f"{op}, direct", "runs.json",
                     f"runs[file={dr['file']}].bench.{op}.median", dr),
                 fig(b, "instructions", f"{op}, pvops patched", "runs.json",
                     f"runs[file={pr['file']}].bench.{op}.median", pr)]
    top = sorted(worse, key=lambda w: (w[2] - w[1]) / w[1], reverse=True)[:4]
    answer = (f"No: after patching, {len(worse)} of {len(ops)} benchmarked ops still cost "
              f"more on native than in the direct build ({len(same)} the same); the largest: " +
              ", ".join(f"{op} {a:g} to {b:g} ({pct(b, a)})" for op, a, b in top) +
              ". Patching removes the indirect call, not the call site's register and "
              "argument constraints.")
    return finding(cid, claim, who, "measured", answer, figs, NATIVE_ICOUNT, True)


def callee_save(d):
    """The callee-save convention for the irq ops."""
    cid, who = "callee-save", "Linus Torvalds and Jeremy Fitzhardinge, 2007"
    claim = ("Ops called with a convention that clobbers nothing (callee-save) make a call "
             "almost as cheap as the inline instruction it replaces.")
    runs = (d.get("runs.json") or {}).get("runs")
    if not runs:
        return missing(cid, claim, who, ["runs.json"])
    figs, rows, diffs = [], [], []
    for op in ("irq_disable", "irq_enable", "irq_save", "irq_restore"):
        got = {h: op_cost(runs, op, "xen", h) for h in ("direct", "pvops patched", "pvops calls")}
        if not all(got.values()):
            continue
        for h, (v, r) in got.items():
            figs.append(fig(v, "instructions", f"{op}, {h}, Xen", "runs.json",
                            f"runs[file={r['file']}].bench.{op}.median", r))
        diffs.append(got["pvops calls"][0] - got["direct"][0])
        rows.append(f"{op} {got['direct'][0]:g} inlined, {got['pvops calls'][0]:g} as a call "
                    f"to the callee-save entry")
    if not rows:
        return missing(cid, claim, who, ["runs.json (Xen icount runs)"])
    answer = (f"Yes, measured on Xen, where the irq ops are real work: a call to the "
              f"callee-save entry costs {min(diffs):+g} to {max(diffs):+g} instructions "
              "against the inlined body (" + "; ".join(rows) + "), the call and return "
              "and no spills at the site, because the site may clobber only rax. What a call "
              "cannot recover is what inlining lets the compiler fold (constants, "
              "registers): tools/inlinecost decomposes it.")
    return finding(cid, claim, who, "measured", answer, figs, XEN_ICOUNT, True)


def lock_slow_path(d):
    """Spinlock pvops only on the slow path."""
    cid, who = "lock-slow-path", "Jeremy Fitzhardinge, 2010; Waiman Long, 2014"
    claim = ("Spinlock pvops are called only in the slow path (a long spin, an unlock with "
             "waiters); the uncontended lock and unlock make no extra calls.")
    runs = (d.get("runs.json") or {}).get("runs") or []
    figs, texts = [], []
    for plat in ("native", "xen"):
        cr = next((r for r in runs if r["platform"] == plat and "work_ops" in r), None)
        if cr:
            ops = cr["work_ops"]
            for k in ("lock_wait", "lock_kick", "irq_save", "irq_restore"):
                figs.append(fig(ops.get(k), "calls", f"workload on {plat}: {k} calls",
                                "runs.json", f"runs[file={cr['file']}].work_ops.{k}", cr))
            rounds = get(cr, "work", "rounds")
            texts.append(f"on {plat}, the workload's {rounds} rounds of two threads over one "
                         f"lock made {ops.get('lock_wait')} lock_wait and "
                         f"{ops.get('lock_kick')} lock_kick calls "
                         f"(and {ops.get('irq_save')} irq_save)")
        dv, pv = op_cost(runs, "spin_lock_irqsave", plat, "direct"), \
            op_cost(runs, "spin_lock_irqsave", plat, "pvops patched")
        if dv and pv:
            figs += [fig(dv[0], "instructions", f"spin_lock_irqsave, direct, {plat}", "runs.json",
                         f"runs[file={dv[1]['file']}].bench.spin_lock_irqsave.median", dv[1]),
                     fig(pv[0], "instructions", f"spin_lock_irqsave, pvops, {plat}", "runs.json",
                         f"runs[file={pv[1]['file']}].bench.spin_lock_irqsave.median", pv[1])]
            texts.append(f"an uncontended spin_lock_irqsave on {plat} costs {dv[0]:g} "
                         f"instructions direct and {pv[0]:g} pvops (its irq sites)")
    lt = d.get("locktable.json")
    if lt and isinstance(lt.get("cells"), list):
        cells = {(c.get("setup"), c.get("image"), c.get("mode")): i
                 for i, c in enumerate(lt["cells"])}
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
        return missing(cid, claim, who, ["runs.json", "locktable.json"])
    return finding(cid, claim, who, "measured", "Yes: " + "; ".join(texts) + ".", figs,
                   NATIVE_ICOUNT + "; " + XEN_ICOUNT + "; lock waits: Xen under TCG, wall clock",
                   "partly" if lt else True)


def boot_cost(d):
    """Not a claim of the debate, but its price: what each way costs at boot."""
    cid, who = "boot-cost", "(the bundle's own question)"
    claim = "Choosing the variant at boot costs the bundle more than patching costs pvops."
    runs = (d.get("runs.json") or {}).get("runs") or []
    stubs = [r for r in runs if "stub" in r and r["icount"] and r["platform"] == "native"]
    pv = next((r for r in runs if r["platform"] == "native" and r["how"] == "pvops patched"
               and r["icount"] and "pvops" in r), None)
    if not stubs or not pv:
        return missing(cid, claim, who, ["runs.json (boot-cost runs)"])
    best = {}
    for r in stubs:
        v = r["stub"]["variant"]
        if v not in best or r["stub"]["ticks"] < best[v]["stub"]["ticks"]:
            best[v] = r
    figs = [fig(r["stub"]["ticks"], "instructions", f"stub applying {v}", "runs.json",
                f"runs[file={r['file']}].stub.ticks", r) for v, r in sorted(best.items())]
    figs.append(fig(pv["pvops"]["ticks"], "instructions", "pvops detect and patch",
                    "runs.json", f"runs[file={pv['file']}].pvops.ticks", pv))
    answer = ("Our kernel: the stub (detect, apply the delta, hash the image) takes " +
              ", ".join(f"{r['stub']['ticks']} instructions for {v}"
                        for v, r in sorted(best.items())) +
              f"; pvops detects and patches its {pv['pvops']['sites']} sites in "
              f"{pv['pvops']['ticks']}. Both are once per boot.")
    lc = get(d.get("linux.json"), "patch_cost_icount")
    lin = get(lc, "linux", "pvops on native")
    st = get(lc, "stub", "native on native")
    if isinstance(lin, dict) and isinstance(st, dict) and "alternative_instructions" in lin \
            and "stub_rdtsc_total" in st:
        figs += [fig(lin["alternative_instructions"], "instructions",
                     "Linux pvops on native: alternative_instructions", "linux.json",
                     'patch_cost_icount.linux["pvops on native"].alternative_instructions'),
                 fig(st["stub_rdtsc_total"], "instructions",
                     "Linux bundle's stub choosing native", "linux.json",
                     'patch_cost_icount.stub["native on native"].stub_rdtsc_total')]
        answer += (f" Linux 6.1: pvops Linux's own patching (alternative_instructions) takes "
                   f"{lin['alternative_instructions']} instructions on native, the Linux "
                   f"bundle's stub {st['stub_rdtsc_total']} to choose and rebuild native.")
    return finding(cid, claim, who, "measured", answer, figs, NATIVE_ICOUNT, True)


def dearer(a, b):
    return "dearer" if a > b else "cheaper" if a < b else "the same"


def in_short(d):
    """The answer to the issue's question, in bytes, boot and hot path."""
    s, runs = d.get("sizes.json"), (d.get("runs.json") or {}).get("runs") or []
    figs, lines = [], []
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
    stub = [r for r in runs if "stub" in r and r["icount"] and r["platform"] == "native"
            and r["stub"]["variant"] == "native"]
    pv = next((r for r in runs if r["platform"] == "native" and r["how"] == "pvops patched"
               and r["icount"] and "pvops" in r), None)
    if stub and pv:
        st = min(stub, key=lambda r: r["stub"]["ticks"])
        figs += [fig(st["stub"]["ticks"], "instructions", "stub, native", "runs.json",
                     f"runs[file={st['file']}].stub.ticks", st),
                 fig(pv["pvops"]["ticks"], "instructions", "pvops patching, native", "runs.json",
                     f"runs[file={pv['file']}].pvops.ticks", pv)]
        lines.append(f"Boot: the bundle is {dearer(st['stub']['ticks'], pv['pvops']['ticks'])}"
                     f", its stub takes {st['stub']['ticks']} "
                     f"instructions on native against {pv['pvops']['ticks']} for pvops' "
                     f"patching ({st['stub']['ticks'] / pv['pvops']['ticks']:.1f}x), once.")
    hot = []
    for plat, label in (("native", "native"), ("xen", "Xen")):
        dr, pr = work_of(runs, plat, "direct"), work_of(runs, plat, "pvops patched")
        if dr and pr:
            a, b = dr["work"]["ticks"], pr["work"]["ticks"]
            figs += [fig(a, "instructions", f"workload direct, {label}", "runs.json",
                         f"runs[file={dr['file']}].work.ticks", dr),
                     fig(b, "instructions", f"workload pvops, {label}", "runs.json",
                         f"runs[file={pr['file']}].work.ticks", pr)]
            hot.append((a, b, label))
    if hot:
        lines.append("Hot path: the bundle is " + " and ".join(
            f"{dearer(a, b)} on {label} (its direct variant runs the whole workload in "
            f"{a} instructions, pvops in {b}: {pct(a, b)})" for a, b, label in hot) + ".")
    if not lines:
        return missing("in-short", "In short", "-", ["sizes.json", "runs.json"])
    return finding("in-short", "In short: bundling against runtime patching", "this report",
                   "measured" if len(lines) >= 3 else "partly measured", " ".join(lines), figs,
                   NATIVE_ICOUNT + "; " + XEN_ICOUNT + "; sizes: " + HOST, True)


CLAIMS = [in_short, replicate, five_kernels, patched_site, bare_hardware, no_impact, callee_save,
          lock_slow_path, boot_cost]


# Each claim's id, also when its function fails on data of another shape.
IDS = {"in_short": "in-short", "replicate": "replicate", "five_kernels": "250mb",
       "patched_site": "nop-or-call", "bare_hardware": "0.97", "no_impact": "no-impact",
       "callee_save": "callee-save", "lock_slow_path": "lock-slow-path",
       "boot_cost": "boot-cost"}


def all_findings(d):
    out = []
    for c in CLAIMS:
        try:
            out.append(c(d))
        except (KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError,
                IndexError, StopIteration) as e:
            out.append(finding(IDS[c.__name__], c.__doc__.strip(), "-", "missing",
                               f"The data this rests on is not in the expected form ({e!r}).",
                               [], "-", None, why="a JSON file changed shape"))
    return out
