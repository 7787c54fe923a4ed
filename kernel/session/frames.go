package session

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/gopherlab/gopherlab/kernel/cell"
)

// frameWriter is the interpreter's standard error. yaegi writes a line per
// interpreted frame when a panic passes through ("4:2: panic: main.f(...)"),
// in the coordinates of the code the front end generated; frameWriter turns
// them into cell coordinates, drops the frames of the generated glue, and
// keeps them for the panic's traceback (take), so that a panic is one error
// output with its location inside, as ipykernel shows it. Other lines pass
// through as they are.
type frameWriter struct {
	w  io.Writer
	fe *cell.Session

	mu     sync.Mutex
	buf    []byte
	frames []string // the frames of the panics that passed through since the last take
}

var frameLine = regexp.MustCompile(`^(\d+):\d+: panic: main\.?([\w.]*)\(\.\.\.\)$`)

// maxFrames bounds the frames kept: a runaway recursion passes many.
const maxFrames = 50

func (f *frameWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.buf = append(f.buf, p...)
	for {
		i := bytes.IndexByte(f.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := f.buf[:i]
		out, frame := f.translate(line)
		f.buf = f.buf[i+1:]
		switch {
		case frame:
			if out != nil && len(f.frames) < maxFrames {
				f.frames = append(f.frames, string(out))
			}
		default:
			if _, err := f.w.Write(append(out, '\n')); err != nil {
				return len(p), err
			}
		}
	}
}

// take returns the frames kept since the last call, innermost first.
func (f *frameWriter) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	frames := f.frames
	f.frames = nil
	return frames
}

// translate rewrites one line and says whether it is a frame; it returns
// nil for a frame to drop.
func (f *frameWriter) translate(line []byte) (out []byte, frame bool) {
	m := frameLine.FindSubmatch(line)
	if m == nil {
		return append([]byte(nil), line...), false
	}
	fn := string(m[2])
	if fn == "" {
		return nil, true // the evaluation of the cell itself
	}
	n, _ := strconv.Atoi(string(m[1]))
	// yaegi gives the position of the function's first statement, not of
	// the one the panic passed through: the frame names the cell, not a
	// line that would be wrong.
	where, _, _ := strings.Cut(f.fe.Frame(fn, n), ", line ")
	switch {
	case where == "" && isGlue(fn):
		return nil, true // generated code with no cell line: nothing to show
	case where == "":
		return append([]byte(nil), line...), true
	case isGlue(fn):
		return fmt.Appendf(nil, "  in %s", where), true
	default:
		return fmt.Appendf(nil, "  in %s (%s)", fn, where), true
	}
}

func isGlue(fn string) bool { return len(fn) > 4 && fn[:4] == "_gl_" }
