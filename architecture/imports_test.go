package architecture

import (
	"bufio"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"
)

const module = "github.com/gopherlab/gopherlab"

// rule is one row of the import rules: the packages Pkg matches must not
// import what Forbidden matches.
type rule struct {
	Pkg       string
	Forbidden []string
}

// readRules reads the "Import rules" table of ARCHITECTURE.md.
func readRules(t *testing.T) []rule {
	f, err := os.Open("../ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rules []rule
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = line == "## Import rules"
			continue
		}
		if !in || !strings.HasPrefix(line, "| `") {
			continue
		}
		cols := strings.Split(strings.Trim(line, "|"), "|")
		if len(cols) < 2 {
			t.Fatalf("ARCHITECTURE.md: bad import rule %q", line)
		}
		r := rule{Pkg: strings.Trim(strings.TrimSpace(cols[0]), "`")}
		for _, f := range strings.Split(cols[1], ",") {
			r.Forbidden = append(r.Forbidden, strings.Trim(strings.TrimSpace(f), "`"))
		}
		rules = append(rules, r)
	}
	if len(rules) == 0 {
		t.Fatal("ARCHITECTURE.md has no import rules (a table under ## Import rules)")
	}
	return rules
}

// full turns a path of the table into an import path pattern.
func full(p string) string {
	if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ".") {
		return p
	}
	return module + "/" + p
}

// matches reports whether import path p matches pattern (a path, or a
// path/... for it and everything under it).
func matches(pattern, p string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return p == base || strings.HasPrefix(p, base+"/")
	}
	return p == pattern
}

type pkg struct {
	path     string
	standard bool
}

// deps lists what the non-test files of the packages matching pattern
// import, directly or indirectly, by package.
func deps(t *testing.T, pattern string) map[string][]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}}", pattern)
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pattern, err)
	}
	all := map[string][]pkg{}
	for _, p := range strings.Fields(string(out)) {
		all[p] = nil
		cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", p)
		cmd.Dir = ".."
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", p, err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			ip, std, _ := strings.Cut(line, " ")
			if ip != p {
				all[p] = append(all[p], pkg{ip, std == "true"})
			}
		}
	}
	return all
}

func TestImportRules(t *testing.T) {
	for _, r := range readRules(t) {
		t.Run(r.Pkg, func(t *testing.T) {
			pattern := full(r.Pkg)
			found := deps(t, "./"+strings.TrimPrefix(pattern, module+"/"))
			if len(found) == 0 { // a renamed package: fix the table
				t.Fatalf("no package matches %s", r.Pkg)
			}
			for p, ds := range found {
				for _, d := range ds {
					for _, f := range r.Forbidden {
						if f == "non-standard" && !d.standard || f != "non-standard" && matches(full(f), d.path) {
							t.Errorf("%s imports %s, which ARCHITECTURE.md forbids (%s must not import %s)", p, d.path, r.Pkg, f)
						}
					}
				}
			}
		})
	}
}

func TestMatches(t *testing.T) {
	for _, tt := range []struct {
		pattern, p string
		want       bool
	}{
		{"a/b/...", "a/b", true},
		{"a/b/...", "a/b/c", true},
		{"a/b/...", "a/bc", false},
		{"a/b", "a/b/c", false},
	} {
		if got := matches(tt.pattern, tt.p); got != tt.want {
			t.Errorf("matches(%q, %q) = %v", tt.pattern, tt.p, got)
		}
	}
	if full("kernel/wire") != path.Join(module, "kernel/wire") || full("golang.org/x/mod") != "golang.org/x/mod" {
		t.Error("full")
	}
}
