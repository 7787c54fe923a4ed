// Package grade grades one submission of one exercise: build, run each
// graded test in its own process, judge, and collect the report.
package grade

import (
	"bytes"
	"context"

	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gopherlab/gopherlab/grader/build"
	"github.com/gopherlab/gopherlab/grader/report"
	"github.com/gopherlab/gopherlab/grader/run"
	"github.com/gopherlab/gopherlab/grader/spec"
	"github.com/gopherlab/gopherlab/grader/submission"
	"github.com/gopherlab/gopherlab/grader/verdict"
)

// Options tune grading. The zero value works.
type Options struct {
	Env        *build.Env // nil: build.Discover
	GOMAXPROCS int        // for the test processes; 0: the number of CPUs
	Seed       int64      // shuffle seed; 0: a random seed per test (reported)
	WorkDir    string     // parent of temporary build directories; "": the system default
	// KeepDir, when set, keeps each test binary there (named after the
	// exercise and submission) so the reported commands can be rerun.
	KeepDir string
	// Exclusive is shared by submissions graded at the same time: speedup tests
	// hold it alone, other tests share it. nil: a private one.
	Exclusive *sync.RWMutex
}

// One grades the submission at submissionPath (a .go file, a directory or a
// notebook) against the exercise in exerciseDir. A submission that cannot be
// read becomes a report with Error set; the error result is for problems of
// the exercise or the machine.
func One(ctx context.Context, exerciseDir, submissionPath string, o Options) (*report.Report, error) {
	s, err := spec.Load(exerciseDir)
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	sub, err := submission.Load(submissionPath, s.Package)
	if err != nil {
		return Broken(s, filepath.Base(submissionPath), err), nil
	}
	return Submission(ctx, s, sub, o)
}

// Broken is the report of a submission that could not be read: every test gets build_error.
func Broken(s *spec.Spec, name string, cause error) *report.Report {
	r := newReport(s, name)
	r.Error = cause.Error()
	for i := range r.Tests {
		r.Tests[i].Verdict = verdict.BuildError
		r.Tests[i].Message = "the submission could not be read"
	}
	r.Tally()
	return r
}

func newReport(s *spec.Spec, name string) *report.Report {
	r := &report.Report{Schema: report.Schema, Exercise: s.Slug, Title: s.Title, Submission: name, PublicOnly: s.PublicChecks}
	if s.PublicChecks {
		r.Notes = append(r.Notes, report.PublicNote)
	}
	for _, t := range s.Tests {
		timeout, _ := t.TimeoutDuration()
		r.Tests = append(r.Tests, report.Test{
			Name: t.Name, Points: t.Points, Runs: t.Runs(),
			Flags: report.Flags{Count: t.Count, CPU: t.CPU, Shuffle: t.Shuffle, Timeout: timeout.String(), Kind: t.Kind},
		})
	}
	return r
}

// Submission grades an already loaded submission.
func Submission(ctx context.Context, s *spec.Spec, sub *submission.Submission, o Options) (*report.Report, error) {
	began := time.Now()
	env := o.Env
	if env == nil {
		var err error
		if env, err = build.Discover(ctx); err != nil {
			return nil, fmt.Errorf("grade: %w", err)
		}
	}
	procs := o.GOMAXPROCS
	if procs <= 0 {
		procs = runtime.NumCPU()
	}
	gate := o.Exclusive
	if gate == nil {
		gate = &sync.RWMutex{}
	}
	r := newReport(s, sub.Name)
	r.Notes = append(r.Notes, sub.Notes...)
	r.Env = report.Environment{GoVersion: env.GoVersion, GOMAXPROCS: procs, NetworkIsolated: run.NetworkIsolated()}
	defer func() { r.Duration = report.JSONDuration(time.Since(began)) }()

	budgetCtx := ctx
	if d, _ := s.TimeoutDuration(); d > 0 {
		var cancel context.CancelFunc
		budgetCtx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	work, err := os.MkdirTemp(o.WorkDir, "gopherlab-grade-")
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	defer os.RemoveAll(work)

	b, err := build.Build(budgetCtx, env, s, sub, work)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("grade: %s: %w", s.Slug, ctx.Err())
		}
		if budgetCtx.Err() != nil {
			return notRun(r, "the submission's time budget ran out while building"), nil
		}
		return nil, fmt.Errorf("grade: %s: %w", s.Slug, err)
	}
	r.Commands = b.Commands
	if b.Failed != "" {
		v := map[string]string{build.StagePolicy: verdict.Tampered, build.StageBuild: verdict.BuildError, build.StageVet: verdict.VetError}[b.Failed]
		r.Error = b.Message
		r.BuildOutput = b.Detail
		for i := range r.Tests {
			r.Tests[i].Verdict = v
			r.Tests[i].Message = b.Message
		}
		r.Tally()
		return r, nil
	}

	source := learnerSource(sub)
	tampered := false
	hungInInit := "" // the test whose process hung before any test started
	for i, t := range s.Tests {
		rt := &r.Tests[i]
		if !b.HiddenTests[t.Name] {
			rt.Verdict = verdict.NotRun
			rt.Message = "the hidden tests have no " + t.Name + " (a problem of the exercise, not of the submission)"
			continue
		}
		if hungInInit != "" {
			// Package initialisation is the same for every test: it would hang again.
			rt.Verdict = verdict.Timeout
			rt.Message = "not run: the test binary hung before any test started (see " + hungInInit + ")"
			continue
		}
		if budgetCtx.Err() != nil {
			rt.Verdict = verdict.NotRun
			rt.Message = "the submission's time budget (" + s.Timeout + ") ran out before this test"
			continue
		}
		timeout, _ := t.TimeoutDuration()
		opts := run.Options{
			Binary: b.Binary, Test: t.Name, Count: t.Count, CPU: t.CPU, Shuffle: t.Shuffle,
			Timeout: timeout, GOMAXPROCS: procs, MemoryMB: s.MemoryMB,
		}
		if t.Shuffle {
			opts.Seed = o.Seed
			if opts.Seed == 0 {
				opts.Seed = rand.Int64N(1<<31) + 1
			}
			rt.Flags.Seed = opts.Seed
		}
		res, err := runExclusive(budgetCtx, gate, t.Kind == spec.KindSpeedup, opts)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("grade: %s: %w", s.Slug, ctx.Err())
			}
			if budgetCtx.Err() != nil {
				rt.Verdict = verdict.NotRun
				rt.Message = "the submission's time budget ran out before this test"
				continue
			}
			return nil, fmt.Errorf("grade: %s: %w", s.Slug, err)
		}
		if res.Killed == "cancelled" {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("grade: %s: %w", s.Slug, ctx.Err())
			}
			rt.Verdict = verdict.NotRun
			rt.Message = "the submission's time budget (" + s.Timeout + ") ran out during this test"
			continue
		}
		if !res.Isolated {
			r.Env.NetworkIsolated = false
		}
		j := verdict.Judge(verdict.Input{Test: t.Name, Runs: t.Runs(), Output: res.Output, Exit: res.Exit, Killed: res.Killed, Source: source})
		rt.Verdict = j.Verdict
		rt.Passed = j.Passed
		rt.Message = j.Message
		rt.Locations = j.Locations
		rt.Detail = j.Detail
		rt.Command = res.Command(b.Binary)
		rt.Duration = report.JSONDuration(res.Duration)
		rt.Score = score(j, t)
		rt.Flaky = j.Passed > 0 && j.Passed < t.Runs() && j.Verdict != verdict.Skipped
		if j.Verdict == verdict.Tampered {
			tampered = true
		}
		if res.Killed == "timeout" && !bytes.Contains(res.Output, []byte("\x16=== RUN")) {
			hungInInit = t.Name
			rt.Message = "the test binary hung before any test started (package initialisation never finished)"
		}
	}
	if tampered {
		for i := range r.Tests {
			r.Tests[i].Score = 0
		}
		r.Notes = append(r.Notes, "a tampered test voids the whole submission's score")
	}
	r.Tally()
	if o.KeepDir != "" {
		if r.Binary, err = keep(b.Binary, o.KeepDir, s.Slug+"-"+sub.Name+".test"); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// keep copies the test binary into dir.
func keep(binary, dir, name string) (string, error) {
	data, err := os.ReadFile(binary)
	if err != nil {
		return "", fmt.Errorf("grade: keep: %w", err)
	}
	dest, err := filepath.Abs(filepath.Join(dir, strings.ReplaceAll(name, string(filepath.Separator), "_")))
	if err != nil {
		return "", fmt.Errorf("grade: keep: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("grade: keep: %w", err)
	}
	if err := os.WriteFile(dest, data, 0o755); err != nil {
		return "", fmt.Errorf("grade: keep: %w", err)
	}
	return dest, nil
}

// score is the test's points times its pass rate. Only ordinary failures
// (fail, leak, deadlock reported by the test) earn partial credit under
// -count/-cpu stress: a race report, a panic or a timeout ends or taints the
// whole process, and the race detector reports each race only once.
func score(j verdict.Judgement, t spec.Test) float64 {
	switch j.Verdict {
	case verdict.Pass:
		return float64(t.Points)
	case verdict.Fail, verdict.Leak, verdict.Deadlock:
		return float64(t.Points) * float64(j.Passed) / float64(t.Runs())
	}
	return 0
}

func runExclusive(ctx context.Context, gate *sync.RWMutex, alone bool, o run.Options) (*run.Result, error) {
	if alone {
		gate.Lock()
		defer gate.Unlock()
	} else {
		gate.RLock()
		defer gate.RUnlock()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return run.Test(ctx, o)
}

func notRun(r *report.Report, msg string) *report.Report {
	for i := range r.Tests {
		r.Tests[i].Verdict = verdict.NotRun
		r.Tests[i].Message = msg
	}
	r.Tally()
	return r
}

// learnerSource maps a file of the test binary (module path + file name with
// -trimpath) to the learner's terms; files that are not the learner's are rejected.
func learnerSource(sub *submission.Submission) func(string, int) (string, bool) {
	names := map[string]bool{}
	for _, f := range sub.Files {
		names[f.Name] = true
	}
	return func(file string, line int) (string, bool) {
		dir, base := path.Split(filepath.ToSlash(file))
		if !names[base] || strings.TrimSuffix(dir, "/") != build.ModulePath {
			return "", false
		}
		return sub.Locate(base, line), true
	}
}
