package server

import (
	"io"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gopherlab/gopherlab/kernel/outbuf"
	"github.com/gopherlab/gopherlab/kernel/workerproto"
)

// Output is coalesced: a stream message goes out when this much is pending,
// or flushDelay after the first pending byte, or when an event must follow it.
const (
	flushSize  = 64 << 10
	flushDelay = 3 * time.Millisecond
)

// While a cell prints fast, the reader waits this long between reads, so
// that the pipe gathers many writes for one read, and a write does not
// have to wake the reader: a cell printing 10,000 lines makes a few dozen
// reads, not 10,000. A waiting reader is woken at once when the kernel
// waits for a sync marker (waitSync), so no cell ends later for it.
const (
	burstGap   = time.Millisecond // reads closer than this are a burst
	burstPause = time.Millisecond
)

// stream forwards one of the worker's output pipes (stdout or stderr) as
// Jupyter stream messages, and tracks the sync markers it has passed.
// publish gets the execution count of the cell the text belongs to, or 0
// for the running cell (see workerproto.CellMarker).
type stream struct {
	name    string
	nonce   string
	publish func(name, text string, cell int)

	mu      sync.Mutex
	cond    *sync.Cond
	pending []byte
	cell    int    // the cell pending belongs to
	seq     uint64 // highest sync marker forwarded
	chunk   uint64 // highest chunk marker read (kernel/outbuf)
	closed  bool
	timer   *time.Timer

	wake chan struct{} // ends the reader's pause between reads of a burst
}

func newStream(name, nonce string, publish func(name, text string, cell int)) *stream {
	s := &stream{name: name, nonce: nonce, publish: publish, wake: make(chan struct{}, 1)}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// forward reads r until EOF; its caller owns the goroutine, which ends when
// the worker's end of the pipe is closed.
func (s *stream) forward(r io.Reader) {
	buf := make([]byte, 64<<10)
	d := workerproto.NewDecoder(s.nonce)
	pause := time.NewTimer(0)
	var last time.Time
	for {
		n, err := r.Read(buf)
		if n > 0 {
			parts, seq := d.Decode(buf[:n])
			s.add(parts, seq)
			if d.Chunk > 0 {
				s.mu.Lock()
				s.chunk = d.Chunk
				s.mu.Unlock()
			}
			now := time.Now()
			if seq == 0 && err == nil && now.Sub(last) < burstGap {
				pause.Reset(burstPause)
				select {
				case <-pause.C:
				case <-s.wake:
					pause.Stop()
				}
			}
			last = now
		}
		if err != nil {
			s.add(d.Flush(), 0)
			s.mu.Lock()
			s.flushLocked(true)
			s.closed = true
			s.cond.Broadcast()
			s.mu.Unlock()
			return
		}
	}
}

func (s *stream) add(parts []workerproto.Part, seq uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range parts {
		if p.Cell != s.cell {
			s.flushLocked(true) // what is pending belongs to another cell
			s.cell = p.Cell
		}
		s.pending = append(s.pending, p.Data...)
	}
	if seq > s.seq {
		s.flushLocked(true)
		s.seq = seq
		s.cond.Broadcast()
		return
	}
	if len(s.pending) >= flushSize {
		s.flushLocked(false)
	} else if len(s.pending) > 0 && s.timer == nil {
		s.timer = time.AfterFunc(flushDelay, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.timer = nil
			s.flushLocked(false)
		})
	}
}

// flushLocked publishes what is pending. Unless all is set, an incomplete
// UTF-8 sequence at the end waits for the rest of its bytes.
func (s *stream) flushLocked(all bool) {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	n := len(s.pending)
	if !all {
		n = completeUTF8(s.pending)
	}
	if n == 0 {
		return
	}
	s.publish(s.name, string(s.pending[:n]), s.cell)
	s.pending = append(s.pending[:0], s.pending[n:]...)
}

// completeUTF8 returns the length of b without a trailing incomplete rune.
func completeUTF8(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// waitSync waits until the marker seq has been forwarded, or the stream has
// ended.
func (s *stream) waitSync(seq uint64) {
	select {
	case s.wake <- struct{}{}:
	default:
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.seq < seq && !s.closed {
		s.cond.Wait()
	}
}

// waitClosed waits until the pipe has been read to its end.
func (s *stream) waitClosed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.closed {
		s.cond.Wait()
	}
}

// leftover publishes what the worker's stdout buffer, whose memory was mem,
// held when the worker died and had not written to the pipe: call it once
// the pipe has been read to its end.
func (s *stream) leftover(mem []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := outbuf.Leftover(mem, s.chunk); len(b) > 0 {
		s.flushLocked(true)
		s.cell = 0
		s.pending = append(s.pending, b...)
		s.flushLocked(true)
	}
}
