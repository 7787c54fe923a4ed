// Package bundle writes an exercise's autograder for Gradescope: a zip with
// setup.sh (installs Go, builds gopherlab), run_autograder (grades
// /autograder/submission into /autograder/results/results.json) and the
// exercise's files, hidden tests included, never the reference solution.
package bundle

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/gopherlab/gopherlab/grader/spec"
)

// Options describe a bundle.
type Options struct {
	// Source, when set, is a gopherlab source tree to ship in the bundle
	// (setup.sh builds it); otherwise setup.sh installs Version with go install.
	Source string
	// Version is the gopherlab release setup.sh installs ("" : this binary's).
	Version string
	// GoVersion is the Go release setup.sh installs ("" : this binary's).
	GoVersion string
}

// ModulePath is gopherlab's module.
const ModulePath = "github.com/gopherlab/gopherlab"

// WriteGradescope writes the Gradescope autograder zip of the exercise s to w.
func WriteGradescope(w io.Writer, s *spec.Spec, o Options) error {
	if o.GoVersion == "" {
		o.GoVersion = strings.TrimPrefix(runtime.Version(), "go")
	}
	if o.Version == "" && o.Source == "" {
		info, ok := debug.ReadBuildInfo()
		if !ok || info.Main.Version == "" || info.Main.Version == "(devel)" {
			return fmt.Errorf("bundle: this gopherlab is a development build with no release version: pass --source DIR (a gopherlab source tree) or --version vX.Y.Z")
		}
		o.Version = info.Main.Version
	}
	zw := zip.NewWriter(w)
	add := func(name string, mode os.FileMode, data []byte) error {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(mode)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		_, err = fw.Write(data)
		return err
	}
	if err := add("setup.sh", 0o755, []byte(setupScript(s, o))); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	if err := add("run_autograder", 0o755, []byte(runScript(s))); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	// The exercise: spec, tests and given files; never solution.go, testdata or notebooks.
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	solution := map[string]bool{spec.SolutionFile: true}
	for _, f := range s.SolutionFiles {
		solution[f] = true
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || solution[name] || !(strings.HasSuffix(name, ".go") || name == spec.File) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(s.Dir, name))
		if err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
		if err := add("exercise/"+s.Slug+"/"+name, 0o644, data); err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
	}
	if o.Source != "" {
		var tgz bytes.Buffer
		if err := sourceArchive(&tgz, o.Source); err != nil {
			return err
		}
		if err := add("gopherlab-src.zip", 0o644, tgz.Bytes()); err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	return nil
}

// sourceArchive zips the Go module at dir without tests, testdata, lessons,
// exercises or version control: enough to build the gopherlab command.
func sourceArchive(w io.Writer, dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return fmt.Errorf("bundle: --source %s is not a Go module: %w", dir, err)
	}
	zw := zip.NewWriter(w)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules" || d.Name() == "bin" || d.Name() == "notebooks" || d.Name() == "exercises" || d.Name() == "test" || d.Name() == "deploy") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if strings.HasSuffix(d.Name(), "_test.go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fw, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		_, err = fw.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("bundle: source: %w", err)
	}
	return zw.Close()
}

// setupScript is Gradescope's setup.sh: install Go, then build gopherlab.
func setupScript(s *spec.Spec, o Options) string {
	return `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# Paths can be overridden for a test run outside Gradescope:
#   GRADESCOPE_ROOT (default /autograder), GOPHERLAB_GO_ROOT (default /usr/local/go),
#   GOPHERLAB_SKIP_GO_INSTALL=1 to use the go already on PATH,
#   GO_TARBALL_URL: where Go comes from, http(s):// or file:// (default
#     https://dl.google.com/go/goVERSION.linux-ARCH.tar.gz, the file go.dev/dl links to),
#   GO_TARBALL_SHA256: its SHA-256 (default: the one Go publishes beside it, URL.sha256).
# The tarball is checked against the SHA-256 before anything is unpacked.
set -euo pipefail
AG=${GRADESCOPE_ROOT:-/autograder}
SRC=$AG/source
GOROOT_DIR=${GOPHERLAB_GO_ROOT:-/usr/local/go}
GO_VERSION=` + o.GoVersion + `
GOPHERLAB_VERSION=` + o.Version + `

install_go() {
	if [ "${GOPHERLAB_SKIP_GO_INSTALL:-0}" = 1 ]; then
		command -v go >/dev/null || { echo "setup.sh: no go on PATH" >&2; exit 1; }
		return
	fi
	local need=() tool
	for tool in curl:curl gcc:gcc unzip:unzip sha256sum:coreutils; do
		command -v "${tool%%:*}" >/dev/null || need+=("${tool#*:}")
	done
	[ -e /usr/include/stdlib.h ] || need+=(libc6-dev)
	if [ ${#need[@]} -gt 0 ]; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" ca-certificates >/dev/null
	fi
	local arch
	case "$(uname -m)" in
	x86_64) arch=amd64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) echo "setup.sh: no Go tarball for $(uname -m)" >&2; exit 1 ;;
	esac
	local url=${GO_TARBALL_URL:-https://dl.google.com/go/go${GO_VERSION}.linux-${arch}.tar.gz}
	local want=${GO_TARBALL_SHA256:-}
	local tmp
	tmp=$(mktemp -d)
	curl -fsSL --retry 3 "$url" -o "$tmp/go.tgz" || { echo "setup.sh: cannot download Go from $url" >&2; exit 1; }
	if [ -z "$want" ]; then
		want=$(curl -fsSL --retry 3 "$url.sha256") || { echo "setup.sh: cannot download the SHA-256 of Go from $url.sha256" >&2; exit 1; }
	fi
	want=$(printf '%s' "$want" | tr -d '[:space:]' | tr 'A-F' 'a-f')
	if ! printf '%s' "$want" | grep -Eq '^[0-9a-f]{64}$'; then
		echo "setup.sh: not a SHA-256 for $url: '$want'" >&2
		exit 1
	fi
	local got
	got=$(sha256sum "$tmp/go.tgz" | cut -d' ' -f1)
	if [ "$got" != "$want" ]; then
		echo "setup.sh: Go from $url has SHA-256 $got, want $want: not installing it" >&2
		rm -rf "$tmp"
		exit 1
	fi
	mkdir -p "$tmp/x"
	tar -C "$tmp/x" -xzf "$tmp/go.tgz"
	[ -x "$tmp/x/go/bin/go" ] || { echo "setup.sh: $url holds no go/bin/go" >&2; exit 1; }
	rm -rf "$GOROOT_DIR" && mkdir -p "$(dirname "$GOROOT_DIR")"
	mv "$tmp/x/go" "$GOROOT_DIR"
	rm -rf "$tmp"
	export PATH=$GOROOT_DIR/bin:$PATH
	echo "setup.sh: installed $(go version) in $GOROOT_DIR (SHA-256 $got)"
}

build_gopherlab() {
	mkdir -p "$SRC/bin"
	if [ -f "$SRC/gopherlab-src.zip" ]; then
		rm -rf "$SRC/gopherlab-src" && mkdir -p "$SRC/gopherlab-src"
		(cd "$SRC/gopherlab-src" && unzip -q ../gopherlab-src.zip)
		(cd "$SRC/gopherlab-src" && CGO_ENABLED=1 go build -trimpath -o "$SRC/bin/gopherlab" .)
	else
		GOBIN="$SRC/bin" CGO_ENABLED=1 go install -trimpath "` + ModulePath + `@${GOPHERLAB_VERSION}"
	fi
	# Warm the race-enabled standard library and the module cache, so grading is offline and fast.
	go build -race std
}

case "${1:-all}" in
go) install_go ;;
build) build_gopherlab ;;
all) install_go; build_gopherlab ;;
*) echo "usage: setup.sh [go|build|all]" >&2; exit 2 ;;
esac
`
}

// runScript is Gradescope's run_autograder for exercise s.
func runScript(s *spec.Spec) string {
	return `#!/usr/bin/env bash
# Gradescope runs this for each submission. It grades /autograder/submission
# (one notebook, or the .go files) against the exercise's hidden tests and
# writes /autograder/results/results.json. GRADESCOPE_ROOT overrides /autograder.
set -uo pipefail
AG=${GRADESCOPE_ROOT:-/autograder}
SRC=$AG/source
OUT=$AG/results/results.json
mkdir -p "$AG/results"
export PATH=${GOPHERLAB_GO_ROOT:-/usr/local/go}/bin:$PATH
sub=$AG/submission
notebooks=$(find "$sub" -maxdepth 1 -name '*.ipynb' -type f | head -n 2)
if [ -n "$notebooks" ] && [ "$(printf '%s\n' "$notebooks" | wc -l)" -eq 1 ]; then
	sub=$notebooks
fi
args=(grade --exercise "$SRC/exercise/` + s.Slug + `" --format gradescope -o "$OUT")
LOG=$AG/results/grader.log
# The OS sandbox where this machine allows it (then grading refuses to go on
# without it); where it does not, the report says NOT SANDBOXED, and the log why.
if why=$("$SRC/bin/gopherlab" grade --check-sandbox 2>&1); then
	args+=(--require-sandbox)
	echo "run_autograder: the OS sandbox works here; grading with --require-sandbox" >"$LOG"
else
	printf 'run_autograder: NO OS sandbox here; grading without it (the report says NOT SANDBOXED): %s\n' "$why" >"$LOG"
fi
if ! "$SRC/bin/gopherlab" "${args[@]}" "$sub" 2>>"$LOG"; then
	msg=$(tail -n 5 "$LOG" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr '\n' ' ')
	printf '{"score": 0, "output": "The grader could not grade this submission: %s", "tests": []}\n' "$msg" >"$OUT"
fi
`
}
