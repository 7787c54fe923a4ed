// want: fail
// want-test: TestQueueFull

// QueueSize is never checked: the queue grows without bound.
package pool

import (
	"container/heap"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

var (
	ErrQueueFull = errors.New("pool: queue is full")
	ErrClosed    = errors.New("pool: closed")
)

// PoolConfig sizes a pool.
type PoolConfig struct {
	Min, Max    int           // worker goroutines: never fewer than Min (≥ 0), never more than Max (≥ 1)
	IdleTimeout time.Duration // a worker above Min retires after being idle this long
	QueueSize   int           // tasks that may wait for a worker (at least 1)
}

// Task is the work submitted to the pool. It gets the context given to Submit.
type Task func(ctx context.Context)

type job struct {
	prio int
	seq  int
	ctx  context.Context
	task Task
}

// jobs is a max-heap: highest priority first, then first submitted.
type jobs []job

func (h jobs) Len() int { return len(h) }
func (h jobs) Less(i, j int) bool {
	if h[i].prio != h[j].prio {
		return h[i].prio > h[j].prio
	}
	return h[i].seq < h[j].seq
}
func (h jobs) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *jobs) Push(x any)   { *h = append(*h, x.(job)) }
func (h *jobs) Pop() any {
	old := *h
	j := old[len(old)-1]
	*h = old[:len(old)-1]
	return j
}

type submitReq struct {
	job   job
	reply chan error
}

// Pool owns one dispatcher goroutine, which alone owns the queue, and a
// varying number of worker goroutines that receive jobs from it.
type Pool struct {
	cfg     PoolConfig
	submits chan submitReq // Submit → dispatcher; never closed
	tasks   chan job       // dispatcher → workers; closed by the dispatcher on shutdown
	quit    chan struct{}  // closed by Close
	done    chan struct{}  // closed when the dispatcher and every worker have returned
	closing sync.Once

	workers atomic.Int64
	wg      sync.WaitGroup
}

// NewPool starts a pool with cfg.Min workers.
func NewPool(cfg PoolConfig) *Pool {
	cfg.Min = max(0, cfg.Min)
	cfg.Max = max(1, cfg.Max, cfg.Min)
	cfg.QueueSize = max(1, cfg.QueueSize)
	p := &Pool{
		cfg:     cfg,
		submits: make(chan submitReq),
		tasks:   make(chan job),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	for range cfg.Min {
		p.spawn()
	}
	go p.dispatch()
	return p
}

// Submit queues task with priority prio. It never blocks for long: if the
// queue already holds QueueSize waiting tasks it returns ErrQueueFull, and
// after Close it returns ErrClosed. A task whose ctx is done before a worker
// picks it up is skipped.
func (p *Pool) Submit(ctx context.Context, prio int, task Task) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req := submitReq{job: job{prio: prio, ctx: ctx, task: task}, reply: make(chan error, 1)}
	select {
	case p.submits <- req:
		return <-req.reply
	case <-p.quit:
		return ErrClosed
	}
}

// Workers returns the current number of worker goroutines.
func (p *Pool) Workers() int { return int(p.workers.Load()) }

// Close stops accepting tasks, lets the queued and running tasks finish and
// waits for every goroutine of the pool to return. If ctx ends first it
// returns ctx.Err(); the pool still finishes its work in the background.
func (p *Pool) Close(ctx context.Context) error {
	p.closing.Do(func() { close(p.quit) })
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// spawn starts one more worker.
func (p *Pool) spawn() {
	p.workers.Add(1)
	p.wg.Go(p.work)
}

// dispatch owns the queue: it accepts submissions, hands jobs to workers and
// starts extra workers (up to Max) when no worker is free.
func (p *Pool) dispatch() {
	defer func() {
		close(p.tasks) // no more jobs: idle workers return
		p.wg.Wait()
		close(p.done)
	}()
	var (
		queue  jobs
		seq    int
		quit   = p.quit
		closed bool
	)
	for {
		if closed && queue.Len() == 0 {
			return // closed and drained
		}
		var out chan job // nil (never ready) while the queue is empty
		var next job
		if queue.Len() > 0 {
			out, next = p.tasks, queue[0]
		}
		select {
		case out <- next:
			heap.Pop(&queue)
		case req := <-p.submits:
			if closed {
				req.reply <- ErrClosed
				continue
			}
			seq++
			req.job.seq = seq
			heap.Push(&queue, req.job)
			req.reply <- nil
			p.handOver(&queue)
		case <-quit:
			closed, quit = true, nil
		}
	}
}

// handOver gives the best job to a free worker if there is one, and
// otherwise starts a new worker if the pool may still grow.
func (p *Pool) handOver(queue *jobs) {
	select {
	case p.tasks <- (*queue)[0]:
		heap.Pop(queue)
	default:
		if p.Workers() < p.cfg.Max {
			p.spawn()
		}
	}
}

// work runs jobs until the tasks channel is closed, or until it has been
// idle for IdleTimeout while the pool has more than Min workers.
func (p *Pool) work() {
	idle := time.NewTimer(p.cfg.IdleTimeout)
	defer idle.Stop()
	for {
		select {
		case j, ok := <-p.tasks:
			if !ok {
				p.workers.Add(-1)
				return
			}
			if j.ctx.Err() == nil {
				j.task(j.ctx)
			}
			idle.Reset(p.cfg.IdleTimeout)
		case <-idle.C:
			if p.retire() {
				return
			}
			idle.Reset(p.cfg.IdleTimeout)
		}
	}
}

// retire removes this worker from the count unless that would leave fewer
// than Min workers.
func (p *Pool) retire() bool {
	for {
		n := p.workers.Load()
		if n <= int64(p.cfg.Min) {
			return false
		}
		if p.workers.CompareAndSwap(n, n-1) {
			return true
		}
	}
}
