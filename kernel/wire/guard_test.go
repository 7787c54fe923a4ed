package wire

import (
	"encoding/binary"
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
			g := &frameGuard{greeting: greetingSize}
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
