package wire

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"
)

func frameHeader(flags byte, size uint64) []byte {
	if size > 255 {
		b := make([]byte, 9)
		b[0] = flags | 0x02
		binary.BigEndian.PutUint64(b[1:], size)
		return b
	}
	return []byte{flags, byte(size)}
}

// TestFrameGuardScan feeds streams to the guard in pieces of every size, so
// that headers split across reads are covered.
func TestFrameGuardScan(t *testing.T) {
	greeting := make([]byte, greetingSize)
	body := func(n int) []byte { return make([]byte, n) }
	join := func(parts ...[]byte) []byte {
		var out []byte
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := []struct {
		name   string
		stream []byte
		ok     bool
	}{
		{"greeting only", greeting, true},
		{"short frames", join(greeting, frameHeader(0x04, 5), body(5), frameHeader(0x01, 0), frameHeader(0, 3), body(3)), true},
		{"a long frame within the limit", join(greeting, frameHeader(0, 70000), body(70000), frameHeader(0, 1), body(1)), true},
		{"a terabyte frame", join(greeting, frameHeader(0x04, 1<<40)), false},
		{"a frame just over the limit", join(greeting, frameHeader(0, maxFrame+1)), false},
		{"an oversized frame after good ones", join(greeting, frameHeader(0, 2), body(2), frameHeader(0, 1<<62)), false},
	}
	for _, tt := range tests {
		for _, piece := range []int{1, 2, 3, 7, 64, len(tt.stream)} {
			g := &framing{greeting: greetingSize, limit: maxFrame}
			var err error
			for b := tt.stream; len(b) > 0 && err == nil; {
				k := min(piece, len(b))
				err = g.scan(b[:k])
				b = b[k:]
			}
			if (err == nil) != tt.ok {
				t.Errorf("%s in pieces of %d: err = %v, want ok=%v", tt.name, piece, err, tt.ok)
			}
		}
	}
}

// recordConn is a net.Conn that records each write.
type recordConn struct {
	net.Conn
	writes [][]byte
}

func (c *recordConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, append([]byte(nil), p...))
	return len(p), nil
}

// TestFrameGuardWrite writes the greeting, a command and messages the way
// zmq4 does (a header, then a body, per frame) and checks that each reaches
// the connection whole, in one write, and that nothing is held after it.
func TestFrameGuardWrite(t *testing.T) {
	message := func(sizes ...int) [][]byte {
		var parts [][]byte
		for i, n := range sizes {
			flags := byte(0)
			if i < len(sizes)-1 {
				flags = 0x01 // MORE
			}
			parts = append(parts, frameHeader(flags, uint64(n)), bytes.Repeat([]byte{byte('a' + i)}, n))
		}
		return parts
	}
	tests := []struct {
		name   string
		parts  [][]byte
		writes int // how many writes reach the connection
	}{
		{"greeting", [][]byte{make([]byte, greetingSize)}, 1},
		{"a command", [][]byte{frameHeader(0x04, 5), []byte("READY")}, 1},
		{"a Jupyter message", message(16, 9, 64, 120, 2, 2, 300), 1},
		{"an empty last frame", message(3, 0), 1},
		{"one frame", message(5), 1},
		{"a frame larger than the buffer", message(10, writeBuffer+100, 10), 2},
	}
	c := &recordConn{}
	g := newFrameGuard(c)
	for _, tt := range tests {
		c.writes = nil
		var want []byte
		for _, p := range tt.parts {
			if _, err := g.Write(p); err != nil {
				t.Fatal(err)
			}
			want = append(want, p...)
		}
		if got := bytes.Join(c.writes, nil); !bytes.Equal(got, want) {
			t.Errorf("%s: the connection got %d bytes, want %d", tt.name, len(got), len(want))
		}
		if len(c.writes) != tt.writes {
			t.Errorf("%s: %d writes, want %d", tt.name, len(c.writes), tt.writes)
		}
	}
}
