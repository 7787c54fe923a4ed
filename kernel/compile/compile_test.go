package compile

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/*.txtar")

// TestMain makes the tests hermetic but fast: builds go to a temporary
// cache directory (through XDG_CACHE_HOME, so the default CacheDir is what
// is tested), the Go build cache stays the machine's (the race runtime and
// the standard library are compiled once per machine, not per test run),
// and Requires comes from the repository's go.mod, since a test binary
// does not link x/sync or x/time.
func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "go env GOCACHE:", err)
		return 1
	}
	tmp, err := os.MkdirTemp("", "compile-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	os.Setenv("GOCACHE", strings.TrimSpace(string(gocache)))
	os.Setenv("XDG_CACHE_HOME", tmp)
	if Requires, err = goModRequires("../../go.mod", "golang.org/x/sync", "golang.org/x/time"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// goModRequires reads the versions of some modules from a go.mod.
func goModRequires(file string, paths ...string) (map[string]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	versions := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), "require "))
		for _, p := range paths {
			if len(f) >= 2 && f[0] == p {
				versions[p] = f[1]
			}
		}
	}
	if len(versions) != len(paths) {
		return nil, fmt.Errorf("%s: want %v, found %v", file, paths, versions)
	}
	return versions, nil
}

// A case is a txtar file in testdata: a program main.go whose "//cell N"
// lines say which cell the lines after them come from ("//end": none),
// an optional "flags" section ("race"), and what the program should write:
// "stdout", "stderr" and "error" (Name: Value, then the traceback; empty
// for nil).
func TestPrograms(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test cases: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ar := parseTxtar(raw)
			main := ar.get("main.go")
			if main == "" {
				t.Fatal("no main.go section")
			}
			var stdout, stderr bytes.Buffer
			opt := Options{
				Race:   strings.Contains(ar.get("flags"), "race"),
				Dir:    t.TempDir(),
				Stdout: &stdout,
				Stderr: &stderr,
			}
			err = Run(t.Context(), Program{Main: []byte(main), Where: cellMarks(main)}, opt)
			got := map[string]string{
				"stdout": normalise(stdout.String()),
				"stderr": normalise(stderr.String()),
				"error":  normalise(errorText(t, err)),
			}
			if *update {
				for _, name := range []string{"stdout", "stderr", "error"} {
					ar.set(name, got[name])
				}
				if err := os.WriteFile(file, ar.format(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, name := range []string{"stdout", "stderr", "error"} {
				if want := ar.get(name); got[name] != want {
					t.Errorf("%s:\n--- got\n%s--- want\n%s", name, got[name], want)
				}
			}
		})
	}
}

// errorText is Run's *Error as a case writes it.
func errorText(t *testing.T, err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Run: %v (not an *Error)", err)
	}
	return e.Name + ": " + e.Value + "\n--- traceback\n" + strings.Join(e.Traceback, "\n") + "\n"
}

// cellMarks is the Where of a case's main.go.
func cellMarks(src string) func(int) (int, int, bool) {
	type mark struct{ cell, line int }
	marks := map[int]mark{}
	cell, line := 0, 0
	for i, l := range strings.Split(src, "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(l), "//cell "); ok {
			cell, _ = strconv.Atoi(n)
			line = 0
			continue
		}
		if strings.TrimSpace(l) == "//end" {
			cell = 0
			continue
		}
		if cell > 0 {
			line++
			marks[i+1] = mark{cell, line}
		}
	}
	return func(n int) (int, int, bool) {
		m, ok := marks[n]
		return m.cell, m.line, ok
	}
}

// normalise removes what changes from run to run: addresses, goroutine
// numbers, which of two racing accesses came first, and the Go version.
var normalisers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`0x[0-9a-f]+`), "0x?"},
	{regexp.MustCompile(`([Gg]oroutine) \d+`), "$1 N"},
	{regexp.MustCompile(`^(Previous )?([Rr]ead|[Ww]rite) at`), "${1}access at"},
	{regexp.MustCompile(`\((running|finished)\)`), "(state)"},
	{regexp.MustCompile(`go1\.\d+(\.\d+)?`), "go1.N"},
}

func normalise(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		for _, n := range normalisers {
			l = n.re.ReplaceAllString(l, n.with)
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// txtar is a minimal reader and writer of the txtar format
// (golang.org/x/tools/txtar): a comment, then "-- name --" sections.
type txtar struct {
	comment string
	names   []string
	data    map[string]string
}

func parseTxtar(b []byte) *txtar {
	ar := &txtar{data: map[string]string{}}
	cur := ""
	var text strings.Builder
	flush := func() {
		if cur == "" {
			ar.comment = text.String()
		} else {
			ar.names = append(ar.names, cur)
			ar.data[cur] = text.String()
		}
		text.Reset()
	}
	for _, l := range strings.SplitAfter(string(b), "\n") {
		if name, ok := strings.CutPrefix(strings.TrimRight(l, "\n"), "-- "); ok && strings.HasSuffix(name, " --") {
			flush()
			cur = strings.TrimSuffix(name, " --")
			continue
		}
		text.WriteString(l)
	}
	flush()
	return ar
}

func (ar *txtar) get(name string) string { return ar.data[name] }

func (ar *txtar) set(name, text string) {
	if _, ok := ar.data[name]; !ok {
		ar.names = append(ar.names, name)
	}
	ar.data[name] = text
}

func (ar *txtar) format() []byte {
	var b bytes.Buffer
	b.WriteString(ar.comment)
	for _, name := range ar.names {
		fmt.Fprintf(&b, "-- %s --\n", name)
		text := ar.data[name]
		b.WriteString(text)
		if text != "" && !strings.HasSuffix(text, "\n") {
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

// The txtar writer writes what the reader reads back.
func TestTxtarRoundTrip(t *testing.T) {
	ar := parseTxtar([]byte("comment\n-- a --\none\n-- b --\n-- c --\ntwo\nthree\n"))
	ar.set("d", "four\n")
	back := parseTxtar(ar.format())
	for _, name := range []string{"a", "b", "c", "d"} {
		if back.get(name) != ar.get(name) {
			t.Errorf("%s: %q, want %q", name, back.get(name), ar.get(name))
		}
	}
	if back.comment != "comment\n" {
		t.Errorf("comment %q", back.comment)
	}
}
