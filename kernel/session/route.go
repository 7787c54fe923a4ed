package session

import (
	"os"

	"github.com/gopherlab/gopherlab/kernel/outbuf"
)

// routeWriter is the interpreter's standard output (and, under frameWriter,
// its standard error). Output that a goroutine of an earlier cell writes is
// framed by that cell's markers (Options.Mark), in one write, so that the
// kernel shows it under that cell. While no such goroutine is alive, a
// write costs one atomic load more than the buffer's.
type routeWriter struct {
	out   *outbuf.Buffer
	first *outbuf.Buffer // flushed before each write: standard error's writer flushes standard output's buffer
	track *tracker
	mark  func(cell int) []byte
	// orig is the file the cells got as os.Stdout or os.Stderr (see
	// cellFiles). Once a cell closed it, the interpreter's writes fail
	// as Go's fmt.Print and log do.
	orig *cellFile
	// cellFile, for standard output, is the cells' os.Stdout, which a cell
	// may assign (to capture what it prints): fmt.Print then writes to the
	// file it holds now, as Go's does. (Go's log keeps the os.Stderr it
	// started with: standard error has none.)
	cellFile **os.File
}

func (w *routeWriter) Write(p []byte) (int, error) {
	if w.cellFile != nil {
		if f := *w.cellFile; f != w.orig.f {
			return f.Write(p) // a nil file writes nothing, as in Go
		}
	}
	if w.orig != nil && w.orig.closed() {
		return w.orig.f.Write(p) // "write /dev/stdout: file already closed"
	}
	if w.first != nil {
		if err := w.first.Flush(nil); err != nil {
			return 0, err
		}
	}
	cell := 0
	if w.mark != nil {
		cell = w.track.cellOf()
	}
	if cell == 0 {
		return w.out.Write(p)
	}
	// One write, after what the buffer holds: an *os.File serialises its
	// writes, so no other output comes between the markers.
	b := append(append(w.mark(cell), p...), w.mark(0)...)
	if err := w.out.Flush(b); err != nil {
		return 0, err
	}
	return len(p), nil
}

// CellOf returns the execution count of the cell that the calling
// goroutine belongs to, when it is a goroutine that an earlier cell started
// (or one that library code started from it), else 0. It costs one atomic
// load while no goroutine of an earlier cell is alive.
func (s *Session) CellOf() int { return s.track.cellOf() }

// FlushStdout writes what the session has gathered of the interpreter's
// standard output, then tail (a marker), in one write.
func (s *Session) FlushStdout(tail []byte) error { return s.out.Flush(tail) }
