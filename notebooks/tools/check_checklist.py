#!/usr/bin/python3
"""Check the seed topics checklist of notebooks/README.md against the notebooks.

Each row of the checklist names where a topic is covered, as references
separated by "; ":

    `NN-name.ipynb` § heading      a section: a Markdown heading of that
                                   notebook starts with this text
    `checkpoints/<slug>`           a checkpoint directory with a spec.json
    `exercises/<slug>`             an exercise directory with a spec.json

The check fails when a referenced section, checkpoint or exercise is
missing, or when a row has no reference. A reference to a lesson that is
not in this tree yet (06-09 are written on another branch) is reported as
NOT CHECKED, loudly; lessons 00-05 must always be there.

Usage: /usr/bin/python3 notebooks/tools/check_checklist.py
"""

import os
import re
import sys

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOKS = os.path.dirname(HERE)
REPO = os.path.dirname(NOTEBOOKS)
REF = re.compile(r"^`([^`]+)`(?:\s*§\s*(.+))?$")


def rows(readme):
    """Yield (topic, [references]) from the checklist table."""
    text = open(readme, encoding="utf-8").read()
    start = text.index("## Seed topics checklist")
    end = text.find("\n## ", start + 1)
    for line in text[start:end].splitlines():
        if not line.startswith("| ") or line.startswith("| topic") or line.startswith("| ---"):
            continue
        cols = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cols) != 3:
            raise SystemExit(f"checklist row does not have 3 columns: {line}")
        yield cols[0], [r.strip() for r in cols[2].split("; ") if r.strip()]


def headings(path):
    """The text of every Markdown heading of a notebook, without the #s."""
    nb = nbformat.read(path, as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("#"):
                out.append(line.lstrip("#").strip())
    return out


def main():
    failures, unchecked, checked = [], [], 0
    cache = {}
    topics = list(rows(os.path.join(NOTEBOOKS, "README.md")))
    if len(topics) < 30:
        failures.append(f"only {len(topics)} topics in the checklist")
    for topic, refs in topics:
        if not refs:
            failures.append(f"{topic}: no notebook, checkpoint or exercise listed")
        for ref in refs:
            m = REF.match(ref)
            if not m:
                failures.append(f"{topic}: cannot read the reference {ref!r}")
                continue
            target, section = m.group(1), m.group(2)
            if target.endswith(".ipynb"):
                path = os.path.join(NOTEBOOKS, target)
                if not section:
                    failures.append(f"{topic}: {target} without a section")
                    continue
                if not os.path.exists(path):
                    if re.match(r"0[0-5]-", target):
                        failures.append(f"{topic}: {target} does not exist")
                    else:
                        unchecked.append(f"{target} § {section}")
                    continue
                if path not in cache:
                    cache[path] = headings(path)
                if not any(h.startswith(section) for h in cache[path]):
                    failures.append(f"{topic}: {target} has no section starting with {section!r}")
                    continue
            elif target.startswith(("checkpoints/", "exercises/")):
                base = NOTEBOOKS if target.startswith("checkpoints/") else REPO
                if not os.path.exists(os.path.join(base, target, "spec.json")):
                    failures.append(f"{topic}: {target} does not exist (no spec.json)")
                    continue
            else:
                failures.append(f"{topic}: unknown kind of reference {ref!r}")
                continue
            checked += 1
    for u in unchecked:
        print(f"NOT CHECKED (lesson not in this tree): {u}")
    for f in failures:
        print(f"FAIL: {f}")
    print(f"checklist: {len(topics)} topics, {checked} references checked, {len(unchecked)} not checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
