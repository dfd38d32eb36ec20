# The README's recipe for adding a backend is true: in a copy of the tree,
# add a throwaway backend "fourth" (native's bodies under a new name) by
# the recipe's numbered steps and nothing else; `make allvariants` builds
# it into the bundle; the bundle booted on native with hvb.variant=fourth
# applies it and enters it (its boot line and image hash are fourth's);
# its own new boot test passes; and the only files touched are the ones
# the recipe names.
import json
import os
import re
import shutil
import subprocess

from hvbtest import *

NAME, UPPER = "fourth", "FOURTH"
TREE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COPY = os.path.join(os.environ.get("TMPDIR", "/tmp"), "fourth-tree")


def sh(cmd, cwd=COPY, env=None):
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    if p.returncode:
        print(p.stdout.decode("utf-8", "replace")[-4000:])
        fail(f"{' '.join(cmd)} exited {p.returncode}")
    return p.stdout.decode("utf-8", "replace")


def copy_tree():
    """The tree as git sees it (tracked and new files, no build output),
    committed in a fresh repository so that every later change shows."""
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=TREE,
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    shutil.rmtree(COPY, ignore_errors=True)
    for f in filter(None, out.split("\0")):
        src = os.path.join(TREE, f)
        if os.path.isfile(src):
            os.makedirs(os.path.dirname(os.path.join(COPY, f)), exist_ok=True)
            shutil.copy2(src, os.path.join(COPY, f))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    sh(["git", "init", "-q"])
    sh(["git", "add", "-A"])
    sh(git + ["commit", "-qm", "tree before the recipe"])


def write(path, text):
    p = os.path.join(COPY, path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)


def edit(path, old, new):
    p = os.path.join(COPY, path)
    with open(p) as f:
        s = f.read()
    check(s.count(old) == 1, f"{path}: the recipe's anchor {old!r} is not there once")
    with open(p, "w") as f:
        f.write(s.replace(old, new))


def step1_backend():
    """src/hv/fourth/: native's bodies under the new name, and its glue."""
    with open(os.path.join(COPY, "src/hv/hv.h")) as f:
        ops = sorted(set(re.findall(r"\bHV\((\w+)\)", f.read())))
    glue = {"setup", "setup_irq", "handle_irq", "name"}
    check({"irq_disable", "set_pte", "setup_traps", "fault_addr"} <= set(ops),
          f"hv.h's ops: {ops}")
    defs = "".join(f"#define {NAME}_{op} native_{op}\n" for op in ops if op not in glue)
    write(f"src/hv/{NAME}/{NAME}.h", f"""/* {NAME}.h: a throwaway backend, native's bodies under another name. */
#ifndef HV_{UPPER}_H
#define HV_{UPPER}_H

#include "native/native.h"
#ifdef __ASSEMBLER__
#define {NAME}_iret native_iret
#else
{defs}#define {NAME}_name "{NAME}"
const char *{NAME}_setup(struct boot_info *bi);
void {NAME}_setup_irq(void);
void {NAME}_handle_irq(unsigned int vector);
#endif /* __ASSEMBLER__ */
#endif /* HV_{UPPER}_H */
""")
    write(f"src/hv/{NAME}/setup.c", f"""/* setup.c: the {NAME} backend's glue: native's. */
#include "defs.h"
#include "{NAME}/{NAME}.h"

const char *{NAME}_setup(struct boot_info *bi)
{{
	return native_setup(bi);
}}

void {NAME}_setup_irq(void)
{{
	native_setup_irq();
}}

void {NAME}_handle_irq(unsigned int vector)
{{
	native_handle_irq(vector);
}}
""")


def steps2to5():
    edit("Kconfig", 'config HV_XEN\n\tbool "Xen PV (64-bit PV dom0)"\n',
         f'config HV_XEN\n\tbool "Xen PV (64-bit PV dom0)"\n\n'
         f'config HV_{UPPER}\n\tbool "{NAME} (a test of the recipe)"\n')
    edit("Kconfig", '\tdefault "xen" if HV_XEN\n',
         f'\tdefault "xen" if HV_XEN\n\tdefault "{NAME}" if HV_{UPPER}\n')
    with open(os.path.join(COPY, "src/sources.mk"), "a") as f:
        f.write(f"src-$(CONFIG_HV_{UPPER}) += $(native-y) src/hv/{NAME}/setup.c\n")
    write(f"configs/{NAME}_defconfig", f"CONFIG_HV_{UPPER}=y\n")
    write(f"tests/boot/t_{NAME}.py", f"""# The {NAME} image on native: it says it is {NAME} and passes the self-test.
from hvbtest import *

b = boot(image("{NAME}.elf"), "native", ["selftest"], expect_rc=0)
check(b.one("boot")["variant"] == "{NAME}", "variant")
check_selftest(b)
check_done(b, 0)
""")


def recipe_files():
    """Every path the README's recipe names, <name> filled in; a path that
    ends in / stands for the folder."""
    with open(os.path.join(COPY, "README.md")) as f:
        readme = f.read()
    m = re.search(r"^## Adding a hypervisor backend\n(.*?)(?=^##|\Z)", readme, re.S | re.M)
    check(m is not None, "README has no 'Adding a hypervisor backend' section")
    paths = set()
    for tok in re.findall(r"`([^`]+)`", m.group(1)):
        tok = tok.replace("<name>", NAME).replace("<NAME>", UPPER)
        if re.fullmatch(r"[\w./-]+", tok) and ("/" in tok or tok == "Kconfig"):
            paths.add(tok)
    return paths


def touched():
    out = sh(["git", "status", "--porcelain", "--untracked-files=all"])
    return sorted(line[3:] for line in out.splitlines())


copy_tree()
step1_backend()
steps2to5()

allowed = recipe_files()
print("the recipe names:", " ".join(sorted(allowed)))
changed = touched()
print("the recipe touched:", " ".join(changed))
outside = [f for f in changed
           if f not in allowed and not any(a.endswith("/") and f.startswith(a) for a in allowed)]
check(not outside, f"files touched that the recipe does not name: {outside}")
check(len(changed) >= 5, f"the recipe touched too little: {changed}")

env = {k: v for k, v in os.environ.items() if k not in ("BUILD", "IMAGES", "BUNDLER")}
sh(["nice", "make", "-s", "allvariants"], env=env)
images = os.path.join(COPY, "build", "images")
check(os.path.exists(os.path.join(images, f"{NAME}.elf")), f"no {NAME}.elf")
bundle = os.path.join(images, "bundle.elf")
listing = json.loads(sh([os.path.join(COPY, "build/host/bundler"), "list", "--json", bundle]))
names = [v["name"] for v in listing["variants"]]
check(NAME in names, f"the bundle carries {names}, not {NAME}")

b = boot(bundle, "native", [f"hvb.variant={NAME}", "selftest"], expect_rc=0)
s = b.one("stub")
check(s["variant"] == NAME and s["reason"] == "override", f"stub line {s}")
k = b.one("boot")
check(k["variant"] == NAME and k["platform"] == "native", f"boot line {k}")
h = host_image_hash(os.path.join(images, f"{NAME}.elf"))
check(k["image_hash"] == h, f"kernel hashed {k['image_hash']}, {NAME}.elf hashes {h}")
check_selftest(b)
check_done(b, 0)

run = sh([os.path.join(COPY, "tests/run"), "boot", "-k", f"t_{NAME}"], env=env)
check(run.strip().splitlines()[-1].startswith("1 passed"), f"tests/boot/t_{NAME}.py: {run}")
shutil.rmtree(COPY, ignore_errors=True)
