package spec

import (
	"strings"
	"testing"
)

func TestParseDefaults(t *testing.T) {
	s, err := Parse([]byte(`{"title":"t","package":"pm","tests":[{"name":"TestA"},{"name":"TestB","count":2,"cpu":"1,2,4","points":3}]}`))
	if err != nil {
		t.Fatal(err)
	}
	a, b := s.Tests[0], s.Tests[1]
	if a.Points != 1 || a.Count != 1 || a.Runs() != 1 || b.Runs() != 6 || s.SolutionFiles[0] != "solution.go" {
		t.Errorf("defaults: %+v %+v %v", a, b, s.SolutionFiles)
	}
	if d, _ := a.TimeoutDuration(); d != DefaultTestTimeout {
		t.Errorf("timeout %v", d)
	}
}

func TestParseRejects(t *testing.T) {
	for _, bad := range []string{
		`{"package":"pm","tests":[]}`,
		`{"package":"Bad","tests":[{"name":"TestA"}]}`,
		`{"package":"pm","tests":[{"name":"TestA"},{"name":"TestA"}]}`,
		`{"package":"pm","tests":[{"name":"Helper"}]}`,
		`{"package":"pm","tests":[{"name":"TestA","cpu":"1,,2"}]}`,
		`{"package":"pm","tests":[{"name":"TestA","kind":"fast"}]}`,
		`{"package":"pm","tests":[{"name":"TestA","timeout":"soon"}]}`,
		`{"package":"pm","tests":[{"name":"TestA"}],"unknown":1}`,
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestImportPolicy(t *testing.T) {
	s := &Spec{AllowImports: []string{"os/exec", "golang.org/x/sync/..."}}
	for path, want := range map[string]bool{
		"fmt": true, "unsafe": false, "syscall": false, "embed": false, "plugin": false, "testing": false,
		"os/exec": true, "golang.org/x/sync/errgroup": true, "flag": false, "runtime/debug": false, "net": false, "reflect": false, "os/signal": false, "golang.org/x/sync": true, "golang.org/x/time/rate": false,
	} {
		std := !strings.Contains(strings.Split(path, "/")[0], ".")
		if got := s.ImportAllowed(path, std); got != want {
			t.Errorf("ImportAllowed(%q) = %v, want %v", path, got, want)
		}
	}
}
