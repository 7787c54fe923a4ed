package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/grader/batch"
)

const fixture = "../testdata/sum"

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBatchShardsMerge grades a directory of submissions in two shards, then
// merges the shard summaries: every submission appears once, broken ones
// carry an error instead of stopping the batch.
func TestBatchShardsMerge(t *testing.T) {
	dir := t.TempDir()
	subs := filepath.Join(dir, "subs")
	copyFile(t, fixture+"/submissions/pass.go", filepath.Join(subs, "alice.go"))
	copyFile(t, fixture+"/submissions/race.ipynb", filepath.Join(subs, "bob.ipynb"))
	copyFile(t, fixture+"/submissions/corrupt.ipynb", filepath.Join(subs, "carol.ipynb"))
	copyFile(t, fixture+"/submissions/duplicate.ipynb", filepath.Join(subs, "dan.ipynb"))
	if err := os.WriteFile(filepath.Join(subs, "erin.txt"), []byte("not go"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var stderr bytes.Buffer
	var summaries []string
	for _, sh := range []string{"1/2", "2/2"} {
		out := filepath.Join(dir, "out")
		if err := Run(ctx, []string{"--exercise", fixture, "--batch", "-j", "2", "--shard", sh, "-o", out, "--gomaxprocs", "2", subs}, &bytes.Buffer{}, &stderr); err != nil {
			t.Fatalf("shard %s: %v\n%s", sh, err, stderr.String())
		}
		k := sh[:1]
		summaries = append(summaries, filepath.Join(out, "summary.shard"+k+"of2.json"))
	}
	if !strings.Contains(stderr.String(), "graded ") {
		t.Errorf("no plain progress lines on a non-terminal stderr:\n%s", stderr.String())
	}
	var merged bytes.Buffer
	if err := Run(ctx, append([]string{"merge"}, summaries...), &merged, &stderr); err != nil {
		t.Fatal(err)
	}
	m, err := batch.ReadSummary(&merged)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range m.Reports {
		got[r.Submission] = r.Error
		if r.Submission == "alice.go" && !r.Full() {
			t.Errorf("alice.go scored %v/%d", r.Score, r.MaxScore)
		}
		if r.Submission == "bob.ipynb" && (r.Full() || r.Tests[0].Verdict != "race") {
			t.Errorf("bob.ipynb: %v/%d, first verdict %s", r.Score, r.MaxScore, r.Tests[0].Verdict)
		}
	}
	for _, name := range []string{"carol.ipynb", "dan.ipynb", "erin.txt"} {
		if e, ok := got[name]; !ok || e == "" {
			t.Errorf("%s: present %v, error %q; want an error report", name, ok, e)
		}
	}
	if len(got) != 5 || len(m.Shards) != 2 {
		t.Errorf("merged %d reports from shards %v, want 5 from 2", len(got), m.Shards)
	}
	// Merging a shard twice is refused.
	if err := Run(ctx, []string{"merge", summaries[0], summaries[0]}, &bytes.Buffer{}, &stderr); err == nil {
		t.Error("merging the same shard twice succeeded")
	}
}

// TestZipAndFeedback grades a zip holding a directory submission and a file
// that is not Go, then one notebook with --feedback.
func TestZipAndFeedback(t *testing.T) {
	dir := t.TempDir()
	zpath := filepath.Join(dir, "class.zip")
	f, err := os.Create(zpath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	pass, _ := os.ReadFile(fixture + "/submissions/pass.go")
	for name, data := range map[string][]byte{"frank/solution.go": pass, "frank/solution_test.go": []byte("package sum"), "gina.go": {0, 1, 2}} {
		w, _ := zw.Create(name)
		w.Write(data)
	}
	zw.Close()
	f.Close()
	var out, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"--exercise", "sum", "--exercises", filepath.Dir(fixture), "--batch", zpath}, &out, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	csv := out.String()
	if !strings.Contains(csv, "frank,7,7,,,pass,pass,pass,pass") || !strings.Contains(csv, `gina.go,0,7,"submission: gina.go holds binary data, not Go code",,build_error`) {
		t.Errorf("summary:\n%s", csv)
	}

	nb := filepath.Join(dir, "mine.ipynb")
	copyFile(t, fixture+"/submissions/pass.ipynb", nb)
	out.Reset()
	keepDir := filepath.Join(dir, "bin")
	if err := Run(context.Background(), []string{"--exercise", fixture, "--format", "exercism", "--feedback", "--keep", keepDir, nb}, &out, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"status": "pass"`) {
		t.Errorf("exercism report:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(keepDir, "sum-mine.ipynb.test")); err != nil {
		t.Errorf("test binary not kept: %v", err)
	}
	graded, err := os.ReadFile(filepath.Join(dir, "mine.graded.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(graded), "Gopherlab grade: 7/7") {
		t.Errorf("no feedback cell in the graded copy")
	}
}

// TestPublicChecks grades with --public against a copy of the fixture whose
// hidden_test.go and solution.go are directories: opening either for reading
// fails, so a report means the grader never opened them. Only the public
// test is graded, and the report says so.
func TestPublicChecks(t *testing.T) {
	ex := filepath.Join(t.TempDir(), "sum")
	for _, name := range []string{"spec.json", "public_test.go"} {
		copyFile(t, filepath.Join(fixture, name), filepath.Join(ex, name))
	}
	for _, name := range []string{"hidden_test.go", "solution.go"} {
		if err := os.MkdirAll(filepath.Join(ex, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, sub := range []struct{ file, verdict string }{{"pass.go", "pass"}, {"deadlock.go", "deadlock"}} {
		var out, stderr bytes.Buffer
		if err := Run(context.Background(), []string{"--public", "--exercise", ex, "--format", "json", fixture + "/submissions/" + sub.file}, &out, &stderr); err != nil {
			t.Fatalf("%s: %v\n%s", sub.file, err, stderr.String())
		}
		var r struct {
			PublicOnly bool     `json:"public_only"`
			Error      string   `json:"error"`
			Notes      []string `json:"notes"`
			Tests      []struct{ Name, Verdict string }
		}
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if r.Error != "" || !r.PublicOnly || len(r.Tests) != 1 || r.Tests[0].Name != "TestDone" || r.Tests[0].Verdict != sub.verdict {
			t.Errorf("%s: report:\n%s", sub.file, out.String())
		}
		if !strings.Contains(strings.Join(r.Notes, "\n"), "only the public checks ran") {
			t.Errorf("%s: the report does not say that only the public checks ran: %v", sub.file, r.Notes)
		}
	}
	// Without --public the same directory cannot be graded: the hidden test is needed.
	if err := Run(context.Background(), []string{"--exercise", ex, fixture + "/submissions/pass.go"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("instructor grading succeeded without a readable hidden_test.go")
	}
}

// TestColorFlag: --color=always colours a report written to a pipe (the
// kernel's %grade reads the report that way), --color=never and auto on a
// pipe do not, and a bad value is an error before any grading.
func TestColorFlag(t *testing.T) {
	for _, c := range []struct {
		mode string
		tty  bool
		want bool
	}{{"auto", false, false}, {"auto", true, true}, {"always", false, true}, {"never", true, false}} {
		got, err := useColor(c.mode, c.tty)
		if err != nil || got != c.want {
			t.Errorf("useColor(%q, tty=%v) = %v, %v; want %v", c.mode, c.tty, got, err, c.want)
		}
	}
	var stderr bytes.Buffer
	err := Run(context.Background(), []string{"--exercise", fixture, "--color", "sometimes", fixture + "/submissions/pass.go"}, &bytes.Buffer{}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "--color") {
		t.Errorf("--color=sometimes: err %v", err)
	}
}
