// Package outbuf is the buffer in which a worker gathers what its
// interpreter writes to standard output, so that a cell printing 10,000
// lines makes a few dozen writes to the pipe instead of 10,000: on this
// path a write(2) costs more than formatting the line.
//
// Go's os.Stdout is not buffered, and a buffer must not change what a
// program's output looks like. Its users keep three promises:
//   - order: the buffer is flushed before anything else the process writes
//     to the same pipe or to standard error (Flush), and it is turned off
//     for good (Direct) before code runs that can write to the files by
//     itself;
//   - liveness: what is written reaches the pipe within Delay;
//   - a crash: the buffer's memory can be a shared mapping of a file, which
//     the kernel reads after the worker died (Leftover), so that output
//     written just before a fatal error is not lost, nor shown twice.
package outbuf

import (
	"encoding/binary"
	"io"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

const (
	// Size is the size of a buffer's memory: a header, then the data.
	// A flush is one write of at most Size bytes, under the 4096 bytes
	// that a pipe takes atomically (PIPE_BUF), so that no other writer's
	// bytes come inside it.
	Size = 4096
	// header is the number of the chunk being gathered, then its length:
	// little-endian uint64s.
	header = 16
	// markers is room kept for the chunk marker and a flush's tail.
	markers = 256
	// Delay is how long written bytes can wait in the buffer.
	Delay = 2 * time.Millisecond
)

// Buffer gathers writes to w. It is safe for concurrent use.
type Buffer struct {
	mu     sync.Mutex
	w      io.Writer
	chunk  *atomic.Uint64 // the number of the chunk being gathered, from 1
	length *atomic.Uint64 // its length
	data   []byte         // its bytes
	marker func(chunk uint64) []byte
	out    []byte // one flush: marker, data, tail
	direct bool
	timer  *time.Timer
}

// New returns a Buffer that gathers writes to w in mem, which must be Size
// bytes, aligned to 8, and zero or left by an earlier Buffer. Each flush
// writes marker(n) for its chunk n first, so that a reader of the pipe
// knows which chunks arrived (marker may be nil). With mem nil the Buffer
// writes through.
func New(w io.Writer, mem []byte, marker func(chunk uint64) []byte) *Buffer {
	b := &Buffer{w: w, marker: marker, direct: mem == nil}
	if mem == nil {
		return b
	}
	if len(mem) != Size || uintptr(unsafe.Pointer(&mem[0]))%8 != 0 {
		panic("outbuf: memory must be Size bytes, aligned to 8")
	}
	b.chunk = (*atomic.Uint64)(unsafe.Pointer(&mem[0]))
	b.length = (*atomic.Uint64)(unsafe.Pointer(&mem[8]))
	b.data = mem[header:]
	b.length.Store(0)
	if b.chunk.Load() == 0 {
		b.chunk.Store(1)
	}
	b.out = make([]byte, 0, Size)
	return b
}

// Write gathers p, or writes it through when the Buffer is direct or p
// is too large to gather.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.direct {
		return b.w.Write(p)
	}
	n := int(b.length.Load())
	if n+len(p) > len(b.data)-markers {
		if err := b.flushLocked(nil); err != nil {
			return 0, err
		}
		n = 0
		if len(p) > len(b.data)-markers {
			return b.w.Write(p)
		}
	}
	copy(b.data[n:], p)
	// The length after the bytes: a reader of the memory after a crash
	// takes only bytes whose Write returned.
	b.length.Store(uint64(n + len(p)))
	if b.timer == nil {
		b.timer = time.AfterFunc(Delay, func() { b.Flush(nil) })
	} else if n == 0 {
		b.timer.Reset(Delay)
	}
	return len(p), nil
}

// Flush writes what is gathered, then tail (a marker, or output framed by
// markers), in one write.
func (b *Buffer) Flush(tail []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked(tail)
}

func (b *Buffer) flushLocked(tail []byte) error {
	n := 0
	if !b.direct {
		n = int(b.length.Load())
	}
	if n == 0 {
		if len(tail) == 0 {
			return nil
		}
		_, err := b.w.Write(tail)
		return err
	}
	if b.timer != nil {
		b.timer.Stop()
	}
	chunk := b.chunk.Load()
	b.out = b.out[:0]
	if b.marker != nil {
		b.out = append(b.out, b.marker(chunk)...)
	}
	b.out = append(append(b.out, b.data[:n]...), tail...)
	_, err := b.w.Write(b.out)
	// Whether or not the write went through, the chunk is done with: the
	// reader knows from its marker whether it arrived.
	b.length.Store(0)
	b.chunk.Store(chunk + 1)
	return err
}

// Direct flushes the buffer and writes through from now on.
func (b *Buffer) Direct() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.flushLocked(nil)
	b.direct = true
	if b.timer != nil {
		b.timer.Stop()
	}
	return err
}

// Leftover returns the bytes that a Buffer whose memory was mem had
// gathered and not written, given the highest chunk number whose marker
// the reader of the pipe saw (0 for none): empty when that chunk reached
// the pipe.
func Leftover(mem []byte, seen uint64) []byte {
	if len(mem) != Size {
		return nil
	}
	chunk := binary.LittleEndian.Uint64(mem[0:8])
	n := binary.LittleEndian.Uint64(mem[8:16])
	if n == 0 || chunk <= seen || n > Size-header {
		return nil
	}
	return mem[header : header+n]
}
