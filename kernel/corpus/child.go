package corpus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/gopherlab/gopherlab/kernel/outbuf"
	"github.com/gopherlab/gopherlab/kernel/session"
)

// ChildEnv is the environment variable that turns a re-executed test
// binary or bench command into a child that runs programs (ServeChild).
const ChildEnv = "GOPHERLAB_CORPUS_CHILD"

// Request asks a child to run one program.
type Request struct {
	Cells    []string
	Raw      bool // yaegi alone, without the front end
	Combined bool // standard output and error go to one file
	Rounds   int  // run the cells this many times in one session (at least once)
	// SessionRounds, if not 0, starts a new session every that many rounds.
	SessionRounds int
}

// Response is what a child did with a Request, or what became of the child.
type Response struct {
	// Outcomes are the rounds' distinct results, each with how many rounds
	// ended so (10,000 rounds that agree make one).
	Outcomes []Outcome
	// Goroutines is the child's runtime.NumGoroutine() once the program ended.
	Goroutines int
	Elapsed    time.Duration // all rounds, in the session
	Err        string        // the child could not run it (no session)
	Crash      string        // the child died: its exit status and last words
	Timeout    time.Duration // the child ran out of this much time and was killed
}

// Outcome is the result of a round of cells.
type Outcome struct {
	Output string // standard output (and error, if Combined)
	Stderr string // standard error, unless Combined
	// Cell is the first cell that failed (1-based), 0 when all were ok.
	Cell     int
	ErrName  string // its error, as the kernel shows it
	ErrValue string
	Rounds   int // how many rounds ended so
	First    int // the first of them (0-based)
}

// ServeChild runs requests read from fd 3 and writes responses to fd 4
// until fd 3 ends; it returns the process's exit code. The programs'
// standard output and error go to temporary files, not to the process's.
func ServeChild() int {
	if err := childSettings(); err != nil {
		fmt.Fprintln(os.Stderr, "corpus child:", err)
		return 1
	}
	in, out := os.NewFile(3, "requests"), os.NewFile(4, "responses")
	if err := serve(in, out); err != nil {
		fmt.Fprintln(os.Stderr, "corpus child:", err)
		return 1
	}
	return 0
}

// childSettings makes the child's process what the kernel's worker is (see
// worker.Run and main.go): its arguments, goroutine labels in stack dumps, which the session reads,
// and the worker's stack limit, so that runaway recursion ends as it would
// in a notebook. Memory is bounded (childMemory) so that a runaway program
// ends its child, not the machine.
func childSettings() error {
	// Cells see the process's arguments: make them what worker.Run leaves
	// them (one, as under go run), whatever re-executed this child.
	os.Args = os.Args[:1]
	godebug := session.LabelsSetting
	if old := os.Getenv("GODEBUG"); old != "" {
		godebug = old + "," + godebug
	}
	if err := os.Setenv("GODEBUG", godebug); err != nil {
		return err
	}
	debug.SetMaxStack(256 << 20)
	debug.SetMemoryLimit(childMemory / 10 * 8)
	rl := syscall.Rlimit{Cur: childMemory, Max: childMemory}
	return syscall.Setrlimit(syscall.RLIMIT_AS, &rl)
}

// childMemory bounds a child's address space.
const childMemory = 8 << 30

func serve(in io.Reader, out io.Writer) error {
	dec, enc := json.NewDecoder(in), json.NewEncoder(out)
	dir, err := os.MkdirTemp("", "gopherlab-corpus-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for {
		var req Request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		resp := runRequest(dir, req)
		resp.Goroutines = runtime.NumGoroutine()
		if err := enc.Encode(resp); err != nil {
			return err
		}
	}
}

// runRequest runs a program in a new session, round after round.
func runRequest(dir string, req Request) Response {
	stdout, err := os.CreateTemp(dir, "stdout-")
	if err != nil {
		return Response{Err: err.Error()}
	}
	// Goroutines a program leaves behind may still write: they get
	// "file already closed".
	defer os.Remove(stdout.Name())
	defer stdout.Close()
	stderr := stdout
	if !req.Combined {
		if stderr, err = os.CreateTemp(dir, "stderr-"); err != nil {
			return Response{Err: err.Error()}
		}
		defer os.Remove(stderr.Name())
		defer stderr.Close()
	}
	newSession := func() (*session.Session, error) {
		// With the kernel's stdout buffer: the corpora check that it
		// keeps every program's output in order.
		return session.New(session.Options{Stdin: strings.NewReader(""), Stdout: stdout, Stderr: stderr, Raw: req.Raw, Buffer: make([]byte, outbuf.Size)})
	}
	s, err := newSession()
	if err != nil {
		return Response{Err: err.Error()}
	}
	var resp Response
	seen := map[Outcome]int{} // outcome (Rounds, First zero) -> index in resp.Outcomes
	var outAt, errAt int64
	start := time.Now()
	for round := range max(req.Rounds, 1) {
		if req.SessionRounds > 0 && round > 0 && round%req.SessionRounds == 0 {
			if s, err = newSession(); err != nil {
				return Response{Err: err.Error()}
			}
		}
		var o Outcome
		for i, src := range req.Cells {
			_, err := s.Execute(context.Background(), round*len(req.Cells)+i+1, src)
			if err != nil {
				o.Cell = i + 1
				o.ErrName, o.ErrValue = "error", err.Error()
				var e *session.Error
				if errors.As(err, &e) {
					o.ErrName, o.ErrValue = e.Name, e.Value
				}
				break
			}
		}
		o.Output, outAt = readFrom(stdout, outAt)
		if !req.Combined {
			o.Stderr, errAt = readFrom(stderr, errAt)
		}
		if i, ok := seen[o]; ok {
			resp.Outcomes[i].Rounds++
			continue
		}
		seen[o] = len(resp.Outcomes)
		o.Rounds, o.First = 1, round
		resp.Outcomes = append(resp.Outcomes, o)
	}
	resp.Elapsed = time.Since(start)
	return resp
}

// maxOutput bounds what is kept of a round's output.
const maxOutput = 1 << 20

// readFrom returns what f holds from offset at on, and its new end.
func readFrom(f *os.File, at int64) (string, int64) {
	fi, err := f.Stat()
	if err != nil {
		return "", at
	}
	end := fi.Size()
	n := min(end-at, maxOutput)
	buf := make([]byte, max(n, 0))
	k, _ := f.ReadAt(buf, at)
	s := string(buf[:k])
	if end-at > maxOutput {
		s += fmt.Sprintf("\n[... %d more bytes]\n", end-at-maxOutput)
	}
	return s, end
}
