"""render: Markdown: tables, sizes, and the findings as the report's
first section."""


def table(rows, head):
    """A Markdown table: the first column left-aligned, the rest right."""
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    return out + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]


def kib(n):
    return f"{n / 1024:.1f} KiB"


def exact_word(x):
    return {True: "exact", False: "not exact", "partly": "partly exact", None: "-"}.get(x, str(x))


def findings_md(findings, sources):
    """The findings, then where their figures come from."""
    md = ["## Findings", "",
          "Each claim of the pvops debate, the measured answer, the platform and whether the",
          "figures are exact. Every number is a figure of a JSON file under build/report/",
          "(listed under each finding with its key, and for a boot the run file it came",
          "from); nothing here is written by hand.", ""]
    for i, f in enumerate(findings, 1):
        md += [f"### {i}. {f['claim']}", "", f"*{f['who']}*", "",
               f"**{f['status'].capitalize()}.** {f['answer']}", "",
               f"Platform: {f['platform']}. Figures: {exact_word(f['exact'])}."]
        if f.get("why") and f["status"] != "measured":
            md.append(f"Why: {f['why']}.")
        srcs = sorted({x["json"] for x in f["figures"]})
        runs = sorted({x["run"] for x in f["figures"] if "run" in x})
        if srcs:
            md.append(f"Data: {', '.join(srcs)}" + (f"; runs: {', '.join(runs)}" if runs else "")
                      + f" ({len(f['figures'])} figures in findings.json).")
        md.append("")
    md += ["Data files under build/report/ and who writes them:", ""]
    for name, (who, present) in sorted(sources.items()):
        md.append(f"- `{name}`: {who}: {'present' if present else '**missing**'}")
    return md
