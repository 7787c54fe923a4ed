package cell_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/cell"
)

// TestProgramPasted builds, with the real toolchain, the program of a
// pasted program's cell (%%run) in a session where an earlier cell
// declared main and init too: the new cell runs as go run runs it
// (variables, init, main), and the earlier main and init do not run.
func TestProgramPasted(t *testing.T) {
	if testing.Short() {
		t.Skip("go run: not in -short mode")
	}
	s := cell.NewSession(cell.Options{})
	u, err := s.Prepare(1, "func init() { println(\"old init\") }\nfunc main() { println(\"old main\") }\n")
	if err != nil {
		t.Fatal(err)
	}
	s.Commit(u)
	files, err := s.Program(2, `package main

import "fmt"

var counter = start()

func start() int { fmt.Println("var initialised"); return 10 }

func init() {
	counter++
	fmt.Println("init", counter)
}

func main() { counter++; fmt.Println("main ran", counter) }
`)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module pasted\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, out)
	}
	const want = "var initialised\ninit 11\nmain ran 12\n"
	if string(out) != want {
		t.Errorf("go run printed:\n%s\nwant:\n%s", out, want)
	}
}
