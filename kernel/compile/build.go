package compile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gopherlab/gopherlab/kernel/display"
	"github.com/gopherlab/gopherlab/toolchain"
)

const (
	modulePath = "gopherlab.run/cell"             // the module of a compiled cell
	selfPath   = "github.com/gopherlab/gopherlab" // the module display comes from
	exeName    = "program"                        // the built program, in its build directory
	keepBuilds = 50                               // builds kept in the cache
	staleTemp  = time.Hour                        // a build directory this old that never finished is removed
	keyVersion = "gopherlab compile 2"            // changes when the layout of a build changes
)

// Requires maps the modules compiled programs may import (besides the
// standard library and display) to the versions they build with. It starts
// as the versions linked into the running binary (runtime/debug's build
// information), so cells build against exactly the modules gopherlab was
// built with, which are in the module cache of the machine that built it.
// A binary that does not link one of them (a test binary) leaves it out;
// such a binary may set Requires before its first Run.
var Requires = toolchain.LinkedVersions("golang.org/x/sync", "golang.org/x/time")

// findToolchain finds the go command and its version, once per process.
func findToolchain(ctx context.Context) (*toolchain.Go, error) {
	tc, err := toolchain.Find(ctx)
	if err != nil {
		return nil, fmt.Errorf("compile: %%%%run and %%%%race need the Go toolchain: %w", err)
	}
	return tc, nil
}

// displayFiles is display's source (file name -> text) and its digest.
var displayFiles = sync.OnceValues(func() (map[string][]byte, error) {
	files := map[string][]byte{}
	fsys := display.SourceFS()
	names, err := fs.Glob(fsys, "*.go")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		files[name] = b
	}
	return files, nil
})

// cacheKey names the build of a program: everything that goes into it.
func cacheKey(tc *toolchain.Go, p Program, race bool, disp map[string][]byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\nrace=%v\n", keyVersion, tc.Version, race)
	for _, m := range sortedKeys(Requires) {
		fmt.Fprintf(h, "require %s %s\n", m, Requires[m])
	}
	for _, name := range sortedKeys(disp) {
		fmt.Fprintf(h, "display %s %d\n", name, len(disp[name]))
		h.Write(disp[name])
	}
	fmt.Fprintf(h, "main.go %d\n", len(p.Main))
	h.Write(p.Main)
	for _, name := range sortedKeys(p.Files) {
		fmt.Fprintf(h, "file %s %d\n", name, len(p.Files[name]))
		h.Write(p.Files[name])
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// build returns the path of the built program, building it if no build of
// the same program and options is in the cache.
func build(ctx context.Context, p Program, opt Options) (string, error) {
	tc, err := findToolchain(ctx)
	if err != nil {
		return "", err
	}
	disp, err := displayFiles()
	if err != nil {
		return "", fmt.Errorf("compile: display source: %w", err)
	}
	root := opt.CacheDir
	if root == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("compile: %w", err)
		}
		root = filepath.Join(cache, "gopherlab", "run")
	}
	dir := filepath.Join(root, cacheKey(tc, p, opt.Race, disp))
	exe := filepath.Join(dir, exeName)
	if _, err := os.Stat(exe); err == nil {
		now := time.Now()
		_ = os.Chtimes(dir, now, now) // recently used: pruned last
		return exe, nil
	}

	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("compile: %w", err)
	}
	tmp, err := os.MkdirTemp(root, "tmp-")
	if err != nil {
		return "", fmt.Errorf("compile: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := writeModule(tmp, p, tc, disp); err != nil {
		return "", fmt.Errorf("compile: write the module: %w", err)
	}
	if opt.Log != nil {
		how := ""
		if opt.Race {
			how = " with -race"
		}
		fmt.Fprintf(opt.Log, "compile: building the program%s\n", how)
	}
	args := []string{"build", "-trimpath", "-o", exeName}
	if opt.Race {
		args = append(args, "-race")
	}
	cmd := exec.CommandContext(ctx, tc.Cmd, append(args, ".")...)
	cmd.Dir = tmp
	cmd.Env = buildEnv(opt.Race)
	inOwnGroup(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ctx.Err() != nil {
			return "", interrupted("the build was stopped")
		}
		if len(bytes.TrimSpace(out)) == 0 {
			return "", fmt.Errorf("compile: go build: %w", err)
		}
		return "", buildError(out, newRewriter(p.Where, tmp))
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(exe); statErr == nil {
			return exe, nil // another Run built the same program meanwhile: use that one
		}
		// a directory without a program (a layout of old): replace it
		if err := os.RemoveAll(dir); err != nil {
			return "", fmt.Errorf("compile: keep the build: %w", err)
		}
		if err := os.Rename(tmp, dir); err != nil {
			return "", fmt.Errorf("compile: keep the build: %w", err)
		}
	}
	prune(root, keepBuilds)
	return exe, nil
}

// writeModule writes the module of a compiled cell into dir: go.mod,
// main.go, and display as a local copy of the gopherlab module.
func writeModule(dir string, p Program, tc *toolchain.Go, disp map[string][]byte) error {
	require := map[string]string{selfPath: "v0.0.0"}
	for m, v := range Requires {
		require[m] = v
	}
	mod, err := toolchain.GoMod(toolchain.Module{Path: modulePath, Go: tc.Lang, Require: require,
		Replace: map[string]string{selfPath: "./gopherlab"}})
	if err != nil {
		return fmt.Errorf("compile: %w", err)
	}
	self, err := toolchain.GoMod(toolchain.Module{Path: selfPath, Go: tc.Lang})
	if err != nil {
		return fmt.Errorf("compile: %w", err)
	}
	files := map[string][]byte{
		"go.mod":           mod,
		"main.go":          p.Main,
		"gopherlab/go.mod": self,
	}
	for name, b := range p.Files {
		if name == "main.go" || strings.ContainsAny(name, "/\\") || !strings.HasSuffix(name, ".go") {
			return fmt.Errorf("compile: bad file name %q", name)
		}
		files[name] = b
	}
	for name, b := range disp {
		files[path.Join("gopherlab/kernel/display", name)] = b
	}
	for name, b := range files {
		name = filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(name, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// buildEnv is the environment of go build: offline from the module cache,
// the installed toolchain, no workspace; cgo on for the race detector.
func buildEnv(race bool) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOFLAGS", "GOPROXY", "GOTOOLCHAIN", "GOWORK", "GOSUMDB", "GO111MODULE", "GOOS", "GOARCH":
			continue
		case "CGO_ENABLED":
			if race {
				continue
			}
		}
		env = append(env, kv)
	}
	env = append(env, "GOFLAGS=-mod=mod -buildvcs=false", "GOPROXY=off", "GOTOOLCHAIN=local",
		"GOWORK=off", "GOSUMDB=off", "GO111MODULE=on")
	if race {
		env = append(env, "CGO_ENABLED=1")
	}
	return env
}

// buildError is the *Error of a failed go build, in cell coordinates, with
// a word on the two failures that are the machine's, not the cell's.
func buildError(out []byte, rw *rewriter) *Error {
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if l == "# "+modulePath {
			continue
		}
		lines = append(lines, rw.line(l))
	}
	value := ""
	for _, l := range lines {
		if !strings.HasPrefix(l, "# ") && !strings.HasPrefix(l, "go: finding") && !strings.HasPrefix(l, "go: downloading") {
			value = l
			break
		}
	}
	text := string(out)
	var hint []string
	switch {
	case strings.Contains(text, "GOPROXY=off"):
		value = "a module the program imports is not in the local module cache: " + value
		hint = []string{"",
			"Compiled cells build offline, from the local module cache (go env GOMODCACHE).",
			"They may import the standard library, " + strings.Join(requireList(), ", ") + " and " + selfPath + "/kernel/display.",
		}
	case strings.Contains(text, "requires cgo") || strings.Contains(text, "C compiler"):
		value = "the race detector needs cgo and a C compiler: " + value
		hint = []string{"",
			"%%race builds with go build -race, which needs cgo and a C compiler:",
			"install gcc (or point CC at a C compiler). %%run needs neither.",
		}
	}
	tb := append([]string{"BuildError: " + value}, lines...)
	return &Error{Name: "BuildError", Value: value, Traceback: append(tb, hint...)}
}

// requireList is "golang.org/x/sync v0.24.0" and the like, for messages.
func requireList() []string {
	var list []string
	for _, m := range sortedKeys(Requires) {
		list = append(list, m+" "+Requires[m])
	}
	return list
}

// prune keeps the keep most recently used builds under root, and removes
// build directories left behind by builds that never finished.
func prune(root string, keep int) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	type build struct {
		name string
		used time.Time
	}
	var builds []build
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !e.IsDir() {
			continue
		}
		if strings.HasPrefix(e.Name(), "tmp-") {
			if time.Since(info.ModTime()) > staleTemp {
				os.RemoveAll(filepath.Join(root, e.Name()))
			}
			continue
		}
		builds = append(builds, build{e.Name(), info.ModTime()})
	}
	if len(builds) <= keep {
		return
	}
	sort.Slice(builds, func(i, j int) bool { return builds[i].used.After(builds[j].used) })
	for _, b := range builds[keep:] {
		os.RemoveAll(filepath.Join(root, b.name))
	}
}
