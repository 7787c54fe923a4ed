// Package spec loads an exercise's spec.json: which hidden tests are graded,
// their points and stress flags, the import policy and the resource limits.
package spec

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// File is the name of the spec inside an exercise directory.
const File = "spec.json"

// DefaultTestTimeout is the wall limit of one test process when the spec sets none.
const DefaultTestTimeout = 30 * time.Second

// Kinds of tests.
const (
	KindNormal  = ""
	KindSpeedup = "speedup" // a real-time CPU speedup check; run alone on the machine
)

// Spec is the grading contract of one exercise.
type Spec struct {
	Title         string   `json:"title"`
	Package       string   `json:"package"`
	SolutionFiles []string `json:"solution_files"`
	Tests         []Test   `json:"tests"`
	AllowImports  []string `json:"allow_imports"`
	Timeout       string   `json:"timeout"`
	MemoryMB      int      `json:"memory_mb"`

	// Dir is the exercise directory the spec was loaded from (not in the file).
	Dir string `json:"-"`
	// Slug is the base name of Dir.
	Slug string `json:"-"`
	// PublicChecks is set by PublicOnly: build with public_test.go alone,
	// never opening hidden_test.go or solution.go.
	PublicChecks bool `json:"-"`
}

// Test is one graded hidden test.
type Test struct {
	Name    string `json:"name"`
	Points  int    `json:"points"`
	Count   int    `json:"count"`
	CPU     string `json:"cpu"`
	Shuffle bool   `json:"shuffle"`
	Timeout string `json:"timeout"`
	Kind    string `json:"kind"`
	// Public tests live in public_test.go, which ships to learners; `grade
	// --public` runs only them.
	Public bool `json:"public"`
}

// Files of an exercise directory with fixed roles.
const (
	PublicTestFile = "public_test.go" // ships to learners
	HiddenTestFile = "hidden_test.go" // instructor only
	SolutionFile   = "solution.go"    // instructor only: the reference solution
)

// Only is a copy of s that grades the tests whose names match the regular
// expression re (anchored, like go test -run ^(re)$).
func (s *Spec) Only(re string) (*Spec, error) {
	rx, err := regexp.Compile("^(?:" + re + ")$")
	if err != nil {
		return nil, err
	}
	c := *s
	c.Tests = nil
	for _, t := range s.Tests {
		if rx.MatchString(t.Name) {
			c.Tests = append(c.Tests, t)
		}
	}
	if len(c.Tests) == 0 {
		return nil, fmt.Errorf("no test of %s matches %q", s.Slug, re)
	}
	return &c, nil
}

// PublicOnly is a copy of s that grades only its public tests; an error if it has none.
func (s *Spec) PublicOnly() (*Spec, error) {
	c := *s
	c.Tests = nil
	for _, t := range s.Tests {
		if t.Public {
			c.Tests = append(c.Tests, t)
		}
	}
	if len(c.Tests) == 0 {
		return nil, fmt.Errorf("spec: %s has no public checks (no test says \"public\": true)", s.Slug)
	}
	c.PublicChecks = true
	return &c, nil
}

var (
	testName = regexp.MustCompile(`^Test[A-Za-z0-9_]*$`)
	pkgName  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	cpuList  = regexp.MustCompile(`^[1-9][0-9]*(,[1-9][0-9]*)*$`)
)

// Load reads dir/spec.json, fills defaults and checks it.
func Load(dir string) (*Spec, error) {
	data, err := os.ReadFile(filepath.Join(dir, File))
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	s, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("spec: %s: %w", filepath.Join(dir, File), err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	s.Dir = abs
	s.Slug = filepath.Base(abs)
	return s, nil
}

// Parse decodes and checks a spec, filling defaults.
func Parse(data []byte) (*Spec, error) {
	var s Spec
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	if !pkgName.MatchString(s.Package) {
		return nil, fmt.Errorf("package %q is not a valid Go package name", s.Package)
	}
	if len(s.SolutionFiles) == 0 {
		s.SolutionFiles = []string{"solution.go"}
	}
	if len(s.Tests) == 0 {
		return nil, fmt.Errorf("no tests listed")
	}
	seen := map[string]bool{}
	for i := range s.Tests {
		t := &s.Tests[i]
		if !testName.MatchString(t.Name) {
			return nil, fmt.Errorf("tests[%d]: %q is not a top-level test name", i, t.Name)
		}
		if seen[t.Name] {
			return nil, fmt.Errorf("tests[%d]: %s listed twice", i, t.Name)
		}
		seen[t.Name] = true
		if t.Points == 0 {
			t.Points = 1
		}
		if t.Points < 0 {
			return nil, fmt.Errorf("%s: negative points", t.Name)
		}
		if t.Count == 0 {
			t.Count = 1
		}
		if t.Count < 0 {
			return nil, fmt.Errorf("%s: negative count", t.Name)
		}
		if t.CPU != "" && !cpuList.MatchString(t.CPU) {
			return nil, fmt.Errorf("%s: cpu %q is not a list like 1,2,4", t.Name, t.CPU)
		}
		if t.Kind != KindNormal && t.Kind != KindSpeedup {
			return nil, fmt.Errorf("%s: unknown kind %q", t.Name, t.Kind)
		}
		if _, err := t.TimeoutDuration(); err != nil {
			return nil, fmt.Errorf("%s: %w", t.Name, err)
		}
	}
	if _, err := s.TimeoutDuration(); err != nil {
		return nil, err
	}
	if s.MemoryMB < 0 {
		return nil, fmt.Errorf("negative memory_mb")
	}
	return &s, nil
}

// TimeoutDuration is the per-test wall limit.
func (t Test) TimeoutDuration() (time.Duration, error) {
	if t.Timeout == "" {
		return DefaultTestTimeout, nil
	}
	d, err := time.ParseDuration(t.Timeout)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("timeout %q is not a positive duration", t.Timeout)
	}
	return d, nil
}

// Runs is how many times the test runs in its process: count times the number of CPU settings.
func (t Test) Runs() int {
	n := 1
	if t.CPU != "" {
		n = len(strings.Split(t.CPU, ","))
	}
	return t.Count * n
}

// TimeoutDuration is the whole-submission budget (0 means none).
func (s *Spec) TimeoutDuration() (time.Duration, error) {
	if s.Timeout == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s.Timeout)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("timeout %q is not a positive duration", s.Timeout)
	}
	return d, nil
}

// BaseImports are the standard packages every exercise allows: general
// purpose, with no way around the tests. An exercise's allow_imports adds to
// them; every other import is refused (an allow-list, not a deny-list).
var BaseImports = []string{
	"bufio", "bytes", "cmp", "container/heap", "container/list", "container/ring", "context", "errors",
	"fmt", "hash", "hash/crc32", "hash/fnv", "hash/maphash", "io", "iter", "log", "maps", "math", "math/bits",
	"math/rand", "math/rand/v2", "os", "runtime", "slices", "sort", "strconv", "strings", "sync", "sync/atomic",
	"time", "unicode", "unicode/utf16", "unicode/utf8",
}

var base = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range BaseImports {
		m[p] = true
	}
	return m
}()

// ImportAllowed reports whether the learner's package may import path:
// one of BaseImports or of the exercise's allow_imports ("x/..." allows x
// and the packages under it). std tells whether path is a standard package.
func (s *Spec) ImportAllowed(path string, std bool) bool {
	for _, a := range s.AllowImports {
		if a == path || (strings.HasSuffix(a, "/...") && (path == strings.TrimSuffix(a, "/...") || strings.HasPrefix(path, strings.TrimSuffix(a, "...")))) {
			return true
		}
	}
	return std && base[path]
}
