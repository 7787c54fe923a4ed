#!/usr/bin/env bash
# JupyterLab's own client (@jupyterlab/services 6, JupyterLab 3's) against
# Debian's jupyter_server 1.x and the gopherlab kernel.
#
#   test/jupyterlab/run.sh
#
# Installs the kernel with ./install.sh into a private JUPYTER_DATA_DIR,
# starts `jupyter server` on 127.0.0.1 (a free port, token auth), runs
# lab_client_test.mjs with Node's test runner, and stops the server it
# started. When root, it installs python3-jupyter-server (apt) and the pinned
# node packages (npm ci, into test/jupyterlab/node_modules) when missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
die() { printf 'test/jupyterlab: %s\n' "$*" >&2; exit 1; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	[ "$(id -u)" -eq 0 ] || die "Node.js and npm are needed: sudo apt-get install -y nodejs npm"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if ! /usr/bin/python3 -c 'import jupyter_server' 2>/dev/null; then
	[ "$(id -u)" -eq 0 ] || die "install Debian's jupyter_server: sudo apt-get install -y python3-jupyter-server"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-jupyter-server >/dev/null
fi
if [ ! -d "$here/node_modules/@jupyterlab/services" ] || [ ! -d "$here/node_modules/@jupyterlab/rendermime" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT # a timeout or Ctrl-C still cleans up

export JUPYTER_DATA_DIR="$work/data" JUPYTER_CONFIG_DIR="$work/config" JUPYTER_RUNTIME_DIR="$work/runtime"
mkdir -p "$JUPYTER_DATA_DIR" "$JUPYTER_CONFIG_DIR" "$JUPYTER_RUNTIME_DIR" "$work/root"
"$repo/install.sh" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; die "install.sh failed"; }

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$(/usr/bin/python3 -c 'import secrets; print(secrets.token_hex(24))')
/usr/bin/python3 -m jupyter_server --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port="$port" \
	--ServerApp.port_retries=0 --ServerApp.token="$token" --ServerApp.root_dir="$work/root" \
	--ServerApp.allow_remote_access=False --ServerApp.allow_root=True >"$work/server.log" 2>&1 &
server_pid=$!

url="http://127.0.0.1:$port"
for i in $(seq 600); do
	if /usr/bin/python3 - "$url" "$token" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/api/kernelspecs", headers={"Authorization": "token " + sys.argv[2]})
import json
specs = json.load(urllib.request.urlopen(req, timeout=2))
sys.exit(0 if "gopherlab" in specs["kernelspecs"] else 1)
PY
	kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "jupyter server exited"; }
	[ "$i" -lt 600 ] || { cat "$work/server.log" >&2; die "jupyter server not ready after 60 s"; }
	sleep 0.1
done

cd "$here"
if ! JUPYTER_TEST_URL="$url" JUPYTER_TEST_TOKEN="$token" node --import ./register.mjs --test --test-reporter=spec lab_client_test.mjs; then
	echo "--- jupyter server log" >&2
	tail -n 60 "$work/server.log" >&2
	die "the JupyterLab client test failed"
fi
