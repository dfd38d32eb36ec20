# hostbench (docs/DESIGN.md, principle 7) builds, runs, and reports every figure
# it promises with numbers; and what must hold while it runs does: the
# pvops sites read back as built and as pv_patch.c rewrote them, the fake
# upcall mask ends as each Xen irq op leaves it, the pending branch calls
# the (stub) hypercall once per enable, the callee-save entries keep every
# register but rax.  Timing is never asserted: benchmarks are not tests.
set -eu
BUILD=${BUILD:-build}
mkdir -p "$BUILD/host"
OUT=$(cd "$BUILD/host" && pwd)
HB=$OUT/hostbench

make -s hostbench-build HOSTBENCH_O="$OUT" >"$TMPDIR/build.log" 2>&1 || {
	cat "$TMPDIR/build.log"; echo "FAIL: make hostbench-build"; exit 1; }
[ -x "$HB" ] || { echo "FAIL: $HB was not built"; exit 1; }

# Usage errors are clear and exit 2; --help exits 0.
"$HB" --help | grep -q '^usage: hostbench' || { echo "FAIL: --help"; exit 1; }
for bad in "--reps 0" "--reps x" "--reps" "--target-us 0" "--filter nosuch" "--bogus"; do
	rc=0
	# shellcheck disable=SC2086
	"$HB" $bad >"$TMPDIR/err.out" 2>"$TMPDIR/err.txt" || rc=$?
	if [ $rc -ne 2 ] || ! grep -q '^hostbench: ' "$TMPDIR/err.txt"; then
		echo "FAIL: hostbench $bad: exit $rc (want 2 and a hostbench: message)"
		cat "$TMPDIR/err.txt"; exit 1
	fi
done

# The retpoline loops call through the thunks; the plain ones do not.
dis() { objdump -d --no-show-raw-insn "$HB" | awk "/<$1>:/{on=1} on&&/^\$/{exit} on"; }
dis hb_retpoline_irq_save | grep -q 'call.*<__x86_indirect_thunk_' ||
	{ echo "FAIL: hb_retpoline_irq_save calls no retpoline thunk"; exit 1; }
if dis hb_indirect_irq_save | grep -q '__x86_indirect_thunk_'; then
	echo "FAIL: hb_indirect_irq_save goes through a retpoline"; exit 1
fi

# The readable table.
rc=0
"$HB" --reps 1 --target-us 5 --filter irq_disable,lock_kick >"$TMPDIR/table.txt" || rc=$?
if [ $rc -ne 0 ]; then
	cat "$TMPDIR/table.txt"; echo "FAIL: hostbench (table) exited $rc"; exit 1
fi
for want in '^irq_disable  *xen ' '^lock_kick  *native .* nop$' '^checks: [0-9]* passed, 0 failed$'; do
	if ! grep -q "$want" "$TMPDIR/table.txt"; then
		cat "$TMPDIR/table.txt"; echo "FAIL: the table has no line matching $want"; exit 1
	fi
done

# Everything, as JSON lines.
rc=0
"$HB" --json --reps 3 --target-us 20 >"$TMPDIR/out.json" 2>"$TMPDIR/out.err" || rc=$?
if [ $rc -ne 0 ]; then
	cat "$TMPDIR/out.err"; tail -5 "$TMPDIR/out.json"
	echo "FAIL: hostbench --json exited $rc"; exit 1
fi

python3 - "$TMPDIR/out.json" <<'PY'
import json, math, sys

lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
fail = []
figs = {(e["name"], e["backend"], e["mechanism"]): e for e in lines if e["event"] == "hostbench"}
checks = {e["name"]: e for e in lines if e["event"] == "hostbench_check"}
sites = [e for e in lines if e["event"] == "hostbench_site"]
info = [e for e in lines if e["event"] == "hostbench_info"]
done = [e for e in lines if e["event"] == "hostbench_done"]

irq = ["inline", "direct", "indirect", "indirect_retpoline", "direct_thunk", "pv_unpatched"]
plain = ["inline", "direct", "indirect", "indirect_retpoline", "pv_unpatched"]
want = [("loop_empty", "none", "inline")]
# Xen's irq_disable and irq_save sites are patched inline, the others call.
xen_patched = {"irq_disable": "pv_patched_inline", "irq_save": "pv_patched_inline",
               "irq_save_restore": "pv_patched_inline"}
for n in ["irq_disable", "irq_enable", "irq_enable_pending", "irq_save", "irq_restore", "irq_save_restore"]:
    want += [(n, "xen", m) for m in irq + [xen_patched.get(n, "pv_patched_call")]]
want += [("clock_ns", "xen", m) for m in plain + ["pv_patched_call"]]
for n in ["irq_save", "irq_restore", "irq_save_restore"]:
    want += [(n, "native", m) for m in irq + ["pv_patched_inline"]]
want += [("clock_ns", "native", m) for m in plain + ["pv_patched_call"]]
want += [("lock_kick", "native", m) for m in plain + ["pv_patched_nop"]]
want += [("clock_ns", "kvm", m) for m in plain + ["pv_patched_call"]]

for k in want:
    e = figs.get(k)
    if e is None:
        fail.append("no figure %s/%s/%s" % k)
        continue
    for f in ("cycles_min", "cycles_median", "cycles_max"):
        v = e.get(f)
        if not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            fail.append("%s/%s/%s: %s is %r" % (k + (f, v)))
    if e.get("reps") != 3 or not e.get("cpu") or e.get("unit") != "tsc" or not e.get("iters", 0) > 0:
        fail.append("%s/%s/%s: reps/cpu/unit/iters wrong: %r" % (k + (e,)))
extra = set(figs) - set(want)
if extra:
    fail.append("figures nobody expects (update this test): %s" % sorted(extra))

if len(info) != 1 or not info[0].get("cpu") or not info[0].get("tsc_mhz", 0) > 0:
    fail.append("hostbench_info line missing or incomplete: %r" % info)
if len(done) != 1 or done[0].get("status") != 0 or done[0].get("checks_failed") != 0:
    fail.append("hostbench_done: %r" % done)

for n, e in checks.items():
    if e["result"] != "pass":
        fail.append("check %s failed: %s" % (n, e["detail"]))
must = ["sites:as_built", "thunk:xen:irq_disable", "thunk:xen:irq_enable", "thunk:xen:irq_save",
        "thunk:xen:irq_restore", "thunk:native:irq_save", "thunk:native:irq_restore"]
for be in ("xen", "native", "kvm"):
    for ph in ("unpatched", "patched"):
        must += ["pv_report:%s:%s" % (be, ph), "sites:%s:%s" % (be, ph)]
must += ["after:%s/%s/%s" % k for k in want if k[0] != "loop_empty"]
for n in must:
    if n not in checks:
        fail.append("no check %s" % n)
# The facts themselves, from the detail the program wrote.
for m in irq + ["pv_patched_inline"]:
    d = checks.get("after:irq_disable/xen/" + m, {}).get("detail", "")
    if "upcall mask 1, 0 hypercalls" not in d:
        fail.append("after irq_disable/xen/%s the fake mask is not 1: %r" % (m, d))
for m in irq + ["pv_patched_call"]:
    d = checks.get("after:irq_enable/xen/" + m, {}).get("detail", "")
    if "upcall mask 0, 0 hypercalls" not in d:
        fail.append("irq_enable/xen/%s: mask not 0 or pending branch taken: %r" % (m, d))

# The sites' bytes, as built and as patched.  A site is padded to the
# longest replacement for its op (9 bytes for irq_disable: Xen's movb; 16
# for irq_save: Xen's cmpb, sbb, and), the rest of it one long nop or a
# short jump over int3s.
by = {}
for s in sites:
    by.setdefault((s["backend"], s["phase"]), []).append(s)
for s in by.get(("none", "as_built"), []):
    pad = {"irq_disable": 9, "irq_save": 16}.get(s["op"], 6)
    if not s["bytes"].startswith("ff15") or s["len"] != pad:
        fail.append("site as built is not ff 15 rel32 in %d bytes: %r" % (pad, s))
if not by.get(("none", "as_built")):
    fail.append("no as-built site lines")
for be in ("xen", "native", "kvm"):
    for s in by.get((be, "unpatched"), []):
        if not s["bytes"].startswith("ff15"):
            fail.append("unpatched %s site changed: %r" % (be, s))
# movb $1, %gs:0x41; cmpb $1, %gs:0x41; sbb %eax, %eax; and $0x200, %eax
# (this CPU's upcall mask: its vcpu_info in its per-CPU record)
xen_inline = {"irq_disable": ("65c6042541000000", "01"),
              "irq_save": ("65803c2541000000", "0119c02500020000")}
for s in by.get(("xen", "patched"), []):
    if s["op"] in xen_inline:
        head, tail = xen_inline[s["op"]]
        if s["kind"] != "inline" or not s["bytes"].startswith(head) or not s["bytes"].endswith(tail):
            fail.append("xen patched %s site is not its inline form: %r" % (s["op"], s))
        continue
    if not s["bytes"].startswith("2ee8") or s["kind"] != "call":
        fail.append("xen patched site is not cs call rel32: %r" % s)
    if s["op"].startswith("irq_") and s.get("target") != "pv_xen_%s_cs" % s["op"]:
        fail.append("xen irq site does not call the callee-save entry: %r" % s)
native_bytes = {"irq_disable": "fa0f1f840000000000", "irq_enable": "fb0f1f440000",
                "irq_save": "9c58eb0c" + "cc" * 12, "irq_restore": "579d0f1f4000",
                "lock_kick": "660f1f440000"}
for be in ("native", "kvm"):
    got = by.get((be, "patched"), [])
    if not got:
        fail.append("no %s patched site lines" % be)
    for s in got:
        if s["op"] in native_bytes and s["bytes"] != native_bytes[s["op"]]:
            fail.append("%s patched %s site reads %s, not %s" % (be, s["op"], s["bytes"], native_bytes[s["op"]]))
        if s["op"] == "clock_ns" and s.get("target") != "pv_%s_clock_ns" % be:
            fail.append("%s clock_ns site calls %r" % (be, s.get("target")))

for f in fail:
    print("FAIL: " + f)
if fail:
    sys.exit(1)
print("hostbench: %d figures, %d checks passed, %d site lines" % (len(figs), len(checks), len(sites)))
PY
