package cell_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/compile"
	"golang.org/x/tools/txtar"
)

// TestProgramVars runs testdata/program/*.txtar: sections "1", "2", ...
// are cells run in the interpreter through the front end, "run" is a
// %%run cell given to Program, "want" the transcript: each cell's output,
// then the compiled program's output or Program's error. When Program
// accepts the cell, the program is built and run with the real toolchain,
// and the same cell must print the same in the interpreter: a compiled run
// never shows a value the session does not have.
func TestProgramVars(t *testing.T) {
	files, err := filepath.Glob("testdata/program/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r := newRunner(t, true)
			var b strings.Builder
			var run string
			var want *txtar.File
			for i, f := range ar.Files {
				switch f.Name {
				case "want":
					want = &ar.Files[i]
					continue
				case "run":
					run = string(f.Data)
					continue
				}
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				before := len(r.out.String())
				_, err := r.run(ctx, string(f.Data))
				cancel()
				fmt.Fprintf(&b, "# cell %s\n%s", f.Name, r.out.String()[before:])
				if err != nil {
					fmt.Fprintf(&b, "error: %v\n", err)
				}
			}
			b.WriteString("# run\n")
			prog, err := r.s.Program(r.n+1, run)
			if err != nil {
				fmt.Fprintf(&b, "error: %v\n", err)
			} else {
				main := prog["main.go"]
				delete(prog, "main.go")
				var out bytes.Buffer
				err := compile.Run(t.Context(), compile.Program{Main: main, Files: prog}, compile.Options{Stdout: &out, Stderr: &out})
				if ce := (*compile.Error)(nil); errors.As(err, &ce) {
					t.Fatalf("the program failed: %v\n%s\n%s", err, strings.Join(ce.Traceback, "\n"), dump(prog))
				} else if err != nil {
					t.Fatal(err)
				}
				b.WriteString(out.String())
				// The same cell in the interpreter prints the same.
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				before := len(r.out.String())
				_, err = r.run(ctx, run)
				cancel()
				if got := r.out.String()[before:]; err != nil || got != out.String() {
					t.Errorf("the interpreter printed %q (error %v), the program %q", got, err, out.String())
				}
			}
			got := b.String()
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
			if want == nil || got != string(want.Data) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want.Data)
			}
		})
	}
}

func dump(files map[string][]byte) string {
	var b strings.Builder
	for name, f := range files {
		fmt.Fprintf(&b, "---- %s\n%s", name, f)
	}
	return b.String()
}
