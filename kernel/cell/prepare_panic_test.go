package cell

import (
	"go/types"
	"strings"
	"testing"
)

// panickingImporter stands for a bug anywhere in the front end: it panics
// while the cell is type-checked.
type panickingImporter struct{}

func (panickingImporter) Import(path string) (*types.Package, error) { panic("importer bug") }
func (panickingImporter) ImportFrom(path, dir string, mode types.ImportMode) (*types.Package, error) {
	panic("importer bug")
}

// TestPreparePanicIsAnError: a panic inside the front end becomes the
// cell's error, which names the front end and suggests %%run, instead of
// ending the worker (lesson 05 lost its session to one in pass indexBounds).
func TestPreparePanicIsAnError(t *testing.T) {
	s := NewSession(Options{})
	s.imp = panickingImporter{}
	u, err := s.Prepare(1, "import \"strings\"\nx := strings.ToUpper(\"a\")\n_ = x")
	if err == nil || u != nil {
		t.Fatalf("Prepare = %v, %v; want an error", u, err)
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	for _, want := range []string{"front end failed", "importer bug", "%%run"} {
		if !strings.Contains(first, want) {
			t.Errorf("error %q lacks %q", first, want)
		}
	}
}
