package session

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"sync"

	"github.com/gopherlab/gopherlab/kernel/cell"
)

// frameWriter is the interpreter's standard error. yaegi writes a line per
// interpreted frame when a panic passes through ("4:2: panic: main.f(...)"),
// in the coordinates of the code the front end generated; frameWriter turns
// them into cell coordinates and drops the frames of the generated glue.
// Other lines pass through as they are.
type frameWriter struct {
	w  io.Writer
	fe *cell.Session

	mu  sync.Mutex
	buf []byte
}

var frameLine = regexp.MustCompile(`^(\d+):\d+: panic: main\.?([\w.]*)\(\.\.\.\)$`)

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
		out := append(f.translate(line), '\n')
		f.buf = f.buf[i+1:]
		if len(out) > 1 {
			if _, err := f.w.Write(out); err != nil {
				return len(p), err
			}
		}
	}
}

// translate rewrites one line; it returns nothing for a line to drop.
func (f *frameWriter) translate(line []byte) []byte {
	m := frameLine.FindSubmatch(line)
	if m == nil {
		return append([]byte(nil), line...)
	}
	fn := string(m[2])
	if fn == "" {
		return nil // the evaluation of the cell itself
	}
	n, _ := strconv.Atoi(string(m[1]))
	where := f.fe.Frame(fn, n)
	if fn == "_gl_main" {
		fn = "main" // a pasted program's main (the front end renames it)
	}
	switch {
	case where == "" && isGlue(fn):
		return nil // generated code with no cell line: nothing to show
	case where == "":
		return append([]byte(nil), line...)
	case isGlue(fn):
		return fmt.Appendf(nil, "  at %s", where)
	default:
		return fmt.Appendf(nil, "  in %s at %s", fn, where)
	}
}

func isGlue(fn string) bool { return len(fn) > 4 && fn[:4] == "_gl_" }
