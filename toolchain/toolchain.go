// Package toolchain is what gopherlab knows about the installed Go
// toolchain and modules, in one place: where the go command is and what
// `go env` says, which module versions the running binary links, the newest
// version of a module in the module cache, and go.mod files written with
// golang.org/x/mod. The kernel's compiled cells (%%run, %%race), its cell
// type checker and the grader all build with it.
package toolchain

import (
	"context"
	"encoding/json"
	"fmt"
	"go/version"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Go is an installed Go toolchain.
type Go struct {
	Cmd      string // the go command
	Version  string // GOVERSION, e.g. "go1.26.8"
	Lang     string // the language version for go.mod's go line, e.g. "1.26"
	ModCache string // GOMODCACHE
}

var found struct {
	sync.Mutex
	g *Go
}

// Find finds the go command (on PATH, else in the GOROOT the binary was
// built with) and asks it for its version and module cache, with
// GOTOOLCHAIN=local. It remembers the answer for the life of the process; a
// failure is tried again on the next call.
func Find(ctx context.Context) (*Go, error) {
	found.Lock()
	defer found.Unlock()
	if found.g != nil {
		return found.g, nil
	}
	cmd, err := exec.LookPath("go")
	if err != nil {
		// A kernel started from a desktop may not have Go's bin on PATH.
		alt := filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, statErr := os.Stat(alt); statErr != nil {
			return nil, fmt.Errorf("toolchain: no go command: %w", err)
		}
		cmd = alt
	}
	c := exec.CommandContext(ctx, cmd, "env", "-json", "GOVERSION", "GOMODCACHE")
	c.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	out, err := c.Output()
	if err != nil {
		return nil, fmt.Errorf("toolchain: %s env: %w", cmd, err)
	}
	var env struct{ GOVERSION, GOMODCACHE string }
	if err := json.Unmarshal(out, &env); err != nil {
		return nil, fmt.Errorf("toolchain: %s env: %w", cmd, err)
	}
	lang, err := Lang(env.GOVERSION)
	if err != nil {
		return nil, err
	}
	found.g = &Go{Cmd: cmd, Version: env.GOVERSION, Lang: lang, ModCache: env.GOMODCACHE}
	return found.g, nil
}

// Lang returns the language version of a Go version, as go.mod's go line
// wants it: "go1.26.8" gives "1.26".
func Lang(goVersion string) (string, error) {
	lang := version.Lang(goVersion)
	if lang == "" {
		return "", fmt.Errorf("toolchain: unexpected Go version %q", goVersion)
	}
	return strings.TrimPrefix(lang, "go"), nil
}

// LinkedVersions returns the versions of the modules among paths that the
// running binary links, as its build information says. A module replaced by
// a directory or a fork is left out (there is nothing to require), and so is
// every module in a binary without build information or module versions
// (a test binary).
func LinkedVersions(paths ...string) map[string]string {
	versions := map[string]string{}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return versions
	}
	for _, d := range info.Deps {
		if !slices.Contains(paths, d.Path) {
			continue
		}
		v := d.Version
		if d.Replace != nil {
			if d.Replace.Path != d.Path {
				continue
			}
			v = d.Replace.Version
		}
		if semver.IsValid(v) {
			versions[d.Path] = v
		}
	}
	return versions
}

// NewestCached returns the newest release version of module mod in the module
// download cache modCache, or "" when it holds none. Pre-releases and
// pseudo-versions do not count.
func NewestCached(modCache, mod string) string {
	escaped, err := module.EscapePath(mod)
	if err != nil {
		return ""
	}
	zips, _ := filepath.Glob(filepath.Join(modCache, "cache", "download", escaped, "@v", "v*.zip"))
	best := ""
	for _, z := range zips {
		v := strings.TrimSuffix(filepath.Base(z), ".zip")
		if !semver.IsValid(v) || semver.Prerelease(v) != "" || semver.Build(v) != "" {
			continue
		}
		if best == "" || semver.Compare(v, best) > 0 {
			best = v
		}
	}
	return best
}

// Less reports whether module version a is older than b (semantic
// versions: v1.10.0 is newer than v1.9.0).
func Less(a, b string) bool { return semver.Compare(a, b) < 0 }

// Module is the content of a go.mod file.
type Module struct {
	Path    string            // the module path
	Go      string            // the go line, e.g. "1.26"
	Require map[string]string // module path -> version
	Replace map[string]string // module path -> directory
}

// GoMod writes m as a go.mod file.
func GoMod(m Module) ([]byte, error) {
	f := new(modfile.File)
	if err := f.AddModuleStmt(m.Path); err != nil {
		return nil, fmt.Errorf("toolchain: go.mod: %w", err)
	}
	if err := f.AddGoStmt(m.Go); err != nil {
		return nil, fmt.Errorf("toolchain: go.mod: %w", err)
	}
	var reqs []*modfile.Require
	for _, p := range slices.Sorted(maps.Keys(m.Require)) {
		r := &modfile.Require{}
		r.Mod.Path, r.Mod.Version = p, m.Require[p]
		reqs = append(reqs, r)
	}
	f.SetRequire(reqs)
	for _, p := range slices.Sorted(maps.Keys(m.Replace)) {
		if err := f.AddReplace(p, "", m.Replace[p], ""); err != nil {
			return nil, fmt.Errorf("toolchain: go.mod: %w", err)
		}
	}
	f.Cleanup()
	return modfile.Format(f.Syntax), nil
}
