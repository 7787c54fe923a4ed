package cell_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/cell"
	"golang.org/x/tools/txtar"
)

// TestSkippedPassesChangeNothing prepares every cell of the test data (the
// notebooks, the passes' cells, the conformance and %%run programs) and,
// unless -short, every `// run` program of GOROOT/test, twice: once as the
// front end does, skipping the passes that the cell's kinds of node say
// cannot apply, and once running them all. What yaegi gets must be the
// same to the byte (passkinds.go).
func TestSkippedPassesChangeNothing(t *testing.T) {
	var notebooks [][]string // the cells of a session each
	add := func(glob string, cells func(*txtar.Archive) [][]string) {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("no files %s (%v)", glob, err)
		}
		for _, file := range files {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			notebooks = append(notebooks, cells(ar)...)
		}
	}
	numbered := func(ar *txtar.Archive) [][]string {
		var cells []string
		for _, f := range ar.Files {
			if f.Name != "want" {
				cells = append(cells, string(f.Data))
			}
		}
		return [][]string{cells}
	}
	each := func(ar *txtar.Archive) [][]string {
		var sessions [][]string
		for _, f := range ar.Files {
			if f.Name == "main.go" || !strings.Contains(f.Name, ".") {
				sessions = append(sessions, []string{string(f.Data)})
			}
		}
		return sessions
	}
	add("testdata/cells/*.txtar", numbered)
	add("testdata/program/*.txtar", numbered)
	add("testdata/passes.txtar", each)
	add("testdata/conformance/*.txtar", each)
	if !testing.Short() {
		goroot := strings.TrimSpace(goEnv(t, "GOROOT"))
		files, _ := filepath.Glob(filepath.Join(goroot, "test", "*.go"))
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err == nil && strings.HasPrefix(string(src), "// run\n") {
				notebooks = append(notebooks, []string{string(src)})
			}
		}
	}
	t.Logf("%d sessions", len(notebooks))
	for _, cells := range notebooks {
		skipping, all := cell.NewSession(cell.Options{}), cell.NewSession(cell.Options{})
		all.RunAllPasses()
		for i, src := range cells {
			got, gotErr := prepared(skipping, i+1, src)
			want, wantErr := prepared(all, i+1, src)
			if got != want || gotErr != wantErr {
				t.Fatalf("cell %d of\n%s\nskipping passes:\n%s%s\nall passes:\n%s%s", i+1, strings.Join(cells, "\n----\n"), got, gotErr, want, wantErr)
			}
		}
	}
}

// prepared prepares and commits a cell, and describes the unit or the
// error (its first line: a panic's stack differs).
func prepared(s *cell.Session, n int, src string) (unit, errLine string) {
	u, err := s.Prepare(n, src)
	if err != nil {
		line, _, _ := strings.Cut(err.Error(), "\n")
		return "", "error: " + line
	}
	s.Commit(u)
	var b strings.Builder
	fmt.Fprintf(&b, "n=%d onlyRunner=%v result=%v formatted=%v stdio=%v run=%s\nimports:\n%s\ndecls:\n%s\nlines:", u.ExecCount, u.OnlyRunner, u.HasResult, u.ResultFormatted, u.WritesStdio, u.Run, u.Imports, u.Decls)
	for line := 1; line <= strings.Count(u.Decls, "\n")+1; line++ {
		fmt.Fprintf(&b, " %s;", u.Where(line))
	}
	return renumberCopies(b.String()) + "\n", ""
}

var copyName = regexp.MustCompile(`_gl_[il][0-9]+_`)

// renumberCopies numbers monomorphize's copies (_gl_i12_Map) and moved
// local types (_gl_l13_T) by their first appearance: the counter is the
// process's, not the session's.
func renumberCopies(s string) string {
	seen := map[string]string{}
	return copyName.ReplaceAllStringFunc(s, func(name string) string {
		if _, ok := seen[name]; !ok {
			seen[name] = fmt.Sprintf("_gl_%c#%d_", name[4], len(seen)+1)
		}
		return seen[name]
	})
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestPassNeedsNamePasses checks that every entry of passNeeds names a pass.
func TestPassNeedsNamePasses(t *testing.T) {
	for _, name := range cell.PassNeedsNames() {
		if !slices.Contains(cell.PassNames(), name) {
			t.Errorf("passNeeds has an entry for %q, which is not a pass", name)
		}
	}
}
