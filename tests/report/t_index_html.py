# The report's page as people view it: tools/report writes index.html from
# the data present; headless Chromium (Debian's chromium) loads it, every
# figure in it loads (the page's own script counts <img> elements with a
# decoded size), the page has text and is not blank (a screenshot, kept as
# build/report/index.png, has ink in it).  And the check can fail: the same
# page with one SVG removed reports one figure short.
import json
import os
import re
import shutil
import subprocess
import sys

from hvbtest import *

REPORT = os.path.join(ROOT, "build", "report")
PAGE = os.path.join(REPORT, "index.html")
SHOT = os.path.join(REPORT, "index.png")


def chromium(*args):
    exe = shutil.which("chromium")
    if exe is None:
        fail("chromium is not installed (tools/install-deps installs it)")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--virtual-time-budget=10000"] + list(args)
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        fail(f"chromium did not finish in 120 s: {' '.join(cmd)}")
    if p.returncode:
        fail(f"chromium exited {p.returncode}: {p.stderr.decode('utf-8', 'replace')[-800:]}")
    return p.stdout.decode("utf-8", "replace")


def figures_loaded(page):
    dom = chromium("--dump-dom", "file://" + page)
    m = re.search(r'data-figures="(\d+)/(\d+)"', dom)
    check(m is not None, f"{page}: the page's figure count never ran (no data-figures)")
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", "", dom, flags=re.S))
    return int(m.group(1)), int(m.group(2)), len(text.split())


p = subprocess.run([os.path.join(ROOT, "tools", "report")], stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
check(p.returncode == 0, f"tools/report failed: {p.stderr.decode()[-600:]}")
check(os.path.exists(PAGE), "tools/report wrote no build/report/index.html")
with open(os.path.join(REPORT, "plots.json")) as f:
    plots = json.load(f)
drawn = [x["file"] for x in plots["figures"]]
check("bytes.svg" in drawn, f"the bytes figure was not drawn: {plots}")
html = open(PAGE).read()
for name in drawn:
    check(f'src="{name}"' in html, f"index.html does not show {name}")

ok, total, words = figures_loaded(PAGE)
print(f"Chromium: {ok}/{total} figures loaded, {words} words of text")
check(total == len(drawn), f"the page has {total} figures, tools/plots drew {len(drawn)}")
check(ok == total, f"only {ok} of {total} figures loaded in Chromium")
check(words > 500, f"the page shows only {words} words")
check("Findings" in html and html.index("Findings") < html.index("Sizes of our kernel"),
      "the page does not open with the findings")

# Not blank: the screenshot has ink (dark pixels) and colour (the plots). It
# spans 9000 pixels: the findings come first and, with Linux measured, fill
# the first 4000 (the figures fell below a 4000-pixel shot: 6,497 coloured).
chromium(f"--screenshot={SHOT}", "--window-size=1200,9000", "file://" + PAGE)
check(os.path.exists(SHOT), "no screenshot")
probe = ("import sys; from PIL import Image; im = Image.open(sys.argv[1]).convert('RGB');"
         "px = list(im.getdata()); dark = sum(1 for p in px if sum(p) < 384);"
         "colour = sum(1 for p in px if max(p) - min(p) > 60);"
         "print(len(px), dark, colour)")
out = subprocess.run(["/usr/bin/python3", "-c", probe, SHOT], stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
check(out.returncode == 0, f"reading the screenshot: {out.stderr.decode()[-400:]}")
n, dark, colour = map(int, out.stdout.split())
print(f"screenshot {SHOT}: {n} pixels, {dark} dark, {colour} coloured")
check(dark > n // 200, f"the screenshot is nearly blank: {dark} dark pixels of {n}")
check(colour > n // 500, f"no figure visible in the screenshot: {colour} coloured pixels")

# The check itself can fail: a copy of the page without one of its figures.
if drawn:
    tmp = os.path.join(os.environ.get("TMPDIR", "/tmp"), "page")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(REPORT, tmp)
    os.remove(os.path.join(tmp, drawn[0]))
    ok2, total2, _ = figures_loaded(os.path.join(tmp, "index.html"))
    check((ok2, total2) == (total - 1, total),
          f"with {drawn[0]} removed Chromium counted {ok2}/{total2}, expected {total - 1}/{total}")
    print(f"without {drawn[0]}: {ok2}/{total2}, as it should")
