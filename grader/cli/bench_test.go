package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"
)

// BenchmarkCLIVsGoTest grades c1-cache-race's reference with the real CLI,
// in the sandbox and without it, against a bare `go test -race -count=1`
// (GORACE=atexit_sleep_ms=0) of the same code and tests, warm caches, the
// three interleaved. The exercise's stress flags (-count/-cpu) are removed
// so that both sides run each test once. Metrics: medians in seconds, and
// ratio (grade in the sandbox / go test), sandbox-cost (sandbox / no sandbox).
//
//	go test ./grader/cli -run '^$' -bench CLIVsGoTest -benchtime 5x
func BenchmarkCLIVsGoTest(b *testing.B) {
	root, _ := filepath.Abs("../..")
	dir := b.TempDir()
	bin := filepath.Join(dir, "gopherlab")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	src := filepath.Join(root, "exercises", "c1-cache-race")
	ex := filepath.Join(dir, "c1-cache-race")
	mod := filepath.Join(dir, "bare")
	os.MkdirAll(ex, 0o755)
	os.MkdirAll(mod, 0o755)
	for _, f := range []string{"solution.go", "hidden_test.go", "public_test.go"} {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			b.Fatal(err)
		}
		os.WriteFile(filepath.Join(ex, f), data, 0o644)
		os.WriteFile(filepath.Join(mod, f), data, 0o644)
	}
	spec, _ := os.ReadFile(filepath.Join(src, "spec.json"))
	spec = regexp.MustCompile(`, "count": \d+, "cpu": "[0-9,]+"`).ReplaceAll(spec, nil)
	os.WriteFile(filepath.Join(ex, "spec.json"), spec, 0o644)
	os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module bare\n\ngo 1.26\n"), 0o644)

	bare := func() {
		cmd := exec.Command("go", "test", "-race", "-count=1", ".")
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0", "GOFLAGS=-mod=mod", "GOPROXY=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go test: %v\n%s", err, out)
		}
	}
	grade := func(flag string) {
		cmd := exec.Command(bin, "grade", flag, "--format", "json", "--exercise", ex, filepath.Join(ex, "solution.go"))
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("grade %s: %v\n%s", flag, err, out)
		}
		var r struct {
			Score    float64 `json:"score"`
			MaxScore int     `json:"max_score"`
		}
		if json.Unmarshal(out, &r) != nil || r.Score != float64(r.MaxScore) {
			b.Fatalf("grade %s: not full marks:\n%s", flag, out)
		}
	}
	timeIt := func(f func()) float64 { t := time.Now(); f(); return time.Since(t).Seconds() }
	bare() // warm the caches
	grade("--require-sandbox")
	grade("--no-sandbox")
	var tb, ts, tn []float64
	for b.Loop() {
		tb = append(tb, timeIt(bare))
		ts = append(ts, timeIt(func() { grade("--require-sandbox") }))
		tn = append(tn, timeIt(func() { grade("--no-sandbox") }))
	}
	mb, ms, mn := median(tb), median(ts), median(tn)
	b.ReportMetric(mb, "gotest-s")
	b.ReportMetric(ms, "grade-sandbox-s")
	b.ReportMetric(mn, "grade-nosandbox-s")
	b.ReportMetric(ms/mb, "ratio")
	b.ReportMetric(ms/mn, "sandbox-cost")
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
