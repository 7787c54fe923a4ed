"""Run every exercise notebook under the gopherlab kernel with its reference
solution in the cell tagged "solution", so that the notebook's examples and
self-check are known to work in the kernel.

    /usr/bin/python3 test/jupyter/exercise_notebooks.py [SLUG ...]

The kernel must be installed (./install.sh). Exit status 1 if any fails.
"""

import glob
import os
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def solution_cell(slug):
    """The reference solution as a cell: the file without its package clause."""
    src = open(os.path.join(ROOT, "exercises", slug, "solution.go")).read()
    return re.sub(r"(?s)^.*?^package \w+\n", "", src, count=1, flags=re.M)


def run(slug):
    path = os.path.join(ROOT, "exercises", slug, slug + ".ipynb")
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        return f"{len(tagged)} cells tagged solution, want 1"
    tagged[0].source = solution_cell(slug)
    client = NotebookClient(nb, timeout=300, kernel_name="gopherlab",
                            resources={"metadata": {"path": os.path.dirname(path)}})
    try:
        client.execute()
    except CellExecutionError as e:
        return str(e).splitlines()[-1] if str(e) else repr(e)
    out = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    if "self-check passed" not in out:
        return "the self-check did not print 'self-check passed'"
    return None


def main():
    slugs = sys.argv[1:] or sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(os.path.join(ROOT, "exercises", "*", "spec.json")))
    failed = 0
    for slug in slugs:
        err = run(slug)
        print(f"{'FAIL' if err else 'ok  '} {slug}{': ' + err if err else ''}", flush=True)
        failed += bool(err)
    print(f"{len(slugs) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
