// Package kerneltest starts a real gopherlab kernel process on 127.0.0.1 and
// drives it over ZeroMQ, for tests and benchmarks of the kernel.
package kerneltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/wire"
)

// Build compiles the gopherlab binary into dir and returns its path. It is
// meant for TestMain.
func Build(dir string) (string, error) {
	bin := filepath.Join(dir, "gopherlab")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/gopherlab/gopherlab")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("kerneltest: build: %v\n%s", err, out)
	}
	return bin, nil
}

// RunWithBinary is the body of a TestMain that needs the gopherlab binary:
// it builds the binary into a temporary directory, sets *bin, runs the
// tests and removes the directory. TestMain passes the result to os.Exit.
func RunWithBinary(m *testing.M, bin *string) int {
	dir, err := os.MkdirTemp("", "gopherlab-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if *bin, err = Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// Kernel is a running kernel process with a client connected to it.
type Kernel struct {
	Conn   wire.Connection
	Client *wire.Client
	Cmd    *exec.Cmd
	Log    *syncBuffer // the kernel's own stderr

	iopub   chan *wire.Message
	stop    context.CancelFunc
	readers sync.WaitGroup

	mu      sync.Mutex
	stdout  strings.Builder               // every stdout stream message, in arrival order
	pending map[string][]*wire.Message    // iopub messages by parent msg_id
	waiting map[string]chan *wire.Message // reply waiters by request msg_id
}

// Start runs `bin kernel` with a fresh connection file in dir and waits until
// it answers kernel_info. env is added to the kernel's environment.
func Start(ctx context.Context, bin, dir string, env ...string) (*Kernel, error) {
	conn, err := FreeConnection()
	if err != nil {
		return nil, err
	}
	connFile := filepath.Join(dir, "connection-"+conn.Key[:8]+".json")
	b, _ := json.Marshal(conn)
	if err := os.WriteFile(connFile, b, 0o600); err != nil {
		return nil, fmt.Errorf("kerneltest: %w", err)
	}
	log := &syncBuffer{}
	cmd := exec.Command(bin, "kernel", "--connection-file", connFile)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = log
	cmd.Stdout = log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("kerneltest: start kernel: %w", err)
	}
	k, err := attach(ctx, conn, cmd, log)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("%w\nkernel log:\n%s", err, log.String())
	}
	return k, nil
}

// Attach connects to a kernel that is already running (for example in the
// test's own process) and waits until it answers kernel_info.
func Attach(ctx context.Context, conn wire.Connection) (*Kernel, error) {
	return attach(ctx, conn, nil, &syncBuffer{})
}

func attach(ctx context.Context, conn wire.Connection, cmd *exec.Cmd, log *syncBuffer) (*Kernel, error) {
	k := &Kernel{Conn: conn, Cmd: cmd, Log: log, iopub: make(chan *wire.Message, 1<<16),
		pending: map[string][]*wire.Message{}, waiting: map[string]chan *wire.Message{}}
	cctx, stop := context.WithCancel(context.Background())
	k.stop = stop
	var err error
	k.Client, err = wire.Dial(cctx, conn)
	if err != nil {
		stop()
		return nil, err
	}
	k.readers.Add(3)
	go k.readReplies(k.Client.Shell)
	go k.readReplies(k.Client.Control)
	go func() { // ends when the client's IOPub socket closes
		defer k.readers.Done()
		for {
			m, err := k.Client.IOPub.Recv()
			if err != nil {
				if errors.Is(err, wire.ErrMalformed) || errors.Is(err, wire.ErrBadSignature) {
					continue
				}
				close(k.iopub)
				return
			}
			k.record(m)
			k.iopub <- m
		}
	}()
	// Poll kernel_info until the kernel answers (and IOPub is connected).
	deadline := time.Now().Add(60 * time.Second)
	for {
		rctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		reply, err := k.Request(rctx, k.Client.Shell, "kernel_info_request", map[string]any{})
		if err == nil {
			// IOPub is connected once its status messages arrive: a
			// subscription made just now misses what the kernel publishes
			// before it takes effect.
			_, err = k.Outputs(rctx, reply.ParentHeader().MsgID)
		}
		cancel()
		if err == nil {
			return k, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			k.Client.Close()
			stop()
			k.readers.Wait()
			return nil, fmt.Errorf("kerneltest: kernel did not answer kernel_info: %v", err)
		}
	}
}

// FreeConnection returns a connection on free ports of 127.0.0.1 with a new
// key.
func FreeConnection() (wire.Connection, error) {
	ports := make([]int, 5)
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return wire.Connection{}, fmt.Errorf("kerneltest: free port: %w", err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	key := make([]byte, 16)
	rand.Read(key)
	return wire.Connection{
		Transport: "tcp", IP: "127.0.0.1",
		ShellPort: ports[0], ControlPort: ports[1], StdinPort: ports[2], IOPubPort: ports[3], HBPort: ports[4],
		SignatureScheme: "hmac-sha256", Key: hex.EncodeToString(key),
	}, nil
}

// Request sends a request on socket s and returns the reply.
func (k *Kernel) Request(ctx context.Context, s *wire.Socket, msgType string, content any) (*wire.Message, error) {
	m, err := k.Client.Request(msgType, content)
	if err != nil {
		return nil, err
	}
	return k.send(ctx, s, m)
}

func (k *Kernel) send(ctx context.Context, s *wire.Socket, m *wire.Message) (*wire.Message, error) {
	ch := k.Expect(m.Header.MsgID)
	if err := s.Send(m); err != nil {
		return nil, err
	}
	return k.Await(ctx, m, ch)
}

// Expect registers interest in the reply to request id.
func (k *Kernel) Expect(id string) chan *wire.Message {
	ch := make(chan *wire.Message, 1)
	k.mu.Lock()
	k.waiting[id] = ch
	k.mu.Unlock()
	return ch
}

func (k *Kernel) Await(ctx context.Context, m *wire.Message, ch chan *wire.Message) (*wire.Message, error) {
	defer func() {
		k.mu.Lock()
		delete(k.waiting, m.Header.MsgID)
		k.mu.Unlock()
	}()
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("kerneltest: %s: %w", m.Header.MsgType, ctx.Err())
	}
}

// readReplies routes the replies arriving on s to their waiters; it ends
// when the socket closes.
func (k *Kernel) readReplies(s *wire.Socket) {
	defer k.readers.Done()
	for {
		r, err := s.Recv()
		if err != nil {
			if errors.Is(err, wire.ErrMalformed) || errors.Is(err, wire.ErrBadSignature) {
				continue
			}
			return
		}
		k.mu.Lock()
		ch := k.waiting[r.ParentHeader().MsgID]
		k.mu.Unlock()
		if ch != nil {
			select {
			case ch <- r:
			default:
			}
		}
	}
}

func (k *Kernel) record(m *wire.Message) {
	if m.Header.MsgType != "stream" {
		return
	}
	var c struct{ Name, Text string }
	json.Unmarshal(m.Content, &c)
	if c.Name == "stdout" {
		k.mu.Lock()
		k.stdout.WriteString(c.Text)
		k.mu.Unlock()
	}
}

// TakeStdout returns the standard output of every cell, whatever request it
// was published under (a goroutine's output goes under the cell that
// started it), in the order it arrived since the last call.
func (k *Kernel) TakeStdout() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	s := k.stdout.String()
	k.stdout.Reset()
	return s
}

// Outputs waits for the IOPub messages of request id up to its idle status.
func (k *Kernel) Outputs(ctx context.Context, id string) ([]*wire.Message, error) {
	var out []*wire.Message
	k.mu.Lock()
	out = append(out, k.pending[id]...)
	delete(k.pending, id)
	k.mu.Unlock()
	for _, m := range out {
		if isIdle(m) {
			return out, nil
		}
	}
	for {
		select {
		case m, ok := <-k.iopub:
			if !ok {
				return out, errors.New("kerneltest: iopub closed")
			}
			parent := m.ParentHeader().MsgID
			if parent != id {
				k.mu.Lock()
				k.pending[parent] = append(k.pending[parent], m)
				k.mu.Unlock()
				continue
			}
			out = append(out, m)
			if isIdle(m) {
				return out, nil
			}
		case <-ctx.Done():
			return out, fmt.Errorf("kerneltest: waiting for idle: %w", ctx.Err())
		}
	}
}

func isIdle(m *wire.Message) bool {
	if m.Header.MsgType != "status" {
		return false
	}
	var c struct {
		State string `json:"execution_state"`
	}
	json.Unmarshal(m.Content, &c)
	return c.State == "idle"
}

// Result is what executing one cell produced.
type Result struct {
	Reply   map[string]any
	Outputs []*wire.Message // IOPub messages between busy and idle
}

// Status is the reply's status: ok, error or aborted.
func (r Result) Status() string { s, _ := r.Reply["status"].(string); return s }

// Stdout is the text of all stdout stream messages, in order.
func (r Result) Stdout() string { return r.stream("stdout") }

// Stderr is the text of all stderr stream messages, in order.
func (r Result) Stderr() string { return r.stream("stderr") }

func (r Result) stream(name string) string {
	var s string
	for _, m := range r.Outputs {
		if m.Header.MsgType != "stream" {
			continue
		}
		var c struct{ Name, Text string }
		json.Unmarshal(m.Content, &c)
		if c.Name == name {
			s += c.Text
		}
	}
	return s
}

// Value is the text/plain of the execute_result, or "".
func (r Result) Value() string {
	for _, m := range r.Outputs {
		if m.Header.MsgType == "execute_result" {
			var c struct {
				Data map[string]any `json:"data"`
			}
			json.Unmarshal(m.Content, &c)
			s, _ := c.Data["text/plain"].(string)
			return s
		}
	}
	return ""
}

// Error returns the error message's ename and evalue, if there was one.
func (r Result) Error() (ename, evalue string, traceback []string, ok bool) {
	for _, m := range r.Outputs {
		if m.Header.MsgType == "error" {
			var c struct {
				Ename     string   `json:"ename"`
				Evalue    string   `json:"evalue"`
				Traceback []string `json:"traceback"`
			}
			json.Unmarshal(m.Content, &c)
			return c.Ename, c.Evalue, c.Traceback, true
		}
	}
	return "", "", nil, false
}

// Execute runs code and waits for its reply and idle status.
func (k *Kernel) Execute(ctx context.Context, code string) (Result, error) {
	m, err := k.Client.Request("execute_request", map[string]any{
		"code": code, "silent": false, "store_history": true, "user_expressions": map[string]any{},
		"allow_stdin": false, "stop_on_error": true,
	})
	if err != nil {
		return Result{}, err
	}
	reply, err := k.send(ctx, k.Client.Shell, m)
	if err != nil {
		return Result{}, err
	}
	outs, err := k.Outputs(ctx, m.Header.MsgID)
	var r Result
	json.Unmarshal(reply.Content, &r.Reply)
	r.Outputs = outs
	return r, err
}

// StartExecute sends an execute request without waiting; Wait collects it.
func (k *Kernel) StartExecute(code string) (*wire.Message, chan *wire.Message, error) {
	m, err := k.Client.Request("execute_request", map[string]any{
		"code": code, "silent": false, "store_history": true, "user_expressions": map[string]any{}, "allow_stdin": false,
	})
	if err != nil {
		return nil, nil, err
	}
	ch := k.Expect(m.Header.MsgID)
	return m, ch, k.Client.Shell.Send(m)
}

// Wait collects the reply and outputs of a request sent by StartExecute.
func (k *Kernel) Wait(ctx context.Context, m *wire.Message, ch chan *wire.Message) (Result, error) {
	var r Result
	reply, err := k.Await(ctx, m, ch)
	if err != nil {
		return r, err
	}
	json.Unmarshal(reply.Content, &r.Reply)
	outs, err := k.Outputs(ctx, m.Header.MsgID)
	r.Outputs = outs
	return r, err
}

// Started waits until the kernel has published the execute_input of
// request m: it has taken the cell to run, and an interrupt from then on
// stops it (the worker keeps an interrupt that overtakes its cell). Tests
// poll this instead of sleeping "to let the cell start".
func (k *Kernel) Started(ctx context.Context, m *wire.Message) error {
	return k.await(ctx, m, "execute_input", func(*wire.Message) bool { return true })
}

// Printed waits until the running request m has published standard output
// that contains text, while it runs: a test of output that must not wait
// for the end of its cell.
func (k *Kernel) Printed(ctx context.Context, m *wire.Message, text string) error {
	return k.await(ctx, m, "stream", func(x *wire.Message) bool {
		var c struct{ Name, Text string }
		json.Unmarshal(x.Content, &c)
		return c.Name == "stdout" && strings.Contains(c.Text, text)
	})
}

// await waits for an IOPub message of request m of type msgType for which
// match is true, keeping every message it reads for Outputs.
func (k *Kernel) await(ctx context.Context, m *wire.Message, msgType string, match func(*wire.Message) bool) error {
	id := m.Header.MsgID
	k.mu.Lock()
	for _, x := range k.pending[id] {
		if x.Header.MsgType == msgType && match(x) {
			k.mu.Unlock()
			return nil
		}
	}
	k.mu.Unlock()
	for {
		select {
		case x, ok := <-k.iopub:
			if !ok {
				return errors.New("kerneltest: iopub closed")
			}
			parent := x.ParentHeader().MsgID
			k.mu.Lock()
			k.pending[parent] = append(k.pending[parent], x) // for Outputs
			k.mu.Unlock()
			if parent == id && x.Header.MsgType == msgType && match(x) {
				return nil
			}
		case <-ctx.Done():
			return fmt.Errorf("kerneltest: waiting for %s: %w", msgType, ctx.Err())
		}
	}
}

// Interrupt sends an interrupt_request on the control channel.
func (k *Kernel) Interrupt(ctx context.Context) error {
	_, err := k.Request(ctx, k.Client.Control, "interrupt_request", map[string]any{})
	return err
}

// Close asks the kernel to shut down, waits for it to exit (killing it after
// a few seconds) and closes the client.
func (k *Kernel) Close() error {
	var err error
	if k.Client != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = k.Request(ctx, k.Client.Control, "shutdown_request", map[string]any{"restart": false})
		cancel()
	}
	if k.Cmd == nil {
		k.Client.Close()
		k.stop()
		k.readers.Wait()
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- k.Cmd.Wait() }()
	select {
	case werr := <-exited:
		if err == nil && werr != nil {
			err = fmt.Errorf("kerneltest: kernel exit: %w", werr)
		}
	case <-time.After(10 * time.Second):
		k.Cmd.Process.Kill()
		<-exited
		if err == nil {
			err = errors.New("kerneltest: kernel did not exit after shutdown_request")
		}
	}
	if k.Client != nil {
		k.Client.Close()
	}
	k.stop()
	k.readers.Wait()
	return err
}

// syncBuffer is a bytes buffer safe for the concurrent writes of a process's
// stdout and stderr.
type syncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
