// Package events reads the output of a Go test binary run with
// -test.v=test2json: framing lines start with the byte 0x16 and carry the
// test's run, pause, cont, pass, fail and skip events; every other line is
// output of the current test. It is a strict reader: it never guesses from
// plain "--- PASS" text, and it leaves judging to the caller.
package events

import (
	"bytes"
	"strings"
)

// Marker is the framing byte the testing package writes before each framing line.
const Marker = 0x16

// Actions, spelled as test2json spells them.
const (
	Run    = "run"
	Pause  = "pause"
	Cont   = "cont"
	Pass   = "pass"
	Fail   = "fail"
	Skip   = "skip"
	Output = "output"
)

// Event is one event of the stream. Test is "" for package-level events
// (the final PASS or FAIL line) and for output before any test started.
type Event struct {
	Action string `json:"action"`
	Test   string `json:"test,omitempty"`
	Output string `json:"output,omitempty"`
}

// Parse splits the combined stdout and stderr of a test binary into events.
func Parse(out []byte) []Event {
	var evs []Event
	current := ""
	for len(out) > 0 {
		// A line ends at a newline, or just before a framing byte that does
		// not begin it (output without a final newline, then a frame), as
		// test2json reads it.
		line := out
		end := bytes.IndexByte(out, '\n') + 1
		if m := bytes.IndexByte(out[1:], Marker) + 1; m > 0 && (end == 0 || m < end) {
			end = m
		}
		if end > 0 {
			line, out = out[:end], out[end:]
		} else {
			out = nil
		}
		if line[0] != Marker {
			evs = append(evs, Event{Action: Output, Test: current, Output: string(line)})
			continue
		}
		text := strings.TrimRight(string(line[1:]), "\r\n")
		ev, ok := framing(text)
		if !ok {
			// A marker without a known frame: keep it as output, without the marker.
			evs = append(evs, Event{Action: Output, Test: current, Output: string(line[1:])})
			continue
		}
		switch ev.Action {
		case "name":
			current = ev.Test
			continue
		case Run, Cont, Pass, Fail, Skip:
			current = ev.Test
		}
		evs = append(evs, ev)
	}
	return evs
}

// framing decodes the text of one framing line.
func framing(s string) (Event, bool) {
	for _, f := range []struct{ prefix, action string }{
		{"=== RUN   ", Run},
		{"=== PAUSE ", Pause},
		{"=== CONT  ", Cont},
		{"=== NAME  ", "name"},
		{"=== NAME", "name"}, // the empty name the testing package prints before the final line
		{"--- PASS: ", Pass},
		{"--- FAIL: ", Fail},
		{"--- SKIP: ", Skip},
	} {
		if rest, ok := strings.CutPrefix(s, f.prefix); ok {
			name := rest
			if f.action == Pass || f.action == Fail || f.action == Skip {
				// "TestX (0.01s)"
				i := strings.LastIndex(rest, " (")
				if i < 0 || !strings.HasSuffix(rest, "s)") {
					return Event{}, false
				}
				name = rest[:i]
			}
			name = strings.TrimSpace(name)
			if name == "" && f.action != "name" {
				return Event{}, false
			}
			return Event{Action: f.action, Test: name}, true
		}
	}
	switch s {
	case "PASS":
		return Event{Action: Pass}, true
	case "FAIL":
		return Event{Action: Fail}, true
	}
	return Event{}, false
}

// Summary counts the events of one top-level test.
type Summary struct {
	Runs, Passes, Fails, Skips int
	// Terminal counts pass, fail and skip events.
	Terminal int
	// Output is the output attributed to the test and its subtests, in order.
	Output []string
}

// Summarize counts the events of test name (its subtests' events go to Output only).
func Summarize(evs []Event, name string) Summary {
	var s Summary
	for _, e := range evs {
		own := e.Test == name
		sub := strings.HasPrefix(e.Test, name+"/")
		if !own && !sub {
			continue
		}
		if e.Action == Output {
			s.Output = append(s.Output, e.Output)
			continue
		}
		if !own {
			continue
		}
		switch e.Action {
		case Run:
			s.Runs++
		case Pass:
			s.Passes++
			s.Terminal++
		case Fail:
			s.Fails++
			s.Terminal++
		case Skip:
			s.Skips++
			s.Terminal++
		}
	}
	return s
}

// PackageResult returns the action of the last package-level pass or fail event, or "".
func PackageResult(evs []Event) string {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Test == "" && (evs[i].Action == Pass || evs[i].Action == Fail) {
			return evs[i].Action
		}
	}
	return ""
}

// Tests lists the distinct top-level tests that have any non-output event, in order of appearance.
func Tests(evs []Event) []string {
	var names []string
	seen := map[string]bool{}
	for _, e := range evs {
		if e.Action == Output || e.Test == "" {
			continue
		}
		top, _, _ := strings.Cut(e.Test, "/")
		if !seen[top] {
			seen[top] = true
			names = append(names, top)
		}
	}
	return names
}
