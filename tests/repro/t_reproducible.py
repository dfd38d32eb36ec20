# Reproducible builds: two clean builds of the tree, in directories of
# different names and depths, under a different time zone, locale and
# umask, give byte-identical images and bundle.  What differs is named: the
# file, the first differing offset and the ELF section that holds it.
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from hvbtest import check, fail

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TMP = os.environ.get("TMPDIR", "/tmp")
TREES = [(os.path.join(TMP, "a"), {}),
         (os.path.join(TMP, "second-build", "of.the", "hvbundle-tree"),
          {"TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})]


def copy_tree(dst):
    """The tracked files as they are in the working tree: a clean checkout."""
    os.makedirs(dst)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, stdout=subprocess.PIPE,
                           check=True).stdout
    tar = subprocess.Popen(["tar", "-C", ROOT, "--null", "-T", "-", "-cf", "-"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    untar = subprocess.Popen(["tar", "-C", dst, "-xf", "-"], stdin=tar.stdout)
    tar.stdin.write(files)
    tar.stdin.close()
    check(untar.wait() == 0 and tar.wait() == 0, f"copying the tree to {dst} failed")


def build(tree, extra_env):
    env = dict(os.environ, **extra_env)
    for k in ("BUILD", "IMAGES", "BUNDLER"):
        env.pop(k, None)
    old = os.umask(0o077 if extra_env else 0o022)
    try:
        p = subprocess.run(["nice", "make", "-s", "allvariants"], cwd=tree, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    finally:
        os.umask(old)
    if p.returncode:
        print(p.stdout.decode("utf-8", "replace")[-3000:])
        fail(f"make allvariants in {tree} exited {p.returncode}")


def section_at(elf, off):
    out = subprocess.run(["readelf", "-SW", elf], stdout=subprocess.PIPE).stdout.decode()
    for line in out.splitlines():
        f = line.replace("[ ", "[").split()
        if len(f) > 6 and f[0].startswith("[") and f[0].endswith("]"):
            try:
                so, sz = int(f[4], 16), int(f[5], 16)
            except ValueError:
                continue
            if f[2] != "NOBITS" and so <= off < so + sz:
                return f[1]
    return "no section (headers or padding)"


for tree, env in TREES:
    copy_tree(tree)
    build(tree, env)
imgs = [os.path.join(t, "build", "images") for t, _ in TREES]
names = sorted(os.listdir(imgs[0]))
check(names == sorted(os.listdir(imgs[1])), f"the builds made different files: "
      f"{names} vs {sorted(os.listdir(imgs[1]))}")
check("bundle.elf" in names and len(names) >= 5, f"too few outputs: {names}")
bad = []
for n in names:
    a = open(os.path.join(imgs[0], n), "rb").read()
    b = open(os.path.join(imgs[1], n), "rb").read()
    if a != b:
        off = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        bad.append(f"{n}: {len(a)} vs {len(b)} bytes, first difference at {off:#x} "
                   f"({section_at(os.path.join(imgs[0], n), off)})")
    else:
        print(f"identical: {n} ({len(a)} bytes)")
check(not bad, "the two builds differ:\n  " + "\n  ".join(bad))
print(f"{len(names)} outputs byte-identical across two builds in different directories")
