package server_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestMagics runs the cells of testdata/magics.txtar in one kernel, in order.
func TestMagics(t *testing.T) {
	cases := loadCellCases(t, "testdata/magics.txtar")
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
