#!/usr/bin/env bash
# Re-execute lesson notebooks in place under the installed gopherlab kernel,
# so that their stored outputs come from the current kernel, then trust them
# (pictures show on first open).
#
#   notebooks/tools/execute.sh                 every lesson (notebooks/[0-9]*.ipynb)
#   notebooks/tools/execute.sh 03-channels-select-context.ipynb ...
#
# Run ./install.sh first: the notebooks run under the kernel Jupyter finds
# (honours JUPYTER_DATA_DIR). Each notebook runs top to bottom, in its own
# folder, and stops at the first unexpected error (cells tagged
# raises-exception may fail). It prints each notebook's run time.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v jupyter >/dev/null || { echo "execute.sh: jupyter is not installed (apt-get install jupyter-nbconvert)" >&2; exit 1; }
if [ $# -gt 0 ]; then
	notebooks=("$@")
else
	notebooks=([0-9]*.ipynb)
fi
for nb in "${notebooks[@]}"; do
	[ -f "$nb" ] || { echo "execute.sh: no notebook $nb" >&2; exit 1; }
	start=$(date +%s)
	if ! jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=gopherlab "$nb" >/tmp/execute-$$.log 2>&1; then
		grep -v -e 'Debugger warning' -e 'frozen modules' -e 'PYDEVD' -e 'Debugging will proceed' /tmp/execute-$$.log >&2
		rm -f /tmp/execute-$$.log
		echo "execute.sh: $nb did not run to the end" >&2
		exit 1
	fi
	rm -f /tmp/execute-$$.log
	printf '%-45s %4ds\n' "$nb" $(( $(date +%s) - start ))
done
if command -v jupyter-trust >/dev/null; then
	jupyter trust "${notebooks[@]}" >/dev/null
else
	/usr/bin/python3 -m nbformat.sign "${notebooks[@]}" >/dev/null
fi
echo "execute.sh: outputs stored and notebooks trusted"
