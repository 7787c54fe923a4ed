package grade

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/grader/build"
	"github.com/gopherlab/gopherlab/grader/report"
	"github.com/gopherlab/gopherlab/grader/spec"
	"github.com/gopherlab/gopherlab/grader/submission"
	"github.com/gopherlab/gopherlab/grader/verdict"
)

// TestExercises grades the course's exercises that exist: each reference
// solution must score full marks; each testdata/wrong and testdata/cheat file
// must get its "// want:" verdict (on its "// want-test:" test if named) and
// never full marks; cheats never pass a test.
func TestExercises(t *testing.T) {
	specs, _ := filepath.Glob(filepath.Join("..", "..", "exercises", "*", spec.File))
	if len(specs) == 0 {
		t.Skip("no exercises with a spec.json yet")
	}
	ctx := context.Background()
	env, err := build.Discover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type job struct {
		name, kind, file string // kind: reference, wrong, cheat
		s                *spec.Spec
	}
	var jobs []job
	for _, sp := range specs {
		s, err := spec.Load(filepath.Dir(sp))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		jobs = append(jobs, job{name: s.Slug + "/reference", kind: "reference", s: s})
		// Cheats are graded by the real CLI inside the sandbox: cli.TestCheats.
		for _, kind := range []string{"wrong"} {
			files, _ := filepath.Glob(filepath.Join(s.Dir, "testdata", kind, "*.go"))
			for _, f := range files {
				js := s
				// A wrong solution that names its test is graded on that test
				// alone, to keep the suite fast; cheats are graded on every test.
				if _, test := want(t, f); test != "" && kind == "wrong" {
					js = only(s, test)
				}
				jobs = append(jobs, job{name: s.Slug + "/" + kind + "/" + filepath.Base(f), kind: kind, file: f, s: js})
			}
		}
	}
	results := make([]*report.Report, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 3) // many cases mostly wait for timeouts
	gate := &sync.RWMutex{}
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			sub, err := exerciseSubmission(j.s, j.file)
			if err != nil {
				errs[i] = err
				return
			}
			results[i], errs[i] = Submission(ctx, j.s, sub, Options{Env: env, GOMAXPROCS: 2, Exclusive: gate})
		}()
	}
	wg.Wait()
	for i, j := range jobs {
		t.Run(j.name, func(t *testing.T) {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			r := results[i]
			t.Logf("graded in %.1fs", time.Duration(r.Duration).Seconds())
			if j.kind == "reference" {
				if !r.Full() {
					t.Errorf("reference scored %v/%d:\n%s", r.Score, r.MaxScore, textOf(r))
				}
				return
			}
			v, test := want(t, j.file)
			checkWant(t, r, v, test)
			if r.Full() {
				t.Errorf("full marks for a %s solution", j.kind)
			}
			if j.kind == "cheat" {
				for _, tr := range r.Tests {
					if tr.Verdict == verdict.Pass {
						t.Errorf("cheat passed %s", tr.Name)
					}
				}
			}
			if t.Failed() {
				t.Log("\n" + textOf(r))
			}
		})
	}
}

// exerciseSubmission is the exercise's solution files, with solution.go
// replaced by replacement when it is set.
func exerciseSubmission(s *spec.Spec, replacement string) (*submission.Submission, error) {
	sub := &submission.Submission{Name: "reference", Kind: submission.KindDir}
	for _, name := range s.SolutionFiles {
		path := filepath.Join(s.Dir, name)
		if replacement != "" {
			if name != s.SolutionFiles[0] {
				continue
			}
			path = replacement
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		sub.Files = append(sub.Files, submission.File{Name: name, Data: data})
	}
	if replacement != "" {
		sub.Name = filepath.Base(replacement)
	}
	return sub, nil
}

// only is a copy of s that grades one test.
func only(s *spec.Spec, test string) *spec.Spec {
	c := *s
	c.Tests = nil
	for _, t := range s.Tests {
		if t.Name == test {
			c.Tests = append(c.Tests, t)
		}
	}
	return &c
}

func textOf(r *report.Report) string {
	var b strings.Builder
	_ = report.WriteText(&b, r, false)
	return b.String()
}
