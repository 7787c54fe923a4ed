#!/usr/bin/env bash
# The browser test: serve the lessons with Jupyter Notebook 6 and open each
# one in headless Chromium (Playwright), checking that its pictures show on
# first open, without running a cell. Then run a small notebook as a learner
# would and check what the page shows (learner_view.mjs): a panic's lines in
# cell coordinates, %grade's coloured report. Uses the Jupyter data
# directory of the caller (JUPYTER_DATA_DIR), where the notebooks must be
# trusted and the gopherlab kernel installed: ./install.sh does both.
#
#   test/browser/run.sh [NOTEBOOK.ipynb ...]     default: every lesson in notebooks/
#   test/browser/run.sh --learner-only           only the learner's notebook
#
# Installs playwright-core from npm into test/browser/node_modules when it is
# missing; Chromium is Debian's /usr/bin/chromium.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

command -v node >/dev/null || { echo "browser test: node is not installed (apt-get install nodejs npm)" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "browser test: /usr/bin/chromium is missing (apt-get install chromium)" >&2; exit 1; }
command -v jupyter-notebook >/dev/null || { echo "browser test: Notebook 6 is missing (apt-get install jupyter-notebook)" >&2; exit 1; }
if [ ! -d "$here/node_modules/playwright-core" ]; then
	(cd "$here" && npm install --no-audit --no-fund --silent >/dev/null)
fi

learner_only=no
if [ "${1:-}" = --learner-only ]; then learner_only=yes; shift; fi
cd "$repo/notebooks"
if [ $# -gt 0 ]; then notebooks=("$@"); else notebooks=([0-9]*.ipynb); fi

token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
scratch=$(mktemp -d)
servers=()
cleanup() {
	for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
	rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# serve DIR NAME: start Notebook 6 on DIR; sets $port. Polls until the
# server answers (no fixed sleep).
serve() {
	local dir=$1 name=$2
	port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mkdir -p "$scratch/$name"
	JUPYTER_RUNTIME_DIR=$scratch/$name jupyter-notebook --no-browser --allow-root --ip=127.0.0.1 --port="$port" \
		--NotebookApp.token="$token" --NotebookApp.port_retries=0 --notebook-dir="$dir" >"$scratch/$name.log" 2>&1 &
	local server=$!
	servers+=("$server")
	for _ in $(seq 1 600); do
		if /usr/bin/python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/api/status?token=$token', timeout=2)" 2>/dev/null; then
			return 0
		fi
		kill -0 "$server" 2>/dev/null || { cat "$scratch/$name.log" >&2; echo "browser test: the notebook server exited" >&2; exit 1; }
		sleep 0.2
	done
	echo "browser test: the notebook server did not answer" >&2
	exit 1
}

if [ "$learner_only" = no ]; then
	serve "$repo/notebooks" lessons
	node "$here/lessons_pictures.mjs" "http://127.0.0.1:$port/" "$token" "${notebooks[@]}"
fi

# The learner's notebook: a function in cell 1 that panics when cell 2's
# try-out calls it; cell 2 also holds a checkpoint's solution, which %grade
# (cell 3) must grade in colour although the cell panicked.
learner=$scratch/learner
mkdir -p "$learner"
/usr/bin/python3 - "$learner/panic-and-grade.ipynb" "$repo/notebooks/checkpoints/04-safe-counter" <<'PY'
import sys, nbformat
path, checkpoint = sys.argv[1], sys.argv[2]
solution = open(checkpoint + "/solution.go").read()
solution = solution[solution.index("import"):]  # a cell is package main: drop the package clause
cells = [
    "func inner(xs []int, i int) int {\n\ttotal := 0\n\tfor _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn xs[i] + total\n}",
    solution + "\n// Try it out:\nvar c Counter\nc.Inc(\"a\")\nfmt.Println(inner([]int{1, 2}, c.Get(\"a\")+4))",
    "%grade " + checkpoint,
]
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
nb.metadata["kernelspec"] = {"name": "gopherlab", "display_name": "Go (gopherlab)", "language": "go"}
nbformat.write(nb, path)
PY
serve "$learner" learner-server
node "$here/learner_view.mjs" "http://127.0.0.1:$port/" "$token" panic-and-grade.ipynb
