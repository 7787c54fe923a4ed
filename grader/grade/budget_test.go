package grade

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/grader/spec"
	"github.com/gopherlab/gopherlab/grader/submission"
	"github.com/gopherlab/gopherlab/grader/verdict"
)

// TestBudget: when the whole-submission budget runs out during a test, that
// test is not_run, not a timeout of the learner's code. Run one at a time,
// the tests after it are not_run too; run two at a time, a test that ran
// beside it within the budget keeps its own verdict, and none is a timeout.
func TestBudget(t *testing.T) {
	for _, parallel := range []int{1, 2} {
		t.Run(fmt.Sprintf("parallel=%d", parallel), func(t *testing.T) {
			s, err := spec.Load(fixture)
			if err != nil {
				t.Fatal(err)
			}
			s.Timeout = "3s" // TestSum's own limit is 4s; the spinning Sum outlasts the budget
			sub, err := submission.Load(filepath.Join(fixture, "submissions", "timeout.go"), s.Package)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Submission(context.Background(), s, sub, Options{GOMAXPROCS: 2, Parallel: parallel})
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range r.Tests {
				budget := tr.Verdict == verdict.NotRun && strings.Contains(tr.Message, "budget")
				switch {
				case tr.Name == "TestSum" || parallel == 1:
					if !budget {
						t.Errorf("%s: %s (%s), want not_run for the budget", tr.Name, tr.Verdict, tr.Message)
					}
				case !budget && tr.Verdict != verdict.Pass:
					t.Errorf("%s: %s (%s), want pass (it ran beside TestSum) or not_run for the budget", tr.Name, tr.Verdict, tr.Message)
				}
			}
		})
	}
}
