"""claims_size: the claims about bytes: replicate only the functions that
differ (Molnar), five kernels make the package five times larger
(Fitzhardinge)."""
from .claim import HOST, claim
from .data import fig, get

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
    text, lfigs = linux_classes(d)
    if text is None:
        text, lfigs = linux_by_bytes(d)
    answer += text or ""
    figs += lfigs
    text, ffigs = frontier_line(d)
    answer += text or ""
    figs += ffigs
    cls = d.get("bundle-classes.json")
    if cls is not None:
        answer += " The bundle's bytes by class are in build/report/bundle-classes.json."
    return c.found("measured", answer, figs, HOST, True)


MECH = "mechanism: stub / patcher"	# tools/zaccount's bucket, as frontier.json keys it


def frontier_line(d):
    """How many functions differ, and what the bundle weighs, under each
    inlining policy (frontier.json, tools/frontier): (sentence, figures),
    or (None, []) when not measured."""
    sizes = get(d.get("frontier.json"), "sizes") or {}
    pols = [p for p in ("all", "hot", "none") if p in sizes]
    if not pols:
        return None, []
    figs, parts = [], []
    for p in pols:
        n, z = sizes[p]["functions_differ"]["xen"], sizes[p]["bundle_zstd19"]
        figs += [fig(n, "functions", f"inlining {p}: xen functions that differ",
                     "frontier.json", f"sizes.{p}.functions_differ.xen"),
                 fig(z, "bytes", f"inlining {p}: bundle.elf, zstd -19", "frontier.json",
                     f"sizes.{p}.bundle_zstd19")]
        parts.append(f"{p}, {n} xen functions differ and the bundle is {z} bytes")
    last = pols[-1]
    pv = sizes[last]["images_zstd19"]["pvops"]
    figs.append(fig(pv, "bytes", "pvops.elf, zstd -19", "frontier.json",
                    f"sizes.{last}.images_zstd19.pvops"))
    text = (" How many differ depends on which ops are inlined at their call sites "
            "(tools/frontier; zstd -19): inlining " + "; ".join(parts) +
            f"; the one pvops image is {pv}.")
    b = get(sizes[last], "zaccount_buckets", "bundle.elf", MECH, "share")
    m = get(sizes[last], "zaccount_buckets", "pvops.elf", MECH, "share")
    z = sizes[last]["bundle_zstd19"]
    if b is not None and m is not None and z > pv:
        key = f'sizes.{last}.zaccount_buckets["%s"]["{MECH}"].share'
        figs += [fig(b, "bytes", f"inlining {last}: the bundle's stub and tables (zstd share)",
                     "frontier.json", key % "bundle.elf"),
                 fig(m, "bytes", "pvops.elf's patcher and sites (zstd share)", "frontier.json",
                     key % "pvops.elf")]
        text += (f" Even under policy {last}, the bundle is {z - pv} bytes larger; its stub and "
                 f"payload tables weigh {b} under zstd -19, pvops's patcher and site table {m}.")
    return text, figs


CLASSES = ["identical", "ref_identical", "changed", "only_in_one"]


def linux_classes(d):
    """Linux 6.1's bundle, per variant: its functions by class against
    native's (linux.json, from bundler list): (sentence, figures), or
    (None, []) when not measured."""
    parts, figs = [], []
    for v, x in (get(d.get("linux.json"), "bundle", "variants") or {}).items():
        fc = get(x, "classes", "functions")
        if not isinstance(fc, dict) or not all(k in fc for k in CLASSES):
            continue
        total = sum(fc[k] for k in CLASSES)
        if not total:
            continue              # the base: nothing to compare it with
        figs += [fig(fc[k], "functions", f"Linux {v}: functions {k}", "linux.json",
                     f"bundle.variants.{v}.classes.functions.{k}") for k in CLASSES]
        figs.append(fig(x["delta_bytes"], "bytes", f"Linux {v}: stored delta", "linux.json",
                        f"bundle.variants.{v}.delta_bytes"))
        parts.append(f"{v}: of its {total} functions {fc['identical']} are identical to "
                     f"native's, {fc['ref_identical']} identical once references are resolved, "
                     f"{fc['changed']} changed and {fc['only_in_one']} only in {v} "
                     f"({100 * (fc['changed'] + fc['only_in_one']) / max(total, 1):.1f}% "
                     f"truly differ), stored as {x['delta_bytes']} bytes of delta")
    if not parts:
        return None, []
    return (" In Linux 6.1's bundle (build/linux/bundle.elf, reference-aware deltas): " +
            "; ".join(parts) + "."), figs


def linux_by_bytes(d):
    """Linux 6.1 by bytes only (tools/growth's packs), where the bundle's
    classes are not measured: (sentence, figures), or (None, [])."""
    lx = get(d.get("growth.json"), "linux", "points")
    if not lx or not lx[-1].get("functions"):
        return None, []
    last = lx[-1]
    fx = last["functions"]
    figs = [fig(f["differ"], "functions", f"Linux {v}: functions that differ", "growth.json",
                f"linux.points[{last['n'] - 1}].functions.{v}.differ") for v, f in fx.items()]
    return (" In Linux 6.1 (bundled by tools/growth): " + "; ".join(
        f"{v} differs from native in {f['differ']} of {f['total']} functions "
        f"({100 * f['differ'] / max(f['total'], 1):.1f}%)" for v, f in fx.items()) +
        ", by bytes: each vmlinux is linked alone (no shared layout), so a function "
        "whose addresses moved counts as differing."), figs


def steps(g, name, unit_name):
    """The smallest and largest step of the curve (what one variant added
    to the bundle): (phrase, figures), or ("", []) before tools/growth
    recorded steps."""
    pts = [p for p in g["points"] if "added_bundle_file_bytes" in p]
    if len(pts) < 2:
        return "", []
    lo = min(pts, key=lambda p: p["added_bundle_file_bytes"])
    hi = max(pts, key=lambda p: p["added_bundle_file_bytes"])
    figs = [fig(p["added_bundle_file_bytes"], "bytes", f"{unit_name}: the bundle's step at "
                f"N={p['n']} (+{p['variants'][-1]})", "growth.json",
                f"{name}.points[{p['n'] - 1}].added_bundle_file_bytes") for p in (lo, hi)]
    return (f"; the steps run from {lo['added_bundle_file_bytes']} (+{lo['variants'][-1]}) "
            f"to {hi['added_bundle_file_bytes']} bytes (+{hi['variants'][-1]})"), figs


def growth_line(g, name, unit_name):
    """One curve's sentence and figures, or (None, []) when it has no fit."""
    if not g or not g.get("fit") or not g.get("points"):
        return None, []
    f, pts = g["fit"], g["points"]
    one = pts[0]["separate_file_bytes"]
    per = f["bundle_file_bytes"]["bytes_per_variant"]
    perz = f["bundle_zstd19_bytes"]["bytes_per_variant"]
    last = pts[-1]
    key = f"{name}.fit.bundle_file_bytes"
    figs = [fig(per, "bytes/variant", f"{unit_name}: bundle growth per added variant "
                f"(fit N={f['from_n']}..{f['to_n']})", "growth.json", key + ".bytes_per_variant"),
            fig(perz, "bytes/variant", f"{unit_name}: bundle growth per added variant, zstd -19 "
                f"(fit N={f['from_n']}..{f['to_n']})", "growth.json",
                f"{name}.fit.bundle_zstd19_bytes.bytes_per_variant"),
            fig(one, "bytes", f"{unit_name}: one image ({g['order'][0]})", "growth.json",
                f"{name}.points[0].separate_file_bytes"),
            fig(last["bundle_file_bytes"], "bytes", f"{unit_name}: bundle of N={last['n']}",
                "growth.json", f"{name}.points[{last['n'] - 1}].bundle_file_bytes"),
            fig(last["separate_file_bytes"], "bytes", f"{unit_name}: N={last['n']} images apart",
                "growth.json", f"{name}.points[{last['n'] - 1}].separate_file_bytes")]
    pv = g.get("pvops")
    text = (f"{unit_name}: each added variant costs the bundle {per:.0f} bytes, fitted over "
            f"N={f['from_n']}..{f['to_n']} ({perz:.0f} under zstd -19; "
            f"{100 * per / one:.1f}% of one image file")
    if pv:
        figs.append(fig(pv["file_bytes"], "bytes", f"{unit_name}: the pvops image",
                        "growth.json", f"{name}.pvops.file_bytes"))
        text += f", {100 * per / pv['file_bytes']:.1f}% of the pvops image"
    st, sf = steps(g, name, unit_name)
    text += ")" + st
    figs += sf
    text += (f". {last['n']} variants bundled are {last['bundle_file_bytes']} bytes against "
             f"{last['separate_file_bytes']} apart "
             f"({last['separate_file_bytes'] / last['bundle_file_bytes']:.1f}x)")
    if "separate_loaded_bytes" in last:
        figs.append(fig(last["separate_loaded_bytes"], "bytes",
                        f"{unit_name}: N={last['n']} images apart, loaded bytes", "growth.json",
                        f"{name}.points[{last['n'] - 1}].separate_loaded_bytes"))
        text += f", {last['separate_loaded_bytes']} counting only their loaded bytes"
    if pv:
        carries = (f", which carries {len(pv['backends'])} of the {last['n']} "
                   f"({', '.join(pv['backends'])}"
                   + ("; one with every guest's support would be larger, and is not built "
                      "here" if len(pv["backends"]) < last["n"] else "") + ")"
                   if pv.get("backends") else "")
        figs += [fig(last["bundle_zstd19_bytes"], "bytes",
                     f"{unit_name}: bundle of N={last['n']}, zstd -19", "growth.json",
                     f"{name}.points[{last['n'] - 1}].bundle_zstd19_bytes"),
                 fig(pv["zstd19_bytes"], "bytes", f"{unit_name}: the pvops image, zstd -19",
                     "growth.json", f"{name}.pvops.zstd19_bytes")]
        text += (f", and {pv['file_bytes']} for the one pvops image{carries}: the bundle of "
                 f"{last['n']} is {last['bundle_file_bytes'] / pv['file_bytes']:.2f}x the pvops "
                 f"image in file bytes and {last['bundle_zstd19_bytes'] / pv['zstd19_bytes']:.2f}x "
                 f"under zstd -19 ({last['bundle_zstd19_bytes']} against {pv['zstd19_bytes']})")
    built = [v for v in last["variants"]
             if g.get("platforms", {}).get(v, "").startswith("build-only")]
    if built:
        text += f"; of the {last['n']}, {', '.join(built)} are built and bundled only (no such " \
                "platform here)"
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
              ". ".join(texts) + "." + note)
    return c.found(status, answer, figs, HOST, True)
