// Package grade grades one submission of one exercise: build, run each
// graded test in its own process, judge, and collect the report.
package grade

import (
	"bytes"
	"context"

	"errors"
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
	"github.com/gopherlab/gopherlab/grader/sandbox"
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
	// Sandbox: SandboxAuto (""), SandboxRequire or SandboxOff.
	Sandbox string
	// Parallel is how many test processes of this submission run at once,
	// each test's iterations one after another; 0: the machine's CPUs, at
	// most 2. Speedup tests still run alone (Exclusive).
	Parallel int
	// Exercise is how the learner names the exercise on the command line,
	// for reproduce lines; "": the exercise's slug.
	Exercise string
}

// BuildTimeout bounds building one submission (compile, vet), apart from its time budget.
const BuildTimeout = 10 * time.Minute

// Sandbox modes.
const (
	SandboxAuto    = ""        // use the OS sandbox when the machine allows it; say loudly when not
	SandboxRequire = "require" // refuse to grade without it
	SandboxOff     = "off"     // never (benchmarks, debugging); the report says so
)

// ErrNoSandbox is returned under SandboxRequire when the machine allows no sandbox.
var ErrNoSandbox = errors.New("grade: --require-sandbox: this machine allows no sandbox")

// UnsandboxedNote starts the note of a report graded without the OS sandbox.
const UnsandboxedNote = "NOT SANDBOXED"

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
	report.Sanitize(r)
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

// Submission grades an already loaded submission. Every text in the report
// is cleaned of control characters (report.Sanitize).
func Submission(ctx context.Context, s *spec.Spec, sub *submission.Submission, o Options) (*report.Report, error) {
	r, err := gradeSubmission(ctx, s, sub, o)
	if r != nil {
		report.Sanitize(r)
	}
	return r, err
}

func gradeSubmission(ctx context.Context, s *spec.Spec, sub *submission.Submission, o Options) (*report.Report, error) {
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
	// The machine is probed for a sandbox beside the build; the goroutine
	// ends with the probe, and its result is read after the build.
	probed := make(chan error, 1)
	if o.Sandbox != SandboxOff {
		go func() { probed <- sandbox.Available() }()
	}
	defer func() { r.Duration = report.JSONDuration(time.Since(began)) }()

	work, err := os.MkdirTemp(o.WorkDir, "gopherlab-grade-")
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	defer os.RemoveAll(work)

	// The build has its own limit: a busy machine's compile time is not the
	// learner's. The submission's time budget covers its tests.
	buildCtx, cancelBuild := context.WithTimeout(ctx, BuildTimeout)
	b, err := build.Build(buildCtx, env, s, sub, work)
	buildTimedOut := errors.Is(buildCtx.Err(), context.DeadlineExceeded)
	cancelBuild()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("grade: %s: %w", s.Slug, ctx.Err())
		}
		if buildTimedOut {
			return notRun(r, fmt.Sprintf("the build took longer than %v", BuildTimeout)), nil
		}
		return nil, fmt.Errorf("grade: %s: %w", s.Slug, err)
	}
	budgetCtx := ctx
	if d, _ := s.TimeoutDuration(); d > 0 {
		var cancel context.CancelFunc
		budgetCtx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	r.Commands = b.Commands
	useSandbox := false
	switch o.Sandbox {
	case SandboxOff:
		r.Notes = append(r.Notes, UnsandboxedNote+": the tests ran without the OS sandbox (--no-sandbox): a submission could read or change files of this machine")
	default:
		if err := <-probed; err != nil {
			if o.Sandbox == SandboxRequire {
				return nil, fmt.Errorf("%w: %v", ErrNoSandbox, err)
			}
			r.Notes = append(r.Notes, UnsandboxedNote+": this machine allows no namespaces ("+err.Error()+"); the tests ran only in an empty directory with resource limits, and could read files of this machine. Instructors: grade with --require-sandbox on a machine that allows it")
		} else {
			useSandbox = true
		}
	}
	r.Env.Sandboxed = useSandbox
	var checked *sandbox.Binary // hashed once, sealed in memory where the kernel can
	if b.Failed == "" && useSandbox {
		if checked, err = sandbox.OpenBinary(b.Binary); err != nil {
			return nil, fmt.Errorf("grade: %w", err)
		}
		defer checked.Close()
	}
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

	g := &grading{
		s: s, o: o, sub: sub, r: r, b: b, gate: gate, procs: procs,
		source: learnerSource(sub), sandbox: useSandbox, checked: checked,
		ctx: ctx, budget: budgetCtx,
	}
	if err := g.runTests(); err != nil {
		return nil, err
	}
	tampered := false
	for i := range r.Tests {
		tampered = tampered || r.Tests[i].Verdict == verdict.Tampered
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

// grading is one submission's test runs, shared by the goroutines of runTests.
type grading struct {
	s       *spec.Spec
	o       Options
	sub     *submission.Submission
	r       *report.Report
	b       *build.Result
	gate    *sync.RWMutex
	procs   int
	source  func(string, int) (string, bool)
	sandbox bool
	checked *sandbox.Binary
	ctx     context.Context // the caller's
	budget  context.Context // the submission's time budget

	mu         sync.Mutex
	hungInInit string // the test whose process hung before any test started
}

// runTests runs the graded tests, Options.Parallel at a time in the spec's order,
// each test's iterations one after another, and fills in r.Tests. The
// goroutines end before it returns. An error is the machine's or the
// caller's (a cancelled context), never the submission's.
func (g *grading) runTests() error {
	var (
		wg      sync.WaitGroup
		next    int
		mu      sync.Mutex
		failure error
	)
	ctx, cancel := context.WithCancel(g.budget)
	defer cancel()
	parallel := g.o.Parallel
	if parallel <= 0 {
		parallel = min(runtime.NumCPU(), 2)
	}
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				stop := failure != nil
				mu.Unlock()
				if stop || i >= len(g.s.Tests) {
					return
				}
				if err := g.test(ctx, i); err != nil {
					mu.Lock()
					if failure == nil {
						failure = err
					}
					mu.Unlock()
					cancel()
					return
				}
			}
		}()
	}
	wg.Wait()
	if failure != nil {
		return failure
	}
	return nil
}

// test runs test i (every iteration, each in its own process) and judges it into r.Tests[i].
func (g *grading) test(budgetCtx context.Context, i int) error {
	s, o, t, rt := g.s, g.o, g.s.Tests[i], &g.r.Tests[i]
	ctx := g.ctx
	if !g.b.HiddenTests[t.Name] {
		rt.Verdict = verdict.NotRun
		rt.Message = "the hidden tests have no " + t.Name + " (a problem of the exercise, not of the submission)"
		return nil
	}
	g.mu.Lock()
	hung := g.hungInInit
	g.mu.Unlock()
	if hung != "" {
		// Package initialisation is the same for every test: it would hang again.
		rt.Verdict = verdict.Timeout
		rt.Message = "not run: the test binary hung before any test started (see " + hung + ")"
		return nil
	}
	if g.budget.Err() != nil {
		rt.Verdict = verdict.NotRun
		rt.Message = "the submission's time budget (" + s.Timeout + ") ran out before this test"
		return nil
	}
	timeout, _ := t.TimeoutDuration()
	seed := int64(0)
	if t.Shuffle {
		seed = o.Seed
		if seed == 0 {
			seed = rand.Int64N(1<<31) + 1
		}
		rt.Flags.Seed = seed
	}
	// Each iteration of a -count/-cpu stress runs in its own process, so
	// one bad run costs only its share, and a run earns its share only
	// when its own process passed (exit 0, complete consistent events).
	var (
		first   *verdict.Judgement // the first iteration that did not pass
		firstAt *run.Result
		last    *run.Result
		passed  int
		ran     int
		stopped string
		total   time.Duration
	)
	for _, cpu := range iterations(t) {
		if g.budget.Err() != nil {
			stopped = "the submission's time budget (" + s.Timeout + ") ran out"
			break
		}
		opts := run.Options{
			Binary: g.b.Binary, Test: t.Name, Count: 1, CPU: cpu, Shuffle: t.Shuffle, Seed: seed,
			Timeout: timeout, GOMAXPROCS: g.procs, MemoryMB: s.MemoryMB,
			Sandbox: g.sandbox, Checked: g.checked,
		}
		res, err := runExclusive(budgetCtx, g.gate, t.Kind == spec.KindSpeedup, opts)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("grade: %s: %w", s.Slug, ctx.Err())
			}
			if g.budget.Err() != nil {
				stopped = "the submission's time budget (" + s.Timeout + ") ran out"
				break
			}
			if budgetCtx.Err() != nil {
				return nil // another test failed for the machine: its error is returned
			}
			return fmt.Errorf("grade: %s: %w", s.Slug, err)
		}
		if res.Killed == "cancelled" {
			if ctx.Err() != nil {
				return fmt.Errorf("grade: %s: %w", s.Slug, ctx.Err())
			}
			if g.budget.Err() == nil {
				return nil // another test failed for the machine: its error is returned
			}
			stopped = "the submission's time budget (" + s.Timeout + ") ran out"
			break
		}
		ran++
		last = res
		total += res.Duration
		g.mu.Lock()
		if !res.Isolated {
			g.r.Env.NetworkIsolated = false
		}
		if res.Sandboxed && g.r.Env.Protections == nil {
			g.r.Env.Protections = res.Protections
		}
		g.mu.Unlock()
		j := verdict.Judge(verdict.Input{Test: t.Name, Runs: 1, Output: res.Output, Exit: res.Exit, Killed: res.Killed, Source: g.source, Diagnostics: g.b.Diagnostics})
		if j.Verdict == verdict.Pass {
			passed++
			continue
		}
		if first == nil || (j.Verdict == verdict.Tampered && first.Verdict != verdict.Tampered) {
			first, firstAt = &j, res
		}
		if res.Killed == "timeout" && !bytes.Contains(res.Output, []byte("\x16=== RUN")) {
			g.mu.Lock()
			if g.hungInInit == "" {
				g.hungInInit = t.Name
			}
			g.mu.Unlock()
			first.Message = "the test binary hung before any test started (package initialisation never finished)"
			break
		}
		if res.Killed != "" || j.Verdict == verdict.Tampered || j.Verdict == verdict.Timeout {
			// A killed or forged run would cost its full time again.
			break
		}
	}
	rt.Duration = report.JSONDuration(total)
	rt.Reproduce = reproduce(s, o, t, g.sub.Name, rt.Flags.Seed)
	rt.Passed = passed
	rt.Score = float64(t.Points) * float64(passed) / float64(t.Runs())
	rt.Flaky = passed > 0 && passed < t.Runs()
	switch {
	case first == nil && ran == 0:
		rt.Verdict = verdict.NotRun
		rt.Message = stopped + " before this test"
	case first == nil && passed == t.Runs():
		rt.Verdict = verdict.Pass
		rt.Command = last.Command(g.b.Binary)
	case first == nil:
		rt.Verdict = verdict.NotRun
		rt.Message = fmt.Sprintf("%s after %d of %d runs", stopped, ran, t.Runs())
		rt.Command = last.Command(g.b.Binary)
	default:
		rt.Verdict = first.Verdict
		rt.Message = first.Message
		rt.Locations = first.Locations
		rt.Detail = first.Detail
		rt.Command = firstAt.Command(g.b.Binary)
		if t.Runs() > 1 {
			rt.Message += fmt.Sprintf(" (%d of %d runs passed)", passed, t.Runs())
		}
	}
	return nil
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

// reproduce is the command that grades test t of this submission again.
func reproduce(s *spec.Spec, o Options, t spec.Test, name string, seed int64) string {
	ex := o.Exercise
	if ex == "" {
		ex = s.Slug
	}
	parts := []string{"gopherlab grade"}
	if s.PublicChecks {
		parts = append(parts, "--public")
	}
	parts = append(parts, "--exercise", shellWord(ex), "--run", t.Name)
	if seed != 0 {
		parts = append(parts, "--seed", fmt.Sprint(seed))
	}
	return strings.Join(append(parts, shellWord(name)), " ")
}

func shellWord(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '.' || r == '_' || r == '/' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// iterations lists the -test.cpu value of each process of a test: count
// times each CPU setting ("" when the spec names none).
func iterations(t spec.Test) []string {
	cpus := []string{""}
	if t.CPU != "" {
		cpus = strings.Split(t.CPU, ",")
	}
	var its []string
	for range max(t.Count, 1) {
		its = append(its, cpus...)
	}
	return its
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
