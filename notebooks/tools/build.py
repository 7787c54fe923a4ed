#!/usr/bin/python3
"""Build the lesson notebooks from their sources.

Each notebooks/src/NN-name.txt holds the cells of notebooks/NN-name.ipynb,
separated by marker lines:

    <<< md                      a Markdown cell
    <<< go                      a Go code cell
    <<< go raises-exception     a Go cell that is meant to fail

Cell ids are "<NN>-<index>". When a notebook already exists, the outputs of
every code cell whose id and source are unchanged are kept, so rebuilding a
notebook that has been executed under the kernel does not throw its outputs
away.

Usage: /usr/bin/python3 notebooks/tools/build.py [NN-name ...]
"""

import json
import os
import sys

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOKS = os.path.dirname(HERE)
SRC = os.path.join(NOTEBOOKS, "src")

METADATA = {
    "kernelspec": {"name": "gopherlab", "display_name": "Go (gopherlab)", "language": "go"},
    "language_info": {"name": "go", "file_extension": ".go", "mimetype": "text/x-go"},
}


def parse(path):
    """Return a list of (kind, tags, source) from a source file."""
    cells = []
    kind, tags, lines = None, [], []

    def flush():
        if kind is not None:
            cells.append((kind, tags, "\n".join(lines).strip("\n")))

    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if line.startswith("<<< "):
                flush()
                words = line[4:].split()
                kind, tags, lines = words[0], words[1:], []
                if kind not in ("md", "go"):
                    raise SystemExit(f"{path}: unknown cell kind {kind!r}")
            else:
                lines.append(line)
    flush()
    return cells


def old_outputs(path):
    """Map cell id -> (source, outputs, execution_count) of an existing notebook."""
    if not os.path.exists(path):
        return {}
    nb = nbformat.read(path, as_version=4)
    return {
        c.get("id"): (c.source, c.get("outputs", []), c.get("execution_count"))
        for c in nb.cells
        if c.cell_type == "code"
    }


def build(name):
    src = os.path.join(SRC, name + ".txt")
    out = os.path.join(NOTEBOOKS, name + ".ipynb")
    prefix = name.split("-", 1)[0]
    kept = old_outputs(out)
    nb = nbformat.v4.new_notebook()
    nb.metadata = METADATA
    for i, (kind, tags, source) in enumerate(parse(src)):
        cid = f"{prefix}-{i:03d}"
        if kind == "md":
            cell = nbformat.v4.new_markdown_cell(source)
        else:
            cell = nbformat.v4.new_code_cell(source)
            if tags:
                cell.metadata["tags"] = tags
            old = kept.get(cid)
            if old and old[0] == source:
                cell.outputs = old[1]
                cell.execution_count = old[2]
        cell.id = cid
        nb.cells.append(cell)
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    with open(out, "w", encoding="utf-8") as f:
        f.write(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {os.path.relpath(out)} ({len(nb.cells)} cells)")


def main():
    names = sys.argv[1:] or sorted(
        f[:-4] for f in os.listdir(SRC) if f.endswith(".txt")
    )
    for name in names:
        build(name)


if __name__ == "__main__":
    main()
