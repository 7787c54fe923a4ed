#!/usr/bin/env bash
# Grade a whole class with GNU parallel, for a lab without Slurm: N shards of
# `gopherlab grade --batch --shard K/N` per exercise, spread over this machine
# (or over lab machines with --sshloginfile), then `gopherlab grade merge`.
#
#   deploy/parallel/grade-class.sh CLASS_DIR OUT_DIR [SHARDS]
#
#   CLASS_DIR/<exercise-slug>/<submission>   a .go file, a directory or a .ipynb per learner
#   OUT_DIR/<exercise-slug>/summary.json     merged summary (and summary.csv)
#
# Environment (all optional):
#   GOPHERLAB       the gopherlab binary (default: gopherlab on PATH)
#   EXERCISES       directory holding the exercises (default: ./exercises)
#   GRADE_FLAGS     extra flags for every shard, e.g. "--seed 1 --gomaxprocs 2"
#   JOBS_PER_SHARD  submissions graded at once inside a shard (default 1)
#   PARALLEL_FLAGS  extra flags for parallel, e.g. "--sshloginfile lab-hosts.txt"
#                   (then CLASS_DIR, OUT_DIR, EXERCISES and GOPHERLAB must be on
#                   a file system every host mounts at the same path)
# A shard that fails (a broken exercise or machine, never a broken
# submission) stops the merge; rerun the script to grade again.
set -euo pipefail

die() { printf 'grade-class: %s\n' "$*" >&2; exit 1; }
[ $# -ge 2 ] && [ $# -le 3 ] || { sed -n '6,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
command -v parallel >/dev/null || die "GNU parallel is not installed: apt-get install -y parallel"
class=$(cd "$1" && pwd) || die "no class directory $1"
mkdir -p "$2"
out=$(cd "$2" && pwd)
n=${3:-4}
case "$n" in '' | *[!0-9]* | 0) die "SHARDS must be a positive number, not $n" ;; esac
GOPHERLAB=$(command -v "${GOPHERLAB:-gopherlab}") || die "no gopherlab binary (set GOPHERLAB)"
EXERCISES=$(cd "${EXERCISES:-exercises}" && pwd) || die "no exercises directory (set EXERCISES)"
read -r -a parallel_extra <<<"${PARALLEL_FLAGS:-}"
read -r -a grade_extra <<<"${GRADE_FLAGS:-}"

slugs=()
for ex in "$class"/*/; do slugs+=("$(basename "$ex")"); done
[ ${#slugs[@]} -gt 0 ] || die "$class holds no exercise directories (CLASS_DIR/<exercise-slug>/...)"
for slug in "${slugs[@]}"; do mkdir -p "$out/$slug"; done
mkdir -p "$out/logs"

# One job per (exercise, shard); --halt now,fail=1 stops at the first failed shard.
parallel --halt now,fail=1 --joblog "$out/logs/joblog" "${parallel_extra[@]}" \
	"$GOPHERLAB" grade --exercise {1} --exercises "$EXERCISES" --batch -j "${JOBS_PER_SHARD:-1}" \
	--shard {2}/"$n" "${grade_extra[@]}" -o "$out/{1}" "$class/{1}" '2>' "$out/logs/{1}-shard{2}.log" \
	::: "${slugs[@]}" ::: $(seq 1 "$n")

for slug in "${slugs[@]}"; do
	parts=()
	for k in $(seq 1 "$n"); do parts+=("$out/$slug/summary.shard${k}of${n}.json"); done
	"$GOPHERLAB" grade merge -o "$out/$slug/summary.json" --csv "$out/$slug/summary.csv" "${parts[@]}"
done
echo "merged summaries in $out/*/summary.{json,csv}"
