package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, scheme := range []string{"hmac-sha256", "hmac-sha512", "hmac-sha1"} {
		s, err := NewSigner(scheme, "secret")
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewMessage("execute_request", nil, "sess", map[string]any{"code": "1+1"})
		if err != nil {
			t.Fatal(err)
		}
		m.Identities = [][]byte{[]byte("client-id")}
		m.Buffers = [][]byte{[]byte("buf")}
		frames, err := s.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Decode(frames)
		if err != nil {
			t.Fatalf("%s: %v", scheme, err)
		}
		if got.Header != m.Header || !bytes.Equal(got.Content, m.Content) ||
			len(got.Identities) != 1 || string(got.Identities[0]) != "client-id" ||
			len(got.Buffers) != 1 || string(got.Buffers[0]) != "buf" {
			t.Errorf("%s: round trip changed the message: %+v", scheme, got)
		}
	}
}

func TestReplyCarriesParent(t *testing.T) {
	req, _ := NewMessage("kernel_info_request", nil, "s", struct{}{})
	req.Identities = [][]byte{[]byte("id")}
	rep, err := NewMessage("kernel_info_reply", req, "k", struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.ParentHeader() != req.Header {
		t.Errorf("parent header = %+v, want %+v", rep.ParentHeader(), req.Header)
	}
	if string(rep.Identities[0]) != "id" {
		t.Errorf("identities not carried over")
	}
}

// TestReplyCarriesReceivedHeader: the reply to a received message carries
// the header as the client sent it, fields the kernel does not know included.
func TestReplyCarriesReceivedHeader(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", "secret")
	header := []byte(`{"msg_id":"m1","session":"s","username":"u","date":"2026-12-06T00:00:00Z","msg_type":"execute_request","version":"5.4","subshell_id":null}`)
	parent, meta, content := []byte("{}"), []byte("{}"), []byte(`{"code":"1"}`)
	frames := [][]byte{[]byte("id"), delimiter, s.Sign(header, parent, meta, content), header, parent, meta, content}
	req, err := s.Decode(frames)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := NewMessage("execute_reply", req, "k", struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rep.Parent, header) {
		t.Errorf("parent header = %s, want %s", rep.Parent, header)
	}
	// Signing twice in a row gives the same signature (the HMACs are reused).
	if a, b := s.Sign(header, content), s.Sign(header, content); !bytes.Equal(a, b) {
		t.Errorf("signatures differ: %s, %s", a, b)
	}
}

// TestDecodeRejects feeds malformed frames, forged signatures and oversized
// messages to Decode. Each must fail with the right error, never panic.
func TestDecodeRejects(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", "key")
	header := []byte(`{"msg_id":"1","session":"s","username":"u","date":"","msg_type":"execute_request","version":"5.3"}`)
	obj := []byte("{}")
	good := func() [][]byte {
		return [][]byte{[]byte("id"), delimiter, s.Sign(header, obj, obj, obj), header, obj, obj, obj}
	}
	with := func(i int, b []byte) [][]byte { f := good(); f[i] = b; return f }
	tests := []struct {
		name   string
		frames [][]byte
		want   error
	}{
		{"no delimiter", [][]byte{[]byte("a"), []byte("b")}, ErrMalformed},
		{"empty", nil, ErrMalformed},
		{"too few frames", good()[:5], ErrMalformed},
		{"header not JSON", with(3, []byte("{not json")), ErrMalformed},
		{"bad signature", with(2, []byte("0000")), ErrBadSignature},
		{"empty signature", with(2, nil), ErrBadSignature},
		{"tampered content", with(6, []byte(`{"code":"os.Exit(1)"}`)), ErrBadSignature},
		{"content not an object", func() [][]byte {
			c := []byte(`[1]`)
			return [][]byte{delimiter, s.Sign(header, obj, obj, c), header, obj, obj, c}
		}(), ErrMalformed},
		{"no msg_type", func() [][]byte {
			h := []byte(`{"msg_id":"1"}`)
			return [][]byte{delimiter, s.Sign(h, obj, obj, obj), h, obj, obj, obj}
		}(), ErrMalformed},
		{"oversized", [][]byte{delimiter, make([]byte, MaxMessageSize+1)}, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Decode(tt.frames)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestUnsignedWhenKeyEmpty(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", "")
	m, _ := NewMessage("status", nil, "s", map[string]string{"execution_state": "idle"})
	frames, _ := s.Encode(m)
	if len(frames[1]) != 0 {
		t.Errorf("signature %q, want empty", frames[1])
	}
	if _, err := s.Decode(frames); err != nil {
		t.Fatal(err)
	}
}

func TestUnknownScheme(t *testing.T) {
	if _, err := NewSigner("hmac-md5", "k"); err == nil {
		t.Fatal("hmac-md5 accepted")
	}
}

func TestNewMessageEncodesContent(t *testing.T) {
	m, _ := NewMessage("stream", nil, "s", map[string]string{"name": "stdout", "text": "hi"})
	var c map[string]string
	if err := json.Unmarshal(m.Content, &c); err != nil || c["text"] != "hi" {
		t.Fatalf("content %s: %v", m.Content, err)
	}
}
