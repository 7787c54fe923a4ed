package display

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLookProgress writes the progress bar and counter pages for -look.
func TestLookProgress(t *testing.T) {
	if *look == "" {
		t.Skip("only with -look")
	}
	got := capture(t)
	clock := &manualClock{t: base}
	p := newProgress("crawling", 250, clock.now)
	for range 100 {
		p.Add(1)
	}
	clock.advance(time.Second)
	p.Add(1)
	clock.advance(time.Second)
	for range 149 {
		p.Add(1)
	}
	p.Done()
	c := newCounter("goroutines running", clock.now)
	c.Add(8)
	c.Add(-3)
	c.Done()
	var b strings.Builder
	for _, bg := range []string{"background:#fff;color:#222", "background:#111;color:#ddd"} {
		b.WriteString(`<div style="padding:10px;` + bg + `">`)
		for _, m := range got() {
			b.WriteString(data(t, m)["text/html"].(string) + "<br>")
		}
		b.WriteString("</div>")
	}
	os.WriteFile(filepath.Join(*look, "progress.html"), []byte(`<!doctype html><meta charset="utf-8"><body style="margin:0">`+b.String()), 0o644)
}

// TestLookRealTimeline draws a timeline of real goroutines for -look: a
// pool of 8 workers taking 40 jobs from a channel, and the main goroutine.
func TestLookRealTimeline(t *testing.T) {
	if *look == "" {
		t.Skip("only with -look")
	}
	tl := NewTimeline()
	tl.SetTitle("8 workers, 40 jobs from a channel")
	jobs := make(chan int)
	for w := range 8 {
		tl.Go(fmt.Sprint("worker ", w+1), "worker", func() {
			for j := range jobs {
				tl.Run(fmt.Sprint("worker ", w+1), []string{"fetch", "parse", "store"}[j%3], func() {
					time.Sleep(time.Duration(1+j%5) * time.Millisecond)
				})
			}
		})
	}
	tl.Run("main", "send jobs", func() {
		for j := range 40 {
			jobs <- j
		}
		close(jobs)
	})
	tl.Wait()
	writeLookPage(t, "timeline-real", tl)
}

// TestLookManyLabels draws, for -look, a timeline whose spans all have
// different labels (coloured by lane, labelled inside the bars) and long
// lane names.
func TestLookManyLabels(t *testing.T) {
	if *look == "" {
		t.Skip("only with -look")
	}
	tl := NewTimeline()
	for i := range 24 {
		lane := fmt.Sprintf("https://example.com/page/%d/with/a/very/long/path", i%6)
		start := float64(i/6) * 30
		tl.Add(lane, fmt.Sprint("GET /page/", i), ms(start), ms(start+10+float64(i%5)*4))
	}
	writeLookPage(t, "timeline-labels", tl)
}
