package grade

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gopherlab/gopherlab/grader/build"
	"github.com/gopherlab/gopherlab/grader/report"
	"github.com/gopherlab/gopherlab/grader/spec"
	"github.com/gopherlab/gopherlab/grader/submission"
	"github.com/gopherlab/gopherlab/grader/verdict"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const fixture = "../testdata/sum"

// want reads the "// want: verdict" and "// want-test: Name" header of a Go file.
func want(t *testing.T, path string) (v, test string) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "//") && strings.TrimSpace(line) != "" {
			break
		}
		if s, ok := strings.CutPrefix(line, "// want:"); ok {
			v = strings.TrimSpace(s)
		}
		if s, ok := strings.CutPrefix(line, "// want-test:"); ok {
			test = strings.TrimSpace(s)
		}
	}
	return v, test
}

// notebookWants are the expected verdicts of the notebook fixtures (JSON has no comments).
var notebookWants = map[string][2]string{
	"pass.ipynb":      {verdict.Pass, ""},
	"race.ipynb":      {verdict.Race, "TestSum"},
	"duplicate.ipynb": {verdict.BuildError, ""},
	"statement.ipynb": {verdict.BuildError, ""},
	"corrupt.ipynb":   {verdict.BuildError, ""},
}

type gradeCase struct {
	name     string // golden file base name
	path     string // submission
	procs    int
	spec     func(*spec.Spec)
	verdict  string
	wantTest string
}

func fixtureCases(t *testing.T) []gradeCase {
	paths, err := filepath.Glob(filepath.Join(fixture, "submissions", "*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixture submissions: %v", err)
	}
	var cases []gradeCase
	for _, p := range paths {
		c := gradeCase{name: filepath.Base(p), path: p, procs: 2}
		if strings.HasSuffix(p, ".go") {
			c.verdict, c.wantTest = want(t, p)
		} else {
			w, ok := notebookWants[c.name]
			if !ok {
				t.Fatalf("%s: no expected verdict", p)
			}
			c.verdict, c.wantTest = w[0], w[1]
		}
		cases = append(cases, c)
	}
	pass := filepath.Join(fixture, "submissions", "pass.go")
	// The reference again, built once more: on one CPU (the speedup test
	// skips) and with a spec naming a test the hidden tests lack (not_run).
	cases = append(cases,
		gradeCase{name: "skipped_not_run.go", path: pass, procs: 1, verdict: verdict.Skipped + "|" + verdict.NotRun,
			spec: func(s *spec.Spec) { s.Tests = append(s.Tests, spec.Test{Name: "TestMissing", Points: 1, Count: 1}) }},
	)
	return cases
}

// gradeAll grades the cases two at a time (the machine has two cores) and
// returns their reports by case name.
func gradeAll(t *testing.T, cases []gradeCase) map[string]*report.Report {
	ctx := context.Background()
	env, err := build.Discover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex
		reports = map[string]*report.Report{}
		wg      sync.WaitGroup
		sem     = make(chan struct{}, 2)
		gate    sync.RWMutex
	)
	for _, c := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			s, err := spec.Load(fixture)
			if err != nil {
				t.Error(err)
				return
			}
			if c.spec != nil {
				c.spec(s)
			}
			o := Options{Env: env, GOMAXPROCS: c.procs, Exclusive: &gate}
			var r *report.Report
			sub, err := submission.Load(c.path, s.Package)
			if err != nil {
				r = Broken(s, filepath.Base(c.path), err)
			} else if r, err = Submission(ctx, s, sub, o); err != nil {
				t.Errorf("%s: %v", c.name, err)
				return
			}
			mu.Lock()
			reports[c.name] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
	return reports
}

var (
	addrRE    = regexp.MustCompile(`0x[0-9a-f]+`)
	gorRE     = regexp.MustCompile(`([gG]oroutine) \d+`)
	shuffleRE = regexp.MustCompile(`-test\.shuffle[= ]\d+`)
	atRE      = regexp.MustCompile(` at .*$`)
)

var (
	seedRE    = regexp.MustCompile(`--seed \d+`)
	elapsedRE = regexp.MustCompile(`\((\d+\.\d+)s\)`)
)

// normalize removes what changes from run to run: times, seeds, addresses,
// goroutine numbers, the order races are found in and where a spinning
// goroutine happened to be stopped.
func normalize(r *report.Report) *report.Report {
	n := *r
	n.Duration = 0
	n.Env.GoVersion = "GO"
	n.Env.NetworkIsolated = true
	n.Env.Sandboxed = true
	n.Env.Protections = nil
	n.Notes = nil
	for _, note := range r.Notes {
		if !strings.HasPrefix(note, UnsandboxedNote) {
			n.Notes = append(n.Notes, note)
		}
	}
	n.Tests = append([]report.Test(nil), r.Tests...)
	for i := range n.Tests {
		t := &n.Tests[i]
		t.Duration = 0
		if t.Flags.Seed != 0 {
			t.Flags.Seed = 1
		}
		t.Command = shuffleRE.ReplaceAllString(t.Command, "-test.shuffle=1")
		t.Reproduce = seedRE.ReplaceAllString(t.Reproduce, "--seed 1")
		t.Detail = elapsedRE.ReplaceAllString(t.Detail, "(0.00s)")
		t.Detail = gorRE.ReplaceAllString(addrRE.ReplaceAllString(shuffleRE.ReplaceAllString(t.Detail, "-test.shuffle=1"), "0xADDR"), "$1 N")
		switch t.Verdict {
		case verdict.Race:
			t.Detail = "(race report)"
			t.Locations = append([]string(nil), t.Locations...)
			sort.Strings(t.Locations)
		case verdict.Timeout:
			t.Message = atRE.ReplaceAllString(t.Message, "")
			t.Detail, t.Locations = "(goroutine dump)", nil
		}
	}
	return &n
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	wantData, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, wantData) {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n--- got\n%s\n--- want\n%s", name, got, wantData)
	}
}

// TestFixtures grades every fixture submission once and checks its verdict
// and its reports in every format against golden files.
func TestFixtures(t *testing.T) {
	cases := fixtureCases(t)
	reports := gradeAll(t, cases)
	seen := map[string]bool{}
	ran := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ran++
			r := reports[c.name]
			if r == nil {
				t.Fatal("not graded")
			}
			checkWant(t, r, c.verdict, c.wantTest)
			for _, tr := range r.Tests {
				seen[tr.Verdict] = true
			}
			n := normalize(r)
			var js, text bytes.Buffer
			if err := report.WriteJSON(&js, n); err != nil {
				t.Fatal(err)
			}
			if err := report.WriteText(&text, n, false); err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(strings.TrimSuffix(c.name, ".go"), ".ipynb")
			if strings.HasSuffix(c.name, ".ipynb") {
				base += "_ipynb"
			}
			golden(t, base+".json", js.Bytes())
			golden(t, base+".txt", text.Bytes())
		})
	}
	for _, v := range verdict.All {
		if ran == len(cases) && !seen[v] { // -run may pick a few cases
			t.Errorf("no fixture produced the verdict %s", v)
		}
	}
	t.Run("formats", func(t *testing.T) {
		for _, name := range []string{"race.ipynb", "build_error.go", "skipped_not_run.go"} {
			r := normalize(reports[name])
			base := strings.ReplaceAll(name, ".", "_")
			var gs, ex, ju bytes.Buffer
			if err := report.WriteGradescope(&gs, r); err != nil {
				t.Fatal(err)
			}
			if err := report.WriteExercism(&ex, r); err != nil {
				t.Fatal(err)
			}
			if err := report.WriteJUnit(&ju, r); err != nil {
				t.Fatal(err)
			}
			golden(t, base+".gradescope.json", gs.Bytes())
			golden(t, base+".exercism.json", ex.Bytes())
			golden(t, base+".junit.xml", ju.Bytes())
			golden(t, base+".feedback.md", []byte(report.Markdown(r)))
		}
	})
}

// checkWant checks the expected verdict: on the named test, or on some test;
// anything but pass must not get full marks, and tampering must never pass.
func checkWant(t *testing.T, r *report.Report, v, test string) {
	t.Helper()
	if v == "" {
		t.Fatal("no // want: line")
	}
	// "race|panic": code whose failure depends on the schedule may get either.
	wanted := strings.Split(v, "|")
	found := false
	for _, tr := range r.Tests {
		if (test == "" || tr.Name == test) && slices.Contains(wanted, tr.Verdict) {
			found = true
		}
		if v == verdict.Tampered && tr.Verdict == verdict.Pass && tr.Score > 0 {
			t.Errorf("%s earned points in a tampered submission", tr.Name)
		}
	}
	if !found {
		var got []string
		for _, tr := range r.Tests {
			got = append(got, tr.Name+"="+tr.Verdict)
		}
		t.Errorf("want %s on %q, got %s (error %q)", v, test, strings.Join(got, " "), r.Error)
	}
	if v == verdict.Pass && !r.Full() {
		t.Errorf("reference scored %v/%d", r.Score, r.MaxScore)
	}
	if v != verdict.Pass && v != verdict.Skipped && v != verdict.NotRun && r.Full() {
		t.Errorf("a %s submission got full marks", v)
	}
}
