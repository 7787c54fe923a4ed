#!/usr/bin/env bash
# Install the gopherlab Jupyter kernel: build the gopherlab binary and install
# the "gopherlab" kernelspec, as `jupyter kernelspec install` would.
#
#   ./install.sh                    install for this user (honours JUPYTER_DATA_DIR)
#   ./install.sh --sys-prefix       install into the Python environment's prefix
#   ./install.sh --prefix DIR       install into DIR/share/jupyter/kernels
#   ./install.sh --install-jupyter  first install Debian's Jupyter with apt-get
#
# Running it again upgrades the kernel in place.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
scope=(--user)
install_jupyter=no

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
	case "$1" in
	--user) scope=(--user) ;;
	--sys-prefix) scope=(--sys-prefix) ;;
	--prefix)
		[ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
		scope=(--prefix "$2"); shift ;;
	--prefix=*) scope=(--prefix "${1#--prefix=}") ;;
	--install-jupyter) install_jupyter=yes ;;
	-h|--help) usage; exit 0 ;;
	*) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done

if [ -t 1 ]; then
	say() { printf '\033[1m==>\033[0m %s\n' "$*"; }
else
	say() { printf '==> %s\n' "$*"; }
fi
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

# Go 1.26 or newer builds the kernel; the standard library cells see is the
# one of this Go.
command -v go >/dev/null || die "Go is not installed. Install Go 1.26 or newer from https://go.dev/dl/ and run ./install.sh again."
gov=$(go env GOVERSION)
case "$gov" in
go1.2[6-9]*|go1.[3-9][0-9]*|go[2-9]*) ;;
*) die "Go $gov is too old: gopherlab needs Go 1.26 or newer (https://go.dev/dl/)." ;;
esac

if [ "$install_jupyter" = yes ]; then
	say "Installing Jupyter from Debian's packages"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y jupyter-notebook jupyter-client jupyter-nbconvert jupyter-nbformat
fi

# `jupyter kernelspec`, or the same program run as a Python module where the
# jupyter-kernelspec script is not installed (Debian ships it separately).
kernelspec=()
if command -v jupyter >/dev/null && jupyter kernelspec --version >/dev/null 2>&1; then
	kernelspec=(jupyter kernelspec)
else
	for py in /usr/bin/python3 python3; do
		if command -v "$py" >/dev/null && "$py" -m jupyter_client.kernelspecapp --version >/dev/null 2>&1; then
			kernelspec=("$py" -m jupyter_client.kernelspecapp)
			break
		fi
	done
fi
if [ ${#kernelspec[@]} -eq 0 ]; then
	cat >&2 <<'EOF'
install.sh: Jupyter is not installed (no working `jupyter kernelspec`).
Install it, then run ./install.sh again. On Debian or Ubuntu:

    sudo apt-get update
    sudo apt-get install -y jupyter-notebook jupyter-client

or let this script do it:

    ./install.sh --install-jupyter

(With pip instead: pip install notebook jupyter_client)
EOF
	exit 1
fi

say "Building gopherlab with $gov"
mkdir -p "$here/bin"
(cd "$here" && go build -o bin/gopherlab .)
# The grader builds submissions offline: the modules learners and the
# exercises' hidden tests may import must be in the module cache.
(cd "$here" && go mod download golang.org/x/sync golang.org/x/time golang.org/x/exp)

say "Installing the gopherlab kernelspec (${scope[*]})"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
"$here/bin/gopherlab" kernelspec --out "$stage/gopherlab"
cp "$here/bin/gopherlab" "$stage/gopherlab/gopherlab"
out=$("${kernelspec[@]}" install "$stage/gopherlab" --name gopherlab "${scope[@]}" 2>&1) ||
	die "jupyter kernelspec install failed: $out"
# "[InstallKernelSpec] Installed kernelspec gopherlab in /path/to/kernels/gopherlab"
dir=$(printf '%s\n' "$out" | sed -n 's/.*Installed kernelspec gopherlab in //p' | tail -n 1)
[ -n "$dir" ] && [ -x "$dir/gopherlab" ] || die "could not find the installed kernelspec in: $out"
# The kernelspec directory holds its own copy of the binary; point kernel.json
# at it, wherever Jupyter put the directory.
"$dir/gopherlab" kernelspec --out "$dir"

# Trust the lessons and exercise notebooks for this user, so their pictures
# (SVG, HTML) show on first open. Trust lives in the user's signature
# database (in the Jupyter data directory), not in the notebooks.
trust=()
if command -v jupyter-trust >/dev/null; then
	trust=(jupyter trust)
elif /usr/bin/python3 -c 'import nbformat.sign' 2>/dev/null; then
	trust=(/usr/bin/python3 -m nbformat.sign)
fi
if [ ${#trust[@]} -gt 0 ]; then
	say "Trusting the notebooks for $(id -un)"
	"${trust[@]}" "$here"/notebooks/*.ipynb "$here"/exercises/*/*.ipynb >/dev/null 2>&1 ||
		die "could not trust the notebooks: run ${trust[*]} $here/notebooks/*.ipynb"
else
	echo "install.sh: jupyter trust is not installed (Debian: apt-get install jupyter-nbformat);" >&2
	echo "  until then, pictures in the lessons show only after you run their cells." >&2
fi

say "Installed kernel \"Go (gopherlab)\" in $dir"
"$dir/gopherlab" version | sed 's/^/    /'
cat <<EOF

Open the lessons:

    jupyter notebook $here/notebooks/

or run a notebook from the command line:

    jupyter nbconvert --to notebook --execute $here/notebooks/01-goroutines.ipynb

The grader is the same binary: $here/bin/gopherlab grade --help
EOF
