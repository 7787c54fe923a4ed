package corpus_test

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/corpus"
)

var (
	update     = flag.Bool("update", false, "rewrite our corpus's want sections from go run")
	writeKnown = flag.Bool("known", false, "rewrite known.txt with the failures of the runs that ran")
	timeout    = flag.Duration("timeout-per-program", 30*time.Second, "time for one round of a program (the bench command excludes programs over 10 s)")
)

func TestMain(m *testing.M) {
	if os.Getenv(corpus.ChildEnv) != "" {
		os.Exit(corpus.ServeChild())
	}
	os.Exit(m.Run())
}

// stressRounds is how often test.sh runs each program of our corpus that
// starts goroutines, in one session, unless the program asks for fewer
// (stress-rounds: N in its comment, for a program that is a stress test
// of its own: select_fanin_stress passes 120,000 values, 3 s a round in
// the interpreter). The bench command runs every one 50 times.
const stressRounds = 50

// TestCorpus runs our corpus (as the learner's cells, whole and split,
// and its goroutine programs 50 times in a row in one session, whole) and
// GOROOT/test's `// run`
// programs (whole and split) through the front end, one subtest per
// program and mode:
//
//	go test ./kernel/corpus -run 'TestCorpus/goroot/split/ken/chan.go' -v
//
// A run that does not pass fails its subtest unless known.txt lists it,
// and a known loud failure that turned silent fails it too. When the front
// end fails a program, yaegi alone runs it as well: if yaegi passes, the
// front end broke it, which fails the subtest unless known.txt says so.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus: not in -short mode")
	}
	root, err := corpus.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	paths, err := corpus.FindPaths(root)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := corpus.ReadExclusions("exclude.txt")
	if err != nil {
		t.Fatal(err)
	}
	known, err := corpus.ReadKnown("known.txt")
	if err != nil {
		t.Fatal(err)
	}
	ours, err := corpus.LoadOurs(paths.Ours)
	if err != nil {
		t.Fatal(err)
	}
	goroot, err := corpus.LoadGoroot(paths.Goroot, corpus.Goroot)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		for _, p := range ours {
			if err := corpus.UpdateWant(context.Background(), root, p); err != nil {
				t.Error(err)
			}
		}
		return
	}
	for corp, progs := range map[string][]*corpus.Program{corpus.Ours: ours, corpus.Goroot: goroot} {
		for _, id := range ex.Stale(corp, progs) {
			t.Errorf("exclude.txt names %s, which is not a program of the corpus", id)
		}
	}

	runner := &corpus.Runner{
		Command: func() *exec.Cmd {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), corpus.ChildEnv+"=1")
			return cmd
		},
		Timeout:       *timeout,
		MaxGoroutines: 100,
	}
	t.Cleanup(runner.Close)
	var table corpus.Table
	var mu sync.Mutex
	now, ran := corpus.Known{}, map[string]bool{}

	check := func(t *testing.T, j corpus.Job) {
		t.Parallel()
		ctx := context.Background()
		v, err := runner.RunJob(ctx, ex, j)
		if err != nil {
			t.Fatal(err)
		}
		table.Add(j, v)
		if v.Class == corpus.Excluded {
			t.Skip("excluded: " + v.Why)
		}
		id := j.ID()
		mu.Lock()
		ran[id] = true
		mu.Unlock()
		kf, isKnown := known[id]
		if v.Class == corpus.Pass {
			if isKnown {
				t.Logf("passes now; known.txt lists it as %s (rewrite it with -known)", kf.Class)
			}
			return
		}
		// It failed: does yaegi alone run it right?
		raw := j
		raw.Raw = true
		rv, err := runner.RunJob(ctx, ex, raw)
		if err != nil {
			t.Fatal(err)
		}
		breaks := rv.Class == corpus.Pass
		if breaks {
			table.Breaks(j, v)
		}
		mu.Lock()
		note := v.Kind
		if v.Class == corpus.Silent {
			note = v.Why
		}
		now[id] = corpus.KnownFailure{Class: v.Class, Breaks: breaks, Note: note}
		mu.Unlock()
		report := t.Errorf
		if *writeKnown {
			report = t.Logf
		}
		switch {
		case !isKnown:
			report("%s: %s\n%s", v.Class, v.Why, v.Detail)
		case v.Class == corpus.Silent && kf.Class == corpus.Loud:
			report("known to fail loudly, now fails silently: %s\n%s", v.Why, v.Detail)
		default:
			t.Logf("known failure (%s): %s", v.Class, v.Why)
		}
		if breaks && (!isKnown || !kf.Breaks) {
			report("the front end breaks a program that yaegi alone runs right")
		}
	}

	plan := []struct {
		progs  []*corpus.Program
		mode   string
		rounds int
		only   func(*corpus.Program) bool
	}{
		{ours, corpus.Notebook, 1, nil},
		{ours, corpus.Whole, 1, nil},
		{ours, corpus.Split, 1, nil},
		{ours, corpus.Stress, stressRounds, func(p *corpus.Program) bool { return p.Goroutines }},
		{goroot, corpus.Whole, 1, nil},
		{goroot, corpus.Split, 1, nil},
	}
	for _, step := range plan {
		t.Run(step.progs[0].Corpus+"/"+step.mode, func(t *testing.T) {
			for _, p := range step.progs {
				if step.only != nil && !step.only(p) {
					continue
				}
				n := step.rounds
				if step.mode == corpus.Stress {
					n = rounds(p)
				}
				t.Run(p.Name, func(t *testing.T) {
					if n != step.rounds {
						t.Logf("%d rounds, as the program asks (corpusbench runs %d)", n, step.rounds)
					}
					check(t, corpus.Job{Program: p, Mode: step.mode, Rounds: n})
				})
			}
		})
	}
	var b strings.Builder
	table.Print(&b, 25)
	t.Logf("corpus table (front end; yaegi alone runs only where the front end failed):\n%s", b.String())
	if *writeKnown {
		if err := corpus.WriteKnown("known.txt", known, now, ran); err != nil {
			t.Fatal(err)
		}
	}
}

// TestExclusions checks that exclude.txt lists every GOROOT program that
// AutoReason excludes, so that the list is the whole story there.
func TestExclusions(t *testing.T) {
	root, err := corpus.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	paths, err := corpus.FindPaths(root)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := corpus.ReadExclusions("exclude.txt")
	if err != nil {
		t.Fatal(err)
	}
	goroot, err := corpus.LoadGoroot(paths.Goroot, corpus.Goroot)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range goroot {
		if r := corpus.AutoReason(p); r != "" && ex[p.ID()] == "" {
			t.Errorf("exclude.txt does not list %s (%s)", p.ID(), r)
		}
	}
}

// rounds is how many stress rounds test.sh gives a program of ours: what
// it asks for, or stressRounds. Until the corpus's *_stress programs say
// stress-rounds: 10 (branch fe-loops), their name says it.
func rounds(p *corpus.Program) int {
	switch {
	case p.StressRounds > 0:
		return min(p.StressRounds, stressRounds)
	case strings.HasSuffix(p.Name, "_stress"):
		return 10
	}
	return stressRounds
}
