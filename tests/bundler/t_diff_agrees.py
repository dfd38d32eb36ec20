# bundler diff says the same thing three ways: the listed lines, the
# summary's counts and --json.  For every pair of the built images (and an
# image against itself), the text lists exactly the (kind, name) entries of
# the JSON, each kind's listed entries number what both summaries say, and
# the function and object totals are the images' symbols (from readelf).
# The classes (identical, identical after reference resolution, changed,
# only in one image) agree between the text's class lines and the JSON,
# add up to each kind's total, and an image against itself is all
# identical.
import collections
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from hvbtest import check, image

BUNDLER = os.environ["BUNDLER"]
KINDS = {"function": "functions", "object": "objects", "section": "sections"}


def run(*args):
    p = subprocess.run([BUNDLER, "diff"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    check(p.returncode == 0, f"diff {' '.join(args)} exited {p.returncode}: {p.stderr.decode()}")
    return p.stdout.decode()


CLASS_RE = (r"(functions|objects): (\d+) identical, (\d+) identical after reference "
            r"resolution, (\d+) changed, (\d+) only in one image")


def text_classes(out, b):
    """The class lines ("B: functions: ...") of the text, as the JSON has them,
    and the other lines."""
    classes, rest = {}, []
    for l in out.splitlines():
        m = re.fullmatch(re.escape(b) + ": " + CLASS_RE, l)
        if m:
            n = [int(x) for x in m.groups()[1:]]
            classes[m.group(1)] = dict(zip(("identical", "ref_identical", "changed",
                                            "only_in_one"), n))
        elif not l.startswith(b + ": changed bytes "):
            rest.append(l)
    return classes, "\n".join(rest)


def text_view(out):
    lines = out.splitlines()
    m = re.fullmatch(r"functions: (\d+) of (\d+) differ; objects: (\d+) of (\d+) differ; "
                     r"sections: (\d+) of (\d+) differ", lines[-1] if lines else "")
    check(m, f"no summary line: {lines[-1:] }")
    n = [int(x) for x in m.groups()]
    summary = {k: {"differ": n[2 * i], "total": n[2 * i + 1]} for i, k in enumerate(KINDS.values())}
    listed = collections.Counter()
    for l in lines[:-1]:
        f = l.split()
        check(f and f[0] in KINDS, f"unexpected line in the listing: {l!r}")
        listed[(f[0], f[1])] += 1
    return summary, listed


def json_view(out):
    import json
    d = json.loads(out)
    listed = collections.Counter(
        (x["kind"], x["name"] + (f"#{x['occurrence']}" if x.get("occurrence") else ""))
        for x in d["differences"])
    return d["summary"], listed


def symbols(elf, typ):
    out = subprocess.run(["readelf", "-sW", elf], stdout=subprocess.PIPE, check=True)
    return collections.Counter(f[7] for f in (l.split() for l in out.stdout.decode().splitlines())
                               if len(f) >= 8 and f[3] == typ)


pairs = [("native", "kvm"), ("native", "xen"), ("kvm", "xen"), ("xen", "native"), ("kvm", "kvm")]
for a, b in pairs:
    A, B = image(f"{a}.elf"), image(f"{b}.elf")
    tc, txt = text_classes(run(A, B), B)
    ts, tl = text_view(txt)
    jout = run(A, B, "--json")
    js, jl = json_view(jout)
    import json
    jc = json.loads(jout)["classes"]
    for k in ("functions", "objects"):
        check(tc.get(k) == jc[k], f"{a} vs {b}: {k} classes, text {tc.get(k)}, JSON {jc[k]}")
        check(sum(jc[k].values()) == ts[k]["total"], f"{a} vs {b}: {k} classes add up to "
              f"{sum(jc[k].values())}, not {ts[k]['total']}")
        if a == b:
            check(jc[k]["identical"] == ts[k]["total"], f"{a} against itself: {jc[k]}")
    check(ts == js, f"{a} vs {b}: text summary {ts}, JSON summary {js}")
    check(tl == jl, f"{a} vs {b}: listed differently: only in text {tl - jl}, "
          f"only in JSON {jl - tl}")
    for kind, key in KINDS.items():
        n = sum(c for (k, _), c in tl.items() if k == kind)
        check(n == ts[key]["differ"], f"{a} vs {b}: {n} {key} listed, summary says "
              f"{ts[key]['differ']}")
    for kind, typ in (("functions", "FUNC"), ("objects", "OBJECT")):
        n = sum((symbols(A, typ) | symbols(B, typ)).values())
        check(ts[kind]["total"] == n, f"{a} vs {b}: {ts[kind]['total']} {kind} in all, "
              f"the images have {n}")
    if a == b:
        check(not tl, f"{a} against itself lists {tl}")
    print(f"{a} vs {b}: " + ", ".join(f"{ts[k]['differ']}/{ts[k]['total']} {k}" for k in KINDS.values()))
