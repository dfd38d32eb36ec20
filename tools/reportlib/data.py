"""data: the JSON files under build/report/ that the findings rest on, read
tolerantly: a file that is missing or unreadable is None, and the findings
say which.  A figure is recorded with the file and key it came from and,
for a boot, the run file and that run's own description."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPORT = os.path.join(ROOT, "build", "report")
# file: who writes it
SOURCES = {
    "sizes.json": "tools/report (our kernel's images, bundle and pvops.elf)",
    "runs.json": "tools/report (every boot of the last make demo, digested)",
    "growth.json": "tools/growth (bundle size against N variants)",
    "linux.json": "tools/report-linux (real Linux sizes, patch sites, workload)",
    "bundle-classes.json": "the bundle's bytes by class (branch refdelta)",
    "frontier.json": "tools/frontier (the inlining policies: bundle sizes and instruction "
                     "counts)",
    "locktable.json": "tools/locktable (a contended lock under Xen)",
    "plots.json": "tools/plots (which figures were drawn, which lack data)",
    "scale-debian.json": "tools/linux-scale-debian (make linux-scale-debian: Debian's 6.1 "
                         "amd64 and cloud-amd64 packed, timed)",
    "scale.json": "tools/linux-scale-measure (make linux-scale: x86_64_defconfig native and "
                  "xen packed, timed)",
}


def load_all():
    """{file name: parsed JSON or None} for every file of SOURCES, plus any
    other *.json under build/report/ (other tools' data, listed as found)."""
    out = {}
    names = set(SOURCES)
    if os.path.isdir(REPORT):
        names |= {f for f in os.listdir(REPORT) if f.endswith(".json") and f != "findings.json"}
    for name in sorted(names):
        try:
            with open(os.path.join(REPORT, name)) as f:
                out[name] = json.load(f)
        except (OSError, ValueError):
            out[name] = None
    return out


def get(d, *keys):
    """d[k0][k1]... or None where any step is missing."""
    for k in keys:
        if isinstance(d, dict) and k in d:
            d = d[k]
        elif isinstance(d, list) and isinstance(k, int) and -len(d) <= k < len(d):
            d = d[k]
        else:
            return None
    return d


def fig(value, unit, what, file, key, run=None):
    """One figure: its value, unit, what it is, and where it is written."""
    f = {"value": value, "unit": unit, "what": what, "json": f"build/report/{file}", "key": key}
    if run is not None:
        f["run"] = run["file"]
        f["run_desc"] = f"{run.get('image')} on {run.get('where')} ({run.get('how')})"
    return f


def pct(a, b):
    """a over b, as a signed percentage string."""
    return f"{100 * (a - b) / b:+.2f}%"


def zstd19(data, prog):
    """Bytes of DATA compressed with zstd -19; PROG stops with a message if
    zstd fails."""
    p = subprocess.run(["zstd", "-19", "-q", "-c"], input=data, stdout=subprocess.PIPE)
    if p.returncode:
        print(f"{prog}: zstd -19 failed (exit {p.returncode})", file=sys.stderr)
        sys.exit(1)
    return len(p.stdout)


def write_atomic(path, text):
    """Write TEXT to PATH through a temporary file and a rename, so a reader
    running at the same time (tests run two at a time) sees the old file or
    the new one, never half of one."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
