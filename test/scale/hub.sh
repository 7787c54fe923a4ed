#!/usr/bin/env bash
# A class on JupyterHub, under load: Debian's jupyterhub on 127.0.0.1 with
# deploy/jupyterhub/jupyterhub_config.py (a dummy authenticator with one
# password replaces PAM; everything else is the recipe: per-learner
# cgroups, Go env with a shared read-only module cache and GOPROXY=off, the
# learner release copied and trusted), the kernel installed with
# ./install.sh --prefix, and N simulated learners (test/scale/learners.py)
# running lesson 01 cell by cell over the websocket, for N = 5, 10, 20.
#
#   test/scale/hub.sh                 (root: creates Unix users, cgroups)
#   HUB_NS="5 10" HUB_THINK=1,3 test/scale/hub.sh
#
# Prints the table N -> cells/s, p50/p95 cell latency, MB per learner
# (peak kernel+worker PSS), spawns, failures. The verdict is about
# correctness, never speed: it fails when any learner's spawn fails, any
# cell gives a wrong status, any step (login, session, stop) fails, at any
# N; when the spawner ever holds more ports than there are learners (a port
# pool that leaks); when the release is not copied and trusted, a learner's
# cgroup has not the limit, or %grade does not run the public checks.
# A slow machine only shows in the numbers: learners still spawning or in
# the lesson when their N's budget runs out are "unfinished" (their servers
# are still stopped), and the hub waits up to 300 s for a server to start.
#
# Every answer a learner gets is checked for who gave it (each learner's
# server names its Unix user in X-Gopherlab-User): one request answered by
# another learner's server, at any N, fails the test. To make that check
# bite, the servers share a port range only 8 ports larger than the class (so
# ports are reused from spawn to spawn), and for two learners a stranger
# (another test user's process, test/scale/squatter.py) takes the port the
# spawner has just chosen, before their server can bind it: the spawner must
# see that the listener is not its server and start again on another port.
# It stops the hub (which stops the proxy and every server), kills any
# process left to its test users, and deletes the users and cgroups.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
say() { printf '[hub.sh %s] %s\n' "$(date +%T)" "$*"; }
# What fails the run but lets the later checks run too (printed at the end,
# or by die).
problems=()
die() {
	printf 'test/scale/hub.sh: %s\n' "$*" >&2
	if [ ${#problems[@]} -gt 0 ]; then
		printf 'test/scale/hub.sh: also FAILED:\n' >&2
		printf '%s\n' "${problems[@]}" | sed 's/^/  /' >&2
	fi
	exit 1
}
t0=$(date +%s)
ns=(${HUB_NS:-5 10 20})
think=${HUB_THINK:-1.5,4}
# Each N gets this many seconds: learners still in the lesson then are
# counted as unfinished (the CPU ran out), not as failures.
budget=${HUB_BUDGET:-180}
# The smallest N must finish the lesson (every cell right under the hub),
# however busy the machine: it gets up to this long instead.
first_budget=${HUB_FIRST_BUDGET:-480}
max_n=0
for n in "${ns[@]}"; do [ "$n" -gt "$max_n" ] && max_n=$n; done

[ "$(id -u)" -eq 0 ] || die "run as root: it creates Unix users and cgroups for the learners"
need=(jupyterhub python3-jupyter-server node-configurable-http-proxy python3-nbformat)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/gopherlab-hub.XXXXXX)
chmod 755 "$work"
tag=$(basename "$work" | tr -dc 'a-z0-9' | tail -c 5)
prefix="gl${tag}u" # user names: gl<tag>u01 ...
cgroup="gopherlab-test-$tag"
users=()
hub_pid=""
cleanup() {
	local rc=$?
	set +e
	if [ -n "$hub_pid" ] && kill -0 "$hub_pid" 2>/dev/null; then
		kill -TERM "$hub_pid"
		for _ in $(seq 300); do kill -0 "$hub_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$hub_pid" 2>/dev/null
	fi
	[ -n "${proxy_pid:-}" ] && kill -TERM "$proxy_pid" 2>/dev/null
	if [ -f "$work/squatters.pids" ]; then
		for pid in $(cat "$work/squatters.pids"); do kill -KILL "$pid" 2>/dev/null; done
	fi
	for u in "${users[@]}"; do
		# Anything still running as a test user was started by this test.
		for pid in $(pgrep -u "$u" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
	done
	for u in "${users[@]}"; do
		for _ in $(seq 50); do pgrep -u "$u" >/dev/null || break; sleep 0.1; done
		userdel "$u" 2>/dev/null
	done
	for ctl in memory cpu unified; do
		d=/sys/fs/cgroup/$ctl/$cgroup
		[ "$ctl" = unified ] && d=/sys/fs/cgroup/$cgroup
		[ -d "$d" ] && { rmdir "$d"/*/ 2>/dev/null; rmdir "$d" 2>/dev/null; }
	done
	if [ $rc -ne 0 ] && [ -f "$work/hub.log" ]; then
		echo "--- hub log (last 60 lines)" >&2
		tail -n 60 "$work/hub.log" >&2
	fi
	# The whole hub log outlives the run (a spawn that failed is explained
	# only there): the last run's, at a fixed path.
	if [ -f "$work/hub.log" ]; then
		cp "$work/hub.log" "${TMPDIR:-/tmp}/gopherlab-hub-last.log" &&
			echo "hub.sh: the hub's log is kept in ${TMPDIR:-/tmp}/gopherlab-hub-last.log" >&2
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT # a timeout or Ctrl-C still cleans up

freeport() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

say "installing the kernel system-wide style: ./install.sh --prefix $work/prefix"
export JUPYTER_DATA_DIR="$work/root-jupyter" # install.sh's own trust step stays in here
"$repo/install.sh" --prefix "$work/prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; die "install.sh failed"; }
chmod -R a+rX "$work/prefix"
gopherlab="$work/prefix/share/jupyter/kernels/gopherlab/gopherlab"
[ -x "$gopherlab" ] || die "no kernel binary at $gopherlab"

say "the learner release (gopherlab release)"
"$gopherlab" release --out "$work/release" >/dev/null
[ -f "$work/release/notebooks/01-goroutines.ipynb" ] || die "the release has no lesson 01"

say "shared read-only module cache and a warm build cache"
goroot=$(go env GOROOT)
hostcache=$(go env GOMODCACHE)
# The modules compiled cells may import (kernel/compile.Requires), taken
# offline from this machine's own module cache.
(cd "$repo" && GOMODCACHE="$work/gomodcache" GOPROXY="file://$hostcache/cache/download" GOFLAGS=-mod=mod GOSUMDB=off \
	go mod download golang.org/x/sync golang.org/x/time) || die "could not fill the module cache from the host's"
chmod -R a+rX,a-w "$work/gomodcache"
# The warm build cache of the recipe (the standard library as the kernel's
# importer, %%run and the grader's -race builds compile it). Compiling it takes
# minutes on a busy 2-core machine, so it is kept between runs in
# $HUB_GOCACHE_SEED (default /var/cache/gopherlab-test/gocache-<go version>)
# and built only when missing.
seed=${HUB_GOCACHE_SEED:-/var/cache/gopherlab-test/gocache-$(go env GOVERSION)}
if [ ! -d "$seed" ]; then
	say "building the warm build cache once, into $seed (minutes)"
	mkdir -p "$(dirname "$seed")"
	tmpseed=$(mktemp -d "$seed.tmp.XXXXXX")
	GOCACHE="$tmpseed" GOFLAGS= go build std          # what the kernel's go list -export uses
	GOCACHE="$tmpseed" GOFLAGS= go build -trimpath std # %%run
	GOCACHE="$tmpseed" GOFLAGS= go build -race -trimpath std
	chmod -R a+rX "$tmpseed"
	chmod 755 "$tmpseed"
	mv "$tmpseed" "$seed" 2>/dev/null || rm -rf "$tmpseed" # another run got there first
fi
# Learners' caches are hard links to this copy (same file system as their homes).
cp -al "$seed" "$work/gocache" 2>/dev/null || cp -R "$seed" "$work/gocache"

say "creating $max_n test users (${prefix}01..)"
password=$(/usr/bin/python3 -c 'import secrets; print(secrets.token_hex(12))')
mkdir -p "$work/home"
chmod 755 "$work/home"
for i in $(seq 1 "$max_n"); do
	u=$(printf '%s%02d' "$prefix" "$i")
	useradd -m -d "$work/home/$u" -s /usr/sbin/nologin "$u"
	users+=("$u")
done

if [ ! -d /run/systemd/system ]; then
	# Without systemd as PID 1 and without a writable /sys/fs/cgroup (here: not
	# root), the recipe must refuse to start rather than run learners unlimited.
	say "the recipe refuses to start where it cannot limit learners (jupyterhub as ${users[0]}, not root)"
	mkdir -p "$work/nolimits"
	chown "${users[0]}" "$work/nolimits"
	if out=$(cd "$work/nolimits" && GOPHERLAB_CGROUP="$cgroup-nolimits" GOPHERLAB_HUB_PORT=$(freeport) \
		timeout 120 runuser -u "${users[0]}" -- jupyterhub -f "$repo/deploy/jupyterhub/jupyterhub_config.py" 2>&1); then
		die "jupyterhub started as ${users[0]} with no way to limit learners: $out"
	fi
	grep -q "Learners would run without memory and CPU limits" <<<"$out" ||
		die "jupyterhub as ${users[0]} did not say why it cannot limit learners: $(tail -n 5 <<<"$out")"
	say "refused: $(grep -o 'cannot make per-learner cgroups[^;]*' <<<"$out")"
fi

hub_port=$(freeport)
# Learners' servers get ports from a range just larger than the class, outside
# the kernel's ephemeral range, at a random place (other hubs may run here).
port_lo=$((20000 + RANDOM % 9000))
port_range="$port_lo-$((port_lo + max_n + 8))"
stranger=${users[$((max_n - 1))]}
squat_list=()
for i in 1 3; do [ "$i" -lt $((max_n - 1)) ] && squat_list+=("${users[$i]}"); done
squat="${squat_list[*]}"
[ -n "$squat" ] || say "WARNING: too few learners for the stranger check (it needs N >= 3)"
cat >"$work/jupyterhub_config.py" <<EOF
# The class recipe, with test-only changes: a dummy authenticator and
# private ports, paths and database.
load_subconfig("$repo/deploy/jupyterhub/jupyterhub_config.py")
c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
c.DummyAuthenticator.password = "$password"
c.Authenticator.allowed_users = set("${users[*]}".split())
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = $(freeport)
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:$(freeport)"
c.ConfigurableHTTPProxy.pid_file = "$work/proxy.pid"
c.JupyterHub.db_url = "sqlite:///$work/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "$work/cookie_secret"
c.JupyterHub.pid_file = "$work/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.Spawner.cmd = ["/usr/bin/jupyterhub-singleuser"]
# A busy machine may take minutes to start a Python server: a slow spawn is
# a number in the table, not a failed one (the recipe's 120 s is for a class).
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300

# Test only: the first port chosen for each of these learners is taken by a
# stranger before their server can bind it (see the top of hub.sh).
import os, pwd, subprocess
squat_users, squatted = set("$squat".split()), set()
stranger = pwd.getpwnam("$stranger")


def become_stranger():
    os.setgid(stranger.pw_gid)
    os.setuid(stranger.pw_uid)


class SquattedSpawner(c.JupyterHub.spawner_class):
    def choose_port(self):
        port = super().choose_port()
        if self.user.name in squat_users and self.user.name not in squatted:
            squatted.add(self.user.name)
            proc = subprocess.Popen(["/usr/bin/python3", "$here/squatter.py", str(port), stranger.pw_name],
                                    stdout=subprocess.PIPE, preexec_fn=become_stranger, start_new_session=True)
            with open("$work/squatters.pids", "a") as f:
                f.write(f"{proc.pid}\n")
            if proc.stdout.readline().strip() != b"listening":
                raise RuntimeError(f"hub.sh: the stranger could not listen on port {port}")
            self.log.info("hub.sh: stranger %s listens on port %d, just chosen for %s",
                          stranger.pw_name, port, self.user.name)
        return port


c.JupyterHub.spawner_class = SquattedSpawner
EOF

say "starting jupyterhub on 127.0.0.1:$hub_port"
(
	cd "$work"
	export GOPHERLAB_RELEASE="$work/release" GOPHERLAB_GOROOT="$goroot" GOPHERLAB_GOMODCACHE="$work/gomodcache" \
		GOPHERLAB_GOCACHE="$work/gocache" GOPHERLAB_MEM_LIMIT=2G GOPHERLAB_CPU_LIMIT=1.0 \
		GOPHERLAB_CGROUP="$cgroup" GOPHERLAB_JUPYTER_PATH="$work/prefix/share/jupyter" \
		GOPHERLAB_HUB_IP=127.0.0.1 GOPHERLAB_HUB_PORT="$hub_port" GOPHERLAB_PORT_RANGE="$port_range"
	unset JUPYTER_DATA_DIR
	# Debian's configurable-http-proxy loads its modules from /usr/share/nodejs,
	# which a Node from elsewhere (nodesource) does not search by itself.
	export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
	exec jupyterhub -f "$work/jupyterhub_config.py" >"$work/hub.log" 2>&1
) &
hub_pid=$!
hub="http://127.0.0.1:$hub_port"
for i in $(seq 600); do
	/usr/bin/python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1] + '/hub/api', timeout=2)" "$hub" 2>/dev/null && break
	kill -0 "$hub_pid" 2>/dev/null || die "jupyterhub exited"
	[ "$i" -lt 600 ] || die "jupyterhub not ready after 60 s"
	sleep 0.1
done
proxy_pid=$(cat "$work/proxy.pid" 2>/dev/null || true)
say "hub up (pid $hub_pid, proxy pid ${proxy_pid:-?}); learners' ports $port_range; a stranger ($stranger) squats the first port of: $squat"

results=()
for n in "${ns[@]}"; do
	b=$budget
	[ "$n" = "${ns[0]}" ] && b=$first_budget
	say "N=$n learners running lesson 01 (think time ${think}s between cells, ${b}s budget)"
	/usr/bin/python3 "$here/learners.py" --hub "$hub" --users "$(IFS=,; echo "${users[*]:0:$n}")" \
		--password "$password" --notebook gopherlab/notebooks/01-goroutines.ipynb \
		--cells "$work/release/notebooks/01-goroutines.ipynb" --think "$think" \
		--hub-pids "$hub_pid,${proxy_pid}" --budget "$b" --json "$work/result-$n.json"
	[ -z "${HUB_KEEP_RESULTS:-}" ] || cp "$work/result-$n.json" "$HUB_KEEP_RESULTS/"
	results+=("$work/result-$n.json")
done

/usr/bin/python3 - "$work/verdict.txt" "${results[@]}" <<'PY' || problems+=("$(cat "$work/verdict.txt" 2>/dev/null || echo "the table could not be made")")
import json, sys
verdict_file = sys.argv[1]
rows = [json.load(open(p)) for p in sys.argv[2:]]
print()
print("| N | cells/s | p50 latency | p95 latency | MB per learner (peak kernel+worker PSS, mean / max) | all learners peak MB | spawns ok | spawn p50/max | hub+proxy CPU s | load avg start/end | failures | misrouted / answers checked | unfinished in budget |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['n']} | {r['cells_per_s']:.2f} | {r['p50_s']:.2f} s | {r['p95_s']:.2f} s | {r['mb_per_learner']:.0f} / {r['mb_per_learner_max']:.0f} | "
          f"{r['mb_all_peak']:.0f} | {r['spawns_ok']}/{r['n']} | {r['spawn_p50_s']:.1f} / {r['spawn_max_s']:.1f} s | {r['hub_cpu_s']:.1f} | "
          f"{r['loadavg_start']:.0f} / {r['loadavg_end']:.0f} | {r['failures']} | {r['misrouted']} / {r['answers_checked']} | {r['unfinished']}/{r['n']} "
          f"({r['cells']}/{r['cells_expected']} cells in {r['budget_s']:.0f} s) |")
for r in rows:
    for who, f in r["failed_learners"].items():
        print(f"N={r['n']} {who}: {f[:3]}")
for r in rows:
    for who, m in r["misrouted_learners"].items():
        print(f"N={r['n']} {who}: {m}")
verdicts = []
bad = [r["n"] for r in rows if r["misrouted"]]
if bad:
    verdicts.append(f"SECURITY: requests answered by another learner's server (or a stranger) at N={bad}")
if any(r["answers_checked"] == 0 for r in rows):
    verdicts.append("no answer was checked for who gave it")
for r in rows:
    if r["spawns_failed"]:
        verdicts.append(f"{r['spawns_failed']} of {r['n']} learners' spawns failed at N={r['n']}")
    if r["failures"]:
        verdicts.append(f"{r['failures']} failure(s) at N={r['n']} (spawn, wrong cell status, session or stop: listed above)")
first = rows[0]
if first["completed"] == 0:
    verdicts.append(f"no learner finished the lesson at N={first['n']} within {first['budget_s']:.0f} s")
open(verdict_file, "w").write("\n".join(verdicts))
if verdicts:
    sys.exit("\n".join(verdicts))
PY

say "checks on the spawner's port pool"
# Rounds run one after another and each stops its servers before the next
# starts, so the spawner never needs more ports at once than the largest N.
# More means ports that did not come back to the pool (a leak), which a
# bigger range would only hide until it ran dry.
most=$(grep -o '[0-9]* port(s) of the pool in use' "$work/hub.log" | cut -d' ' -f1 | sort -n | tail -n 1)
[ -n "$most" ] || die "the hub's log names no port the spawner handed out ('port(s) of the pool in use')"
if [ "$most" -gt "$max_n" ]; then
	problems+=("the spawner held $most ports at once for at most $max_n learners: ports leak from its pool")
	say "LEAK: $most port(s) of the pool in use at once, for at most $max_n learners"
else
	say "at most $most port(s) of the pool in use at once, for at most $max_n learners"
fi

say "checks on the stranger's ports"
for u in $squat; do
	grep -q "stranger $stranger listens on port [0-9]*, just chosen for $u" "$work/hub.log" ||
		die "no stranger took $u's first port (the squat did not happen)"
	grep -q "given to $u's server is held by another process" "$work/hub.log" ||
		die "the spawner did not notice that a stranger held $u's port"
done
say "the spawner saw the stranger on the first port of: $squat, and started them elsewhere"

say "checks on a learner's home, cgroup and %grade"
u=${users[0]}
home="$work/home/$u"
[ -f "$home/gopherlab/notebooks/01-goroutines.ipynb" ] || die "the release was not copied into $home/gopherlab"
[ "$(stat -c %U "$home/gopherlab/notebooks/01-goroutines.ipynb")" = "$u" ] || die "the release copy is not owned by $u"
[ ! -e "$home/gopherlab/exercises/c1-cache-race/solution.go" ] || die "a solution reached the learner"
runuser -u "$u" -- env -u JUPYTER_DATA_DIR HOME="$home" /usr/bin/python3 -c '
import sys, nbformat
from nbformat.sign import NotebookNotary
nb = nbformat.read(sys.argv[1], 4)
sys.exit(0 if NotebookNotary().check_signature(nb) else 1)' "$home/gopherlab/notebooks/01-goroutines.ipynb" ||
	die "lesson 01 is not trusted for $u"
if [ -d "/sys/fs/cgroup/memory/$cgroup/$u" ]; then
	lim=$(cat "/sys/fs/cgroup/memory/$cgroup/$u/memory.limit_in_bytes")
	peak=$(cat "/sys/fs/cgroup/memory/$cgroup/$u/memory.max_usage_in_bytes")
	quota=$(cat "/sys/fs/cgroup/cpu/$cgroup/$u/cpu.cfs_quota_us")
else
	lim=$(cat "/sys/fs/cgroup/$cgroup/$u/memory.max")
	peak=$(cat "/sys/fs/cgroup/$cgroup/$u/memory.peak" 2>/dev/null || echo 1)
	quota=$(cut -d' ' -f1 "/sys/fs/cgroup/$cgroup/$u/cpu.max")
fi
[ "$lim" -eq $((2 << 30)) ] && [ "$quota" -eq 100000 ] && [ "$peak" -gt 0 ] ||
	die "$u's cgroup: memory limit $lim, CPU quota $quota, peak $peak (want 2 GiB, 100000, used)"
say "$u: release copied and trusted; cgroup limit $((lim >> 20)) MB, CPU quota 1.0, peak use $((peak >> 20)) MB"
# %grade in the learner's exercise folder: the public checks of the
# untouched skeleton run (and the report says only the public checks ran).
/usr/bin/python3 - "$work/release/exercises/c1-cache-race/c1-cache-race.ipynb" "$work/grade.ipynb" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
nb["cells"] = [c for c in nb["cells"] if c["cell_type"] == "code" and "%grade" not in "".join(c["source"])]
nb["cells"].append({"cell_type": "code", "metadata": {}, "source": "%grade c1-cache-race", "outputs": [], "execution_count": None})
json.dump(nb, open(sys.argv[2], "w"))
PY
/usr/bin/python3 "$here/learners.py" --hub "$hub" --users "$u" --password "$password" \
	--notebook gopherlab/exercises/c1-cache-race/c1-cache-race.ipynb --cells "$work/grade.ipynb" --think 0,0 \
	--expect-output '(?i)public' --json "$work/grade.json" >"$work/grade.log"
/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["failures"] == 0 else 1)' "$work/grade.json" ||
	{ cat "$work/grade.log" >&2; die "%grade did not run the public checks in $u's session"; }
say "%grade c1-cache-race ran the public checks in $u's session"

say "whole run $(($(date +%s) - t0))s"
if [ ${#problems[@]} -gt 0 ]; then
	printf 'test/scale/hub.sh: FAILED:\n' >&2
	printf '%s\n' "${problems[@]}" | sed 's/^/  /' >&2
	exit 1
fi
say "passed"
