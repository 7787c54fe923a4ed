package worker

import (
	"errors"
	"io"
	"sync"

	"github.com/gopherlab/gopherlab/kernel/workerproto"
)

// stdin is the cell's standard input. A read with nothing buffered asks the
// kernel for a line, which the kernel asks the notebook user for.
type stdin struct {
	w       *Worker
	replies chan string

	mu    sync.Mutex // one reader at a time; guards buf
	buf   []byte
	allow bool // set per execute request, under w.mu
}

var errInterrupted = errors.New("input interrupted")

func (s *stdin) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.buf) == 0 {
		s.w.mu.Lock()
		allow, done := s.allow, s.w.cellDone
		s.w.mu.Unlock()
		if !allow || done == nil {
			return 0, io.EOF
		}
		if err := s.w.send(&workerproto.InputRequest{}); err != nil {
			return 0, err
		}
		select {
		case v := <-s.replies:
			s.buf = append(s.buf, v...)
			s.buf = append(s.buf, '\n')
		case <-done:
			return 0, errInterrupted
		}
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}
