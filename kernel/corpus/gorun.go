package corpus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/tools/txtar"
)

// goRun builds a program inside the module at moduleRoot (so that its
// requirements resolve) and runs it twice with no input, each time
// within limit. It returns what the program does, and the faster run's
// time; when the two runs differ, the program cannot be judged
// (Want.Unknown says so).
func goRun(ctx context.Context, moduleRoot, src string, combined bool, limit time.Duration) (Want, time.Duration, error) {
	dir, err := os.MkdirTemp("", "gopherlab-gorun-")
	if err != nil {
		return Want{}, 0, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "main.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		return Want{}, 0, err
	}
	bin := filepath.Join(dir, "prog")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, file)
	build.Dir = moduleRoot
	if out, err := build.CombinedOutput(); err != nil {
		first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		return Want{Unknown: "go build fails: " + first}, 0, nil
	}
	var wants []Want
	var best time.Duration
	for i := range 2 {
		rctx, cancel := context.WithTimeout(ctx, limit)
		cmd := exec.CommandContext(rctx, bin)
		cmd.Dir = dir
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if combined {
			cmd.Stderr = &stdout
		}
		start := time.Now()
		err := cmd.Run()
		d := time.Since(start)
		timedOut := rctx.Err() != nil && ctx.Err() == nil
		cancel()
		if timedOut {
			return Want{Unknown: fmt.Sprintf("go run takes more than %v", limit)}, 0, nil
		}
		if i == 0 || d < best {
			best = d
		}
		w := Want{Output: stdout.String(), Combined: combined}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			w.Exit = ee.ExitCode()
		} else if err != nil {
			// The program spoiled its own run (yaegi's export1.go changes
			// the permissions of its directory).
			return Want{Unknown: "go run: " + err.Error()}, 0, nil
		}
		if w.Exit == 2 {
			// A panic or a fatal error: its first line is what counts; the
			// goroutine dump that follows has addresses.
			text := stderr.String()
			if combined {
				text = w.Output
			}
			if m := panicStart.FindStringIndex(text); m != nil {
				w.Panic = firstLine(text[m[0]:])
				if combined {
					w.Output = text[:m[0]]
				}
			}
		}
		wants = append(wants, w)
	}
	if wants[0] != wants[1] {
		return Want{Unknown: "go run prints differently from run to run"}, best, nil
	}
	return wants[0], best, nil
}

// panicStart finds the start of a panic or fatal error in a program's
// standard error.
var panicStart = regexp.MustCompile(`(?m)^(panic: |fatal error: )`)

// UpdateWant runs one of our corpus's programs with go run and rewrites
// its txtar file's want section and go-run-ms comment.
func UpdateWant(ctx context.Context, moduleRoot string, p *Program) error {
	w, took, err := goRun(ctx, moduleRoot, p.Source, false, 60*time.Second)
	if err != nil {
		return fmt.Errorf("corpus: %s: %w", p.ID(), err)
	}
	if w.Unknown != "" {
		return fmt.Errorf("corpus: %s: %s", p.ID(), w.Unknown)
	}
	ar, err := txtar.ParseFile(p.Path)
	if err != nil {
		return err
	}
	comment := regexp.MustCompile(`(?m)^go-run-ms: \d+\n`).ReplaceAllString(string(ar.Comment), "")
	ar.Comment = []byte(comment + fmt.Sprintf("go-run-ms: %d\n", took.Milliseconds()))
	want := []byte(formatWant(Want{Output: w.Output, Exit: w.Exit}))
	found := false
	for i := range ar.Files {
		if ar.Files[i].Name == "want" {
			ar.Files[i].Data, found = want, true
		}
	}
	if !found {
		ar.Files = append(ar.Files, txtar.File{Name: "want", Data: want})
	}
	return os.WriteFile(p.Path, txtar.Format(ar), 0o644)
}

// recorded is one program's entry in the record of go run.
type recorded struct {
	Want
	hash string
}

// recordEntry is recorded as JSON.
type recordEntry struct {
	SHA256  string `json:"sha256"` // of the program's source
	Output  string `json:"output"` // standard output and error
	Exit    int    `json:"exit,omitempty"`
	Panic   string `json:"panic,omitempty"`
	Unknown string `json:"unknown,omitempty"`
	GoRunMS int64  `json:"go_run_ms"`
}

func sourceHash(src []byte) string {
	h := sha256.Sum256(src)
	return hex.EncodeToString(h[:])
}

func readGoRunRecord(file string) (map[string]recorded, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]recorded{}, nil
	}
	if err != nil {
		return nil, err
	}
	var entries map[string]recordEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("corpus: %s: %w", file, err)
	}
	rec := map[string]recorded{}
	for name, e := range entries {
		rec[name] = recorded{Want: Want{Output: e.Output, Combined: true, Exit: e.Exit, Panic: e.Panic, Unknown: e.Unknown}, hash: e.SHA256}
	}
	return rec, nil
}

// RecordGoRun runs yaegi's programs with go run (standard output and
// error together, as yaegi's println writes to standard output) and writes
// the record that LoadYaegi reads. Programs whose entry matches their
// source are not run again unless all is set. The record is written after
// every program, so an interrupted run loses nothing. progress, if set, is
// called after each program.
func RecordGoRun(ctx context.Context, moduleRoot string, progs []*Program, file string, all bool, progress func(done int)) error {
	entries := map[string]recordEntry{}
	if data, err := os.ReadFile(file); err == nil {
		if err := json.Unmarshal(data, &entries); err != nil {
			return fmt.Errorf("corpus: %s: %w", file, err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	have := map[string]bool{}
	var todo []*Program
	for _, p := range progs {
		have[p.Name] = true
		if e, ok := entries[p.Name]; ok && e.SHA256 == sourceHash([]byte(p.Source)) && !all {
			continue
		}
		todo = append(todo, p)
	}
	// Builds and runs are slow: a few at once. Each program's run still
	// has its time limit to itself.
	var mu sync.Mutex
	var firstErr error
	next := make(chan *Program)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for p := range next {
				w, took, err := goRun(ctx, moduleRoot, p.Source, true, 10*time.Second)
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = fmt.Errorf("corpus: %s: %w", p.ID(), err)
					}
				} else {
					entries[p.Name] = recordEntry{SHA256: sourceHash([]byte(p.Source)), Output: w.Output, Exit: w.Exit, Panic: w.Panic, Unknown: w.Unknown, GoRunMS: took.Milliseconds()}
					if err := writeRecord(file, entries); err != nil && firstErr == nil {
						firstErr = err
					}
				}
				n := len(entries)
				mu.Unlock()
				if progress != nil {
					progress(n)
				}
			}
		})
	}
	for _, p := range todo {
		next <- p
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	for name := range entries {
		if !have[name] {
			delete(entries, name)
		}
	}
	return writeRecord(file, entries)
}

func writeRecord(file string, entries map[string]recordEntry) error {
	data, err := json.MarshalIndent(entries, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(file, append(data, '\n'), 0o644)
}
