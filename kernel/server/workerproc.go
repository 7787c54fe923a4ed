package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gopherlab/gopherlab/kernel/kernelerr"
	"github.com/gopherlab/gopherlab/kernel/outbuf"
	"github.com/gopherlab/gopherlab/kernel/workerproto"
)

// workerProc is one running interpreter worker and the goroutines that read
// its pipes. All of them end when the worker exits; wait() waits for them.
type workerProc struct {
	cmd      *exec.Cmd
	requests *workerproto.Writer
	reqPipe  *os.File
	// first gets the worker's first event (ready); it is closed if the
	// event pipe ends before one.
	first chan workerproto.Message
	// adopt says whether the kernel took the worker on after its first
	// event: the later events are dispatched, or dropped.
	adopt chan bool
	// dispatched is closed once every event has been handed on.
	dispatched chan struct{}
	stdout     *stream
	stderr     *stream
	crash      *tail         // the worker's own stderr: the runtime's last words
	outFile    *os.File      // the file of the worker's stdout buffer (kernel/outbuf), nil if none
	bufferErr  error         // why there is none
	exited     chan struct{} // closed once the process has exited
	exitErr    error         // set before exited is closed
	wg         sync.WaitGroup

	mu      sync.Mutex
	waiting map[uint64]chan workerproto.Message // by request ID
}

// expect registers request id; its reply arrives on the channel.
func (p *workerProc) expect(id uint64) <-chan workerproto.Message {
	ch := make(chan workerproto.Message, 1)
	p.mu.Lock()
	p.waiting[id] = ch
	p.mu.Unlock()
	return ch
}

// forget unregisters request id.
func (p *workerProc) forget(id uint64) {
	p.mu.Lock()
	delete(p.waiting, id)
	p.mu.Unlock()
}

// deliver hands a reply to request id, and says whether it was waited for.
func (p *workerProc) deliver(id uint64, reply workerproto.Message) bool {
	p.mu.Lock()
	ch, ok := p.waiting[id]
	delete(p.waiting, id)
	p.mu.Unlock()
	if ok {
		ch <- reply // buffered, and one reply per ID
	}
	return ok
}

// startWorker starts argv as a worker. publish receives its output, and
// dispatch its events after the first one (see waitReady and adopted), in
// order, on the goroutine that reads them.
func startWorker(argv []string, env []string, publish func(name, text string, cell int), dispatch func(*workerProc, workerproto.Message)) (*workerProc, error) {
	nonceBytes := make([]byte, 8)
	rand.Read(nonceBytes)
	nonce := hex.EncodeToString(nonceBytes)

	// Four pipes: requests (the worker reads), events (it writes), and the
	// cell's stdout and stderr (it writes). The worker's ends are closed
	// here once it has them; on failure, every end is.
	var theirs, ours []*os.File
	closeAll := func(files []*os.File) {
		for _, f := range files {
			f.Close()
		}
	}
	for i := 0; i < 4; i++ {
		r, w, err := os.Pipe()
		if err != nil {
			closeAll(theirs)
			closeAll(ours)
			return nil, fmt.Errorf("server: worker pipe: %w", err)
		}
		if i == 0 { // requests: the worker reads
			theirs, ours = append(theirs, r), append(ours, w)
		} else {
			theirs, ours = append(theirs, w), append(ours, r)
		}
	}
	reqR, evW, outW, errW := theirs[0], theirs[1], theirs[2], theirs[3]
	reqW, evR, outR, errR := ours[0], ours[1], ours[2], ours[3]

	p := &workerProc{
		requests:   workerproto.NewWriter(reqW),
		reqPipe:    reqW,
		first:      make(chan workerproto.Message, 1),
		adopt:      make(chan bool, 1),
		dispatched: make(chan struct{}),
		waiting:    map[uint64]chan workerproto.Message{},
		stdout:     newStream("stdout", nonce, publish),
		stderr:     newStream("stderr", nonce, publish),
		crash:      newTail(64 << 10),
		exited:     make(chan struct{}),
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), env...), "GOPHERLAB_NONCE="+nonce)
	// The file of the worker's stdout buffer: the worker maps it; after
	// a crash the kernel reads what the worker had not written yet.
	// Without one (no writable temporary directory), the worker writes
	// each line through: slower, the same output.
	outFile, err := stdoutBufferFile()
	if err == nil {
		p.outFile = outFile
		cmd.Env = append(cmd.Env, workerproto.StdoutBufferEnv+"=6")
	} else {
		p.bufferErr = err
	}
	cmd.Stdin = nil // /dev/null
	cmd.Stdout = outW
	cmd.Stderr = p.crash
	cmd.ExtraFiles = []*os.File{reqR, evW, errW, outFile}
	// Its own process group, so that a restart also ends the processes a
	// cell started; and it dies with the kernel.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		closeAll(theirs)
		closeAll(ours)
		outFile.Close()
		return nil, fmt.Errorf("server: start worker %s: %w", strings.Join(argv, " "), err)
	}
	closeAll(theirs)
	p.cmd = cmd

	p.wg.Add(4)
	go func() { defer p.wg.Done(); p.stdout.forward(outR); outR.Close() }()
	go func() { defer p.wg.Done(); p.stderr.forward(errR); errR.Close() }()
	go func() {
		defer p.wg.Done()
		defer close(p.dispatched)
		defer evR.Close()
		r := workerproto.NewReader(evR)
		first, adopted := true, false
		for {
			ev, err := r.Read()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					fmt.Fprintf(p.crash, "gopherlab kernel: worker events: %v\n", err)
				}
				if first {
					close(p.first)
				}
				return
			}
			switch {
			case first:
				// The events after the first wait until the kernel has
				// taken the worker on (or has given up on it).
				first = false
				p.first <- ev
				adopted = <-p.adopt
			case adopted:
				// Here rather than on another goroutine: one hand-off
				// less per reply.
				dispatch(p, ev)
			}
		}
	}()
	go func() {
		defer p.wg.Done()
		p.exitErr = cmd.Wait()
		reqW.Close()
		close(p.exited)
	}()
	return p, nil
}

// send writes one request to the worker.
func (p *workerProc) send(req workerproto.Message) error {
	if err := p.requests.Write(req); err != nil {
		return fmt.Errorf("server: worker request %s: %w", req.Kind(), err)
	}
	return nil
}

// kill ends the worker and every process in its group.
func (p *workerProc) kill() {
	if p.cmd.Process != nil {
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// quit asks the worker to dump its goroutines and exit (SIGQUIT).
func (p *workerProc) quit() {
	if p.cmd.Process != nil {
		p.cmd.Process.Signal(syscall.SIGQUIT)
	}
}

// stop closes the request pipe, which ends a healthy worker, and kills it if
// it has not exited within grace. It waits for every pipe reader.
func (p *workerProc) stop(grace time.Duration) {
	p.reqPipe.Close()
	select {
	case <-p.exited:
	case <-time.After(grace):
	}
	p.kill()
	<-p.exited
	p.drain(200 * time.Millisecond)
	// A process the cell started may still hold an output pipe: it is in the
	// worker's group and was killed with it, so the readers end promptly.
	p.wg.Wait()
	p.outFile.Close()
}

// drain waits up to limit for the output pipes to be read to their end.
func (p *workerProc) drain(limit time.Duration) {
	done := make(chan struct{})
	go func() {
		p.stdout.waitClosed()
		p.stderr.waitClosed()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(limit):
	}
}

// stdoutBufferFile returns an unlinked file of outbuf.Size bytes.
func stdoutBufferFile() (*os.File, error) {
	f, err := os.CreateTemp("", "gopherlab-stdout-")
	if err == nil {
		os.Remove(f.Name())
		if err = f.Truncate(outbuf.Size); err != nil {
			f.Close()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("server: worker stdout buffer: %w", err)
	}
	return f, nil
}

// leftover publishes the output that the worker's stdout buffer held when
// it died and had not written to the pipe. Call it after drain.
func (p *workerProc) leftover() {
	mem := make([]byte, outbuf.Size)
	if _, err := p.outFile.ReadAt(mem, 0); err == nil {
		p.stdout.leftover(mem)
	}
}

// lastWords turns the worker's exit into a cell error.
func (p *workerProc) lastWords() *kernelerr.Error {
	lines := p.crash.lines()
	e := &kernelerr.Error{Name: "WorkerDied"}
	var exitErr *exec.ExitError
	switch {
	case errors.As(p.exitErr, &exitErr) && exitErr.ExitCode() >= 0:
		e.Value = fmt.Sprintf("the Go process running the cells exited with status %d", exitErr.ExitCode())
	case p.exitErr != nil:
		e.Value = "the Go process running the cells was killed: " + p.exitErr.Error()
	default:
		e.Value = "the Go process running the cells exited"
	}
	start := firstLine(lines, "fatal error: ", "panic: ", "runtime: ", "SIGQUIT")
	if start < 0 {
		start = firstLine(lines, "goroutine ")
	}
	if start >= 0 {
		first := lines[start]
		if name, value, ok := strings.Cut(first, ": "); ok && !strings.HasPrefix(first, "goroutine ") {
			e.Name, e.Value = name, value
		}
		lines = lines[start:]
	}
	const maxLines = 80
	if len(lines) > maxLines {
		n := len(lines) - maxLines
		lines = append(lines[:maxLines:maxLines], fmt.Sprintf("... %d more lines", n))
	}
	e.Traceback = append([]string{e.Name + ": " + e.Value}, lines...)
	return e
}

// firstLine returns the index of the first line with one of the prefixes,
// or -1.
func firstLine(lines []string, prefixes ...string) int {
	for i, l := range lines {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				return i
			}
		}
	}
	return -1
}

// adopted says whether the kernel takes the worker on after waitReady:
// its events are dispatched from then on, or dropped.
func (p *workerProc) adopted(ok bool) { p.adopt <- ok }

// waitReady waits for the worker's ready event.
func (p *workerProc) waitReady(ctx context.Context, limit time.Duration) error {
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case ev, ok := <-p.first:
		if !ok {
			<-p.exited
			return fmt.Errorf("server: worker did not start: %s", p.lastWords().Value)
		}
		if _, ok := ev.(*workerproto.Ready); !ok {
			return fmt.Errorf("server: worker said %s before ready", ev.Kind())
		}
		return nil
	case <-t.C:
		return fmt.Errorf("server: worker not ready after %v", limit)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// tail keeps the last bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func newTail(max int) *tail { return &tail{max: max} }

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

func (t *tail) lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimRight(string(t.buf), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
