package worker_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/workerproto"
)

// checkpoint writes a checkpoint whose public check calls Scale, and returns
// its directory.
func checkpoint(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"spec.json": `{"title": "Scale", "package": "cpscale", "solution_files": ["solution.go"],
  "tests": [{"name": "TestScale", "points": 1, "public": true}], "timeout": "120s"}`,
		"public_test.go": `package cpscale

import "testing"

// double is the checks' own helper: a lesson's double must not clash with it.
func double(v int) int { return 2 * v }

func TestScale(t *testing.T) {
	var s Scaler
	if got := s.Scale(double(3)); got != 60 {
		t.Fatalf("Scale(6) = %d, want 60", got)
	}
}
`,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// execute runs a cell and returns its reply and the output it printed.
func (p *proc) execute(n int, code string) (*workerproto.ExecuteReply, string) {
	p.t.Helper()
	p.mu.Lock()
	start := p.stdout.Len()
	p.mu.Unlock()
	p.send(&workerproto.Execute{ID: uint64(n), Code: code, ExecCount: n})
	r, ok := p.reply().(*workerproto.ExecuteReply)
	if !ok {
		p.t.Fatalf("cell %d: no execute reply", n)
	}
	p.waitOutput(string(workerproto.Marker(nonce, r.Sync))) // the cell's output is all in
	p.mu.Lock()
	defer p.mu.Unlock()
	return r, p.stdout.String()[start:]
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestGradeSession grades a session like a lesson's: the solution uses a
// helper declared in a cell that also runs statements, lesson clutter
// declares a name the checks declare too, and the solution is redefined in
// a later cell. The real grader runs (a race build: slow).
func TestGradeSession(t *testing.T) {
	dir := checkpoint(t)
	p := startWorker(t)
	cells := []string{
		"import \"sync\"",
		// A helper and a demo that runs it, in one cell.
		"func times(v, k int) int { return v * k }\n\ntotal := times(2, 3)\nfmt.Println(total)",
		// Lesson clutter: double clashes with the checks' helper; unrelated
		// uses a variable of the session, which no graded file declares.
		"func double(s string) string { return s + s }\n\nfunc unrelated() int { return total }",
		// The stub, then the solution.
		"type Scaler struct{ mu sync.Mutex }\n\nfunc (s *Scaler) Scale(v int) int { return 0 }",
		// The solution cell ends with a try-out that panics: its
		// declarations exist all the same, and are graded.
		"func (s *Scaler) Scale(v int) int {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\treturn times(v, 10)\n}\n\nvar m map[string]int\nm[\"try\"] = 1",
	}
	for i, c := range cells {
		r, out := p.execute(i+1, c)
		if last := i == len(cells)-1; (r.Error != nil) != last {
			t.Fatalf("cell %d: %v\n%s", i+1, r.Error, out)
		}
	}
	r, out := p.execute(10, "%grade "+dir)
	// The report keeps the grader's colours: the score in bold green.
	if !strings.Contains(out, "\x1b[1m\x1b[32m1/1\x1b[0m") {
		t.Errorf("%%grade's report lost its colours:\n%q", out)
	}
	out = ansi.ReplaceAllString(out, "")
	if r.Error != nil || !strings.Contains(out, "score: 1/1") {
		t.Fatalf("%%grade of a right solution: %v\n%s", r.Error, out)
	}
	// A wrong solution copies its lock: go vet says so, at its cell's line.
	if r, out := p.execute(11, "func (s Scaler) Scale(v int) int { return times(v, 10) }"); r.Error != nil {
		t.Fatalf("cell 11: %v\n%s", r.Error, out)
	}
	_, out = p.execute(12, "%grade "+dir)
	out = ansi.ReplaceAllString(out, "")
	t.Logf("%%grade of a solution that copies a lock:\n%s", out)
	if !strings.Contains(out, "score: 0/1") || !regexp.MustCompile(`cell 11, line 1:? .*lock`).MatchString(out) {
		t.Fatalf("%%grade of a solution that copies a lock does not point at cell 11, line 1:\n%s", out)
	}
}

// TestGradeMissing: the solution cell did not run; %grade says what to declare.
func TestGradeMissing(t *testing.T) {
	dir := checkpoint(t)
	p := startWorker(t)
	p.execute(1, "func scale(v int) int { return v }")
	r, out := p.execute(2, "%grade "+dir)
	if r.Error == nil || !strings.Contains(r.Error.Value, "your cells do not declare Scaler, which the checks use: run the cell with your solution first") {
		t.Fatalf("%%grade without a solution: %+v\n%s", r.Error, out)
	}
}
