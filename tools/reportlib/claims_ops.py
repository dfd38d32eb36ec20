"""claims_ops: the claims about the hot path: a patched site costs a nop
or a direct call, +0.97% on bare hardware, no impact after patching,
callee-save calls, spinlock ops only on the slow path."""
from .claim import NATIVE_ICOUNT, XEN_ICOUNT, claim, op_fig, run_fig, runs_of, work_figs, \
    work_pairs
from .data import fig, get, pct
from .runs import find, op_cost

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
