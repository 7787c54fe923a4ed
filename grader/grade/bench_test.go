package grade

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
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

func gradeReference(b *testing.B, env *build.Env, s *spec.Spec) {
	sub, err := submission.Load(filepath.Join(fixture, "solution.go"), s.Package)
	if err != nil {
		b.Fatal(err)
	}
	r, err := Submission(context.Background(), s, sub, Options{Env: env, GOMAXPROCS: 2})
	if err != nil {
		b.Fatal(err)
	}
	if !r.Full() {
		b.Fatalf("reference scored %v/%d", r.Score, r.MaxScore)
	}
}

// BenchmarkGradeVsGoTest compares grading one submission with a bare
// `go test -race` of the same code, with a warm build cache. Metric
// ratio = grade time / go test time (target ≤ 1.3).
func BenchmarkGradeVsGoTest(b *testing.B) {
	env, err := build.Discover(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	s := benchSpec(b)
	bareGoTest(b, env, nil) // warm the caches once
	gradeReference(b, env, s)
	var bare, graded time.Duration
	for b.Loop() {
		t0 := time.Now()
		bareGoTest(b, env, nil)
		t1 := time.Now()
		gradeReference(b, env, s)
		bare += t1.Sub(t0)
		graded += time.Since(t1)
	}
	b.ReportMetric(bare.Seconds()/float64(b.N), "gotest-s/op")
	b.ReportMetric(graded.Seconds()/float64(b.N), "grade-s/op")
	b.ReportMetric(float64(graded)/float64(bare), "ratio")
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
		gradeReference(b, env, s)
		graded += time.Since(t1)
	}
	b.ReportMetric(bare.Seconds()/float64(b.N), "gotest-s/op")
	b.ReportMetric(graded.Seconds()/float64(b.N), "grade-s/op")
	b.ReportMetric(float64(graded)/float64(bare), "ratio")
}
