package cell

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// TestProgramLines builds 20 sessions whose racing statements sit at
// varied lines (blank lines and comments before them, in a function of an
// earlier cell and in the cell that runs) and checks that the program's
// line directives put each statement at its cell and line, as the Go
// toolchain reads them (race reports and panics show these positions).
func TestProgramLines(t *testing.T) {
	for i := range 20 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			s := NewSession(Options{})
			pad := func(k int) string { return strings.Repeat("\n", k%3) + strings.Repeat("// a comment\n", k%2) }
			cells := []string{
				pad(i) + "import \"sync\"",
				pad(i+1) + "var hits int\n" + pad(i) + "func bump(wg *sync.WaitGroup) {\n\tdefer wg.Done()\n\tx := 0\n\t_ = x\n" + strings.Repeat("\tx++\n\t_ = x\n", i%4) + pad(i+2) + "\thits++\n}",
			}
			for n, c := range cells {
				u, err := s.Prepare(n+1, c)
				if err != nil {
					t.Fatalf("cell %d: %v\n%s", n+1, err, c)
				}
				s.Commit(u)
			}
			// The magic's line is blanked, as the worker passes a %%race cell.
			run := "\n" + pad(i+1) + "var wg sync.WaitGroup\nlocal := 0\n" + pad(i) + "for range 2 {\n\twg.Add(2)\n\tgo bump(&wg)\n" + pad(i+2) + "\tgo func() {\n\t\tdefer wg.Done()\n" + pad(i+1) + "\t\tlocal++\n\t}()\n}\nwg.Wait()"
			files, err := s.Program(3, run)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{
				"hits":  fmt.Sprintf("cell 2:%d", lineOf(cells[1], "hits++")),
				"local": fmt.Sprintf("cell 3:%d", lineOf(run, "local++")),
				"bump":  fmt.Sprintf("cell 3:%d", lineOf(run, "go bump")),
			}
			got := map[string]string{}
			fset := token.NewFileSet()
			for name, b := range files {
				f, err := parser.ParseFile(fset, name, b, parser.ParseComments)
				if err != nil {
					t.Fatalf("%s: %v\n%s", name, err, b)
				}
				ast.Inspect(f, func(n ast.Node) bool {
					switch n := n.(type) {
					case *ast.IncDecStmt:
						if id, ok := n.X.(*ast.Ident); ok {
							p := fset.Position(n.Pos())
							got[id.Name] = fmt.Sprintf("%s:%d", p.Filename, p.Line)
						}
					case *ast.GoStmt:
						if id, ok := n.Call.Fun.(*ast.Ident); ok {
							p := fset.Position(n.Pos())
							got[id.Name] = fmt.Sprintf("%s:%d", p.Filename, p.Line)
						}
					}
					return true
				})
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%s at %s, want %s\ncell 2:\n%s\ncell 3:\n%s\nprogram:\n%s", k, got[k], w, cells[1], run, dump(files))
				}
			}
		})
	}
}

// lineOf returns the 1-based line of the first line holding s.
func lineOf(src, s string) int {
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	return 0
}

func dump(files map[string][]byte) string {
	var b strings.Builder
	for name, f := range files {
		fmt.Fprintf(&b, "---- %s\n%s", name, f)
	}
	return b.String()
}
