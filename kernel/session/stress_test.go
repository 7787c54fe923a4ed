package session

import (
	"context"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/cell"
	"golang.org/x/tools/txtar"
)

var (
	stressRounds = flag.Int("stress.rounds", 50, "TestStress: rounds per program")
	stressRun    = flag.String("stress.run", "", "TestStress: only the corpus programs whose name matches this regexp")
)

// TestStress runs every program of the conformance corpus
// (kernel/cell/testdata/conformance) that starts goroutines -stress.rounds
// times in a row in one session (50 by default; fewer for a program whose
// corpus comment says "stress-rounds: N", unless the flag is given); a
// program passes only if every round prints what `go run` printed. The
// long run (the loop-variable programs,
// 10,000 rounds) is
//
//	go test ./kernel/session -run TestStress -stress.run 'loopvar|mutex_counter' -stress.rounds 10000 -timeout 0 -v
func TestStress(t *testing.T) {
	if testing.Short() {
		t.Skip("stress: not in -short mode")
	}
	progs, err := StressCorpus("../cell/testdata/conformance")
	if err != nil {
		t.Fatal(err)
	}
	var only *regexp.Regexp
	if *stressRun != "" {
		only = regexp.MustCompile(*stressRun)
	}
	total, wrong := 0, 0
	for _, p := range progs {
		if only != nil && !only.MatchString(p.Name) {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			if p.KnownFailure != "" {
				t.Skip("known failure: " + p.KnownFailure)
			}
			rounds := *stressRounds
			if p.Rounds > 0 && !roundsSet() {
				rounds = min(rounds, p.Rounds)
			}
			res, err := Stress(context.Background(), p.Cells, p.Want, rounds, 30*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			total += res.Rounds
			wrong += res.Wrong
			if res.Wrong > 0 {
				t.Errorf("%d of %d rounds wrong:\n%s", res.Wrong, res.Rounds, strings.Join(res.First, "\n"))
			}
			if len(res.Unsettled) > 0 {
				t.Logf("goroutines still busy %v after a round (the next started anyway):\n%s", settleLimit, strings.Join(res.Unsettled, "\n"))
			}
		})
	}
	t.Logf("stress: %d rounds, %d wrong", total, wrong)
}

// roundsSet reports whether -stress.rounds was given: then every program
// runs that many rounds.
func roundsSet() bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "stress.rounds" })
	return set
}

// StressProgram is a corpus program that starts goroutines.
type StressProgram struct {
	Name         string
	Cells        []string
	Want         string
	KnownFailure string // the reason, if the corpus marks it known-failure
	// Rounds, if not 0, caps the rounds of the default run: the corpus
	// says "stress-rounds: N" for a program whose one round is already a
	// stress test of its own (and takes seconds in the interpreter).
	Rounds int
}

// StressCorpus reads the programs of a conformance corpus directory that
// start goroutines (a go statement, or a call of a method named Go, as
// sync.WaitGroup and errgroup.Group have, or time.AfterFunc).
func StressCorpus(dir string) ([]StressProgram, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		return nil, err
	}
	var progs []StressProgram
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			return nil, err
		}
		var src, want string
		for _, f := range ar.Files {
			switch f.Name {
			case "main.go":
				src = string(f.Data)
			case "want":
				want = string(f.Data)
			}
		}
		if !startsGoroutines(src) {
			continue
		}
		p := StressProgram{Name: strings.TrimSuffix(filepath.Base(file), ".txtar"), Cells: cell.CutCells(src), Want: want}
		for _, l := range strings.Split(string(ar.Comment), "\n") {
			if r, ok := strings.CutPrefix(l, "known-failure: "); ok {
				p.KnownFailure = r
			}
			if r, ok := strings.CutPrefix(l, "stress-rounds: "); ok {
				n, _, _ := strings.Cut(r, " ")
				if p.Rounds, err = strconv.Atoi(n); err != nil {
					return nil, fmt.Errorf("%s: stress-rounds: %w", file, err)
				}
			}
		}
		progs = append(progs, p)
	}
	return progs, nil
}

func startsGoroutines(src string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", src, 0)
	if err != nil {
		return false
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			found = true
		case *ast.SelectorExpr:
			if n.Sel.Name == "Go" || n.Sel.Name == "AfterFunc" {
				found = true
			}
		}
		return !found
	})
	return found
}
