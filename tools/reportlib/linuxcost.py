"""linuxcost: Linux 6.1's own boot-time patching against the Linux
bundle's stub, both exact under icount (tools/patchcost counts each), put
side by side the one fair way: what each path runs before the kernel
proper goes on.

pvops Linux runs alternative_instructions: apply_paravirt over
.parainstructions, apply_alternatives over .altinstructions (paravirt
sites among them since 6.1: ALT_NOT(X86_FEATURE_XENPV)) and a few small
passes.  The bundle runs its stub (detect, check the payload and its hash,
rebuild the variant, hash the image), then the chosen direct build's own
alternative_instructions: every build patches CPU-feature alternatives,
so only what pvops patches beyond the direct build is paravirt's price.
The direct xen build is itself a PARAVIRT build (Linux's Xen PV guest
needs it; its apply_paravirt shows it), so on Xen that price is small.

KVM is not among the platforms: this host's /dev/kvm is kvm_pvm (no VT-x
or SVM), which cannot run unmodified Linux, and -icount needs TCG anyway.
The stub's rebuild of the kvm variant is measured on TCG instead
(hvb.variant=kvm), and the kvm build's own patching likewise.

Each boot also counts its instructions from power-on to the first
instruction of /init (boot_to_init): the whole boot the patching is a
part of, so the stub's share of it can be said."""

from .render import table

KVM_WHY = ("this host's /dev/kvm is kvm_pvm (no VT-x/SVM), which cannot run unmodified "
           "Linux, and -icount needs TCG; the stub rebuilding kvm and the kvm build's own "
           "patching are measured on native TCG instead (hvb.variant=kvm)")
# platform: the direct variant the stub chooses there
PLATFORMS = {"native": "native", "xen": "xen"}


def side_by_side(linux, stub, platform, variant):
    """One platform's comparison from patchcost's per-run counts: Linux's
    side when pvops Linux and the direct build were booted there, the
    bundle's when its stub was too; None when Linux's side is missing."""
    pv = linux.get(f"pvops on {platform}")
    dv = linux.get(f"{variant} on {platform}")
    st = stub.get(f"{variant} on {platform}")
    if not (pv and dv):
        return None
    x, y = pv["alternative_instructions"], dv["alternative_instructions"]
    boots = {}
    for k, r in (("pvops", pv), ("direct", dv), ("bundle", st or {})):
        boots.update({f"{k}_{f}": r[f] for f in ("boot_to_init", "boot_to_entry") if f in r})
        if "boot_to_init" in r and "boot_to_entry" in r:
            boots[f"{k}_entry_to_init"] = r["boot_to_init"] - r["boot_to_entry"]
    out = {"variant": variant,
           "pvops_patching": x,
           "pvops_apply_paravirt": pv.get("apply_paravirt", 0),
           "direct_patching": y,
           # Xen PV needs PARAVIRT: the direct xen build patches pvops sites too
           "direct_apply_paravirt": dv.get("apply_paravirt", 0),
           "paravirt_added": x - y, **boots}
    if st:
        s = st["stub_rdtsc_total"]
        out.update({"stub": s,
                    "stub_detect": st["detect"],
                    "stub_payload_check": st["payload_check"],
                    "stub_rebuild": st["rebuild"],
                    "stub_image_hash": st["image_hash"],
                    "bundle_total": s + y,
                    "bundle_minus_pvops": s + y - x})
    return out


def compare(cost):
    """{platform: side_by_side} for native and Xen, and kvm: why it is not."""
    out = {}
    for platform, variant in PLATFORMS.items():
        c = side_by_side(cost["linux"], cost["stub"], platform, variant)
        if c:
            out[platform] = c
    out["kvm"] = {"measured": False, "why": KVM_WHY}
    return out


BOOT_WHAT = ("The count is QEMU's instruction counter (the boot recorded under icount and "
             "replayed under its gdb server, read when /init's entry point is first reached "
             "in user mode): every instruction the emulated CPU ran since reset. On native "
             "(QEMU microvm) that is its firmware (qboot) and the kernel; as Xen dom0 it is "
             "SeaBIOS, QEMU's multiboot loader, Xen's own boot and its building of dom0, then "
             "dom0's kernel. It is not the guest TSC: the time -icount sleep=off skips while "
             "the CPU idles is not in it. A boot's count is exact (recorded, then replayed), "
             "and on native boots repeat it (tools/boot gives Linux a fixed RTC in guest "
             "time; docs/testing.md)")
XEN_PART = ("As Xen dom0 the part before dom0's first instruction varies from boot to boot "
            "by tens of millions of instructions: Xen reads the CMOS clock waiting for its "
            "update flag, and QEMU's RTC runs on the host's clock, so the wait depends on "
            "when the boot started. The row \"xen, dom0: its entry to /init\" counts from "
            "the first instruction Xen starts the image at (the bundle's stub, or the "
            "kernel's startup_xen) to /init: the dom0's own boot, which varies like native's "
            "(by tens of thousands of instructions at most), and the row to compare on Xen")
BOOTS = ["direct", "pvops", "bundle"]
# (row label suffix, the compare field suffix)
SPANS = [("", "boot_to_init"), (", dom0: its entry to /init", "entry_to_init")]


def share(part, whole):
    """PART of WHOLE, as the report prints it."""
    return f"{100 * part / whole:.2f}%"


def boot_row(label, c, span):
    """One platform's cells for SPAN (boot_to_init or entry_to_init): the
    three boots, the bundle's minus pvops', the stub and its share of the
    bundle's boot, pvops' patching and its share of pvops' boot
    ("**missing**" where not counted)."""
    b = {k: c.get(f"{k}_{span}") for k in BOOTS}
    miss = "**missing**"
    row = [label] + [b[k] if b[k] is not None else miss for k in BOOTS]
    row.append(f"{b['bundle'] - b['pvops']:+d}" if None not in (b["bundle"], b["pvops"])
               else miss)
    row += ([c["stub"], share(c["stub"], b["bundle"])] if "stub" in c and b["bundle"]
            else [c.get("stub", miss), miss])
    row += [c["pvops_patching"], share(c["pvops_patching"], b["pvops"]) if b["pvops"]
            else miss]
    return row


def boot_rows(plats):
    """The table's rows: power-on to /init per platform, and dom0's own
    boot where a platform has one counted."""
    return [boot_row(p + suffix, c, span) for p, c in plats for suffix, span in SPANS
            if span == "boot_to_init" or any(f"{k}_{span}" in c for k in BOOTS)]


def markdown_boot(plats):
    """The boot to init beside the patching: report lines."""
    md = ["", "The whole boot, for proportion: the instructions from power-on to the first "
          "instruction of /init (our init). " + BOOT_WHAT + "."]
    if any(p == "xen" for p, _ in plats):
        md += ["", XEN_PART + "."]
    md += [""] + table(boot_rows(plats),
                       ["platform", "boot to init: direct build", "pvops Linux", "bundle",
                        "bundle - pvops", "stub", "stub's share of the bundle's boot",
                        "pvops Linux patching", "its share of pvops' boot"])
    if any(c.get(f"{k}_boot_to_init") is None for _, c in plats for k in BOOTS):
        md += ["", "Boot to init: **missing** where marked: not counted in that run (its "
               "vmlinux has no /init, or the recorded boot did not reach it: "
               "boot_to_init_missing in the run's record says which)."]
    return md


def markdown(cmp):
    """The comparison as report lines."""
    plats = [(p, c) for p, c in cmp.items() if p in PLATFORMS]
    if not plats:
        return ["", "Side by side: **not measured yet** on any platform (it needs pvops Linux "
                "and the direct build booted on the same platform).", "",
                f"KVM: not measured: {cmp['kvm']['why']}."]
    rows = [[p, c["pvops_patching"], c["pvops_apply_paravirt"], c["direct_patching"],
             c["paravirt_added"]] +
            ([c["stub"], c["stub_image_hash"], c["bundle_total"],
              f"{c['bundle_total'] / c['pvops_patching']:.2f}x"] if "stub" in c else
             ["**missing**", "", "", ""]) for p, c in plats]
    md = ["", "Side by side, per platform: what runs before the kernel proper goes on.",
          "pvops Linux patches itself (alternative_instructions); the bundle runs its stub,",
          "then the chosen direct build's own alternative_instructions (CPU-feature",
          "alternatives: every build has them, so pvops minus direct is paravirt's share).", ""]
    md += table(rows, ["platform", "pvops Linux patching", "of it apply_paravirt",
                       "direct build's own patching", "paravirt's share", "stub",
                       "of it image hash", "bundle: stub + own patching", "bundle / pvops"])
    md += [""] + [f"The direct {c['variant']} build is a PARAVIRT build itself (Linux's Xen PV "
                  f"guest needs it): its own patching includes apply_paravirt, "
                  f"{c['direct_apply_paravirt']} instructions."
                  for p, c in plats if c["direct_apply_paravirt"]]
    md += markdown_boot(plats)
    if any("stub" not in c for _, c in plats):
        md += ["", "The stub: **missing** where marked (the Linux bundle needs native, kvm "
               "and xen built)."]
    md += ["", f"KVM: not measured: {cmp['kvm']['why']}."]
    return md
