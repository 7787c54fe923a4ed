#!/usr/bin/env bash
# Grading a class on a real cluster engine: a single-node Slurm (slurmctld,
# slurmd and munged from Debian's slurm-wlm, with a private config, private
# ports and a private munge socket) runs deploy/slurm/grade-class.sbatch over
# 40 submissions as 4 shards plus the merge job; GNU parallel runs
# deploy/parallel/grade-class.sh over the same class. Both merged summaries
# must match a single-machine `gopherlab grade --batch` run: same
# submissions, verdicts, errors and scores.
#
#   test/scale/slurm.sh            (root: installs slurm-wlm, munge, parallel)
#
# The class: two exercises whose verdicts do not hang on timing
# (c2-pipeline, c4-transfer-deadlock), from their reference solutions, wrong
# and cheat files and one submission that does not compile, repeated to 20
# per exercise. It stops every daemon it started (by PID).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
say() { printf '[slurm.sh %s] %s\n' "$(date +%T)" "$*"; }
die() { printf 'test/scale/slurm.sh: %s\n' "$*" >&2; exit 1; }
t0=$(date +%s)

need=(slurm-wlm munge parallel)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "needs root to install and run Slurm: sudo apt-get install -y ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ "$(id -u)" -eq 0 ] || die "slurmd must run as root: run this test as root"

work=$(mktemp -d /tmp/gopherlab-slurm.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
	local rc=$?
	if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then
		scancel --quiet --name=gopherlab-grade 2>/dev/null || true
		scancel --quiet --name=gopherlab-merge 2>/dev/null || true
	fi
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill -TERM "${pids[i]}" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	done
	if [ $rc -ne 0 ] && [ -d "$work" ]; then
		for f in "$work"/slurm/*.log "$work"/out-slurm/logs/*.log; do
			[ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
		done >&2
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT # a timeout or Ctrl-C still cleans up

freeport() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

say "building gopherlab"
(cd "$repo" && go build -o "$work/bin/gopherlab" .)
export GOPHERLAB="$work/bin/gopherlab" EXERCISES="$repo/exercises"
# Same seed and GOMAXPROCS everywhere, so the runs are comparable.
export GRADE_FLAGS="--seed 1 --gomaxprocs 2"

say "building the class: 40 submissions"
class="$work/class"
add() { # add SLUG SOURCE NAME
	mkdir -p "$class/$1"
	cp "$2" "$class/$1/$3.go"
}
c2="$repo/exercises/c2-pipeline" c4="$repo/exercises/c4-transfer-deadlock"
printf 'package pipeline\n\nfunc Gen( {\n' >"$work/broken.go"
for i in 1 2 3 4; do
	add c2-pipeline "$c2/solution.go" "s${i}a-reference"
	add c2-pipeline "$c2/testdata/wrong/gen_ignores_ctx.go" "s${i}b-gen-ignores-ctx"
	add c2-pipeline "$c2/testdata/wrong/sq_send_without_select.go" "s${i}c-sq-send-without-select"
	add c2-pipeline "$c2/testdata/cheat/forged_test2json.go" "s${i}d-forged-test2json"
	add c2-pipeline "$work/broken.go" "s${i}e-broken"
	add c4-transfer-deadlock "$c4/solution.go" "s${i}a-reference"
	add c4-transfer-deadlock "$c4/testdata/wrong/one_lock_at_a_time.go" "s${i}b-one-lock-at-a-time"
	add c4-transfer-deadlock "$c4/testdata/wrong/check_before_lock.go" "s${i}c-check-before-lock"
	add c4-transfer-deadlock "$c4/testdata/cheat/exit_in_init.go" "s${i}d-exit-in-init"
	add c4-transfer-deadlock "$c4/testdata/wrong/global_lock.go" "s${i}e-global-lock"
done
[ "$(find "$class" -name '*.go' | wc -l)" -eq 40 ] || die "the class does not hold 40 submissions"

say "single-machine baseline: gopherlab grade --batch -j 2"
tb=$(date +%s)
for ex in "$class"/*/; do
	slug=$(basename "$ex")
	# shellcheck disable=SC2086
	"$GOPHERLAB" grade --exercise "$slug" --exercises "$EXERCISES" --batch -j 2 $GRADE_FLAGS \
		-o "$work/out-batch/$slug" "$ex" 2>"$work/batch-$slug.log" || { cat "$work/batch-$slug.log" >&2; die "batch grading of $slug failed"; }
done
batch_secs=$(($(date +%s) - tb))

say "starting munged and a single-node Slurm"
mkdir -p "$work/slurm/state" "$work/slurm/spool" "$work/munge"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
/usr/sbin/munged --foreground --force --socket="$work/munge/munge.sock" --key-file="$work/munge/munge.key" \
	--pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed" \
	>"$work/slurm/munged.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do [ -S "$work/munge/munge.sock" ] && break; sleep 0.1; done
[ -S "$work/munge/munge.sock" ] || die "munged did not start"

node=$(hostname -s)
export SLURM_CONF="$work/slurm/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=gopherlab-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$(freeport)
SlurmdPort=$(freeport)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$work/slurm/state
SlurmdSpoolDir=$work/slurm/spool
SlurmctldPidFile=$work/slurm/slurmctld.pid
SlurmdPidFile=$work/slurm/slurmd.pid
SlurmctldLogFile=$work/slurm/slurmctld.log
SlurmdLogFile=$work/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
MpiDefault=none
ReturnToService=2
MinJobAge=3600
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=8000 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
/usr/sbin/slurmctld -D -i -f "$SLURM_CONF" >"$work/slurm/slurmctld.out" 2>&1 &
pids+=($!)
/usr/sbin/slurmd -D -f "$SLURM_CONF" >"$work/slurm/slurmd.out" 2>&1 &
pids+=($!)
for i in $(seq 600); do
	state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1 || true)
	case "$state" in idle*) break ;; esac
	[ "$i" -lt 600 ] || die "the Slurm node is not idle after 60 s (state: ${state:-none})"
	sleep 0.1
done
say "Slurm is up: $(sinfo -h -o '%P %D %c %T')"

say "submitting deploy/slurm/grade-class.sbatch: 4 shards + merge"
ts=$(date +%s)
# One CPU per shard, so two shards run at once on this 2-core node.
submitted=$(SBATCH_FLAGS="--cpus-per-task=1 --mem=2G" "$repo/deploy/slurm/grade-class.sbatch" "$class" "$work/out-slurm" 4)
echo "$submitted"
array=$(sed -n 's/^shards: job \([0-9]*\).*/\1/p' <<<"$submitted")
merge=$(sed -n 's/.*merge: job \([0-9]*\).*/\1/p' <<<"$submitted")
[ -n "$array" ] && [ -n "$merge" ] || die "could not read the job ids"
scontrol show job "$merge" | grep -q "Dependency=afterok:${array}" || die "the merge job does not depend on the array (afterok)"
while :; do
	st=$(scontrol show job "$merge" -o | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
	case "$st" in
	COMPLETED) break ;;
	FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | PREEMPTED | "") die "the merge job ended $st" ;;
	esac
	[ $(($(date +%s) - ts)) -lt 900 ] || die "Slurm grading did not finish in 15 minutes"
	sleep 1
done
slurm_secs=$(($(date +%s) - ts))
for k in 1 2 3 4; do
	scontrol show job "${array}_$k" -o | grep -q "JobState=COMPLETED" || die "shard $k did not complete"
done

say "deploy/parallel/grade-class.sh: 4 shards + merge"
tp=$(date +%s)
"$repo/deploy/parallel/grade-class.sh" "$class" "$work/out-parallel" 4 >"$work/parallel.log" 2>&1 || { cat "$work/parallel.log" >&2; die "the parallel recipe failed"; }
parallel_secs=$(($(date +%s) - tp))

say "comparing the merged summaries with the batch run"
/usr/bin/python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]

def load(kind, slug):
    with open(os.path.join(work, "out-" + kind, slug, "summary.json")) as f:
        s = json.load(f)
    if kind != "batch" and len(s.get("shards") or []) != 4:
        bad.append(f"{kind} {slug}: merged from shards {s.get('shards')}, want 4")
    out = {}
    for r in s["reports"]:
        verdicts = tuple((t["name"], t["verdict"], t.get("score")) for t in r.get("tests") or [])
        out[r["submission"]] = (r.get("score"), r.get("max_score"), r.get("error", ""), verdicts)
    return out

bad = []
total = 0
broken = 0
for slug in sorted(os.listdir(os.path.join(work, "class"))):
    base = load("batch", slug)
    total += len(base)
    broken += sum(1 for v in base.values() if v[2])
    for kind in ("slurm", "parallel"):
        got = load(kind, slug)
        if set(got) != set(base):
            bad.append(f"{kind} {slug}: submissions differ: {sorted(set(got) ^ set(base))}")
            continue
        for name in sorted(base):
            if got[name] != base[name]:
                bad.append(f"{kind} {slug}/{name}:\n  batch: {base[name]}\n  {kind}: {got[name]}")
    print(f"  {slug}: {len(base)} submissions")
    for name in sorted(base):
        score, mx, err, verdicts = base[name]
        what = "error: " + err[:60] if err else " ".join(v for _, v, _ in verdicts)
        print(f"    {name:32} {score:5.2f}/{mx:g}  {what}")
if total != 40:
    bad.append(f"{total} reports, want 40")
if broken == 0:
    bad.append("no broken submission in the class")
if bad:
    print("MISMATCH:\n" + "\n".join(bad))
    sys.exit(1)
print(f"identical: {total} submissions ({broken} with errors): batch = Slurm (4 shards + merge) = parallel (4 shards + merge)")
PY

say "times: batch ${batch_secs}s, Slurm ${slurm_secs}s (submit to merged), parallel ${parallel_secs}s, whole test $(($(date +%s) - t0))s"
say "passed"
