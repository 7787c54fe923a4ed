package grade

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/grader/build"
	"github.com/gopherlab/gopherlab/grader/spec"
	"github.com/gopherlab/gopherlab/grader/submission"
)

// benchSpec is the fixture without stress flags, so that grading and a bare
// `go test -race` run the same tests once each.
func benchSpec(b *testing.B) *spec.Spec {
	s, err := spec.Load(fixture)
	if err != nil {
		b.Fatal(err)
	}
	for i := range s.Tests {
		s.Tests[i].Count, s.Tests[i].CPU, s.Tests[i].Shuffle = 1, "", false
	}
	return s
}

// bareGoTest runs `go test -race -count=1` on the reference solution and the
// hidden test in a module like the grader's, with the same go environment.
func bareGoTest(b *testing.B, env *build.Env, cacheEnv []string) {
	dir := b.TempDir()
	for _, name := range []string{"solution.go", "hidden_test.go"} {
		data, err := os.ReadFile(filepath.Join(fixture, name))
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), env.GoMod(), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command("go", "test", "-race", "-count=1", ".")
	cmd.Dir = dir
	cmd.Env = append(append(env.Environ(), "GOMAXPROCS=2", "GORACE=atexit_sleep_ms=0"), cacheEnv...)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go test: %v\n%s", err, out)
	}
}

func gradeReference(b *testing.B, env *build.Env, s *spec.Spec, sandboxMode string) {
	sub, err := submission.Load(filepath.Join(fixture, "solution.go"), s.Package)
	if err != nil {
		b.Fatal(err)
	}
	r, err := Submission(context.Background(), s, sub, Options{Env: env, GOMAXPROCS: 2, Sandbox: sandboxMode})
	if err != nil {
		b.Fatal(err)
	}
	if !r.Full() {
		b.Fatalf("reference scored %v/%d", r.Score, r.MaxScore)
	}
}

// BenchmarkGradeVsGoTest compares grading one submission (in the sandbox
// where the machine allows it, and without) with a bare `go test -race` of
// the same code, with a warm build cache, the three interleaved. Metrics:
// ratio = grade time / go test time (target ≤ 1.5), sandbox-cost = grade
// time / grade time without the sandbox (target ≤ 1.2); medians.
func BenchmarkGradeVsGoTest(b *testing.B) {
	env, err := build.Discover(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	s := benchSpec(b)
	bareGoTest(b, env, nil) // warm the caches once
	gradeReference(b, env, s, SandboxAuto)
	gradeReference(b, env, s, SandboxOff)
	var bare, graded, unsandboxed []float64
	for b.Loop() {
		t0 := time.Now()
		bareGoTest(b, env, nil)
		t1 := time.Now()
		gradeReference(b, env, s, SandboxAuto)
		t2 := time.Now()
		gradeReference(b, env, s, SandboxOff)
		bare = append(bare, t1.Sub(t0).Seconds())
		graded = append(graded, t2.Sub(t1).Seconds())
		unsandboxed = append(unsandboxed, time.Since(t2).Seconds())
	}
	mb, mg, mu := median(bare), median(graded), median(unsandboxed)
	b.ReportMetric(mb, "gotest-s")
	b.ReportMetric(mg, "grade-s")
	b.ReportMetric(mu, "grade-nosandbox-s")
	b.ReportMetric(mg/mb, "ratio")
	b.ReportMetric(mg/mu, "sandbox-cost")
}

// median of xs (medians of interleaved runs: the machine is shared and noisy).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkGradeVsGoTestCold is the same with an empty build cache each time
// (slow: run with -benchtime=1x).
func BenchmarkGradeVsGoTestCold(b *testing.B) {
	env, err := build.Discover(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	s := benchSpec(b)
	var bare, graded time.Duration
	for b.Loop() {
		cache := []string{"GOCACHE=" + b.TempDir()}
		t0 := time.Now()
		bareGoTest(b, env, cache)
		bare += time.Since(t0)
		b.Setenv("GOCACHE", b.TempDir())
		t1 := time.Now()
		gradeReference(b, env, s, SandboxAuto)
		graded += time.Since(t1)
	}
	b.ReportMetric(bare.Seconds()/float64(b.N), "gotest-s/op")
	b.ReportMetric(graded.Seconds()/float64(b.N), "grade-s/op")
	b.ReportMetric(float64(graded)/float64(bare), "ratio")
}
