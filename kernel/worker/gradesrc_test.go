package worker

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden sections of testdata/grade/*.txtar")

// TestSolutionSource runs the cases of testdata/grade: each holds the cells
// of a session ("-- cell N --", N its execution count, in the order they
// ran), the exercise's files the checks read (*.go), and what %grade makes
// of them: "-- cells.go --", the graded file with each line's cell and
// line in front of it, or "-- error --".
func TestSolutionSource(t *testing.T) {
	paths, err := filepath.Glob("testdata/grade/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var cells []ranCell
			checks := map[string][]byte{}
			var kept []txtar.File
			for _, f := range ar.Files {
				switch {
				case strings.HasPrefix(f.Name, "cell "):
					n, err := strconv.Atoi(strings.TrimPrefix(f.Name, "cell "))
					if err != nil {
						t.Fatalf("section %q: %v", f.Name, err)
					}
					cells = append(cells, ranCell{n, string(f.Data)})
				case strings.HasSuffix(f.Name, ".go") && f.Name != "cells.go":
					checks[f.Name] = f.Data
				default:
					continue
				}
				kept = append(kept, f)
			}
			var got txtar.File
			g, err := solutionSource("cp", cells, checks)
			if err != nil {
				got = txtar.File{Name: "error", Data: []byte(err.Error() + "\n")}
			} else {
				got = txtar.File{Name: "cells.go", Data: render(g)}
			}
			if *update {
				ar.Files = append(kept, got)
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			var want *txtar.File
			for i, f := range ar.Files {
				if f.Name == "cells.go" || f.Name == "error" {
					want = &ar.Files[i]
				}
			}
			if want == nil {
				t.Fatalf("no cells.go or error section (run with -update)")
			}
			if want.Name != got.Name || !bytes.Equal(want.Data, got.Data) {
				t.Errorf("got -- %s --\n%s\nwant -- %s --\n%s", got.Name, got.Data, want.Name, want.Data)
			}
		})
	}
}

// render shows the graded file with each line's origin, "c3:4", in front.
func render(g *gradedFile) []byte {
	var b bytes.Buffer
	for i, line := range strings.Split(strings.TrimSuffix(string(g.src), "\n"), "\n") {
		at := ""
		if i < len(g.from) && g.from[i].cell != 0 {
			at = fmt.Sprintf("c%d:%d", g.from[i].cell, g.from[i].line)
		}
		fmt.Fprintf(&b, "%-7s|%s\n", at, line)
	}
	return b.Bytes()
}

func TestCellPositions(t *testing.T) {
	var out bytes.Buffer
	c := &cellPositions{w: &out, from: []cellLine{{}, {}, {21, 4}, {21, 5}}}
	for _, s := range []string{"cells.go:3:14: undefined: slow", "Square\n  | ./cells.go:4:2: x\n", "gopherlab.grader/learner/cells.go:4 +0x9a\n", "cells.go:1:1 cells.go:9 mycells.go:3 submission: cells.go"} {
		c.Write([]byte(s))
	}
	c.Flush()
	want := "cell 21, line 4: undefined: slowSquare\n  | cell 21, line 5: x\ncell 21, line 5 +0x9a\ncells.go:1:1 cells.go:9 mycells.go:3 submission: cells.go"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// TestCheckFiles: the public checks read public_test.go and the given
// files, never hidden_test.go or a solution file; instructor grading reads
// every test file.
func TestCheckFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"public_test.go", "hidden_test.go", "solution.go", "answer.go", "given.go", "spec.json"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("package cp\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		public bool
		want   string
	}{{true, "given.go public_test.go"}, {false, "given.go hidden_test.go public_test.go"}} {
		files, err := checkFiles(dir, []string{"answer.go"}, c.public)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for name := range files {
			got = append(got, name)
		}
		slices.Sort(got)
		if strings.Join(got, " ") != c.want {
			t.Errorf("public=%v: read %v, want %s", c.public, got, c.want)
		}
	}
}
