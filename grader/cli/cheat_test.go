package cli

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/grader/report"
	"github.com/gopherlab/gopherlab/grader/sandbox"
	"github.com/gopherlab/gopherlab/grader/verdict"
)

// cheatVerdicts are the verdicts a cheat may get: anything but a pass.
var cheatVerdicts = []string{verdict.Tampered, verdict.Fail, verdict.BuildError, verdict.VetError, verdict.Panic,
	verdict.Timeout, verdict.Deadlock, verdict.Race, verdict.Leak, verdict.NotRun, verdict.Skipped}

// TestCheats grades every exercises/*/testdata/cheat file, plus cheats that
// are not Go files (a symbolic link to the reference solution, a notebook
// with a second "Cells" key, a zip bomb), with the real gopherlab binary
// inside the sandbox (--require-sandbox). Each must end with a report,
// within a deadline (the grader was neither killed nor frozen), earn 0
// points on every test, get its "// want:" verdict, and leak neither hidden
// test source, nor reference solution, nor terminal escapes into the report.
// Afterwards no exercise directory has a new file and no process a cheat
// started is still alive.
func TestCheats(t *testing.T) {
	if err := sandbox.Available(); err != nil {
		t.Skipf("this machine allows no sandbox (%v): the cheat suite runs where grading is sandboxed", err)
	}
	root, _ := filepath.Abs("../..")
	bin := filepath.Join(t.TempDir(), "gopherlab")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	before := exerciseFiles(t, root)
	secrets := hiddenLines(t, root)

	type job struct{ name, exercise, file, want, test string }
	var jobs []job
	cheats, _ := filepath.Glob(filepath.Join(root, "exercises", "*", "testdata", "cheat", "*.go"))
	for _, f := range cheats {
		ex := filepath.Dir(filepath.Dir(filepath.Dir(f)))
		want, test := wantOf(t, f)
		jobs = append(jobs, job{filepath.Base(ex) + "/" + filepath.Base(f), ex, f, want, test})
	}
	extra := t.TempDir()
	c1 := filepath.Join(root, "exercises", "c1-cache-race")
	// A directory submission whose solution.go is a symbolic link to the reference.
	linkDir := filepath.Join(extra, "symlink_to_reference")
	os.Mkdir(linkDir, 0o755)
	if err := os.Symlink(filepath.Join(c1, "solution.go"), filepath.Join(linkDir, "solution.go")); err != nil {
		t.Fatal(err)
	}
	jobs = append(jobs, job{"c1-cache-race/symlink_to_reference", c1, linkDir, verdict.BuildError, ""})
	// A notebook whose second, case-variant "Cells" key holds the reference.
	ref, _ := os.ReadFile(filepath.Join(c1, "solution.go"))
	refCell, _ := json.Marshal(strings.Replace(string(ref), "package cache", "//gopherlab:solution", 1))
	nb := `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"cell_type":"code","metadata":{},"source":"//gopherlab:solution\nfunc x() {}"}],` +
		`"Cells":[{"cell_type":"code","metadata":{"tags":["solution"]},"source":` + string(refCell) + `}]}`
	nbPath := filepath.Join(extra, "cells_twice.ipynb")
	os.WriteFile(nbPath, []byte(nb), 0o644)
	jobs = append(jobs, job{"c1-cache-race/cells_twice.ipynb", c1, nbPath, verdict.BuildError, ""})

	results := make([]string, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 3)
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = gradeCheat(t, bin, j.exercise, j.file, j.name, j.want, j.test, secrets)
		}()
	}
	wg.Wait()
	t.Log("cheat table:\n" + strings.Join(results, "\n"))

	t.Run("zip_bomb", func(t *testing.T) {
		zpath := filepath.Join(extra, "class.zip")
		f, _ := os.Create(zpath)
		zw := zip.NewWriter(f)
		w, _ := zw.Create("mallory.go")
		zeros := make([]byte, 1<<20)
		for range 1600 { // 1.6 GB of zeros in a zip of about 1.6 MB
			w.Write(zeros)
		}
		zw.Close()
		f.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "grade", "--require-sandbox", "--exercise", c1, "--batch", zpath)
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "would expand") {
			t.Errorf("zip bomb: %v\n%s", err, out)
		}
		if rss := cmd.ProcessState.SysUsage(); rss != nil {
			t.Logf("grader's exit after the zip bomb: %s", strings.TrimSpace(string(out)))
		}
	})

	t.Run("nothing_left_behind", func(t *testing.T) {
		after := exerciseFiles(t, root)
		for f := range after {
			if !before[f] {
				t.Errorf("a cheat planted %s", f)
			}
		}
		procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, p := range procs {
			data, _ := os.ReadFile(p)
			if strings.Contains(string(data), "31337") {
				t.Errorf("a process a cheat started outlived grading: %s %q", p, data)
			}
		}
	})
}

// gradeCheat grades one cheat with the CLI and checks its report; it returns a row of the cheat table.
// test, when set, is the one test the cheat attacks ("// want-test:"); the others may pass on their merits.
func gradeCheat(t *testing.T, bin, exercise, file, name, want, test string, secrets []string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	began := time.Now()
	cmd := exec.CommandContext(ctx, bin, "grade", "--require-sandbox", "--format", "json", "--exercise", exercise, file)
	cmd.Dir = t.TempDir()
	out, err := cmd.Output()
	took := time.Since(began)
	row := func(verdicts string, score float64, max int) string {
		return fmt.Sprintf("%-58s want %-32s got %-28s score %v/%d  %v", name, want, verdicts, score, max, took.Round(time.Second))
	}
	if ctx.Err() != nil {
		t.Errorf("%s: the grader did not finish within 15 minutes (frozen?)", name)
		return row("FROZEN", -1, 0)
	}
	if err != nil {
		t.Errorf("%s: the grader failed: %v\n%s", name, err, out)
		return row("GRADER ERROR", -1, 0)
	}
	var r report.Report
	if err := json.Unmarshal(out, &r); err != nil {
		t.Errorf("%s: no report: %v\n%s", name, err, out)
		return row("NO REPORT", -1, 0)
	}
	var verdicts []string
	found := false
	for _, tr := range r.Tests {
		verdicts = append(verdicts, tr.Verdict)
		if test != "" && tr.Name != test {
			continue
		}
		if !slices.Contains(cheatVerdicts, tr.Verdict) {
			t.Errorf("%s: %s got %s", name, tr.Name, tr.Verdict)
		}
		if tr.Score != 0 {
			t.Errorf("%s: %s earned %v points", name, tr.Name, tr.Score)
		}
		if slices.Contains(strings.Split(want, "|"), tr.Verdict) {
			found = true
		}
	}
	if !found {
		t.Errorf("%s: want %s on some test, got %v (error %q)", name, want, verdicts, r.Error)
	}
	if r.Error == "" && !r.Env.Sandboxed {
		t.Errorf("%s: graded outside the sandbox", name)
	}
	text := string(out)
	if strings.Contains(text, "LEAKED") || strings.ContainsAny(text, "\x1b\x07") || strings.Contains(text, `\u001b`) {
		t.Errorf("%s: the report carries leaked data or terminal escapes:\n%s", name, text)
	}
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s: the report shows hidden test or solution source: %q", name, s)
		}
	}
	return row(strings.Join(uniq(verdicts), ","), r.Score, r.MaxScore)
}

func uniq(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// wantOf reads a cheat's "// want:" verdicts and its "// want-test:" test, if any.
func wantOf(t *testing.T, path string) (want, test string) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s, ok := strings.CutPrefix(sc.Text(), "// want:"); ok {
			want = strings.TrimSpace(s)
		}
		if s, ok := strings.CutPrefix(sc.Text(), "// want-test:"); ok {
			test = strings.TrimSpace(s)
		}
	}
	if want == "" {
		t.Fatalf("%s: no // want: line", path)
	}
	return want, test
}

// exerciseFiles lists the files of every exercise directory (not testdata).
func exerciseFiles(t *testing.T, root string) map[string]bool {
	files, _ := filepath.Glob(filepath.Join(root, "exercises", "*", "*"))
	m := map[string]bool{}
	for _, f := range files {
		m[f] = true
	}
	return m
}

// hiddenLines are distinctive lines of the hidden tests and reference
// solutions: none may appear in a report.
func hiddenLines(t *testing.T, root string) []string {
	var out []string
	for _, pat := range []string{"*/hidden_test.go", "*/solution.go"} {
		files, _ := filepath.Glob(filepath.Join(root, "exercises", pat))
		for _, f := range files {
			data, _ := os.ReadFile(f)
			for _, l := range strings.Split(string(data), "\n") {
				l = strings.TrimSpace(l)
				if len(l) >= 40 && !strings.HasPrefix(l, "//") && !strings.Contains(l, "t.Errorf") && !strings.Contains(l, "t.Fatalf") && !strings.Contains(l, "t.Logf") {
					out = append(out, l)
				}
			}
		}
	}
	return out
}
