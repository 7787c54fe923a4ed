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
need=(jupyter-client python3-jupyter-client python3-jupyter-kernel-test python3-nbclient python3-nbformat jupyter-nbconvert jupyter-nbformat)
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
go test -count=1 -timeout 30m $(go list ./... | grep -v -e /exercises/ -e /notebooks/checkpoints/ -e /kernel/corpus)

step "Corpora through the kernel's sessions: ours and GOROOT/test's // run programs (kernel/corpus)"
# One subtest per program and mode; known.txt lists the runs known to fail.
# The full table (fixedbugs, yaegi's programs, 10,000 rounds): go run ./kernel/corpus/cmd/corpusbench
corpus_log=$(mktemp)
if ! go test -count=1 -timeout 30m -v -run 'TestCorpus|TestExclusions' ./kernel/corpus >"$corpus_log" 2>&1; then
	grep -v -e '^=== ' -e '--- PASS' -e '--- SKIP' "$corpus_log" | tail -n 150 >&2
	rm -f "$corpus_log"
	die "a corpus program fails that known.txt does not list (go test ./kernel/corpus -run 'TestCorpus/<corpus>/<mode>/<program>' -v)"
fi
sed -n '/corpus table/,/^--- /p' "$corpus_log" | sed '$d'
rm -f "$corpus_log"

step "Exercises and lesson checkpoints: every reference solution against its tests, under the race detector"
go test -race -count=1 ./exercises/... ./notebooks/checkpoints/...

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

step "JupyterLab's own client (@jupyterlab/services 6) against jupyter_server 1.x"
test/jupyterlab/run.sh

step "Notebooks, top to bottom under the kernel (lessons: stored output kinds must match)"
notebooks=(test/jupyter/sample.ipynb notebooks/*.ipynb)
for nb in "${notebooks[@]}"; do
	[ -f "$nb" ] || continue
	echo "--- $nb"
	if ! jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
		--output-dir "$scratch/notebooks" "$nb" >"$scratch/nbconvert.log" 2>&1; then
		grep -v -e 'Debugger warning' -e 'frozen modules' -e 'PYDEVD' -e 'Debugging will proceed' "$scratch/nbconvert.log" >&2
		die "$nb did not run to the end"
	fi
	case "$nb" in
	notebooks/*)
		/usr/bin/python3 notebooks/tools/compare_outputs.py "$nb" "$scratch/notebooks/$(basename "$nb")" ||
			die "$nb: stored outputs are stale; regenerate them with notebooks/tools/execute.sh" ;;
	esac
done

step "Lessons: the seed topics checklist of notebooks/README.md, and slides"
/usr/bin/python3 notebooks/tools/check_checklist.py
for nb in notebooks/[0-9]*.ipynb; do
	/usr/bin/python3 -c 'import sys, nbformat; nb = nbformat.read(sys.argv[1], 4); bad = [c.id for c in nb.cells if "slide_type" not in c.metadata.get("slideshow", {})]; sys.exit(f"{sys.argv[1]}: cells without slide metadata: {bad}" if bad else 0)' "$nb"
	jupyter nbconvert --to slides --output-dir "$scratch/slides" "$nb" >"$scratch/slides.log" 2>&1 ||
		{ cat "$scratch/slides.log" >&2; die "$nb does not convert to slides"; }
done

step "Lessons in a browser: Notebook 6 in headless Chromium shows their pictures on first open"
# Owned by lessons-fix (test/browser/). install.sh trusted the notebooks in
# this run's own JUPYTER_DATA_DIR.
browser_missing=() # Debian packages, for the commands that are missing
command -v jupyter-notebook >/dev/null || browser_missing+=(jupyter-notebook)
[ -x /usr/bin/chromium ] || browser_missing+=(chromium)
command -v npm >/dev/null || browser_missing+=(npm)
if [ ${#browser_missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "the browser test needs: sudo apt-get install -y ${browser_missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${browser_missing[@]}" >/dev/null
fi
test/browser/run.sh

step "Exercise notebooks under the kernel, with their reference solutions"
/usr/bin/python3 test/jupyter/exercise_notebooks.py 2>&1 | grep -v -e 'Debugger warning' -e 'frozen modules' -e 'PYDEVD' -e 'Debugging will proceed'
[ "${PIPESTATUS[0]}" -eq 0 ] || die "an exercise notebook does not run under the kernel"

echo
echo "test.sh: all passed"
