#!/usr/bin/env bash
# The test command: everything CI runs (.ci/run calls exactly this).
#
#   ./test.sh
#
# It installs what the tests need from Debian's packages when run as root,
# and stops with the exact command to run otherwise. It never skips a part
# silently.
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

step "Checking what the tests need"
command -v go >/dev/null || die "Go is not installed (https://go.dev/dl/)"
command -v gcc >/dev/null || die "gcc is needed for the race detector: apt-get install -y gcc"
need=(jupyter-client python3-jupyter-client python3-jupyter-kernel-test python3-nbclient python3-nbformat jupyter-nbconvert)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -eq 0 ]; then
		echo "installing ${missing[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	else
		die "missing Debian packages; install them with: sudo apt-get install -y ${missing[*]}"
	fi
fi
/usr/bin/python3 -c 'import jupyter_kernel_test, nbclient, nbformat' || die "the Python test modules do not import"

step "gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './bin/*'))
[ -z "$unformatted" ] || die "gofmt would change: $unformatted"
go vet ./...

step "Go tests"
# -timeout: the grader's exercise and cheat suites grade ~130 submissions (10–20 min on 2 busy cores)
go test -count=1 -timeout 60m $(go list ./... | grep -v /exercises/)

step "Exercises: every reference solution against its hidden tests, under the race detector"
go test -race -count=1 ./exercises/...

step "Installing the kernel into a scratch Jupyter data directory"
JUPYTER_DATA_DIR=$(mktemp -d)
export JUPYTER_DATA_DIR
scratch=$(mktemp -d)
trap 'rm -rf "$JUPYTER_DATA_DIR" "$scratch"' EXIT
./install.sh >/dev/null

step "Jupyter protocol conformance (jupyter_kernel_test)"
/usr/bin/python3 test/jupyter/test_kernel.py -v 2>&1 | tee "$scratch/kernel_test.log"
grep -q "skipped" "$scratch/kernel_test.log" && die "jupyter_kernel_test skipped a test: fill in every sample"
tail -n 1 "$scratch/kernel_test.log" | grep -qx "OK" || die "jupyter_kernel_test failed"

step "Notebooks, top to bottom under the kernel"
notebooks=(test/jupyter/sample.ipynb notebooks/*.ipynb)
for nb in "${notebooks[@]}"; do
	[ -f "$nb" ] || continue
	echo "--- $nb"
	if ! jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
		--output-dir "$scratch/notebooks" "$nb" >"$scratch/nbconvert.log" 2>&1; then
		grep -v -e 'Debugger warning' -e 'frozen modules' -e 'PYDEVD' -e 'Debugging will proceed' "$scratch/nbconvert.log" >&2
		die "$nb did not run to the end"
	fi
done

step "Exercise notebooks under the kernel, with their reference solutions"
/usr/bin/python3 test/jupyter/exercise_notebooks.py 2>&1 | grep -v -e 'Debugger warning' -e 'frozen modules' -e 'PYDEVD' -e 'Debugging will proceed'
[ "${PIPESTATUS[0]}" -eq 0 ] || die "an exercise notebook does not run under the kernel"

echo
echo "test.sh: all passed"
