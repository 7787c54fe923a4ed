#!/usr/bin/env bash
# The browser test: serve the lessons with Jupyter Notebook 6 and open each
# one in headless Chromium (Playwright), checking that its pictures show on
# first open, without running a cell. Uses the Jupyter data directory of the
# caller (JUPYTER_DATA_DIR), where the notebooks must be trusted and the
# gopherlab kernel installed: ./install.sh does both.
#
#   test/browser/run.sh [NOTEBOOK.ipynb ...]     default: every lesson in notebooks/
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

cd "$repo/notebooks"
if [ $# -gt 0 ]; then notebooks=("$@"); else notebooks=([0-9]*.ipynb); fi

token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
runtime_dir=$(mktemp -d)
JUPYTER_RUNTIME_DIR=$runtime_dir jupyter-notebook --no-browser --allow-root --ip=127.0.0.1 --port="$port" \
	--NotebookApp.token="$token" --NotebookApp.port_retries=0 --notebook-dir="$repo/notebooks" >"$log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$log" "$runtime_dir"; }
trap cleanup EXIT

# Poll until the server answers (no fixed sleep).
for _ in $(seq 1 600); do
	if /usr/bin/python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/api/status?token=$token', timeout=2)" 2>/dev/null; then
		break
	fi
	kill -0 "$server" 2>/dev/null || { cat "$log" >&2; echo "browser test: the notebook server exited" >&2; exit 1; }
	sleep 0.2
done
node "$here/lessons_pictures.mjs" "http://127.0.0.1:$port/" "$token" "${notebooks[@]}"
