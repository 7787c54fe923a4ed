// Package worker is the interpreter process of the kernel (`gopherlab
// worker`). It reads requests from the kernel, runs cells in a session and
// sends back replies and displays. Everything a cell can touch lives here, so
// that a cell that crashes the process takes only the worker down.
//
// File descriptors (see ARCHITECTURE.md): 1 is the cell's stdout, 3 carries
// requests, 4 carries events, 5 is the cell's stderr.
package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gopherlab/gopherlab/kernel/display"
	"github.com/gopherlab/gopherlab/kernel/kernelerr"
	"github.com/gopherlab/gopherlab/kernel/outbuf"
	"github.com/gopherlab/gopherlab/kernel/session"
	"github.com/gopherlab/gopherlab/kernel/workerproto"
)

// idleAfter is how long the worker waits for the next request before it
// gives memory back.
const idleAfter = 250 * time.Millisecond

// stuckAfter is how long an interrupted cell may take to stop before the
// worker gives up on it and asks to be restarted.
const stuckAfter = 2 * time.Second

// Pipes are the worker's ends of its pipes to the kernel.
type Pipes struct {
	Requests io.Reader
	Events   io.Writer
	Stdout   *os.File // the cell's stdout
	Stderr   *os.File // the cell's stderr
	Nonce    string   // the sync marker nonce the kernel chose
	// StdoutBuffer, if set, is the memory in which the session gathers
	// the cells' standard output (kernel/outbuf): a shared mapping of a
	// file that the kernel reads if the worker dies.
	StdoutBuffer []byte
}

// InheritedPipes returns the pipes the kernel passes to a worker it starts.
func InheritedPipes() (Pipes, error) {
	nonce := os.Getenv("GOPHERLAB_NONCE")
	if nonce == "" {
		return Pipes{}, errors.New("worker: GOPHERLAB_NONCE is not set: the worker is started by `gopherlab kernel`, not by hand")
	}
	// The request pipe comes in blocking mode (the kernel's exec hands it
	// over so). Non-blocking, the goroutine that reads it parks in the
	// runtime's poller instead of holding its thread in read(2): a request
	// then reaches the goroutine that runs it without waiting for the
	// runtime to take the processor back from the blocked thread.
	if err := syscall.SetNonblock(3, true); err != nil {
		return Pipes{}, fmt.Errorf("worker: request pipe: %w", err)
	}
	p := Pipes{
		Requests: os.NewFile(3, "requests"),
		Events:   os.NewFile(4, "events"),
		Stdout:   os.Stdout,
		Stderr:   os.NewFile(5, "cell-stderr"),
		Nonce:    nonce,
	}
	// fd 6: the file of the stdout buffer, mapped and then closed (the
	// processes cells start must not inherit it).
	if os.Getenv(workerproto.StdoutBufferEnv) != "" {
		mem, err := syscall.Mmap(6, 0, outbuf.Size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
		if err != nil {
			return Pipes{}, fmt.Errorf("worker: stdout buffer: %w", err)
		}
		syscall.Close(6)
		os.Unsetenv(workerproto.StdoutBufferEnv)
		p.StdoutBuffer = mem
	}
	return p, nil
}

// Worker serves one kernel.
type Worker struct {
	pipes  Pipes
	events *workerproto.Writer
	sess   *session.Session
	stdin  *stdin
	seq    atomic.Uint64 // last sync marker written
	ran    []ranCell     // the Go code of the cells that ran, for %grade

	mu       sync.Mutex
	cancel   context.CancelFunc // cancels the running cell, nil when idle
	cellDone <-chan struct{}    // closed when the running cell is cancelled
	running  uint64             // id of the running execute request
	started  uint64             // id of the last execute request that started
	pending  uint64             // an interrupt that came before its execute request started
}

// Run serves requests until the kernel closes the request pipe or ctx ends.
func Run(ctx context.Context, p Pipes) error {
	// The process-wide settings, here and nowhere else: memory and stack
	// limits, goroutine labels in stack dumps (which the session reads, and
	// the processes cells start inherit), and where displays go.
	if _, err := applyLimits(); err != nil {
		return err
	}
	godebug := session.LabelsSetting
	if old := os.Getenv("GODEBUG"); old != "" {
		godebug = old + "," + godebug
	}
	if err := os.Setenv("GODEBUG", godebug); err != nil {
		return fmt.Errorf("worker: GODEBUG: %w", err)
	}
	// GOPHERLAB_WORKER_CPUPROFILE=file writes the worker's CPU profile,
	// for the kernel's benchmarks (the worker is a child process that
	// go test -cpuprofile does not see).
	if file := os.Getenv("GOPHERLAB_WORKER_CPUPROFILE"); file != "" {
		f, err := os.Create(file)
		if err != nil {
			return fmt.Errorf("worker: cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("worker: cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
		os.Unsetenv("GOPHERLAB_WORKER_CPUPROFILE") // not for the processes cells start
	}
	// Cells read os.Args as a program run with no arguments does ("go run
	// x.go" has one), not the worker's own command line.
	os.Args = os.Args[:1]
	w := &Worker{pipes: p, events: workerproto.NewWriter(p.Events)}
	w.stdin = &stdin{w: w, replies: make(chan string, 1)}
	sess, err := session.New(session.Options{Stdin: w.stdin, Stdout: p.Stdout, Stderr: p.Stderr,
		Raw:    os.Getenv("GOPHERLAB_FRONTEND") == "off",
		Mark:   func(n int) []byte { return workerproto.CellMarker(p.Nonce, n) },
		Buffer: p.StdoutBuffer,
		Chunk:  func(n uint64) []byte { return workerproto.ChunkMarker(p.Nonce, n) }})
	if err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	w.sess = sess
	// Setting up the interpreter leaves garbage behind: give it back before
	// the worker sits idle.
	debug.FreeOSMemory()
	display.SetSink(func(m display.Message) {
		content, err := json.Marshal(m.Content)
		if err == nil {
			err = w.send(&workerproto.Display{MsgType: m.Type, Content: content, Cell: w.sess.CellOf()})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "worker: display:", err)
		}
	})
	defer display.SetSink(nil)
	if err := w.events.Write(&workerproto.Ready{Version: runtime.Version()}); err != nil {
		return err
	}

	work := make(chan workerproto.Message)
	readErr := make(chan error, 1)
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { readErr <- w.readRequests(ctx, work) }() // ends when the pipe closes or ctx ends
	// Once no request has come for idleAfter, the worker collects and gives
	// the free pages back to the system: a worker sitting idle holds little
	// more than its live heap. (Collecting less often while cells run,
	// GOGC=400, cut the CPU of a trivial cell by about 7% but left the
	// worker 4 MB larger after 300 cells, even after this.)
	idle := time.NewTimer(idleAfter)
	defer idle.Stop()

	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-readErr:
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		case req := <-work:
			idle.Stop()
			if err := w.handle(ctx, req); err != nil {
				return err
			}
			idle.Reset(idleAfter)
		case <-idle.C:
			debug.FreeOSMemory() // a full collection, then the free pages go back
		}
	}
}

// readRequests passes work to the main loop and handles interrupts and input
// replies at once, even while a cell runs.
func (w *Worker) readRequests(ctx context.Context, work chan<- workerproto.Message) error {
	r := workerproto.NewReader(w.pipes.Requests)
	for {
		req, err := r.Read()
		if err != nil {
			return err
		}
		switch req := req.(type) {
		case *workerproto.Interrupt:
			w.interrupt(req.ID)
		case *workerproto.InputReply:
			select {
			case w.stdin.replies <- req.Value:
			default: // nobody asked: drop it
			}
		default:
			select {
			case work <- req:
			case <-ctx.Done():
				return nil
			}
		}
	}
}

// interrupt cancels the execute request id if it is the one running.
func (w *Worker) interrupt(id uint64) {
	w.mu.Lock()
	cancel := w.cancel
	if w.running != id {
		cancel = nil // it ended already; the next cell must not pay for it
		if id > w.started {
			w.pending = id // the request is on its way: cancel it when it starts
		}
	}
	w.mu.Unlock()
	if cancel != nil {
		cancel()
		w.sess.Interrupt()
	}
}

// sync writes the next marker into both output pipes and returns its number.
func (w *Worker) sync() uint64 {
	seq := w.seq.Add(1)
	m := workerproto.Marker(w.pipes.Nonce, seq)
	w.sess.FlushStdout(m) // after what the session gathered of the cells' output
	w.pipes.Stderr.Write(m)
	return seq
}

// send writes an event that must come after the output written so far.
func (w *Worker) send(m workerproto.Message) error {
	seq := w.sync()
	switch m := m.(type) {
	case *workerproto.ExecuteReply:
		m.Sync = seq
	case *workerproto.Display:
		m.Sync = seq
	case *workerproto.InputRequest:
		m.Sync = seq
	}
	return w.events.Write(m)
}

func (w *Worker) handle(ctx context.Context, req workerproto.Message) error {
	switch req := req.(type) {
	case *workerproto.Execute:
		return w.execute(ctx, req)
	case *workerproto.Complete:
		matches, start, end := w.sess.Complete(req.Code, req.Cursor)
		if matches == nil {
			matches = []string{}
		}
		return w.events.Write(&workerproto.CompleteReply{ID: req.ID, Matches: matches, CursorStart: start, CursorEnd: end})
	case *workerproto.Inspect:
		text, found := w.sess.Inspect(ctx, req.Code, req.Cursor)
		return w.events.Write(&workerproto.InspectReply{ID: req.ID, Found: found, Text: text})
	case *workerproto.IsComplete:
		status, indent := w.sess.IsComplete(req.Code)
		return w.events.Write(&workerproto.IsCompleteReply{ID: req.ID, Status: status, Indent: indent})
	default:
		return fmt.Errorf("worker: unexpected %s message from the kernel", req.Kind())
	}
}

func (w *Worker) execute(ctx context.Context, req *workerproto.Execute) error {
	if name, ok := helpRequest(req.Code); ok {
		text, found := w.sess.Help(ctx, name)
		if !found {
			text = "no documentation found for " + name
		}
		return w.send(&workerproto.ExecuteReply{ID: req.ID, Pager: text})
	}

	cellCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	w.mu.Lock()
	w.cancel, w.cellDone, w.running, w.started = cancel, cellCtx.Done(), req.ID, req.ID
	w.stdin.allow = req.AllowStdin
	if w.pending == req.ID {
		cancel()
	}
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.cancel, w.cellDone, w.running = nil, nil, 0
		w.mu.Unlock()
	}()

	res, reset, err := w.runCell(cellCtx, req.ExecCount, req.Code)
	if err == nil && !reset && cellCtx.Err() != nil {
		// The cell returned after the interrupt: it did not finish its
		// work, whatever returned (a wait that an interrupt ends).
		err = kernelerr.New("Interrupted", "the cell stopped; the session's state is kept")
	}
	var cellErr *kernelerr.Error
	// A deadlock's error lists the goroutines itself: no leak line above it.
	deadlock := errors.As(err, &cellErr) && cellErr.Name == "fatal error"
	if !reset && !deadlock {
		w.reportLeftover(req.ExecCount)
	}
	if err != nil {
		if cellErr == nil {
			cellErr = &kernelerr.Error{Name: "Error", Value: err.Error(), Traceback: []string{err.Error()}}
		}
		reply := &workerproto.ExecuteReply{ID: req.ID, Error: cellErr}
		if cellCtx.Err() != nil {
			lost, dump, stuck := w.waitForStop(stuckAfter)
			if len(lost) > 0 {
				value := "the cell stopped; the session's state is kept, but its goroutine stays blocked"
				reply.Error = &kernelerr.Error{Name: "Interrupted", Value: value, Traceback: append([]string{"Interrupted: " + value, ""}, lost...)}
			}
			if stuck {
				value := fmt.Sprintf("the cell did not stop within %v of the interrupt; the worker restarts", stuckAfter)
				reply.Restart = true
				reply.Error = &kernelerr.Error{Name: cellErr.Name, Value: value,
					Traceback: append([]string{"Interrupted: " + value, "", "Goroutines at the time:"}, strings.Split(dump, "\n")...)}
			}
		}
		return w.send(reply)
	}
	reply := &workerproto.ExecuteReply{ID: req.ID, Reset: reset}
	if res.Ok {
		if data, meta, ok := display.Bundle(res.Value); ok {
			if reply.Data, err = json.Marshal(data); err != nil {
				return fmt.Errorf("worker: encode the result: %w", err)
			}
			if reply.Metadata, err = json.Marshal(meta); err != nil {
				return fmt.Errorf("worker: encode the result: %w", err)
			}
			reply.Text, _ = data["text/plain"].(string)
		}
	}
	return w.send(reply)
}

// waitForStop waits until no goroutine is still evaluating the cell. When
// the ones that are have been parked for a while (in compiled code, which
// no interrupt reaches), it leaves them blocked and returns what was lost;
// when one still runs at limit, it returns the goroutine dump: the cell is
// stuck.
func (w *Worker) waitForStop(limit time.Duration) (lost []string, dump string, stuck bool) {
	start := time.Now()
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		if w.sess.Stopped() {
			return nil, "", false
		}
		if time.Since(start) > parkedFor {
			if lost, ok := w.sess.AbandonBlocked(); ok {
				return lost, "", false
			}
		}
		if time.Since(start) > limit {
			buf := make([]byte, 1<<20)
			return nil, string(buf[:runtime.Stack(buf, true)]), true
		}
		time.Sleep(wait)
	}
}

// parkedFor is how long an interrupted cell's evaluation may stay parked
// before the worker gives up on it and keeps the session.
const parkedFor = 200 * time.Millisecond

// reportLeftover shows, under the cell's output, a muted line about the
// goroutines cell n left running.
func (w *Worker) reportLeftover(n int) {
	line := w.sess.Leftover(n)
	if line == "" {
		return
	}
	content := map[string]any{
		"data": map[string]any{
			"text/plain": line,
			"text/html":  `<div style="color:#888;font-size:85%">` + html.EscapeString(line) + `</div>`,
		},
		"metadata":  map[string]any{},
		"transient": map[string]any{},
	}
	b, err := json.Marshal(content)
	if err == nil {
		err = w.send(&workerproto.Display{MsgType: "display_data", Content: b})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker: goroutine report:", err)
	}
}
