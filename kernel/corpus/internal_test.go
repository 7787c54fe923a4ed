package corpus

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestGoRun checks what goRun records of a program: output, exit status,
// and a panic's first line (the goroutine dump dropped).
func TestGoRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs: not in -short mode")
	}
	root, err := ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, src string
		want      Want
	}{
		{"exit", "package main\nimport (\"fmt\"; \"os\")\nfunc main() { fmt.Println(\"hi\"); os.Exit(3) }\n", Want{Output: "hi\n", Exit: 3, Combined: true}},
		{"panic", "package main\nimport \"fmt\"\nfunc main() { fmt.Println(\"before\"); panic(\"boom\") }\n", Want{Output: "before\n", Exit: 2, Panic: "panic: boom", Combined: true}},
		{"println", "package main\nfunc main() { println(\"to stderr\") }\n", Want{Output: "to stderr\n", Combined: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := goRun(context.Background(), root, c.src, true, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestSplitCells checks the order of split cells: a declaration moves
// after what it uses, declarations that use each other share a cell,
// imports come first and main last.
func TestSplitCells(t *testing.T) {
	src := `package main

import "fmt"

func main() { fmt.Println(a, even(2)) }

var a = b + 1

var b = 2

func even(n int) bool { if n == 0 { return true }; return odd(n - 1) }

func odd(n int) bool { if n == 0 { return false }; return even(n - 1) }

type T int

func (T) M() {}
`
	cells, err := SplitCells(src)
	if err != nil {
		t.Fatal(err)
	}
	first := func(c string) string { return strings.SplitN(c, "\n", 2)[0] }
	var got []string
	for _, c := range cells {
		got = append(got, first(c))
	}
	want := []string{
		`import "fmt"`,
		"var b = 2",
		"var a = b + 1",
		"func even(n int) bool { if n == 0 { return true }; return odd(n - 1) }", // with odd
		"type T int",
		"func (T) M() {}",
		"func main() { fmt.Println(a, even(2)) }",
	}
	if !slices.Equal(got, want) {
		t.Errorf("cells start with\n%q\nwant\n%q", got, want)
	}
	if !strings.Contains(cells[3], "func odd") {
		t.Errorf("even and odd are not in one cell: %q", cells[3])
	}
}
