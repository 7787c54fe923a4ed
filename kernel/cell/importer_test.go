package cell

import (
	"testing"
)

// TestDepsModule: outside this module, packages of golang.org/x/sync
// resolve through a module that requires what the kernel was built with,
// offline.
func TestDepsModule(t *testing.T) {
	mod, err := depsModule()
	if err != nil {
		t.Fatal(err)
	}
	exportFiles.Lock()
	defer exportFiles.Unlock()
	delete(exportFiles.m, "golang.org/x/sync/semaphore")
	if err := goListExport(mod, "golang.org/x/sync/semaphore", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off"); err != nil {
		t.Fatal(err)
	}
	if exportFiles.m["golang.org/x/sync/semaphore"] == "" {
		t.Error("no export data for golang.org/x/sync/semaphore")
	}
}

// TestImportOutsideModule type-checks a cell that uses errgroup from a
// directory that is not in any module.
func TestImportOutsideModule(t *testing.T) {
	s := NewSession(Options{Dir: t.TempDir()})
	if _, err := s.Prepare(1, "var g errgroup.Group\ng.Go(func() error { return nil })\nfmt.Println(g.Wait())"); err != nil {
		t.Fatal(err)
	}
}
