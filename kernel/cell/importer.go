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
	"strings"
	"sync"
)

// The type checker reads packages from the compiler's export data, found
// with `go list -export`. That works offline: the go command compiles a
// package into the build cache the first time, from GOROOT or the module
// cache. One `go list -deps` call fills the cache for a package and
// everything it imports. (The "source" importer needs no build cache but
// type-checks every dependency from source, ~1 s for net/http.)

var exportFiles = struct {
	sync.Mutex
	m map[string]string // import path -> export data file
}{m: map[string]string{}}

func lookupExport(dir, path string) (string, error) {
	exportFiles.Lock()
	defer exportFiles.Unlock()
	if f, ok := exportFiles.m[path]; ok {
		return f, nil
	}
	cmd := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}", "--", path)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("cell: package %s: %s", path, msg)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if p, f, ok := strings.Cut(line, "="); ok && f != "" {
			exportFiles.m[p] = f
		}
	}
	f, ok := exportFiles.m[path]
	if !ok {
		return "", fmt.Errorf("cell: package %s: no export data", path)
	}
	return f, nil
}

func newImporter(fset *token.FileSet, dir string) types.ImporterFrom {
	lookup := func(path string) (io.ReadCloser, error) {
		f, err := lookupExport(dir, path)
		if err != nil {
			return nil, err
		}
		return os.Open(f)
	}
	return importer.ForCompiler(fset, "gc", lookup).(types.ImporterFrom)
}
