"""tools/icount-calls counts what a call executes, exactly: on the Linux
bundle on native, the stub's four steps (detect, payload check, find, apply
with the image hash) counted from entry to return through QEMU's gdb server
must add up to the stub's own rdtsc total (one tick per instruction under
icount) less only its glue between them, a few hundred instructions.  (The recorded boot is ended after 20 s: the stub runs in
its first second.)"""
import json
import os
import subprocess
import sys
from llib import ROOT, bundle, check

sys.path.insert(0, os.path.join(ROOT, "tools"))
from reportlib.stubs import packed_stub  # noqa: E402

FUNCS = ["hv_detect", "hvb_payload_open", "hvb_payload_find", "hvb_apply_opened"]


def addr(path, sym):
    out = subprocess.run(["nm", path], stdout=subprocess.PIPE, check=True).stdout.decode()
    return next(int(l.split()[0], 16) for l in out.splitlines() if l.endswith(" " + sym))


# The stub pack chose for this bundle (it has only the entry symbols).
STUB = packed_stub(bundle(), os.path.join(ROOT, "build", "stub"))
print("stub:", os.path.relpath(STUB, ROOT))


def run():
    off = addr(bundle(), "hvb_stub_params") - addr(STUB, "hvb_stub_params")
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "icount-calls"), bundle(),
                        *FUNCS, "--symbols", STUB, "--offset", str(off), "--timeout", "120",
                        "--record-seconds", "20"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(p.returncode == 0, f"icount-calls exited {p.returncode}: {p.stderr.decode()[-1500:]}")
    return json.loads(p.stdout)


r1 = run()
f = {n: r1["functions"][n]["total"] for n in FUNCS}
stub = [e for e in r1["events"] if e.get("event") == "stub"]
check(len(stub) == 1 and stub[0]["variant"] == "native", f"stub lines: {stub}")
total, parts = stub[0]["ticks"], sum(f.values())
print(f, "sum", parts, "stub rdtsc total", total)
check(all(r1["functions"][n]["calls"] == 1 for n in FUNCS), f"calls: {r1['functions']}")
check(f["hvb_apply_opened"] > 1000000, "applying (zeroing and hashing 9 MB) took too little")
check(0 <= total - parts < 2000, f"parts {parts} against the stub's own total {total}")
