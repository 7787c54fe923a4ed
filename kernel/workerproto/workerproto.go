// Package workerproto defines what the kernel process and its interpreter
// worker say to each other: JSON lines on two pipes, requests one way and
// events the other. Each kind of message is one Go type (see Message); a
// line is {"kind":KIND,"msg":MESSAGE}.
//
// Requests carry an ID that the kernel chooses; the worker's reply carries
// the same ID, and the kernel matches replies to requests by it.
//
// Content that the kernel passes on to the notebook (a display, a cell's
// result) is JSON the worker encoded once (json.RawMessage): the kernel
// copies it into the Jupyter message without decoding it.
//
// Output ordering: the worker writes a sync marker (see Marker) into its
// stdout and stderr pipes before it sends an event that must follow the
// output written so far. The event names the marker's sequence number in
// its Sync field, and the kernel publishes the event only once it has
// forwarded the output up to that marker in both streams.
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
	"sync"

	"github.com/gopherlab/gopherlab/kernel/kernelerr"
)

// Message is one message between kernel and worker: one of the types below.
type Message interface {
	Kind() string
}

// Requests, kernel to worker.

// Execute asks the worker to run a cell. The answer is an ExecuteReply.
type Execute struct {
	ID         uint64 `json:"id"`
	Code       string `json:"code"`
	ExecCount  int    `json:"exec_count"`
	AllowStdin bool   `json:"allow_stdin,omitempty"`
}

// Complete asks for completions at Cursor. The answer is a CompleteReply.
type Complete struct {
	ID     uint64 `json:"id"`
	Code   string `json:"code"`
	Cursor int    `json:"cursor"`
}

// Inspect asks for the documentation of what is at Cursor (Shift-Tab). The
// answer is an InspectReply.
type Inspect struct {
	ID          uint64 `json:"id"`
	Code        string `json:"code"`
	Cursor      int    `json:"cursor"`
	DetailLevel int    `json:"detail_level,omitempty"`
}

// IsComplete asks whether Code is a complete cell. The answer is an
// IsCompleteReply.
type IsComplete struct {
	ID   uint64 `json:"id"`
	Code string `json:"code"`
}

// Interrupt cancels the execute request ID if it is running. It has no
// reply: the interrupted cell's ExecuteReply says what happened.
type Interrupt struct {
	ID uint64 `json:"id"`
}

// InputReply answers an InputRequest.
type InputReply struct {
	Value string `json:"value"`
}

// Events, worker to kernel.

// Ready says that the worker is up.
type Ready struct {
	Version string `json:"version"` // the Go runtime's
}

// ExecuteReply ends the execute request ID.
type ExecuteReply struct {
	ID   uint64 `json:"id"`
	Sync uint64 `json:"sync,omitempty"`
	// Error is the cell's failure; nil when it succeeded.
	Error *kernelerr.Error `json:"error,omitempty"`
	// Data and Metadata are the cell's result as a MIME bundle, for
	// execute_result; empty when the cell has no value to show. Text is its
	// text/plain, for the history.
	Data     json.RawMessage `json:"data,omitempty"`
	Metadata json.RawMessage `json:"metadata,omitempty"`
	Text     string          `json:"text,omitempty"`
	Pager    string          `json:"pager,omitempty"` // help text for a `name?` cell
	Reset    bool            `json:"reset,omitempty"` // the cell asked for a fresh interpreter (%reset)
	// Restart says that the worker cannot go on (a cell that would not
	// stop): the kernel kills it and starts a fresh one.
	Restart bool `json:"restart,omitempty"`
}

// CompleteReply answers Complete.
type CompleteReply struct {
	ID          uint64   `json:"id"`
	Matches     []string `json:"matches"`
	CursorStart int      `json:"cursor_start"`
	CursorEnd   int      `json:"cursor_end"`
}

// InspectReply answers Inspect.
type InspectReply struct {
	ID    uint64 `json:"id"`
	Found bool   `json:"found"`
	Text  string `json:"text,omitempty"`
}

// IsCompleteReply answers IsComplete.
type IsCompleteReply struct {
	ID     uint64 `json:"id"`
	Status string `json:"status"` // complete, incomplete, invalid or unknown
	Indent string `json:"indent,omitempty"`
}

// ErrorReply answers a request the worker cannot serve.
type ErrorReply struct {
	ID    uint64           `json:"id"`
	Error *kernelerr.Error `json:"error"`
}

// Display is an IOPub message a cell made: display_data,
// update_display_data or clear_output, with its content as Jupyter wants
// it. Cell is the execution count of the cell it belongs to when a
// goroutine of an earlier cell made it (0: the running cell).
type Display struct {
	Sync    uint64          `json:"sync,omitempty"`
	Cell    int             `json:"cell,omitempty"`
	MsgType string          `json:"msg_type"`
	Content json.RawMessage `json:"content"`
}

// InputRequest says that the running cell reads standard input.
type InputRequest struct {
	Sync     uint64 `json:"sync,omitempty"`
	Prompt   string `json:"prompt"`
	Password bool   `json:"password,omitempty"`
}

func (Execute) Kind() string         { return "execute" }
func (Complete) Kind() string        { return "complete" }
func (Inspect) Kind() string         { return "inspect" }
func (IsComplete) Kind() string      { return "is_complete" }
func (Interrupt) Kind() string       { return "interrupt" }
func (InputReply) Kind() string      { return "input_reply" }
func (Ready) Kind() string           { return "ready" }
func (ExecuteReply) Kind() string    { return "execute_reply" }
func (CompleteReply) Kind() string   { return "complete_reply" }
func (InspectReply) Kind() string    { return "inspect_reply" }
func (IsCompleteReply) Kind() string { return "is_complete_reply" }
func (ErrorReply) Kind() string      { return "error_reply" }
func (Display) Kind() string         { return "display" }
func (InputRequest) Kind() string    { return "input_request" }

// kinds makes an empty message of each kind, for Read.
var kinds = map[string]func() Message{}

func init() {
	for _, m := range []func() Message{
		func() Message { return new(Execute) },
		func() Message { return new(Complete) },
		func() Message { return new(Inspect) },
		func() Message { return new(IsComplete) },
		func() Message { return new(Interrupt) },
		func() Message { return new(InputReply) },
		func() Message { return new(Ready) },
		func() Message { return new(ExecuteReply) },
		func() Message { return new(CompleteReply) },
		func() Message { return new(InspectReply) },
		func() Message { return new(IsCompleteReply) },
		func() Message { return new(ErrorReply) },
		func() Message { return new(Display) },
		func() Message { return new(InputRequest) },
	} {
		kinds[m().Kind()] = m
	}
}

// ReplyID returns the request ID a reply answers, and false for a message
// that is not a reply.
func ReplyID(m Message) (uint64, bool) {
	switch m := m.(type) {
	case *ExecuteReply:
		return m.ID, true
	case *CompleteReply:
		return m.ID, true
	case *InspectReply:
		return m.ID, true
	case *IsCompleteReply:
		return m.ID, true
	case *ErrorReply:
		return m.ID, true
	}
	return 0, false
}

// SyncOf returns the sync marker an event must wait for (0: none).
func SyncOf(m Message) uint64 {
	switch m := m.(type) {
	case *ExecuteReply:
		return m.Sync
	case *Display:
		return m.Sync
	case *InputRequest:
		return m.Sync
	}
	return 0
}

// Writer writes messages as JSON lines; it is safe for concurrent use.
type Writer struct {
	mu sync.Mutex
	w  io.Writer
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write sends m as one line.
// Raw content is kept as it is (not HTML-escaped).
func (w *Writer) Write(m Message) error {
	var line bytes.Buffer
	line.WriteString(`{"kind":"`)
	line.WriteString(m.Kind())
	line.WriteString(`","msg":`)
	enc := json.NewEncoder(&line)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil { // ends with a newline
		return fmt.Errorf("workerproto: encode %s: %w", m.Kind(), err)
	}
	line.Truncate(line.Len() - 1)
	line.WriteString("}\n")
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.w.Write(line.Bytes()); err != nil {
		return fmt.Errorf("workerproto: write %s: %w", m.Kind(), err)
	}
	return nil
}

// Reader reads messages from JSON lines.
type Reader struct{ s *bufio.Scanner }

// NewReader returns a Reader on r. Lines may be up to 256 MiB long.
func NewReader(r io.Reader) *Reader {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 256<<20)
	return &Reader{s: s}
}

// Read returns the next message, a pointer to one of the types above. It
// returns io.EOF at the end.
func (r *Reader) Read() (Message, error) {
	if !r.s.Scan() {
		if err := r.s.Err(); err != nil {
			return nil, fmt.Errorf("workerproto: read: %w", err)
		}
		return nil, io.EOF
	}
	var env struct {
		Kind string          `json:"kind"`
		Msg  json.RawMessage `json:"msg"`
	}
	line := r.s.Bytes()
	if err := json.Unmarshal(line, &env); err != nil {
		return nil, fmt.Errorf("workerproto: decode %.80q: %w", line, err)
	}
	mk, ok := kinds[env.Kind]
	if !ok {
		return nil, fmt.Errorf("workerproto: unknown kind %q", env.Kind)
	}
	m := mk()
	if err := json.Unmarshal(env.Msg, m); err != nil {
		return nil, fmt.Errorf("workerproto: decode %s: %w", env.Kind, err)
	}
	return m, nil
}
