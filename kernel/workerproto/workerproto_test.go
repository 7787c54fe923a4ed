package workerproto

import (
	"bytes"
	"testing"
)

func TestUnmark(t *testing.T) {
	m := func(seq uint64) string { return string(Marker("n1", seq)) }
	tests := []struct {
		in       string
		out      string
		seq      uint64
		hold     int
		describe string
	}{
		{"hello\n", "hello\n", 0, 0, "no marker"},
		{"a" + m(3) + "b", "ab", 3, 0, "one marker"},
		{m(1) + m(2), "", 2, 0, "two markers"},
		{"x\x00y", "x\x00y", 0, 0, "a NUL that is not a marker"},
		{"x" + m(7)[:5], "x", 0, 5, "a marker cut short"},
		{"x" + m(7)[:len(m(7))-1], "x", 0, len(m(7)) - 1, "a marker cut before its end"},
		{"a" + string(Marker("other", 4)) + "b", "a" + string(Marker("other", 4)) + "b", 0, 0, "another worker's marker"},
	}
	for _, tt := range tests {
		out, seq, hold := Unmark([]byte(tt.in), "n1")
		if !bytes.Equal(out, []byte(tt.out)) || seq != tt.seq || hold != tt.hold {
			t.Errorf("%s: Unmark(%q) = %q, %d, %d; want %q, %d, %d", tt.describe, tt.in, out, seq, hold, tt.out, tt.seq, tt.hold)
		}
	}
}
