// Package server is the kernel process (`gopherlab kernel`): it answers a
// Jupyter client over ZeroMQ and runs cells in a worker process, which it
// restarts when a cell kills it. It never runs learner code itself.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/gopherlab/gopherlab/kernel/wire"
	"github.com/gopherlab/gopherlab/kernel/workerproto"
	"golang.org/x/sync/errgroup"
)

// Options configure a kernel.
type Options struct {
	Conn   wire.Connection
	Worker []string // the worker command line; `<this binary> worker` by default
	Env    []string // extra environment for the worker
	Log    io.Writer
	Info   Info
}

// Kernel is one running kernel.
type Kernel struct {
	opts    Options
	sockets *wire.Kernel
	session string
	log     *log.Logger
	history history

	mu        sync.Mutex
	worker    *workerProc   // nil while a worker starts
	workerErr error         // why the last worker did not start
	ready     chan struct{} // closed when the worker starting now is ready or failed
	execCount int
	parent    *wire.Message         // the execute request whose output is flowing
	requests  map[int]*wire.Message // recent execute requests by execution count, for their goroutines' output
	interrupt chan struct{}         // closed by an interrupt while a cell runs
	abortTo   time.Time             // execute requests received before this are aborted (stop_on_error)
	shutdown  context.CancelFunc
	nextID    atomic.Uint64 // the last worker request ID

	workers sync.WaitGroup // the goroutines that start workers

	idle *time.Timer // gives memory back once no request has come for idleAfter
}

// idleAfter is how long the kernel waits for the next request before it
// gives memory back to the system.
const idleAfter = 250 * time.Millisecond

// interruptGrace is how long an interrupted worker has to answer before it
// is made to dump its goroutines and is restarted.
const interruptGrace = 3 * time.Second

// Run serves a kernel until ctx is cancelled or a client asks it to shut down.
func Run(ctx context.Context, opts Options) error {
	if opts.Log == nil {
		opts.Log = os.Stderr
	}
	if len(opts.Worker) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("server: find own binary: %w", err)
		}
		opts.Worker = []string{exe, "worker"}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	sockets, err := wire.Listen(ctx, opts.Conn)
	if err != nil {
		return err
	}
	k := &Kernel{
		opts:     opts,
		sockets:  sockets,
		session:  uuid.NewString(),
		log:      log.New(opts.Log, "gopherlab kernel: ", log.LstdFlags|log.Lmicroseconds),
		shutdown: cancel,
	}
	k.publishStatus(nil, "starting")
	k.launchWorker(ctx)
	// Starting the process (the init of every package in the binary, the
	// worker's included) leaves garbage behind: give it back now, while
	// the worker starts, and again whenever the kernel has been idle.
	debug.FreeOSMemory()
	k.idle = time.AfterFunc(idleAfter, debug.FreeOSMemory)
	defer k.idle.Stop()

	// Every goroutine of the kernel: each ends when ctx is cancelled and the
	// sockets are closed.
	var g errgroup.Group
	g.Go(func() error { sockets.Heartbeat(); return nil })
	g.Go(func() error { return k.serve(ctx, sockets.Shell, k.dispatch) })
	g.Go(func() error { return k.serve(ctx, sockets.Control, k.dispatch) }) // even while a cell runs on shell
	g.Go(func() error { return k.serve(ctx, sockets.Stdin, k.inputReply) })
	g.Go(func() error { k.handleSignals(ctx); return nil })

	<-ctx.Done()
	sockets.Close() // ends every receive loop and the heartbeat
	err = g.Wait()
	if w, _ := k.currentWorker(context.Background()); w != nil {
		w.stop(time.Second)
	}
	k.workers.Wait()
	return err
}

// queued is how many messages a socket's receive loop reads ahead of the
// one being handled. They are stamped when received, so that an execute
// request that came before a failing cell is aborted (stop_on_error).
const queued = 64

// serve receives messages on s and hands each good one to handle, in order,
// until the socket is closed. A message that fails its signature or is
// malformed is logged and dropped; the socket stays in use.
func (k *Kernel) serve(ctx context.Context, s *wire.Socket, handle func(context.Context, *wire.Socket, *wire.Message)) error {
	msgs := make(chan *wire.Message, queued)
	var g errgroup.Group
	g.Go(func() error { // ends when the socket is closed
		defer close(msgs)
		for {
			m, err := s.Recv()
			if err != nil {
				if badMessage(err) {
					k.log.Printf("%s: dropped: %v", s.Name, err)
					continue
				}
				return nil
			}
			msgs <- m
		}
	})
	for m := range msgs {
		if ctx.Err() == nil {
			handle(ctx, s, m)
		}
	}
	return g.Wait()
}

// badMessage says whether a receive error is one message's fault (the
// socket stays usable) rather than the socket's end.
func badMessage(err error) bool {
	return errors.Is(err, wire.ErrBadSignature) || errors.Is(err, wire.ErrMalformed) || errors.Is(err, wire.ErrTooLarge)
}

// inputReply passes the user's answer to an input request to the worker.
func (k *Kernel) inputReply(_ context.Context, s *wire.Socket, m *wire.Message) {
	if m.Header.MsgType != "input_reply" {
		k.log.Printf("%s: ignored %s", s.Name, m.Header.MsgType)
		return
	}
	var c struct {
		Value string `json:"value"`
	}
	json.Unmarshal(m.Content, &c)
	k.mu.Lock()
	w := k.worker
	k.mu.Unlock()
	if w == nil {
		return
	}
	if err := w.send(&workerproto.InputReply{Value: c.Value}); err != nil {
		k.log.Print(err)
	}
}

// handleSignals turns SIGINT into an interrupt of the running cell.
func (k *Kernel) handleSignals(ctx context.Context) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT)
	defer signal.Stop(sig)
	for {
		select {
		case <-sig:
			k.interruptCell()
		case <-ctx.Done():
			return
		}
	}
}

// dispatch answers one request, surrounded by busy and idle.
func (k *Kernel) dispatch(ctx context.Context, s *wire.Socket, m *wire.Message) {
	k.idle.Stop()
	k.publishStatus(m, "busy")
	defer k.idle.Reset(idleAfter)
	defer k.publishStatus(m, "idle")
	switch t := m.Header.MsgType; t {
	case "kernel_info_request":
		k.reply(s, m, "kernel_info_reply", k.opts.Info.content())
	case "execute_request":
		k.execute(ctx, s, m)
	case "complete_request":
		k.complete(ctx, s, m)
	case "inspect_request":
		k.inspect(ctx, s, m)
	case "is_complete_request":
		k.isComplete(ctx, s, m)
	case "history_request":
		k.reply(s, m, "history_reply", k.history.answer(m.Content))
	case "comm_info_request":
		k.reply(s, m, "comm_info_reply", map[string]any{"status": "ok", "comms": map[string]any{}})
	case "interrupt_request":
		k.interruptCell()
		k.reply(s, m, "interrupt_reply", map[string]any{"status": "ok"})
	case "shutdown_request":
		k.shutdownRequest(ctx, s, m)
	case "comm_open", "comm_msg", "comm_close":
		// No comms yet: ignored, as the protocol allows.
	default:
		k.log.Printf("%s: unknown message type %q", s.Name, t)
		if strings.HasSuffix(t, "_request") {
			k.reply(s, m, strings.TrimSuffix(t, "_request")+"_reply", map[string]any{
				"status": "error", "ename": "UnknownMessageType",
				"evalue": fmt.Sprintf("gopherlab does not handle %s", t), "traceback": []string{},
			})
		}
	}
}

func (k *Kernel) reply(s *wire.Socket, parent *wire.Message, msgType string, content any) {
	m, err := wire.NewMessage(msgType, parent, k.session, content)
	if err == nil {
		err = s.Send(m)
	}
	if err != nil {
		k.log.Print(err)
	}
}

// publish sends an IOPub message under parent.
func (k *Kernel) publish(parent *wire.Message, msgType string, content any) {
	m, err := wire.NewMessage(msgType, parent, k.session, content)
	if err != nil {
		k.log.Print(err)
		return
	}
	m.Identities = [][]byte{[]byte(msgType)} // the topic
	if err := k.sockets.IOPub.Send(m); err != nil {
		k.log.Print(err)
	}
}

// publishRaw sends an IOPub message whose content is JSON already encoded,
// as it is.
func (k *Kernel) publishRaw(parent *wire.Message, msgType string, content json.RawMessage) {
	m, err := wire.NewMessage(msgType, parent, k.session, nil)
	if err != nil {
		k.log.Print(err)
		return
	}
	m.Content = content
	m.Identities = [][]byte{[]byte(msgType)} // the topic
	if err := k.sockets.IOPub.Send(m); err != nil {
		k.log.Print(err)
	}
}

func (k *Kernel) publishStatus(parent *wire.Message, state string) {
	k.publish(parent, "status", map[string]string{"execution_state": state})
}

// publishOutput is how a worker's output streams reach the notebook: under
// the execute request that is running, or that ran last; or, for the output
// of a goroutine that an earlier cell started (cell > 0), under that cell's
// request, as ipykernel does for threads.
func (k *Kernel) publishOutput(name, text string, cell int) {
	k.mu.Lock()
	parent := k.parent
	if m := k.requests[cell]; cell > 0 && m != nil {
		parent = m
	}
	k.mu.Unlock()
	k.publish(parent, "stream", map[string]string{"name": name, "text": text})
}

// launchWorker starts a worker in the background: the kernel answers
// requests that need no worker meanwhile, and the rest wait for it.
func (k *Kernel) launchWorker(ctx context.Context) {
	ready := make(chan struct{})
	k.mu.Lock()
	k.worker, k.workerErr, k.ready = nil, nil, ready
	k.mu.Unlock()
	k.workers.Add(1)
	go func() { // ends when the worker is ready, or failed
		defer k.workers.Done()
		w, err := startWorker(k.opts.Worker, k.opts.Env, k.publishOutput, k.dispatchEvent)
		if err == nil && w.bufferErr != nil {
			k.log.Printf("the worker runs without its stdout buffer, one write per line: %v", w.bufferErr)
		}
		if err == nil {
			if err = w.waitReady(ctx, 60*time.Second); err != nil {
				w.adopted(false)
				w.stop(0)
				w = nil
			}
		}
		if err != nil && ctx.Err() == nil { // not the kernel shutting down
			k.log.Print(err)
		}
		k.mu.Lock()
		k.worker, k.workerErr = w, err
		k.mu.Unlock()
		if w != nil {
			w.adopted(true)
		}
		close(ready)
	}()
}

// currentWorker waits for the worker being started, if any, and returns it.
func (k *Kernel) currentWorker(ctx context.Context) (*workerProc, error) {
	k.mu.Lock()
	ready := k.ready
	k.mu.Unlock()
	select {
	case <-ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.worker == nil {
		return nil, fmt.Errorf("server: the Go worker did not start: %w", k.workerErr)
	}
	return k.worker, nil
}

// restartWorker replaces the worker with a fresh one, in the background.
func (k *Kernel) restartWorker(ctx context.Context) {
	if old, err := k.currentWorker(ctx); err == nil {
		old.stop(200 * time.Millisecond)
	}
	k.launchWorker(ctx)
}

func (k *Kernel) interruptCell() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.interrupt != nil {
		select {
		case <-k.interrupt:
		default:
			close(k.interrupt)
		}
	}
}

func (k *Kernel) shutdownRequest(ctx context.Context, s *wire.Socket, m *wire.Message) {
	var c struct {
		Restart bool `json:"restart"`
	}
	json.Unmarshal(m.Content, &c)
	k.reply(s, m, "shutdown_reply", map[string]any{"status": "ok", "restart": c.Restart})
	if c.Restart {
		k.interruptCell()
		k.restartWorker(ctx)
		return
	}
	k.shutdown()
}
