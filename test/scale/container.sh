#!/usr/bin/env bash
# The container recipe, built for real (slow; not part of test.sh):
# deploy/container/Containerfile with podman, from Debian's registry image
# when it can be pulled, else from a debootstrap base built here (Debian's
# packages are reachable where registries are not). Then the image runs:
# the kernel is installed for everyone, a cell runs under it, %%run builds
# offline against the image's module cache, and the grader grades a
# reference solution to full marks.
#
#   test/scale/container.sh          (root; installs podman and debootstrap)
#
# Podman keeps its images and containers in a private directory, removed at
# the end, so nothing is left in the machine's own container storage.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
say() { printf '[container.sh %s] %s\n' "$(date +%T)" "$*"; }
die() { printf 'test/scale/container.sh: %s\n' "$*" >&2; exit 1; }
t0=$(date +%s)
[ "$(id -u)" -eq 0 ] || die "run as root (podman with private storage, debootstrap)"
missing=()
for p in podman debootstrap; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/gopherlab-container.XXXXXX)
pm=(podman --root "$work/storage" --runroot "$work/run" --storage-driver vfs --cgroup-manager cgroupfs --events-backend file)
cleanup() {
	"${pm[@]}" rm -af >/dev/null 2>&1 || true
	"${pm[@]}" rmi -af >/dev/null 2>&1 || true
	rm -rf "$work" 2>/dev/null || { chattr -R -i "$work" 2>/dev/null; rm -rf "$work"; }
}
trap cleanup EXIT
trap 'exit 143' TERM INT # a timeout or Ctrl-C still cleans up

say "laying out the build context (host Go $(go env GOVERSION), sources with vendor/, module cache)"
ctx="$work/context"
mkdir -p "$ctx/src"
cp -a "$(go env GOROOT)" "$ctx/go"
rm -rf "$ctx/go/pkg/obj" "$ctx/go/.git"
(cd "$repo" && git ls-files -z | xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$ctx/src"
(cd "$ctx/src" && GOFLAGS=-mod=mod GOPROXY="file://$(go env GOMODCACHE)/cache/download" GOSUMDB=off go mod vendor)
hostcache=$(go env GOMODCACHE)
(cd "$ctx/src" && GOMODCACHE="$ctx/gomodcache" GOPROXY="file://$hostcache/cache/download" GOFLAGS=-mod=mod GOSUMDB=off \
	go mod download golang.org/x/sync golang.org/x/time)
chmod -R u+w "$ctx/gomodcache"

base=docker.io/library/debian:bookworm
if "${pm[@]}" pull -q "$base" >"$work/pull.log" 2>&1; then
	say "pulled $base"
else
	say "cannot pull $base ($(tail -n 1 "$work/pull.log")); building a base with debootstrap"
	mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
	debootstrap --variant=minbase bookworm "$work/rootfs" "${mirror:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
	tar -C "$work/rootfs" -c . | "${pm[@]}" import - localhost/debian-bookworm >/dev/null
	rm -rf "$work/rootfs"
	base=localhost/debian-bookworm
fi

say "podman build (base $base)"
tb=$(date +%s)
"${pm[@]}" build --isolation chroot --network host --build-arg BASE="$base" \
	-f "$repo/deploy/container/Containerfile" -t localhost/gopherlab "$ctx" >"$work/build.log" 2>&1 ||
	{ tail -n 40 "$work/build.log" >&2; die "podman build failed"; }
build_secs=$(($(date +%s) - tb))
say "built in ${build_secs}s: $("${pm[@]}" images --format '{{.Repository}} {{.Size}}' localhost/gopherlab)"

run() { "${pm[@]}" run --rm --network host --cgroups disabled localhost/gopherlab "$@"; }
say "the image: kernelspec, a cell, %%run offline, the grader"
run jupyter kernelspec list | grep -q "gopherlab *\/usr/local/share/jupyter/kernels/gopherlab" || die "the kernel is not installed system-wide"
run sh -c 'test -f "$HOME/gopherlab/notebooks/01-goroutines.ipynb"' || die "the entrypoint did not give the learner the release"
cat >"$work/cells.py" <<'PY'
import jupyter_client
km, kc = jupyter_client.manager.start_new_kernel(kernel_name="gopherlab")
out = []
def run(code):
    out.clear()
    reply = kc.execute_interactive(code, timeout=300, output_hook=lambda m: out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
    assert reply["content"]["status"] == "ok", (code, reply["content"], out)
    return "".join(out)
assert run('import "fmt"\nfmt.Println("hello from the image")') == "hello from the image\n"
got = run('%%run\nimport "golang.org/x/sync/errgroup"\nvar g errgroup.Group\ng.Go(func() error { fmt.Println("compiled, offline"); return nil })\ng.Wait()')
assert "compiled, offline" in got, got
kc.stop_channels(); km.shutdown_kernel(now=True)
print("cells ok")
PY
"${pm[@]}" run --rm --network host --cgroups disabled -v "$work/cells.py:/tmp/cells.py:ro" localhost/gopherlab python3 /tmp/cells.py | grep -q "cells ok" ||
	die "the kernel does not run cells in the image"
"${pm[@]}" run --rm --network host --cgroups disabled -v "$repo/exercises/c2-pipeline:/tmp/ex:ro" localhost/gopherlab \
	gopherlab grade --exercise /tmp/ex --format json /tmp/ex/solution.go >"$work/grade.json" ||
	die "the grader failed in the image"
/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["score"] == r["max_score"] > 0 else 1)' "$work/grade.json" ||
	die "the reference solution did not get full marks in the image: $(head -c 600 "$work/grade.json")"
say "passed (whole check $(($(date +%s) - t0))s)"
