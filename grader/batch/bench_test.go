package batch

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/grader/build"
	"github.com/gopherlab/gopherlab/grader/grade"
	"github.com/gopherlab/gopherlab/grader/spec"
	"github.com/gopherlab/gopherlab/grader/submission"
)

const fixture = "../testdata/sum"

// BenchmarkBatch40 grades 40 submissions (the fixture's quick ones, repeated)
// with two at a time, as on a 2-core machine. Metric: submissions per minute.
func BenchmarkBatch40(b *testing.B) {
	env, err := build.Discover(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	s, err := spec.Load(fixture)
	if err != nil {
		b.Fatal(err)
	}
	quick := []string{"pass.go", "fail.go", "race.go", "leak.go", "panic.go", "vet_error.go", "build_error.go",
		"tampered_forge.go", "tampered_unsafe.go", "pass.ipynb", "race.ipynb", "corrupt.ipynb", "deadlock.go"}
	var items []Item
	for i := range 40 {
		name := quick[i%len(quick)]
		p := filepath.Join(fixture, "submissions", name)
		items = append(items, Item{Name: fmt.Sprintf("%02d-%s", i, name), Load: func(pkg string) (*submission.Submission, error) {
			return submission.Load(p, pkg)
		}})
	}
	var total time.Duration
	for b.Loop() {
		t0 := time.Now()
		reports, err := Run(context.Background(), s, items, Options{Jobs: 2, Grade: grade.Options{Env: env, GOMAXPROCS: 2, Exclusive: &sync.RWMutex{}}})
		if err != nil {
			b.Fatal(err)
		}
		if len(reports) != 40 {
			b.Fatalf("%d reports", len(reports))
		}
		total += time.Since(t0)
	}
	b.ReportMetric(40*float64(b.N)/total.Minutes(), "submissions/min")
}
