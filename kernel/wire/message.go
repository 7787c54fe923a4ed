package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// ProtocolVersion is the Jupyter messaging protocol version the kernel speaks.
const ProtocolVersion = "5.3"

// MaxMessageSize bounds the sum of a message's frames. Larger messages are
// rejected with ErrTooLarge before any JSON is decoded.
const MaxMessageSize = 64 << 20

var delimiter = []byte("<IDS|MSG>")

// Errors that Decode wraps, so callers can tell them apart with errors.Is.
var (
	ErrBadSignature = errors.New("bad signature")
	ErrMalformed    = errors.New("malformed message")
	ErrTooLarge     = errors.New("message too large")
)

// Header is a Jupyter message header.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one Jupyter message. Content and Metadata stay raw JSON until
// the handler that knows their shape decodes them.
type Message struct {
	Identities [][]byte
	Header     Header
	Parent     json.RawMessage // the parent header, {} when there is none
	Metadata   json.RawMessage
	Content    json.RawMessage
	Buffers    [][]byte
	Received   time.Time // when Recv returned it; zero for messages built here

	rawHeader json.RawMessage // the header as received, for the replies' parent_header
}

// ParentHeader decodes the parent header; it is the zero Header when empty.
func (m *Message) ParentHeader() Header {
	var h Header
	_ = json.Unmarshal(m.Parent, &h)
	return h
}

// NewMessage builds a message of msgType in reply to parent (which may be
// nil), with content marshalled to JSON.
func NewMessage(msgType string, parent *Message, session string, content any) (*Message, error) {
	c, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("wire: encode %s content: %w", msgType, err)
	}
	m := &Message{
		Header: Header{
			MsgID:    uuid.NewString(),
			Session:  session,
			Username: "kernel",
			Date:     time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
			MsgType:  msgType,
			Version:  ProtocolVersion,
		},
		Parent:   json.RawMessage("{}"),
		Metadata: json.RawMessage("{}"),
		Content:  c,
	}
	if parent != nil {
		m.Identities = parent.Identities
		if parent.rawHeader != nil {
			// The header as the client sent it, as ipykernel does.
			m.Parent = parent.rawHeader
		} else if h, err := json.Marshal(parent.Header); err == nil {
			m.Parent = h
		}
	}
	return m, nil
}

// Encode returns the frames of m, signed by s.
func (s *Signer) Encode(m *Message) ([][]byte, error) {
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, fmt.Errorf("wire: encode header: %w", err)
	}
	parent, meta, content := orEmpty(m.Parent), orEmpty(m.Metadata), orEmpty(m.Content)
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, delimiter, s.Sign(header, parent, meta, content), header, parent, meta, content)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

func orEmpty(b json.RawMessage) []byte {
	if len(b) == 0 {
		return []byte("{}")
	}
	return b
}

// Decode checks the signature of frames and decodes them into a Message.
// Errors wrap ErrMalformed, ErrBadSignature or ErrTooLarge.
func (s *Signer) Decode(frames [][]byte) (*Message, error) {
	size := 0
	for _, f := range frames {
		size += len(f)
	}
	if size > MaxMessageSize {
		return nil, fmt.Errorf("wire: %d bytes: %w", size, ErrTooLarge)
	}
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], delimiter) {
		i++
	}
	if i == len(frames) {
		return nil, fmt.Errorf("wire: no <IDS|MSG> delimiter: %w", ErrMalformed)
	}
	if len(frames)-i < 6 {
		return nil, fmt.Errorf("wire: %d frames after the delimiter, want at least 6: %w", len(frames)-i, ErrMalformed)
	}
	sig, header, parent, meta, content := frames[i+1], frames[i+2], frames[i+3], frames[i+4], frames[i+5]
	m := &Message{Identities: frames[:i], Buffers: frames[i+6:]}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("wire: header: %v: %w", err, ErrMalformed)
	}
	if !s.Verify(sig, header, parent, meta, content) {
		return nil, fmt.Errorf("wire: %s from session %q: %w", orUnknown(m.Header.MsgType), m.Header.Session, ErrBadSignature)
	}
	if m.Header.MsgType == "" {
		return nil, fmt.Errorf("wire: header has no msg_type: %w", ErrMalformed)
	}
	for name, f := range map[string][]byte{"parent_header": parent, "metadata": meta, "content": content} {
		if !json.Valid(f) || len(bytes.TrimSpace(f)) == 0 || bytes.TrimSpace(f)[0] != '{' {
			return nil, fmt.Errorf("wire: %s of %s is not a JSON object: %w", name, m.Header.MsgType, ErrMalformed)
		}
	}
	m.Parent, m.Metadata, m.Content = parent, meta, content
	m.rawHeader = header
	return m, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "message"
	}
	return s
}
