#!/usr/bin/env bash
# Speed of grading one submission against a bare `go test -race`, warm caches.
#
#   grader/bench.sh [rounds] [exercise]        # defaults: 7 rounds, c1-cache-race
#   BASE=/path/to/old/gopherlab grader/bench.sh  # also times another build, e.g. main's
#
# Builds gopherlab from this tree, copies the exercise without its stress
# flags (-count/-cpu, so both sides run each test once) and times, in
# interleaved rounds: a bare `go test -race -count=1` of the reference and
# hidden tests (GORACE=atexit_sleep_ms=0), `gopherlab grade` in the sandbox
# and without it. Prints each round, then the medians and the ratios
# against the bare run of the same rounds, with the load average before
# and after (the machine is shared: only ratios of one run mean anything).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
exercise=${2:-c1-cache-race}
src=exercises/$exercise
[ -f "$src/spec.json" ] || { echo "bench.sh: no exercise $src" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/gopherlab" .
ex=$work/$exercise
bare=$work/bare
mkdir -p "$ex" "$bare"
for f in "$src"/*.go; do
	cp "$f" "$ex/"
	cp "$f" "$bare/"
done
sed -E 's/, "count": [0-9]+//; s/, "cpu": "[0-9,]+"//; s/, "shuffle": true//' "$src/spec.json" >"$ex/spec.json"
pkg=$(sed -nE 's/.*"package": "([a-z0-9_]+)".*/\1/p' "$src/spec.json")
printf 'module bare\n\ngo %s\n' "$(go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1/')" >"$bare/go.mod"
# The bare module needs what the hidden tests import (golang.org/x/exp/trace).
if grep -q 'golang.org/x/exp' "$bare"/*_test.go; then
	printf '\nrequire golang.org/x/exp %s\n' "$(sed -nE 's/.*"golang.org\/x\/exp": "([^"]+)".*/\1/p' grader/build/env.go)" >>"$bare/go.mod"
fi

now() { date +%s.%N; }
run_bare() { (cd "$bare" && GORACE=atexit_sleep_ms=0 GOFLAGS=-mod=mod GOPROXY=off go test -race -count=1 . >"$work/bare.out" 2>&1) || { cat "$work/bare.out" >&2; exit 1; }; }
run_grade() {
	"${2:-$work/gopherlab}" grade "$1" --format json --exercise "$ex" "$ex/solution.go" >"$work/grade.json" || { cat "$work/grade.json" >&2; exit 1; }
	/usr/bin/python3 - "$work/grade.json" <<'EOF' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
if r["score"] != r["max_score"]:
    sys.exit("bench.sh: the reference did not get full marks: %s/%s" % (r["score"], r["max_score"]))
EOF
}
timed() { local t0; t0=$(now); "$@"; echo "$(now) - $t0" | bc -l; }

# Warm every cache once.
run_bare
run_grade --require-sandbox
run_grade --no-sandbox
[ -z "${BASE:-}" ] || run_grade --require-sandbox "$BASE"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -a tb ts tn to
printf '%-6s %10s %12s %14s %12s\n' round "go test" "grade (sbx)" "grade (no sbx)" "${BASE:+base (sbx)}"
for i in $(seq 1 "$rounds"); do
	tb[i]=$(timed run_bare)
	ts[i]=$(timed run_grade --require-sandbox)
	tn[i]=$(timed run_grade --no-sandbox)
	to[i]=0
	[ -z "${BASE:-}" ] || to[i]=$(timed run_grade --require-sandbox "$BASE")
	printf '%-6s %9.3fs %11.3fs %13.3fs %11.3fs\n' "$i" "${tb[i]}" "${ts[i]}" "${tn[i]}" "${to[i]}"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mb=$(median "${tb[@]}")
ms=$(median "${ts[@]}")
mn=$(median "${tn[@]}")
echo
echo "exercise $exercise (package $pkg), $rounds interleaved rounds, warm caches"
echo "load average before: $load_before   after: $load_after   ($(nproc) CPUs)"
printf '%-34s %9s %9s\n' "" median "ratio"
printf '%-34s %8.3fs %9s\n' "go test -race -count=1 (baseline)" "$mb" "1.00"
printf '%-34s %8.3fs %9.2f\n' "gopherlab grade, sandbox" "$ms" "$(echo "$ms / $mb" | bc -l)"
printf '%-34s %8.3fs %9.2f\n' "gopherlab grade, no sandbox" "$mn" "$(echo "$mn / $mb" | bc -l)"
printf '%-34s %9s %9.2f\n' "sandbox cost (sandbox / none)" "" "$(echo "$ms / $mn" | bc -l)"
if [ -n "${BASE:-}" ]; then
	mo=$(median "${to[@]}")
	printf '%-34s %8.3fs %9.2f\n' "base build ($BASE), sandbox" "$mo" "$(echo "$mo / $mb" | bc -l)"
fi
