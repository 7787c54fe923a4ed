#!/usr/bin/python3
"""Compare the kinds of outputs of a re-executed notebook with the stored ones.

    /usr/bin/python3 notebooks/tools/compare_outputs.py STORED.ipynb EXECUTED.ipynb

For every code cell (matched by id) the stored and the new outputs must have
the same kinds, in order: stream outputs by stream name (consecutive chunks
of one stream count once), rich outputs (display_data, execute_result) by
their set of MIME types, errors by their name. Texts, numbers and timings
may differ; a picture that became text, an error that appeared or went, or
an output that vanished is a difference. Exits 1 and lists the cells that
differ: the stored outputs are stale, regenerate them with
notebooks/tools/execute.sh.
"""

import sys

import nbformat


def kinds(cell):
    out = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            k = "stream:" + o.name
        elif o.output_type in ("display_data", "execute_result"):
            k = o.output_type + ":" + ",".join(sorted(o.get("data", {})))
        elif o.output_type == "error":
            k = "error:" + o.ename
        else:
            k = o.output_type
        if not out or out[-1] != k or not k.startswith("stream:"):
            out.append(k)
    return out


def main(stored_path, executed_path):
    stored = nbformat.read(stored_path, as_version=4)
    executed = {c.get("id"): c for c in nbformat.read(executed_path, as_version=4).cells}
    diffs = []
    for i, cell in enumerate(stored.cells):
        if cell.cell_type != "code":
            continue
        new = executed.get(cell.get("id"))
        if new is None:
            diffs.append(f"cell {i} ({cell.get('id')}): missing from the executed notebook")
            continue
        if kinds(cell) != kinds(new):
            first = cell.source.splitlines()[0] if cell.source else ""
            diffs.append(f"cell {i} ({cell.get('id')}) {first[:50]!r}: stored {kinds(cell)}, now {kinds(new)}")
    for d in diffs:
        print(f"{stored_path}: {d}")
    return 1 if diffs else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
