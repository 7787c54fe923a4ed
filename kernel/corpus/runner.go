package corpus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Runner runs programs in child processes, one program at a time in each,
// as many children as there are concurrent calls of Run. A child that dies
// or runs out of time is dropped; the next Run starts a fresh one.
type Runner struct {
	// Command returns the command that starts a child: this executable
	// again, with ChildEnv set so that it calls ServeChild.
	Command func() *exec.Cmd
	// Timeout bounds one round of a program.
	Timeout time.Duration
	// MaxGoroutines retires a child that has more goroutines than this once
	// a program ended (programs leave goroutines behind, some of them busy).
	MaxGoroutines int

	mu     sync.Mutex
	idle   []*child
	closed bool
}

// child is one child process.
type child struct {
	cmd     *exec.Cmd
	req     *os.File      // its requests' pipe
	replies chan Response // closed when its responses' pipe ends
	stderr  *headBuffer   // what it wrote to its own stdout and stderr during a request
}

// Run runs one program in a child. Its error is the runner's own (the
// child cannot start); what the program did, a crash and a timeout
// included, is in the Response.
func (r *Runner) Run(ctx context.Context, req Request) (Response, error) {
	c, err := r.get()
	if err != nil {
		return Response{}, err
	}
	c.stderr.reset()
	if err := json.NewEncoder(c.req).Encode(req); err != nil {
		r.kill(c)
		return Response{Crash: "writing the request: " + err.Error() + c.lastWords()}, nil
	}
	timeout := r.Timeout * time.Duration(max(req.Rounds, 1))
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case resp, ok := <-c.replies:
		if !ok {
			return Response{Crash: r.kill(c)}, nil
		}
		if r.MaxGoroutines > 0 && resp.Goroutines > r.MaxGoroutines {
			r.kill(c)
		} else {
			r.put(c)
		}
		return resp, nil
	case <-timer.C:
		r.kill(c)
		return Response{Timeout: timeout}, nil
	case <-ctx.Done():
		r.kill(c)
		return Response{}, ctx.Err()
	}
}

// Close ends the idle children. Call it once every Run returned.
func (r *Runner) Close() {
	r.mu.Lock()
	idle := r.idle
	r.idle, r.closed = nil, true
	r.mu.Unlock()
	for _, c := range idle {
		c.req.Close() // the child's ServeChild returns at the end of its requests
		c.cmd.Wait()
	}
}

func (r *Runner) get() (*child, error) {
	r.mu.Lock()
	if n := len(r.idle); n > 0 {
		c := r.idle[n-1]
		r.idle = r.idle[:n-1]
		r.mu.Unlock()
		return c, nil
	}
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return nil, errors.New("corpus: runner closed")
	}
	return r.start()
}

func (r *Runner) put(c *child) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		go r.kill(c)
		return
	}
	r.idle = append(r.idle, c)
}

func (r *Runner) start() (*child, error) {
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	respR, respW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, err
	}
	c := &child{cmd: r.Command(), req: reqW, replies: make(chan Response), stderr: &headBuffer{max: 4 << 10}}
	c.cmd.ExtraFiles = []*os.File{reqR, respW} // fds 3 and 4
	c.cmd.Stdout, c.cmd.Stderr = c.stderr, c.stderr
	err = c.cmd.Start()
	reqR.Close()
	respW.Close()
	if err != nil {
		reqW.Close()
		respR.Close()
		return nil, fmt.Errorf("corpus: start a child: %w", err)
	}
	// The reader ends when the child's end of the pipe closes: when it
	// exits or is killed.
	go func() {
		defer close(c.replies)
		defer respR.Close()
		dec := json.NewDecoder(respR)
		for {
			var resp Response
			if err := dec.Decode(&resp); err != nil {
				return
			}
			c.replies <- resp
		}
	}()
	return c, nil
}

// kill ends a child and says how it ended.
func (r *Runner) kill(c *child) string {
	c.req.Close()
	c.cmd.Process.Kill()
	err := c.cmd.Wait()
	for range c.replies { // let the reader end
	}
	status := "killed"
	if err != nil {
		status = err.Error()
	}
	return status + c.lastWords()
}

func (c *child) lastWords() string {
	s := strings.TrimSpace(c.stderr.String())
	if s == "" {
		return ""
	}
	return "\n" + s
}

// headBuffer keeps the first max bytes written to it since its last
// reset: the start of a crash ("fatal error: stack overflow") says what
// happened, its thousands of goroutine frames do not.
type headBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (h *headBuffer) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (h *headBuffer) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.b = h.b[:0]
}

func (h *headBuffer) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return string(h.b)
}
