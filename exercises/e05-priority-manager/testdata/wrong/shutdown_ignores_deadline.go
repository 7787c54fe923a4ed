// want: fail
// want-test: TestShutdownDeadline

// Shutdown waits for the workers however long that takes; its context is
// ignored.
package taskmgr

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"sync"
)

var (
	ErrClosed      = errors.New("taskmgr: manager is shut down")
	ErrUnknownTask = errors.New("taskmgr: unknown task id")
	ErrPanic       = errors.New("taskmgr: task panicked")
)

// Func is the work of one task. It should return soon after ctx is done.
type Func func(ctx context.Context) (any, error)

type task struct {
	id     int
	prio   int
	fn     Func
	ctx    context.Context
	cancel context.CancelFunc
	index  int // position in the queue, -1 once it has left the queue

	done   chan struct{} // closed when the task has finished (or was cancelled)
	result any
	err    error
}

// queue is a max-heap of pending tasks: highest priority first, then the
// earliest submitted. It is only touched with Manager.mu held.
type queue []*task

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].prio != q[j].prio {
		return q[i].prio > q[j].prio
	}
	return q[i].id < q[j].id
}
func (q queue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *queue) Push(x any) {
	t := x.(*task)
	t.index = len(*q)
	*q = append(*q, t)
}
func (q *queue) Pop() any {
	old := *q
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	t.index = -1
	return t
}

// Manager owns a pool of worker goroutines and the queue they take tasks from.
type Manager struct {
	mu      sync.Mutex
	ready   *sync.Cond // signalled when a task is queued or the manager closes
	pending queue
	tasks   map[int]*task
	nextID  int
	closed  bool

	workers sync.WaitGroup
	stopped chan struct{} // closed when every worker has returned
}

// NewManager starts workers worker goroutines (at least 1).
func NewManager(workers int) *Manager {
	m := &Manager{tasks: make(map[int]*task), stopped: make(chan struct{})}
	m.ready = sync.NewCond(&m.mu)
	for range max(1, workers) {
		m.workers.Go(m.work)
	}
	go func() {
		m.workers.Wait()
		close(m.stopped)
	}()
	return m
}

// Submit queues fn with priority prio and returns the task's id. The task runs
// with a context derived from ctx, so cancelling ctx cancels the task too.
func (m *Manager) Submit(ctx context.Context, prio int, fn Func) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, ErrClosed
	}
	m.nextID++
	tctx, cancel := context.WithCancel(ctx)
	t := &task{id: m.nextID, prio: prio, fn: fn, ctx: tctx, cancel: cancel, done: make(chan struct{})}
	m.tasks[t.id] = t
	heap.Push(&m.pending, t)
	m.ready.Signal()
	return t.id, nil
}

// Cancel cancels a task. A pending task is removed from the queue and never
// runs; a running task's context is cancelled. Cancel reports whether the task
// was still pending or running.
func (m *Manager) Cancel(id int) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tasks[id]
	if !ok {
		return false
	}
	select {
	case <-t.done:
		return false // already finished
	default:
	}
	if t.index >= 0 { // still queued
		heap.Remove(&m.pending, t.index)
		m.finish(t, nil, context.Canceled)
		return true
	}
	t.cancel() // running: the worker finishes it when fn returns
	return true
}

// Wait blocks until the task has finished and returns its result.
func (m *Manager) Wait(id int) (any, error) {
	m.mu.Lock()
	t, ok := m.tasks[id]
	m.mu.Unlock()
	if !ok {
		return nil, ErrUnknownTask
	}
	<-t.done
	return t.result, t.err
}

// Shutdown stops accepting tasks and waits until the queued and running tasks
// have finished. If ctx ends first, it cancels every remaining task and
// returns ctx.Err() without waiting further.
func (m *Manager) Shutdown(ctx context.Context) error {
	m.mu.Lock()
	m.closed = true
	m.ready.Broadcast()
	m.mu.Unlock()

	<-m.stopped
	return nil
	m.mu.Lock()
	for m.pending.Len() > 0 {
		m.finish(heap.Pop(&m.pending).(*task), nil, context.Canceled)
	}
	for _, t := range m.tasks {
		t.cancel() // running tasks see ctx.Done()
	}
	m.mu.Unlock()
	return ctx.Err()
}

// finish records a task's outcome. Called with m.mu held.
func (m *Manager) finish(t *task, result any, err error) {
	t.result, t.err = result, err
	t.cancel()
	close(t.done)
}

// work is one worker: take the best pending task, run it, repeat; return
// once the manager is closed and the queue is empty.
func (m *Manager) work() {
	for {
		m.mu.Lock()
		for m.pending.Len() == 0 && !m.closed {
			m.ready.Wait()
		}
		if m.pending.Len() == 0 {
			m.mu.Unlock()
			return
		}
		t := heap.Pop(&m.pending).(*task)
		m.mu.Unlock()

		result, err := run(t)

		m.mu.Lock()
		m.finish(t, result, err)
		m.mu.Unlock()
	}
}

// run calls the task's function, turning a panic into an error. A task whose
// context ended while it was queued does not run at all.
func run(t *task) (result any, err error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: task %d: %v", ErrPanic, t.id, r)
		}
	}()
	return t.fn(t.ctx)
}
