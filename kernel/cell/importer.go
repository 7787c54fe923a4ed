package cell

import (
	"bytes"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/gopherlab/gopherlab/toolchain"
)

// The type checker reads packages from the compiler's export data, found
// with `go list -export`. That works offline: the go command compiles a
// package into the build cache the first time, from GOROOT or the module
// cache. One `go list -deps` call fills the cache for a package and
// everything it imports. (The "source" importer needs no build cache but
// type-checks every dependency from source, ~1 s for net/http.)

var exportFiles = struct {
	sync.Mutex
	m      map[string]string // import path -> export data file
	failed map[string]error  // dir + " " + import path -> why not
}{m: map[string]string{}, failed: map[string]error{}}

func lookupExport(dir, path string) (string, error) {
	exportFiles.Lock()
	defer exportFiles.Unlock()
	if f, ok := exportFiles.m[path]; ok {
		return f, nil
	}
	if err, ok := exportFiles.failed[dir+" "+path]; ok {
		return "", err // asked already: go list is slow to say no
	}
	err := goListExport(dir, path)
	if err != nil && !isStd(path) {
		// Outside a module that requires it: try a module of our own that
		// requires what the kernel was built with (offline, from the
		// module cache).
		if mod, merr := depsModule(); merr == nil {
			err = goListExport(mod, path, "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off")
		}
	}
	if err != nil {
		exportFiles.failed[dir+" "+path] = err
		return "", err
	}
	f, ok := exportFiles.m[path]
	if !ok {
		return "", fmt.Errorf("cell: package %s: no export data", path)
	}
	return f, nil
}

// goListExport records the export data files of path and its dependencies.
func goListExport(dir, path string, env ...string) error {
	cmd := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}", "--", path)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("cell: package %s: %s", path, msg)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if p, f, ok := strings.Cut(line, "="); ok && f != "" {
			exportFiles.m[p] = f
		}
	}
	return nil
}

func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

var depsMod struct {
	once sync.Once
	dir  string
	err  error
}

// depsModule writes, once per process, a module that requires the
// modules this program was built with (golang.org/x/sync, ...), so that
// go list finds their packages wherever the kernel runs. (Test binaries
// carry no module versions; cellModules, generated from go.mod, fills in.)
func depsModule() (string, error) {
	depsMod.once.Do(func() {
		bi, ok := debug.ReadBuildInfo()
		if !ok {
			depsMod.err = fmt.Errorf("cell: no build information")
			return
		}
		dir, err := os.MkdirTemp("", "gopherlab-cells-")
		if err != nil {
			depsMod.err = fmt.Errorf("cell: %w", err)
			return
		}
		versions := map[string]string{}
		for _, d := range cellModules {
			path, version, _ := strings.Cut(d, " ")
			versions[path] = version
		}
		for _, d := range bi.Deps {
			if d.Replace == nil && d.Version != "" && d.Version != "(devel)" {
				versions[d.Path] = d.Version
			}
		}
		mod, err := toolchain.GoMod(toolchain.Module{Path: "gopherlab.cells", Go: "1.26", Require: versions})
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, "go.mod"), mod, 0o644)
		}
		if err != nil {
			depsMod.err = fmt.Errorf("cell: %w", err)
			return
		}
		depsMod.dir = dir
	})
	return depsMod.dir, depsMod.err
}

// sessionImporter reads export data, and falls back on the symbol tables
// for packages that go list cannot find.
type sessionImporter struct {
	gc   types.ImporterFrom
	refl *reflectImporter // nil without tables
}

func (i *sessionImporter) Import(path string) (*types.Package, error) {
	return i.ImportFrom(path, "", 0)
}

func (i *sessionImporter) ImportFrom(path, dir string, mode types.ImportMode) (*types.Package, error) {
	p, err := i.gc.ImportFrom(path, dir, mode)
	if err != nil && i.refl != nil && i.refl.has(path) {
		return i.refl.load(path)
	}
	return p, err
}

func newImporter(fset *token.FileSet, dir string, tables map[string]map[string]reflect.Value) types.ImporterFrom {
	lookup := func(path string) (io.ReadCloser, error) {
		f, err := lookupExport(dir, path)
		if err != nil {
			return nil, err
		}
		return os.Open(f)
	}
	imp := &sessionImporter{gc: importer.ForCompiler(fset, "gc", lookup).(types.ImporterFrom)}
	if tables != nil {
		imp.refl = newReflectImporter(tables, imp.gc)
	}
	return imp
}
