#!/usr/bin/python3
"""Build the lesson notebooks from their sources.

Each notebooks/src/NN-name.txt holds the cells of notebooks/NN-name.ipynb,
separated by marker lines:

    <<< md                      a Markdown cell
    <<< go                      a Go code cell
    <<< go raises-exception     a Go cell that is meant to fail

Cell ids are "<NN>-<index>". When a notebook already exists, the outputs and
metadata of every code cell whose id and source are unchanged are kept (and
the notebook metadata the kernel added), so rebuilding a notebook that has
been executed under the kernel changes nothing but the edited cells.

Usage: /usr/bin/python3 notebooks/tools/build.py [NN-name ...]
"""

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


def slide_type(kind, source):
    """The cell's role in a slideshow (jupyter nbconvert --to slides, RISE):
    a heading starts a slide, other Markdown a sub-slide below it, and code
    stays with the Markdown above it."""
    if kind == "md" and source.startswith(("# ", "## ")):
        return "slide"
    if kind == "md":
        return "subslide"
    return "-"


def existing(path):
    """Return (notebook metadata, map cell id -> old cell) of an existing notebook."""
    if not os.path.exists(path):
        return {}, {}
    nb = nbformat.read(path, as_version=4)
    return nb.metadata, {c.get("id"): c for c in nb.cells}


def build(name):
    src = os.path.join(SRC, name + ".txt")
    out = os.path.join(NOTEBOOKS, name + ".ipynb")
    prefix = name.split("-", 1)[0]
    old_meta, kept = existing(out)
    nb = nbformat.v4.new_notebook()
    # Keep what the kernel added (language_info.version, ...); enforce our fields.
    nb.metadata = old_meta or {}
    for key, value in METADATA.items():
        nb.metadata[key] = {**nb.metadata.get(key, {}), **value}
    for i, (kind, tags, source) in enumerate(parse(src)):
        cid = f"{prefix}-{i:03d}"
        if kind == "md":
            cell = nbformat.v4.new_markdown_cell(source)
        else:
            cell = nbformat.v4.new_code_cell(source)
            old = kept.get(cid)
            if old is not None and old.cell_type == "code" and old.source == source:
                cell.metadata = old.metadata
                cell.outputs = old.outputs
                cell.execution_count = old.execution_count
            if tags:
                cell.metadata["tags"] = tags
            else:
                cell.metadata.pop("tags", None)
        cell.metadata["slideshow"] = {"slide_type": slide_type(kind, source)}
        cell.id = cid
        nb.cells.append(cell)
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    nbformat.write(nb, out)  # the same layout Jupyter and nbconvert write
    print(f"wrote {os.path.relpath(out)} ({len(nb.cells)} cells)")


def main():
    names = sys.argv[1:] or sorted(
        f[:-4] for f in os.listdir(SRC) if f.endswith(".txt")
    )
    for name in names:
        build(name)


if __name__ == "__main__":
    main()
