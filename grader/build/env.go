package build

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/gopherlab/gopherlab/toolchain"
)

// Modules learners may import besides the standard library (when a spec allows them).
var Modules = []string{"golang.org/x/sync", "golang.org/x/time"}

// Env is the toolchain the grader builds with.
type Env struct {
	Go        string            // the go command
	GoVersion string            // language version for the go line, e.g. "1.26"
	ModCache  string            // GOMODCACHE
	Requires  map[string]string // module path -> version, for the grader-owned go.mod
}

// Discover asks the go command for its version and module cache and finds the
// versions of Modules: those linked into the running binary (the gopherlab
// module's own), else the newest in the module cache.
func Discover(ctx context.Context) (*Env, error) {
	g, err := toolchain.Find(ctx)
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	e := &Env{Go: g.Cmd, GoVersion: g.Lang, ModCache: g.ModCache, Requires: toolchain.LinkedVersions(Modules...)}
	for _, m := range Modules {
		if e.Requires[m] == "" {
			if ver := toolchain.NewestCached(e.ModCache, m); ver != "" {
				e.Requires[m] = ver
			}
		}
	}
	return e, nil
}

// TestModules are modules that the exercises' hidden tests (never learner
// code) may import, at pinned versions: golang.org/x/exp/trace reads the
// tests' own runtime traces. They must be in the module cache (test.sh and
// install.sh download them); the grader builds offline.
var TestModules = map[string]string{"golang.org/x/exp": "v0.0.0-20261120182113-8801fbdfac81"}

// GoMod is the grader-owned go.mod of the learner's module; testModules
// adds TestModules that the hidden tests import.
func (e *Env) GoMod(testModules ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "module %s\n\ngo %s\n", ModulePath, e.GoVersion)
	if len(e.Requires) > 0 {
		b.WriteString("\nrequire (\n")
		for _, m := range Modules {
			if v := e.Requires[m]; v != "" {
				fmt.Fprintf(&b, "\t%s %s\n", m, v)
			}
		}
		b.WriteString(")\n")
	}
	for _, m := range testModules {
		if v := TestModules[m]; v != "" {
			fmt.Fprintf(&b, "\nrequire %s %s\n", m, v)
		}
	}
	return b.Bytes()
}

// Environ is the environment of the go commands the grader runs: offline,
// the local toolchain, the grader's go.mod, cgo on for the race detector.
func (e *Env) Environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOFLAGS", "GOPROXY", "GOTOOLCHAIN", "GOWORK", "GOSUMDB", "CGO_ENABLED", "GO111MODULE", "GOOS", "GOARCH":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "GOWORK=off",
		"GOSUMDB=off", "CGO_ENABLED=1", "GO111MODULE=on")
}
