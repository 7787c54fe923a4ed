package compile

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// mainPos is a position in main.go as the go command, the compiler, the
// runtime and the race detector write it: "./main.go:12:5" (go build),
// "gopherlab.run/cell/main.go:12 +0x1d" (tracebacks of a -trimpath build),
// "main.go:12" or an absolute path into the build directory. The first
// group is the character before the path, kept as it is.
var mainPos = regexp.MustCompile(`(^|[\s("'\[])(?:\./|` + regexp.QuoteMeta(modulePath) + `/|/\S*/)?main\.go:(\d+)(?::(\d+))?`)

// cellPos is a position that a line directive put in cell coordinates, as
// the toolchain writes it: "cell 3:4" or "cell 3:4:7".
var cellPos = regexp.MustCompile(`\bcell (\d+):(\d+)(?::(\d+))?`)

// rewriter turns positions in main.go into cell coordinates.
type rewriter struct {
	where func(line int) (cell, cellLine int, ok bool)
	dirs  []string // build directories to hide from the learner
}

func newRewriter(where func(int) (int, int, bool), dirs ...string) *rewriter {
	return &rewriter{where: where, dirs: dirs}
}

// line rewrites one line of output.
func (r *rewriter) line(s string) string {
	if strings.Contains(s, "main.go:") {
		s = mainPos.ReplaceAllStringFunc(s, func(m string) string {
			sub := mainPos.FindStringSubmatch(m)
			return sub[1] + r.pos(sub[2], sub[3])
		})
	}
	for _, d := range r.dirs {
		s = strings.ReplaceAll(s, d+"/", "")
		s = strings.ReplaceAll(s, d, ".")
	}
	if strings.Contains(s, "cell ") {
		s = cellPos.ReplaceAllStringFunc(s, func(m string) string {
			sub := cellPos.FindStringSubmatch(m)
			if sub[3] != "" {
				return "cell " + sub[1] + ", line " + sub[2] + ":" + sub[3]
			}
			return "cell " + sub[1] + ", line " + sub[2]
		})
	}
	return s
}

// pos is "cell 3, line 4" or "cell 3, line 4:7" for line (and column) of
// main.go, or "main.go:12" for a line no cell wrote.
func (r *rewriter) pos(line, col string) string {
	n, _ := strconv.Atoi(line)
	if r.where != nil {
		if cell, cellLine, ok := r.where(n); ok {
			s := fmt.Sprintf("cell %d, line %d", cell, cellLine)
			if col != "" {
				s += ":" + col
			}
			return s
		}
	}
	if col != "" {
		return "main.go:" + line + ":" + col
	}
	return "main.go:" + line
}

// lineWriter writes a stream to w line by line, rewritten. A partial line
// is written at once, as it is, so that prompts without a newline show.
type lineWriter struct {
	w       io.Writer
	mu      *sync.Mutex
	rw      *rewriter
	pending []byte // the start of a line not yet written
	midLine bool   // the current line was partly written as it is
	// for stderrFilter: handle takes over complete lines, and hold says
	// whether a partial line must wait for its end
	handle func(line string)
	hold   func(partial []byte) bool
}

func (lw *lineWriter) Write(p []byte) (int, error) {
	lw.pending = append(lw.pending, p...)
	for {
		i := bytes.IndexByte(lw.pending, '\n')
		if i < 0 {
			break
		}
		line := string(lw.pending[:i])
		lw.pending = lw.pending[i+1:]
		if lw.midLine {
			lw.midLine = false
			lw.write(line + "\n")
			continue
		}
		if lw.handle != nil {
			lw.handle(line)
		} else {
			lw.write(lw.rw.line(line) + "\n")
		}
	}
	if len(lw.pending) > 0 && (lw.midLine || lw.hold == nil || !lw.hold(lw.pending)) {
		lw.write(string(lw.pending))
		lw.pending = lw.pending[:0]
		lw.midLine = true
	}
	return len(p), nil
}

// write writes to w; an error of w drops the output but never stops the
// program (the program would block on a full pipe otherwise).
func (lw *lineWriter) write(s string) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	io.WriteString(lw.w, s)
}

// flush ends the stream: a last line without a newline is written.
func (lw *lineWriter) flush() {
	if len(lw.pending) > 0 {
		lw.Write([]byte("\n"))
	}
}

// raceRule opens and closes a race detector report.
const raceRule = "=================="

// maxReports and maxGoroutines bound a traceback.
const (
	maxReports    = 10
	maxGoroutines = 10
)

// stderrFilter is the program's standard error. Ordinary lines go to the
// cell's stderr; race reports and the runtime's last words (a panic, a
// fatal error) are kept for the cell's *Error.
type stderrFilter struct {
	lineWriter
	state   int        // what the next complete line continues
	block   []string   // the race report being read
	reports [][]string // race reports, trimmed
	found   int        // N of the race detector's "Found N data race(s)"
	crash   []string   // from "panic: " or "fatal error: " on, as written
}

// states of stderrFilter
const (
	plain    = iota // ordinary output
	ruleSeen        // a raceRule line: a report if the next line says so
	inReport        // inside a race report
)

var foundRaces = regexp.MustCompile(`^Found (\d+) data race\(s\)$`)

func newStderrFilter(w io.Writer, mu *sync.Mutex, rw *rewriter) *stderrFilter {
	f := &stderrFilter{lineWriter: lineWriter{w: w, mu: mu, rw: rw}}
	f.handle = f.take
	f.hold = f.mustWait
	return f
}

// mustWait says whether a partial line must wait for its end: inside a
// crash or a race report everything waits, the runtime writes a line in
// pieces; outside, a line that may start one waits.
func (f *stderrFilter) mustWait(partial []byte) bool {
	if f.state != plain || len(f.crash) > 0 {
		return true
	}
	for _, s := range []string{raceRule, "panic: ", "fatal error: ", "Found "} {
		if bytes.HasPrefix(partial, []byte(s)) || bytes.HasPrefix([]byte(s), partial) {
			return true
		}
	}
	return false
}

// take handles one complete line of standard error.
func (f *stderrFilter) take(line string) {
	switch f.state {
	case ruleSeen:
		if line == "WARNING: DATA RACE" {
			f.block = append(f.block, line)
			f.state = inReport
			return
		}
		f.state = plain
		f.plainLine(raceRule)
		f.take(line)
	case inReport:
		f.block = append(f.block, line)
		if line == raceRule {
			f.endReport()
		}
	default:
		if line == raceRule {
			f.block = []string{line}
			f.state = ruleSeen
			return
		}
		f.plainLine(line)
	}
}

// plainLine is a line outside race reports: the start or the rest of a
// crash, the race detector's count, or the program's own output.
func (f *stderrFilter) plainLine(line string) {
	switch {
	case foundRaces.MatchString(line):
		f.found, _ = strconv.Atoi(foundRaces.FindStringSubmatch(line)[1])
	case len(f.crash) > 0:
		f.crash = append(f.crash, line)
	case strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: "):
		f.crash = append(f.crash, line)
	default:
		f.write(f.rw.line(line) + "\n")
	}
}

func (f *stderrFilter) endReport() {
	f.reports = append(f.reports, trimRace(f.block, f.rw))
	f.block = nil
	f.state = plain
}

// flush ends standard error: a report cut short (the program was killed)
// is kept as far as it goes.
func (f *stderrFilter) flush() {
	f.lineWriter.flush()
	switch f.state {
	case ruleSeen:
		f.state = plain
		f.plainLine(raceRule)
	case inReport:
		f.endReport()
	}
}
