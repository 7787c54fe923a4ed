package grade

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/grader/spec"
	"github.com/gopherlab/gopherlab/grader/submission"
	"github.com/gopherlab/gopherlab/grader/verdict"
)

// TestBudget: when the whole-submission budget runs out during a test, that
// test and the ones after it are not_run, not timeouts of the learner's code.
func TestBudget(t *testing.T) {
	s, err := spec.Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	s.Timeout = "3s" // TestSum's own limit is 4s; the spinning Sum outlasts the budget
	sub, err := submission.Load(filepath.Join(fixture, "submissions", "timeout.go"), s.Package)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Submission(context.Background(), s, sub, Options{GOMAXPROCS: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range r.Tests {
		if tr.Verdict != verdict.NotRun || !strings.Contains(tr.Message, "budget") {
			t.Errorf("%s: %s (%s), want not_run for the budget", tr.Name, tr.Verdict, tr.Message)
		}
	}
}
