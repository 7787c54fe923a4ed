package submission

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBrokenInputMessages: input a learner got wrong is refused with a
// message that says what to do, in the learner's words.
func TestBrokenInputMessages(t *testing.T) {
	nb := func(s string) []byte { return []byte(s) }
	const cell = `{"cell_type":"code","metadata":{"tags":["solution"]},"source":"func Sum(xs []int, w int) int { return 0 }"}`
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty.go", nil, "the file is empty"},
		{"blank.go", []byte("  \n\n"), "the file is empty"},
		{"latin1.go", []byte("package sum\n// caf\xe9\n"), "save the file as UTF-8"},
		{"utf16.go", []byte{0xff, 0xfe, 'p', 0}, "save the file as UTF-8"},
		{"notebook.go", []byte(`{"cells": []}`), `not Go code (line 1 starts with "{\"cells\": []}")`},
		{"python.go", []byte("def sum(xs):\n    return 0\n"), `not Go code (its first line is "def sum(xs):"`},
		{"binary.go", []byte{'p', 0, 1}, "binary data"},
		{"big.go", append([]byte("package sum\n//"), make([]byte, MaxFileSize)...), "the limit for a Go file is 4 MB"},
		{"empty.ipynb", nil, "the file is empty"},
		{"dup.ipynb", nb(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[],"cells":[` + cell + `]}`), `the key "cells" twice`},
		{"case.ipynb", nb(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[],"Cells":[` + cell + `]}`), `both "cells" and "Cells"`},
		{"onlycase.ipynb", nb(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"Cells":[` + cell + `]}`), `nbformat spells it "cells"`},
		{"cellcase.ipynb", nb(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"cell_type":"code","metadata":{"tags":["solution"]},"source":"","Source":"func Sum(xs []int, w int) int { return 0 }"}]}`), `both "source" and "Source"`},
		{"latin1.ipynb", []byte("{\"cells\":[\"caf\xe9\"]}"), "save the notebook as UTF-8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := FromBytes(c.name, c.data, "sum")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestNoSymlinks: a submission, or a file of a directory submission, that is
// a symbolic link (say, to the reference solution) is refused, not read.
func TestNoSymlinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "reference.go")
	if err := os.WriteFile(target, []byte("package sum\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.go")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "alice")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(sub, "solution.go")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{link, sub} {
		if _, err := Load(p, "sum"); err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("Load(%s): %v, want a refusal of the symbolic link", filepath.Base(p), err)
		}
	}
	if s := Size(1536); s != "2 KB" {
		t.Errorf("Size(1536) = %q", s)
	}
	if s := Size(3 << 20); s != "3 MB" {
		t.Errorf("Size(3 MiB) = %q", s)
	}
}
