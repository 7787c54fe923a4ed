#!/usr/bin/python3
"""Check a lesson notebook with the real Go toolchain.

The Gopherlab kernel runs a notebook's Go cells one after another in one
session. This script mirrors that as a single Go program:

  * the imports of all cells are merged at the top (unused ones dropped);
  * top-level declarations (func, type, var, const) go to package level;
  * all other statements run in cell order inside func main;
  * a cell whose last line is a plain value (x, a.b, len(x)) prints it,
    as the kernel shows a cell's final value;
  * cells tagged "raises-exception" are skipped, and so are cells starting
    with a magic or a shell escape (%..., !...), except %%race and %%run,
    whose body is ordinary Go.

Then it runs `go vet` and `go run` on the program and reports the time.
The program is written to notebooks/tools/_out/<NN>/main.go (directories
starting with "_" are ignored by ./... patterns) and removed unless --keep.

With --race, the program is run under the race detector (go run -race): the
lessons' code must be race-free, except where a cell shows a race on purpose.

Usage: /usr/bin/python3 notebooks/tools/cells2go.py [--keep] [--print] [--race] NOTEBOOK.ipynb...
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE_ROOT = os.path.dirname(os.path.dirname(HERE))

DECL_START = re.compile(r"^(func|type|var|const)\b")
IMPORT_ONE = re.compile(r'^import\s+((?:\w+\s+)?"[^"]+")\s*$')
PLAIN_VALUE = re.compile(r"^(?:[A-Za-z_][\w.]*(?:\[[^\]]*\])?|(?:len|cap)\(.*\))$")


def balance(line, in_raw):
    """Return (depth change, still inside a raw string) for one line of Go."""
    depth, i = 0, 0
    while i < len(line):
        ch = line[i]
        if in_raw:
            if ch == "`":
                in_raw = False
        elif ch == "`":
            in_raw = True
        elif ch in "\"'":
            j = i + 1
            while j < len(line) and line[j] != ch:
                j += 2 if line[j] == "\\" else 1
            i = j
        elif line.startswith("//", i):
            break
        elif ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        i += 1
    return depth, in_raw


def chunks(lines):
    """Split a cell into top-level chunks: lists of lines that balance out."""
    chunk, depth, in_raw = [], 0, False
    for line in lines:
        if not chunk and not line.strip():
            continue
        chunk.append(line)
        d, in_raw = balance(line, in_raw)
        depth += d
        if depth == 0 and not in_raw:
            # a line ending in an operator or comma continues the statement
            stripped = re.sub(r"//.*$", "", line).rstrip()
            if stripped.endswith((",", "+", "-", "*", "/", "&&", "||", "=")):
                continue
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def convert(nb_path):
    with open(nb_path, encoding="utf-8") as f:
        nb = json.load(f)
    imports, decls, body = [], [], []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        src = cell["source"]
        if isinstance(src, list):
            src = "".join(src)
        cid = cell.get("id", "?")
        first = src.lstrip().split("\n", 1)[0].strip()
        if first in ("%%race", "%%run"):
            # compiled-mode cells hold ordinary Go: check them as usual
            src = src.lstrip().split("\n", 1)[1] if "\n" in src.lstrip() else ""
        elif first.startswith(("%", "!")):
            continue  # other magics and shell escapes are not Go
        stmts = []
        for chunk in chunks(src.split("\n")):
            first = chunk[0]
            if first.startswith("import ("):
                imports += [l.strip() for l in chunk[1:-1] if l.strip()]
            elif IMPORT_ONE.match(first):
                imports.append(IMPORT_ONE.match(first).group(1))
            elif DECL_START.match(first):
                decls.append(f"// cell {cid}\n" + "\n".join(chunk))
            elif first.lstrip().startswith("//") and len(chunk) == 1:
                stmts.append(chunk)
            else:
                stmts.append(chunk)
        # a final plain value is shown by the kernel: print it here
        code = [c for c in stmts if not (len(c) == 1 and c[0].lstrip().startswith("//"))]
        if code and len(code[-1]) == 1 and PLAIN_VALUE.match(code[-1][0].strip()):
            code[-1][0] = f"fmt.Println({code[-1][0].strip()})"
        if stmts:
            body.append(f"\t// cell {cid}")
            for c in stmts:
                body += ["\t" + l if l else "" for l in c]
    text = "\n\n".join(decls) + "\n" + "\n".join(body)
    used = []
    for spec in dict.fromkeys(imports + ['"fmt"']):
        parts = spec.split()
        name = parts[0] if len(parts) == 2 else parts[0].strip('"').split("/")[-1]
        if name == "_" or re.search(r"\b" + re.escape(name) + r"\.", text):
            used.append(spec)
    out = ["// Code generated by notebooks/tools/cells2go.py from "
           + os.path.basename(nb_path) + ". DO NOT EDIT.", "", "package main", "", "import ("]
    out += ["\t" + s for s in used]
    out += [")", "", "\n\n".join(decls), "", "func main() {"] + body + ["}", ""]
    return "\n".join(out)


def main():
    args = sys.argv[1:]
    keep = "--keep" in args
    show = "--print" in args
    race = ["-race"] if "--race" in args else []
    paths = [a for a in args if not a.startswith("--")]
    failed = 0
    for path in paths:
        prog = convert(path)
        name = os.path.basename(path).split("-", 1)[0]
        outdir = os.path.join(HERE, "_out", name)
        os.makedirs(outdir, exist_ok=True)
        main_go = os.path.join(outdir, "main.go")
        with open(main_go, "w", encoding="utf-8") as f:
            f.write(prog)
        if show:
            print(prog)
        rel = "./" + os.path.relpath(outdir, MODULE_ROOT)
        print(f"== {path}: go vet {rel}", flush=True)
        ok = subprocess.run(["go", "vet", rel], cwd=MODULE_ROOT).returncode == 0
        if ok:
            print(f"== {path}: go run {rel}", flush=True)
            start = time.monotonic()
            ok = subprocess.run(["go", "run", *race, rel], cwd=MODULE_ROOT).returncode == 0
            print(f"== {path}: {'ok' if ok else 'FAILED'} in {time.monotonic() - start:.1f}s")
        else:
            print(f"== {path}: vet FAILED")
        failed += not ok
        if not keep:
            shutil.rmtree(outdir)
    if not keep and os.path.isdir(os.path.join(HERE, "_out")) and not os.listdir(os.path.join(HERE, "_out")):
        os.rmdir(os.path.join(HERE, "_out"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
