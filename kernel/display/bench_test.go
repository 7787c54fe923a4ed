package display

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkTimelineStartEnd is the cost of recording one span, what a cell
// pays per span in a loop it measures.
func BenchmarkTimelineStartEnd(b *testing.B) {
	tl := NewTimeline()
	for b.Loop() {
		end := tl.Start("main", "step")
		end()
	}
}

func BenchmarkTimelineSVG(b *testing.B) {
	for _, n := range []int{1000, 100_000} {
		// n spans of lane "" that all overlap: n rows to pack, 30 drawn.
		tl := NewTimeline()
		for i := range n {
			tl.Add("", "job", base.Add(time.Duration(i)*time.Microsecond), base.Add(time.Second))
		}
		b.Run(fmt.Sprint(n, "-concurrent"), func(b *testing.B) {
			for b.Loop() {
				_ = tl.SVG()
			}
		})
	}
	b.Run("1000-spans-40-goroutines", func(b *testing.B) {
		tl := thousand()
		for b.Loop() {
			_ = tl.SVG()
		}
	})
}

func BenchmarkProgressAdd(b *testing.B) {
	SetSink(func(Message) {})
	defer SetSink(nil)
	p := NewProgress("x", 0)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p.Add(1)
		}
	})
}
