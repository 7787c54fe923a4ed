package corpus

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Job is one program to run in one mode.
type Job struct {
	Program *Program
	Mode    string // Whole, Split, Notebook, Stress, FullLoop
	Raw     bool   // yaegi alone
	Rounds  int    // in one session (Stress), or in sessions of SessionRounds (FullLoop)
	// SessionRounds, if not 0, starts a new session after that many
	// rounds: a session keeps every cell it ran, so 10,000 rounds in one
	// session run out of memory (FullLoop).
	SessionRounds int
}

// ID names a job's run: "goroot/split/ken/chan.go", plus " raw" for
// yaegi alone.
func (j Job) ID() string {
	id := j.Program.Corpus + "/" + j.Mode + "/" + j.Program.Name
	if j.Raw {
		id += " raw"
	}
	return id
}

// Front is "yaegi" or "front end": what ran the cells.
func (j Job) Front() string {
	if j.Raw {
		return "yaegi"
	}
	return "front end"
}

// Run runs a job and judges it; excluded programs are not run.
func (r *Runner) RunJob(ctx context.Context, ex Exclusions, j Job) (Verdict, error) {
	if reason := ex.Reason(j.Program); reason != "" {
		return Verdict{Class: Excluded, Why: reason}, nil
	}
	cells, err := j.Program.Cells(j.Mode)
	if err != nil {
		return Verdict{}, fmt.Errorf("corpus: %s: %w", j.ID(), err)
	}
	resp, err := r.Run(ctx, Request{Cells: cells, Raw: j.Raw, Combined: j.Program.Want.Combined, Rounds: j.Rounds, SessionRounds: j.SessionRounds})
	if err != nil {
		return Verdict{}, err
	}
	return Judge(j.Program.Want, resp), nil
}

// Known lists the runs known not to pass (known.txt): job ID (see Job.ID)
// -> its verdict class, then "breaks" when yaegi alone runs it right.
type Known map[string]KnownFailure

// KnownFailure is a line of known.txt.
type KnownFailure struct {
	Class  string // Loud or Silent
	Breaks bool   // the front end fails a program that yaegi alone passes
	Note   string // the failure, for the reader
}

// ReadKnown reads known.txt: "ID class [breaks] # note" per line.
func ReadKnown(file string) (Known, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	k := Known{}
	for i, line := range strings.Split(string(data), "\n") {
		line, note, _ := strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 || (f[1] != Loud && f[1] != Silent) || (len(f) == 3 && f[2] != "breaks") || len(f) > 3 {
			return nil, fmt.Errorf("%s:%d: want \"ID loud|silent [breaks] # note\"", file, i+1)
		}
		k[f[0]] = KnownFailure{Class: f[1], Breaks: len(f) == 3, Note: strings.TrimSpace(note)}
	}
	return k, nil
}

// WriteKnown rewrites known.txt with the entries for the runs that ran
// replaced by what they did this time (ran: job ID -> whether it ran). An
// entry whose note starts with "flaky" stays when its run passed, and
// stays flaky when it failed.
func WriteKnown(file string, old, now Known, ran map[string]bool) error {
	merged := Known{}
	for id, kf := range old {
		if !ran[id] || strings.HasPrefix(kf.Note, "flaky") {
			merged[id] = kf
		}
	}
	for id, kf := range now {
		if o, ok := old[id]; ok && strings.HasPrefix(o.Note, "flaky") && !strings.HasPrefix(kf.Note, "flaky") {
			kf.Note = "flaky: " + kf.Note
		}
		merged[id] = kf
	}
	ids := make([]string, 0, len(merged))
	for id := range merged {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	b.WriteString(knownHeader)
	for _, id := range ids {
		kf := merged[id]
		line := id + " " + kf.Class
		if kf.Breaks {
			line += " breaks"
		}
		if kf.Note != "" {
			line += " # " + kf.Note
		}
		b.WriteString(line + "\n")
	}
	return os.WriteFile(file, []byte(b.String()), 0o644)
}

const knownHeader = `# Runs of the corpora that are known not to pass through the front end
# (go test ./kernel/corpus; rewrite with -known). One per line:
#   corpus/mode/program loud|silent [breaks] # what went wrong
# "silent" is a cell that lies: output that differs while the cells report
# success. "breaks" says that yaegi alone runs the program right: the front
# end broke it. The test fails on a run that does not pass and is not here,
# and on a known loud failure that turned silent. A note that starts with
# "flaky" keeps its line when the run passes.
`

// ModuleRoot finds the root of the module that holds dir.
func ModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("corpus: no go.mod above %s", dir)
		}
	}
}
