package server_test

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestMagics runs the cells of testdata/magics.txtar in one kernel, in order.
func TestMagics(t *testing.T) {
	a, err := txtar.ParseFile("testdata/magics.txtar")
	if err != nil {
		t.Fatal(err)
	}
	type magicCase struct{ name, cell, stdout, err string }
	var cases []*magicCase
	byName := map[string]*magicCase{}
	for _, f := range a.Files {
		name, part, _ := strings.Cut(f.Name, ".")
		c := byName[name]
		if c == nil {
			c = &magicCase{name: name}
			byName[name] = c
			cases = append(cases, c)
		}
		text := strings.TrimSuffix(string(f.Data), "\n")
		switch part {
		case "cell":
			c.cell = text
		case "stdout":
			c.stdout = text
		case "error":
			c.err = text
		}
	}
	k := startKernel(t)
	execute(t, k, `%cd `+t.TempDir())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := execute(t, k, c.cell)
			if c.err != "" {
				ename, evalue, _, _ := r.Error()
				if got := ename + ": " + evalue; !regexp.MustCompile("^(?s:" + c.err + ")$").MatchString(got) {
					t.Errorf("error %q, want %s", got, c.err)
				}
				return
			}
			if r.Status() != "ok" {
				_, evalue, _, _ := r.Error()
				t.Fatalf("status %s: %s", r.Status(), evalue)
			}
			if got := strings.TrimSuffix(r.Stdout(), "\n"); !regexp.MustCompile("^(?:" + c.stdout + ")$").MatchString(got) {
				t.Errorf("stdout %q, want %s", got, c.stdout)
			}
		})
	}
}
