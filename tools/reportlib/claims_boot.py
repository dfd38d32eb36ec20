"""claims_boot: what choosing the variant costs at boot: our stub against
pvops patching, and Linux 6.1's own patching against its bundle's stub
(reportlib/linuxcost.py compares them; tools/patchcost measures)."""
from .claim import NATIVE_ICOUNT, XEN_ICOUNT, claim, run_fig, runs_of
from .data import fig, get, pct
from .linuxcost import KVM_WHY, share
from .runs import find

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


# tools/patchcost's comparison (reportlib/linuxcost.py): field, what it
# is, the boot it comes from (pvops Linux, the direct build, the bundle)
LINUX_BOOT = [("pvops_patching", "pvops Linux's alternative_instructions", "pvops"),
              ("pvops_apply_paravirt", "of it apply_paravirt", "pvops"),
              ("direct_patching", "the direct build's own alternative_instructions", "direct"),
              ("direct_apply_paravirt", "of it apply_paravirt (0: not a PARAVIRT build)",
               "direct"),
              ("paravirt_added", "pvops' patching beyond the direct build's", "pvops"),
              ("stub", "the bundle's stub (rdtsc total)", "bundle"),
              ("stub_image_hash", "the stub's image hash", "bundle"),
              ("bundle_total", "the bundle: stub and the direct build's own patching",
               "bundle"),
              ("direct_boot_to_init", "the direct build: power-on to /init", "direct"),
              ("pvops_boot_to_init", "pvops Linux: power-on to /init", "pvops"),
              ("bundle_boot_to_init", "the bundle: power-on to /init", "bundle"),
              ("direct_entry_to_init", "the direct build: dom0's entry to /init", "direct"),
              ("pvops_entry_to_init", "pvops Linux: dom0's entry to /init", "pvops"),
              ("bundle_entry_to_init", "the bundle: dom0's entry (its stub) to /init",
               "bundle")]
BOOT_INCLUDES = {"native": "from power-on to /init, firmware included",
                 "xen": "from the first instruction Xen starts the image at (the bundle's "
                        "stub) to /init, dom0's own boot"}


def patchcost_run(lc, boot, plat, variant):
    """The record tools/patchcost kept of one boot (a run for fig()), or None."""
    name, image = {"pvops": (f"linux pvops on {plat}", "build/linux/pvops/vmlinux"),
                   "direct": (f"linux {variant} on {plat}", f"build/linux/{variant}/vmlinux"),
                   "bundle": (f"stub {variant} on {plat}", "build/linux/bundle.elf")}[boot]
    rec = get(lc, "records", name)
    if not rec:
        return None
    return {"file": rec, "image": image, "how": "tools/patchcost: recorded, replayed under gdb",
            "where": {"native": "native (QEMU TCG), icount",
                      "xen": "Xen 4.17 PV dom0 (QEMU TCG), icount"}[plat]}


def boot_share(x, plat):
    """The stub in proportion: its share of the bundle's whole boot to
    /init, and pvops' patching of pvops Linux's (a sentence to follow the
    stub's), or a note that the boots were not counted.  As Xen dom0 the
    dom0's own boot (Xen's part before it varies with the host's clock),
    then power-on's."""
    span = "entry_to_init" if plat == "xen" else "boot_to_init"
    b, p = x.get(f"bundle_{span}"), x.get(f"pvops_{span}")
    if not b or not p:
        return " (the boots to /init are not counted: see boot_to_init_missing)"
    out = (f". In proportion: {BOOT_INCLUDES[plat]}, the bundle runs {b} instructions, so "
           f"its stub is {share(x['stub'], b)} of its boot; pvops Linux runs {p}, its "
           f"patching {share(x['pvops_patching'], p)} of that; the bundle's boot is "
           f"{b - p:+d} instructions against pvops' ({pct(b, p)})")
    w = x.get("bundle_boot_to_init")
    if plat == "xen" and w:
        out += (f". From power-on (SeaBIOS and Xen's own boot included, whose count varies "
                f"from boot to boot with the host's clock) the bundle's boot to /init was {w}, "
                f"the stub {share(x['stub'], w)} of it")
    return out


def linux_boot(d):
    """Linux 6.1: its own boot-time patching against its bundle's stub,
    exact under icount, per platform: (sentences, figures)."""
    lc = get(d.get("linux.json"), "patch_cost_icount")
    cmp = get(lc, "compare")
    texts, figs = [], []
    for plat, label in (("native", "native"), ("xen", "Xen")):
        x = get(cmp, plat)
        if not isinstance(x, dict):
            continue
        figs += [fig(x[k], "instructions", f"Linux on {label}: {what}", "linux.json",
                     f"patch_cost_icount.compare.{plat}.{k}",
                     patchcost_run(lc, boot, plat, x["variant"]))
                 for k, what, boot in LINUX_BOOT if k in x]
        texts.append(f"on {label} pvops Linux patches itself in {x['pvops_patching']} "
                     f"instructions ({x['pvops_apply_paravirt']} of them in apply_paravirt), "
                     f"where the direct {x['variant']} build's own patching takes "
                     f"{x['direct_patching']}" +
                     (f" (a PARAVIRT build itself, as Xen PV needs: {x['direct_apply_paravirt']} "
                      "in apply_paravirt)" if x["direct_apply_paravirt"] else "") +
                     f": paravirt's share is {x['paravirt_added']}. " +
                     (f"The bundle's stub takes {x['stub']} ({x['stub_image_hash']} of them "
                      f"hashing the rebuilt image), so its path costs {x['bundle_total']}, "
                      f"{x['bundle_total'] / x['pvops_patching']:.2f}x pvops'"
                      + boot_share(x, plat) if "stub" in x
                      else "The bundle's stub is not measured yet: the Linux bundle needs the "
                      "native, kvm and xen builds (" + ", ".join(
                          get(d.get("linux.json"), "missing") or ["?"]) + " not built)"))
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
