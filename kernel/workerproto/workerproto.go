// Package workerproto defines what the kernel process and its interpreter
// worker say to each other: JSON lines on two pipes, requests one way and
// events the other.
//
// Output ordering: the worker writes a sync marker (see Marker) into its
// stdout and stderr pipes before it sends an event that must follow the
// output written so far. The event names the marker's sequence number in
// Sync, and the kernel publishes the event only once it has forwarded the
// output up to that marker in both streams.
//
// Output routing: output that a goroutine of an earlier cell writes is
// framed by cell markers (see CellMarker), and the kernel publishes it under
// that cell's execute request.
package workerproto

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Request types, kernel to worker.
const (
	Execute    = "execute"
	Complete   = "complete"
	Inspect    = "inspect"
	IsComplete = "is_complete"
	Interrupt  = "interrupt"   // cancel the running cell; no reply
	InputReply = "input_reply" // answer to an InputRequest event
)

// Request is one line from the kernel to the worker.
type Request struct {
	ID          uint64 `json:"id"`
	Type        string `json:"type"`
	Code        string `json:"code,omitempty"`
	Cursor      int    `json:"cursor,omitempty"`
	DetailLevel int    `json:"detail_level,omitempty"`
	ExecCount   int    `json:"exec_count,omitempty"`
	AllowStdin  bool   `json:"allow_stdin,omitempty"`
	Value       string `json:"value,omitempty"` // input_reply
}

// Event types, worker to kernel.
const (
	Ready        = "ready"         // the worker is up; Text holds version information
	Reply        = "reply"         // the answer to the request with the same ID
	Display      = "display"       // a display_data, update_display_data or clear_output message
	InputRequest = "input_request" // the cell reads standard input
	Restart      = "restart"       // the worker cannot go on: kill it and start a fresh one
)

// Event is one line from the worker to the kernel.
type Event struct {
	ID   uint64 `json:"id"`
	Type string `json:"type"`
	Sync uint64 `json:"sync,omitempty"` // publish only after the output up to this marker

	// Reply to execute.
	Status string         `json:"status,omitempty"` // "ok" or "error"
	Error  *Error         `json:"error,omitempty"`
	Data   map[string]any `json:"data,omitempty"` // the cell's result or the display's MIME bundle
	Meta   map[string]any `json:"metadata,omitempty"`
	Pager  string         `json:"pager,omitempty"` // help text for a `name?` cell
	Reset  bool           `json:"reset,omitempty"` // the cell asked for a fresh interpreter (%reset)

	// Display: the IOPub message type and its content, and the execution
	// count of the cell it belongs to when a goroutine of an earlier cell
	// made it (0: the running cell).
	Cell    int            `json:"cell,omitempty"`
	MsgType string         `json:"msg_type,omitempty"`
	Content map[string]any `json:"content,omitempty"`

	// Reply to complete and inspect, and input requests.
	Matches     []string `json:"matches,omitempty"`
	CursorStart int      `json:"cursor_start,omitempty"`
	CursorEnd   int      `json:"cursor_end,omitempty"`
	Found       bool     `json:"found,omitempty"`
	Text        string   `json:"text,omitempty"` // inspect text, input prompt, ready banner
	Indent      string   `json:"indent,omitempty"`
	Password    bool     `json:"password,omitempty"`
}

// Error is a cell error as Jupyter shows it.
type Error struct {
	Name      string   `json:"ename"`
	Value     string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

func (e *Error) Error() string { return e.Name + ": " + e.Value }

// Writer writes JSON lines; it is safe for concurrent use.
type Writer struct {
	mu sync.Mutex
	w  io.Writer
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write sends v as one line.
func (w *Writer) Write(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("workerproto: encode: %w", err)
	}
	b = append(b, '\n')
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.w.Write(b); err != nil {
		return fmt.Errorf("workerproto: write: %w", err)
	}
	return nil
}

// Reader reads JSON lines.
type Reader struct{ s *bufio.Scanner }

// NewReader returns a Reader on r. Lines may be up to 256 MiB long.
func NewReader(r io.Reader) *Reader {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 256<<20)
	return &Reader{s: s}
}

// Read decodes the next line into v. It returns io.EOF at the end.
func (r *Reader) Read(v any) error {
	if !r.s.Scan() {
		if err := r.s.Err(); err != nil {
			return fmt.Errorf("workerproto: read: %w", err)
		}
		return io.EOF
	}
	if err := json.Unmarshal(r.s.Bytes(), v); err != nil {
		return fmt.Errorf("workerproto: decode %.80q: %w", r.s.Bytes(), err)
	}
	return nil
}

// Marker returns the bytes of sync marker seq for a worker whose nonce is
// nonce. It is short enough to be written atomically into a pipe.
func Marker(nonce string, seq uint64) []byte {
	return []byte(markerPrefix + nonce + ":" + strconv.FormatUint(seq, 10) + "\x00")
}

// CellMarker returns the marker that says that the output after it, up to
// the next cell marker, belongs to the execute request whose execution
// count is n, not to the running one: the output of a goroutine that an
// earlier cell started. n = 0 ends it. The worker writes a cell's marker,
// the output and the end marker in one write.
func CellMarker(nonce string, n int) []byte {
	return []byte(markerPrefix + nonce + ":c" + strconv.Itoa(n) + "\x00")
}

const markerPrefix = "\x00gopherlab-sync:"

// Part is output between markers. Cell is the execution count a cell
// marker gave it, 0 for the running cell's output.
type Part struct {
	Cell int
	Data []byte
}

// Decoder removes the markers of one worker from one of its output pipes.
type Decoder struct {
	prefix []byte
	held   []byte // bytes that may begin a marker
	cell   int    // the cell marker in force
}

// NewDecoder returns a Decoder for the worker whose nonce is nonce.
func NewDecoder(nonce string) *Decoder {
	return &Decoder{prefix: []byte(markerPrefix + nonce + ":")}
}

// Decode takes the next bytes read from the pipe. It returns the output
// before, between and after markers, in parts by cell, and the highest sync
// marker seen. Trailing bytes that may be the start of a marker wait for
// the next call (or Flush).
func (d *Decoder) Decode(b []byte) (parts []Part, seq uint64) {
	buf := b
	if len(d.held) > 0 {
		buf = append(d.held, b...)
		d.held = nil
	}
	emit := func(p []byte) {
		if len(p) == 0 {
			return
		}
		if n := len(parts); n > 0 && parts[n-1].Cell == d.cell {
			parts[n-1].Data = append(parts[n-1].Data, p...)
			return
		}
		parts = append(parts, Part{Cell: d.cell, Data: append([]byte(nil), p...)})
	}
	for {
		i := bytes.IndexByte(buf, 0)
		if i < 0 {
			emit(buf)
			return parts, seq
		}
		rest := buf[i:]
		if len(rest) < len(d.prefix) {
			if bytes.HasPrefix(d.prefix, rest) {
				emit(buf[:i])
				d.held = append([]byte(nil), rest...)
				return parts, seq
			}
		} else if bytes.HasPrefix(rest, d.prefix) {
			end := bytes.IndexByte(rest[len(d.prefix):], 0)
			if end < 0 {
				if len(rest) < len(d.prefix)+24 {
					emit(buf[:i])
					d.held = append([]byte(nil), rest...)
					return parts, seq
				}
			} else if payload := string(rest[len(d.prefix) : len(d.prefix)+end]); payload != "" {
				cell, isCell := strings.CutPrefix(payload, "c")
				if n, err := strconv.ParseUint(cell, 10, 64); err == nil {
					emit(buf[:i])
					if isCell {
						d.cell = int(n)
					} else if n > seq {
						seq = n
					}
					buf = rest[len(d.prefix)+end+1:]
					continue
				}
			}
		}
		emit(buf[:i+1])
		buf = buf[i+1:]
	}
}

// Flush returns the bytes held back, at the end of the pipe.
func (d *Decoder) Flush() []Part {
	if len(d.held) == 0 {
		return nil
	}
	p := []Part{{Cell: d.cell, Data: d.held}}
	d.held = nil
	return p
}
