"""runs: every boot `make demo` recorded (build/demo/**/*.json, written by
tools/boot --json), digested into one list: what ran where, how it was
dispatched, and its figures.  tools/report writes it as
build/report/runs.json, so every figure of the report names the run file
it came from and that run's own description."""
import glob
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "build", "demo")


def first(ev, name):
    return next((e for e in ev if e.get("event") == name), None)


def how_of(pv, stub):
    """direct, pvops patched, pvops calls (every site a call), pvops
    unpatched, pvops counting; bundle>... when the stub applied a variant."""
    if pv is None:
        how = "direct"
    elif pv.get("counting"):
        how = "pvops counting"
    elif not pv.get("patched"):
        how = "pvops unpatched"
    elif pv.get("inline_ok") == 0:
        how = "pvops calls"
    else:
        how = "pvops patched"
    return f"bundle>{how}" if stub is not None else how


def where_of(run):
    """The platform and how time was counted: the key every table groups by."""
    p = run.get("platform", "?")
    name = {"native": "native (QEMU TCG)", "xen": "Xen 4.17 PV dom0 (QEMU TCG)",
            "kvm": "KVM (this host)"}.get(p, p)
    return name + (", icount" if run.get("icount") else ", wall clock")


def digest(path):
    try:
        with open(path) as f:
            ev = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(ev, list):
        return None
    run = first(ev, "run") or {}
    boot = first(ev, "boot") or {}
    pv, stub, done = first(ev, "pvops"), first(ev, "stub"), first(ev, "done")
    d = {"file": os.path.relpath(path, ROOT), "image": run.get("image"),
         "platform": run.get("platform"), "icount": bool(run.get("icount")),
         "exact": bool(run.get("icount")), "where": where_of(run),
         "variant": boot.get("variant"), "how": how_of(pv, stub),
         "seconds": run.get("seconds"), "status": done.get("status") if done else None,
         "bench": {e["name"]: {"median": e["ticks_median"], "min": e["ticks_min"],
                               "max": e["ticks_max"], "reps": e.get("reps")}
                   for e in ev if e.get("event") == "bench"}}
    for name, e in (("pvops", pv), ("stub", stub), ("work", first(ev, "work")),
                    ("work_ops", first(ev, "work_ops"))):
        if e is not None:
            d[name] = {k: v for k, v in e.items() if k != "event"}
    return d


def collect():
    """Every run of the last `make demo`, sorted by file name."""
    files = sorted(glob.glob(os.path.join(DEMO, "*.json")) +
                   glob.glob(os.path.join(DEMO, "*", "*.json")))
    return [d for d in map(digest, files) if d is not None]


def find(runs, platform, how, has, icount=True):
    """The first run of HOW on PLATFORM (under icount or not) that carries
    HAS: a part of the digest ("work", "pvops", "bench"), or "bench.OP"
    for one benchmark; None when there is none."""
    part, _, op = has.partition(".")
    for r in runs:
        if r["platform"] == platform and r["how"] == how and r["icount"] == icount:
            x = r.get(part)
            if x and (not op or op in x):
                return r
    return None


def op_cost(runs, op, platform, how, icount=True):
    """(median, run) of OP's bench figure from the first run matching, or None."""
    r = find(runs, platform, how, f"bench.{op}", icount)
    return (r["bench"][op]["median"], r) if r else None


def work_of(runs, platform, how):
    return find(runs, platform, how, "work")
