package workerproto

import (
	"fmt"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	m := func(seq uint64) string { return string(Marker("n1", seq)) }
	c := func(n int) string { return string(CellMarker("n1", n)) }
	b := func(n uint64) string { return string(ChunkMarker("n1", n)) }
	tests := []struct {
		in       []string // successive reads
		out      string   // the parts, as cell:"data" ...
		seq      uint64
		describe string
	}{
		{[]string{"hello\n"}, `0:"hello\n"`, 0, "no marker"},
		{[]string{"a" + m(3) + "b"}, `0:"ab"`, 3, "one marker"},
		{[]string{m(1) + m(2)}, ``, 2, "two markers"},
		{[]string{"x\x00y"}, `0:"x\x00y"`, 0, "a NUL that is not a marker"},
		{[]string{"x" + m(7)[:5], m(7)[5:] + "y"}, `0:"x" 0:"y"`, 7, "a marker cut short"},
		{[]string{"x" + m(7)[:len(m(7))-1], m(7)[len(m(7))-1:]}, `0:"x"`, 7, "a marker cut before its end"},
		{[]string{"a" + string(Marker("other", 4)) + "b"}, fmt.Sprintf("0:%q", "a"+string(Marker("other", 4))+"b"), 0, "another worker's marker"},
		{[]string{"a" + c(3) + "late" + c(0) + "b"}, `0:"a" 3:"late" 0:"b"`, 0, "a cell's output"},
		{[]string{"a" + c(3) + "la", "te" + c(0)[:4], c(0)[4:] + m(9) + "b"}, `0:"a" 3:"la" 3:"te" 0:"b"`, 9, "a cell's output across reads"},
		{[]string{b(1) + "one" + b(2) + "two" + m(5)}, `0:"onetwo"`, 5, "chunks"},
		{[]string{b(7)[:9], b(7)[9:] + "x"}, `0:"x"`, 0, "a chunk marker cut short"},
	}
	for _, tt := range tests {
		d := NewDecoder("n1")
		var got string
		var seq uint64
		for _, in := range tt.in {
			parts, s := d.Decode([]byte(in))
			seq = max(seq, s)
			for _, p := range parts {
				got += fmt.Sprintf(" %d:%q", p.Cell, p.Data)
			}
		}
		if len(got) > 0 {
			got = got[1:]
		}
		if got != tt.out || seq != tt.seq {
			t.Errorf("%s: Decode(%q) = %s, %d; want %s, %d", tt.describe, tt.in, got, seq, tt.out, tt.seq)
		}
		// The highest chunk marker in the input (the last cases have some).
		want := uint64(0)
		for n := uint64(1); n < 10; n++ {
			if strings.Contains(strings.Join(tt.in, ""), b(n)) {
				want = n
			}
		}
		if d.Chunk != want {
			t.Errorf("%s: Chunk = %d, want %d", tt.describe, d.Chunk, want)
		}
	}
}
