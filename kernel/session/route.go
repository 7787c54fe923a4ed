package session

import "github.com/gopherlab/gopherlab/kernel/outbuf"

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
}

func (w *routeWriter) Write(p []byte) (int, error) {
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

// MarkStdout writes what the session has gathered of the interpreter's
// standard output, then marker, in one write.
func (s *Session) MarkStdout(marker []byte) error { return s.out.Mark(marker) }

// Quiet reports whether, since the last call, nothing reached the cells'
// standard output and error, and nothing else could have: the session's
// stdout buffer is on, so no cell can write to the files by itself. The
// worker then needs no sync marker before its next event. (Output that the
// worker writes itself, for magics, is the worker's to count.)
func (s *Session) Quiet() bool {
	wroteOut := s.out.Wrote()
	wroteErr := s.errOut.out.Wrote()
	return !wroteOut && !wroteErr && !s.out.IsDirect()
}
