"""claim: what every finding is made of.  A claim of the debate (its id,
who made it, its words, the data files it needs) and its finding: the
measured answer, the figures with the JSON file and key they come from
(and the run, for a boot), the platform, whether the figures are exact,
and, when data is missing or the claim cannot be tested here, why.  And
the helpers that take figures from the digested runs (runs.json)."""
from .data import fig, get
from .runs import work_of

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


def dearer(a, b):
    return "dearer" if a > b else "cheaper" if a < b else "the same"
