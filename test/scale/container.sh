#!/usr/bin/env bash
# The container recipe, built and run for real (slow; not part of test.sh):
# deploy/container/Containerfile with podman, on a Debian 12 base made here
# with debootstrap (no registry can be reached here; Debian's mirror can),
# then the image is checked as its learner (jovyan, uid 1000) with no
# network: the kernelspec is installed for everyone, the entrypoint gives
# the learner the release, trusted; lesson 00 runs top to bottom through
# `jupyter nbconvert --execute`; a cell and a %%run program importing
# golang.org/x/sync build offline; the grader, in its OS sandbox
# (--require-sandbox, the container run with its /proc unmasked), gives the
# reference solution full marks and a wrong file its verdict. Then the
# Gradescope target is built and its /autograder/run_autograder grades the
# same two files, in the sandbox too.
#
#   test/scale/container.sh          (root; installs podman, runc, debootstrap)
#
# The base (debootstrap + deploy/container/packages.txt) is cached as a
# tarball in $GOPHERLAB_CONTAINER_CACHE (default /var/cache/gopherlab-container),
# keyed by the package list and mirror, and made again when older than
# $GOPHERLAB_CONTAINER_BASE_DAYS days (default 7). Podman works in a
# storage of its own under that cache directory, never the machine's: the
# base stays there as an image; the images built here are removed at the
# end with the layers their builds left, so every run builds the image
# whole (the Gradescope target reuses the stages the first build made). The log of each step is in
# $GOPHERLAB_CONTAINER_LOGS (default: a temporary directory, removed unless
# the check fails).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
say() { printf '[container.sh %s] %s\n' "$(date +%T)" "$*"; }
die() { printf 'test/scale/container.sh: FAIL: %s\n' "$*" >&2; exit 1; }
t0=$(date +%s)
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, podman with private storage)"
missing=()
for p in podman runc debootstrap; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cache=${GOPHERLAB_CONTAINER_CACHE:-/var/cache/gopherlab-container}
mkdir -p "$cache/debs"
work=$(mktemp -d /tmp/gopherlab-container.XXXXXX)
logs=${GOPHERLAB_CONTAINER_LOGS:-$work/logs}
mkdir -p "$logs"
# Podman here: overlay storage (the kernel's; vfs copies every layer whole),
# runc (crun 1.8 refuses this machine's hybrid cgroup v1 + v2 mounts), a
# private root, and rlimits it may set (the defaults exceed this root's).
pm=(podman --root "$cache/storage" --runroot "$cache/run" --storage-driver "${GOPHERLAB_PODMAN_DRIVER:-overlay}"
	--runtime runc --cgroup-manager cgroupfs --events-backend file)
limits=(--ulimit "nofile=$(ulimit -Sn):$(ulimit -Sn)" --ulimit nproc=16384:16384)
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}
rootfs=$work/rootfs
passed=no
cleanup() {
	set +e
	mountpoint -q "$rootfs/proc" && umount "$rootfs/proc"
	mountpoint -q "$rootfs/var/cache/apt/archives" && umount "$rootfs/var/cache/apt/archives"
	# Everything in the cache's podman storage but the base: the images made
	# here, their build stages' layers, a killed build's working containers.
	local c i keep
	for c in $("${pm[@]}" ps -aq --external 2>/dev/null); do "${pm[@]}" rm -f "$c" >/dev/null 2>&1; done
	keep=" $("${pm[@]}" images -q --no-trunc localhost/gopherlab-base 2>/dev/null | xargs) "
	for i in $("${pm[@]}" images -aq --no-trunc 2>/dev/null); do
		[[ "$keep" == *" $i "* ]] || "${pm[@]}" rmi -f "$i" >/dev/null 2>&1
	done
	[ "$passed" = yes ] || [ "$logs" != "$work/logs" ] || { cp -r "$logs" "/tmp/gopherlab-container-logs.$$" && echo "logs kept in /tmp/gopherlab-container-logs.$$" >&2; }
	rm -rf "$work" 2>/dev/null || { chattr -R -i "$work" 2>/dev/null; rm -rf "$work"; }
}
trap cleanup EXIT
trap 'exit 143' TERM INT # a timeout or Ctrl-C still cleans up
step() { # step NAME CMD...: run CMD with its output in $logs/NAME.log
	local name=$1
	shift
	"$@" >"$logs/$name.log" 2>&1 || { tail -n 40 "$logs/$name.log" >&2; die "$name failed (log: $logs/$name.log)"; }
}

# --- the base: debootstrap + the image's Debian packages, cached ----------
key=$( (sed 's/#.*//' "$repo/deploy/container/packages.txt" | xargs; echo "bookworm minbase $mirror") | sha256sum | cut -c1-12)
tarball=$cache/base-bookworm-$key.tar
if [ -f "$tarball" ] && [ -n "$(find "$tarball" -mtime -"${GOPHERLAB_CONTAINER_BASE_DAYS:-7}")" ]; then
	say "base: cached $tarball ($(du -h "$tarball" | cut -f1), $(date -r "$tarball" +%F))"
	base_secs=0
else
	say "base: debootstrap bookworm from $mirror, then deploy/container/packages.txt (cache: $cache)"
	tb=$(date +%s)
	step debootstrap debootstrap --variant=minbase --cache-dir="$cache/debs" bookworm "$rootfs" "$mirror"
	# Debian's packages into the chroot, from the host (apt-get inside a
	# podman build is several times slower here); no service may start.
	printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
	chmod +x "$rootfs/usr/sbin/policy-rc.d"
	cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
	mount -t proc proc "$rootfs/proc"
	mkdir -p "$cache/debs/partial"
	mount --bind "$cache/debs" "$rootfs/var/cache/apt/archives"
	step apt-base chroot "$rootfs" sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $(sed 's/#.*//' "$repo/deploy/container/packages.txt" | xargs)"
	umount "$rootfs/var/cache/apt/archives" "$rootfs/proc"
	rm -rf "$rootfs/usr/sbin/policy-rc.d" "$rootfs"/var/lib/apt/lists/* "$rootfs/etc/resolv.conf"
	tar -C "$rootfs" --numeric-owner -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	rm -rf "$rootfs"
	find "$cache" -maxdepth 1 -name 'base-bookworm-*.tar' ! -name "base-bookworm-$key.tar" -delete
	base_secs=$(($(date +%s) - tb))
	say "base: made in ${base_secs}s ($(du -h "$tarball" | cut -f1))"
fi
# The base as an image in the cache's own podman storage (importing it takes
# a minute): kept between runs, tagged with the tarball's key and date.
base=localhost/gopherlab-base:$key-$(date -r "$tarball" +%Y%m%d%H%M%S)
if ! "${pm[@]}" image exists "$base"; then
	"${pm[@]}" rmi -f $("${pm[@]}" images -q localhost/gopherlab-base) >/dev/null 2>&1 || true
	step import "${pm[@]}" import "$tarball" "$base"
fi

# --- the build context: Go, the sources, two module caches ----------------
say "context: host Go $(go env GOVERSION), sources (git ls-files), module caches"
ctx=$work/context
mkdir -p "$ctx/src"
tar -C "$(go env GOROOT)" --exclude=./test --exclude=./pkg/obj --exclude=./.git -cf - . | (mkdir -p "$ctx/go" && tar -C "$ctx/go" -xf -)
(cd "$repo" && git ls-files -z | xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$ctx/src"
hostproxy="file://$(go env GOMODCACHE)/cache/download"
(cd "$ctx/src" && GOMODCACHE="$ctx/buildmods" GOPROXY="$hostproxy" GOFLAGS=-mod=mod GOSUMDB=off go mod download) ||
	die "go mod download: the host's module cache lacks gopherlab's modules (run go mod download in $repo)"
(cd "$ctx/src" && GOMODCACHE="$ctx/gomodcache" GOPROXY="$hostproxy" GOFLAGS=-mod=mod GOSUMDB=off \
	go mod download golang.org/x/sync golang.org/x/time golang.org/x/exp)
chmod -R u+w "$ctx/buildmods" "$ctx/gomodcache"
rm -rf "$ctx/buildmods/cache/vcs" "$ctx/gomodcache/cache/vcs"
say "context: $(du -sh "$ctx" | cut -f1) (go $(du -sh "$ctx/go" | cut -f1), build modules $(du -sh "$ctx/buildmods" | cut -f1), image modules $(du -sh "$ctx/gomodcache" | cut -f1))"

# --- the builds -----------------------------------------------------------
build=("${pm[@]}" build --isolation chroot --network host --build-arg BASE="$base" -f "$ctx/src/deploy/container/Containerfile")
say "build: the single-user image"
tb=$(date +%s)
step build "${build[@]}" -t localhost/gopherlab "$ctx"
build_secs=$(($(date +%s) - tb))
say "build: ${build_secs}s, $("${pm[@]}" images --format '{{.Size}}' localhost/gopherlab)"
say "build: the Gradescope target (--target autograder, its base: the same Debian base)"
tb=$(date +%s)
step build-autograder "${build[@]}" --target autograder --build-arg AUTOGRADER_BASE="$base" \
	--build-arg EXERCISE=c2-pipeline -t localhost/gopherlab-autograder "$ctx"
ag_secs=$(($(date +%s) - tb))
say "build: ${ag_secs}s, $("${pm[@]}" images --format '{{.Size}}' localhost/gopherlab-autograder)"

# --- the single-user image, as its learner, offline -----------------------
run() { "${pm[@]}" run --rm --network none "${limits[@]}" "$@"; }
# The grader's OS sandbox mounts the /proc of its own PID namespace, which a
# container's masked /proc forbids (deploy/container/README.md).
unmask=(--security-opt 'unmask=/proc/*')
say "image: who runs, the kernelspec, the learner's release"
who=$(run localhost/gopherlab id) || die "the image does not start: $who"
[ "${who%% *}" = "uid=1000(jovyan)" ] || die "the image runs as $who, not jovyan (uid 1000)"
specs=$(run localhost/gopherlab jupyter kernelspec list) || die "jupyter kernelspec list: $specs"
printf '%s\n' "$specs" | grep -Eq '^ *gopherlab +/usr/local/share/jupyter/kernels/gopherlab$' ||
	die "the Go kernel is not installed system-wide: $specs"
hubv=$(run localhost/gopherlab jupyterhub-singleuser --version 2>/dev/null | tail -n 1)
[ -n "$hubv" ] || die "jupyterhub-singleuser does not start"
say "image: runs as ${who%% *}; kernelspec gopherlab in /usr/local/share/jupyter/kernels; jupyterhub-singleuser $hubv"
cat >"$work/release.py" <<'PY'
import glob, os, nbformat
from nbformat.sign import NotebookNotary
home = os.path.expanduser("~/gopherlab")
nbs = sorted(glob.glob(home + "/notebooks/*.ipynb") + glob.glob(home + "/exercises/*/*.ipynb"))
assert len(nbs) >= 10, nbs
notary = NotebookNotary()
untrusted = [p for p in nbs if not notary.check_signature(nbformat.read(p, as_version=4))]
assert not untrusted, ("not trusted for the learner", untrusted)
leaked = [p for p in glob.glob(home + "/**", recursive=True) if os.path.basename(p) in ("solution.go", "hidden_test.go")]
assert not leaked, ("solutions or hidden tests in the learner's release", leaked)
print("release ok: %d notebooks, trusted for uid %d" % (len(nbs), os.getuid()))
PY
step release run -v "$work/release.py:/tmp/release.py:ro" localhost/gopherlab python3 /tmp/release.py
say "image: $(grep -m 1 '^release ok' "$logs/release.log")"

say "image: lesson 00 through jupyter nbconvert --execute"
cat >"$work/lesson.sh" <<'SH'
set -e
nb=$HOME/gopherlab/notebooks/00-tour.ipynb
jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 --output-dir /tmp/out "$nb"
python3 - "$nb" /tmp/out/00-tour.ipynb <<'PY'
import sys, nbformat
src, out = (nbformat.read(p, as_version=4) for p in sys.argv[1:])
code = [c for c in out.cells if c.cell_type == "code"]
bad = [c.source[:60] for c in code if any(o.output_type == "error" for o in c.outputs) and "raises-exception" not in c.metadata.get("tags", [])]
assert not bad, ("cells failed", bad)
ran = [c for c in code if c.execution_count]
assert len(ran) == len(code) > 0, (len(ran), len(code))
outputs = sum(len(c.outputs) for c in code)
assert outputs > 0
print("lesson 00 ok: %d code cells ran, %d outputs, kernel %s" % (len(ran), outputs, out.metadata.kernelspec.name))
PY
SH
tl=$(date +%s)
step lesson run -v "$work/lesson.sh:/tmp/lesson.sh:ro" localhost/gopherlab bash /tmp/lesson.sh
say "image: $(grep -m 1 '^lesson 00 ok' "$logs/lesson.log") ($(($(date +%s) - tl))s)"

say "image: a cell and a %%run program (golang.org/x/sync) through jupyter_client"
cat >"$work/cells.py" <<'PY'
import jupyter_client
km, kc = jupyter_client.manager.start_new_kernel(kernel_name="gopherlab")
out = []
def run(code):
    out.clear()
    reply = kc.execute_interactive(code, timeout=600, output_hook=lambda m: out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
    assert reply["content"]["status"] == "ok", (code, reply["content"], out)
    return "".join(out)
got = run('import "fmt"\nfmt.Println("hello from the image")')
assert got == "hello from the image\n", got
got = run('%%run\nimport "golang.org/x/sync/errgroup"\nvar g errgroup.Group\ng.Go(func() error { fmt.Println("compiled, offline"); return nil })\ng.Wait()')
assert "compiled, offline" in got, got
kc.stop_channels(); km.shutdown_kernel(now=True)
print("cells ok: a cell, and %%run with golang.org/x/sync built offline")
PY
step cells run -v "$work/cells.py:/tmp/cells.py:ro" localhost/gopherlab python3 /tmp/cells.py
say "image: $(grep -m 1 '^cells ok' "$logs/cells.log")"

# --- the grader, in both images -------------------------------------------
ex=$repo/exercises/c2-pipeline
wrong=merge_closes_early.go # want: fail, TestMergeSlowInput
verdicts() { # verdicts FILE: "score/max, sandboxed: yes|no, Test: verdict ..."
	/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
env = r.get("environment", {})
print("%g/%g sandboxed=%s %s" % (r["score"], r["max_score"], env.get("sandboxed"), " ".join("%s:%s" % (t["name"], t["verdict"]) for t in r["tests"])))
' "$1"
}
say "image: gopherlab grade --check-sandbox (as jovyan, /proc unmasked)"
step check-sandbox run "${unmask[@]}" localhost/gopherlab gopherlab grade --check-sandbox
say "image: $(tail -n 1 "$logs/check-sandbox.log")"
say "image: gopherlab grade --require-sandbox (as jovyan) on c2-pipeline's reference solution and $wrong"
mkdir -p "$work/graded" && chmod 777 "$work/graded"
gr() { run "${unmask[@]}" -v "$ex:/tmp/ex:ro" -v "$work/graded:/tmp/graded" localhost/gopherlab gopherlab grade --require-sandbox --exercise /tmp/ex --format json -o "/tmp/graded/$1.json" "$2"; }
step grade-solution gr solution /tmp/ex/solution.go
step grade-wrong gr wrong "/tmp/ex/testdata/wrong/$wrong"
sol=$(verdicts "$work/graded/solution.json")
bad=$(verdicts "$work/graded/wrong.json")
say "image: solution $sol"
say "image: $wrong $bad"
[[ "$sol" =~ ^([0-9.]+)/([0-9.]+)\  ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] || die "the reference solution did not get full marks: $sol"
[[ "$bad" == *"TestMergeSlowInput:fail"* ]] || die "$wrong did not get its verdict (TestMergeSlowInput: fail): $bad"
[[ "$sol $bad" == *"sandboxed=True "*"sandboxed=True "* ]] || die "grading was not sandboxed: $sol / $bad"

say "autograder: gopherlab grade --check-sandbox (as root, like Gradescope; /proc unmasked)"
step ag-check-sandbox run "${unmask[@]}" localhost/gopherlab-autograder /autograder/source/bin/gopherlab grade --check-sandbox
say "autograder: $(tail -n 1 "$logs/ag-check-sandbox.log")"
say "autograder: /autograder/run_autograder (as root, /proc unmasked) on the same two files"
for f in solution.go "testdata/wrong/$wrong"; do
	n=$(basename "$f" .go)
	mkdir -p "$work/ag-$n/submission" "$work/ag-$n/results"
	cp "$ex/$f" "$work/ag-$n/submission/"
	step "autograder-$n" run "${unmask[@]}" -v "$work/ag-$n/submission:/autograder/submission:ro" -v "$work/ag-$n/results:/autograder/results" \
		localhost/gopherlab-autograder /autograder/run_autograder
	[ -s "$work/ag-$n/results/results.json" ] || die "run_autograder wrote no results.json for $f"
	cp "$work/ag-$n/results/grader.log" "$logs/grader-$n.log" 2>/dev/null || true
	grep -q '^run_autograder: the OS sandbox works here; grading with --require-sandbox' "$logs/grader-$n.log" ||
		die "run_autograder did not grade $f with --require-sandbox: $(head -c 600 "$logs/grader-$n.log")"
	/usr/bin/python3 - "$work/ag-$n/results/results.json" "$n" >"$logs/results-$n.txt" <<'PY' || { cat "$logs/results-$n.txt" >&2; die "results.json of $f is wrong"; }
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("score", "tests"):
    assert k in r, ("no " + k, r)
for t in r["tests"]:
    for k in ("name", "score", "max_score", "status", "output", "visibility"):
        assert k in t, ("test without " + k, t)
total = sum(t["max_score"] for t in r["tests"])
assert "NOT SANDBOXED" not in r.get("output", ""), ("graded without the sandbox", r.get("output"))
if sys.argv[2] == "solution":
    assert r["score"] == total > 0, (r["score"], total)
else:
    assert r["score"] < total, (r["score"], total)
    assert any(t["status"] == "failed" and "TestMergeSlowInput" in t["name"] for t in r["tests"]), [(t["name"], t["status"]) for t in r["tests"]]
print("%s: %g/%g, sandboxed (--require-sandbox), %s" % (sys.argv[2], r["score"], total, " ".join("%s:%s" % (t["name"], t["status"]) for t in r["tests"])))
PY
	say "autograder: $(cat "$logs/results-$n.txt")"
done

passed=yes
say "passed: base ${base_secs}s (0: cached), image build ${build_secs}s, autograder build ${ag_secs}s, whole check $(($(date +%s) - t0))s"
