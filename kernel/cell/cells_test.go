package cell_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata files")

// TestCells runs the notebooks in testdata/cells/*.txtar through the front
// end and yaegi. Each file has sections "1", "2", ... (the cells) and
// "want": per cell, its output, then "=> result" or "error: ...".
func TestCells(t *testing.T) {
	files, err := filepath.Glob("testdata/cells/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := runNotebook(t, ar, true)
			var want *txtar.File
			for i := range ar.Files {
				if ar.Files[i].Name == "want" {
					want = &ar.Files[i]
				}
			}
			if *update {
				if want == nil {
					ar.Files = append(ar.Files, txtar.File{Name: "want"})
					want = &ar.Files[len(ar.Files)-1]
				}
				want.Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want == nil {
				t.Fatal("no want section (run with -update)")
			}
			if got != string(want.Data) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want.Data)
			}
		})
	}
}

// runNotebook runs the numbered sections of an archive as cells and
// returns the transcript.
func runNotebook(t testing.TB, ar *txtar.Archive, frontEnd bool) string {
	r := newRunner(t, frontEnd)
	var b strings.Builder
	for _, f := range ar.Files {
		if f.Name == "want" {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		before := len(r.out.String())
		res, err := r.run(ctx, string(f.Data))
		cancel()
		fmt.Fprintf(&b, "# cell %s\n", f.Name)
		b.WriteString(r.out.String()[before:])
		switch {
		case err != nil:
			fmt.Fprintf(&b, "error: %s\n", firstLines(err.Error(), 5))
		case res != "":
			fmt.Fprintf(&b, "=> %s\n", res)
		}
	}
	return b.String()
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
