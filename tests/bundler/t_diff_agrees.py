# bundler diff says the same thing three ways: the listed lines, the
# summary's counts and --json.  For every pair of the built images (and an
# image against itself), the text lists exactly the (kind, name) entries of
# the JSON, each kind's listed entries number what both summaries say, and
# the function and object totals are the images' symbols (from readelf).
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
    ts, tl = text_view(run(A, B))
    js, jl = json_view(run(A, B, "--json"))
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
