package report

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestJSONRoundTrip(t *testing.T) {
	r := &Report{Schema: Schema, Exercise: "e04", Submission: "a.go", Score: 2.5, MaxScore: 3,
		Duration: JSONDuration(1500 * time.Millisecond),
		Tests:    []Test{{Name: "TestX", Verdict: "fail", Points: 3, Score: 2.5, Runs: 6, Passed: 5, Flaky: true}}}
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
	}
	if _, err := ReadJSON(bytes.NewBufferString(`{"schema":"other/v9"}`)); err == nil {
		t.Error("read a report of another schema")
	}
}

// TestTally: a skipped check keeps its points in the maximum, so code that
// makes a check skip cannot raise its share of the score.
func TestTally(t *testing.T) {
	r := &Report{Tests: []Test{{Verdict: "pass", Points: 2, Score: 2}, {Verdict: "skipped", Points: 5}, {Verdict: "fail", Points: 1}}}
	r.Tally()
	if r.Score != 2 || r.MaxScore != 8 || r.Full() {
		t.Errorf("score %v/%d full %v; want 2/8, not full", r.Score, r.MaxScore, r.Full())
	}
}

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"plain\ttext\n":                          "plain\ttext\n",
		"\x1b[2J\x1b[Hgreen \x1b[32mPASS\x1b[0m": "green PASS",
		"\x1b]0;pwned\x07title":                  "title",
		"over\rwrite":                            "over\nwrite",
		"crlf\r\n":                               "crlf\n",
		"bell\a del\x7f c1\u009b":                "bell del c1",
		"\x16--- PASS: TestX":                    "^V--- PASS: TestX",
		"rtl \u202eevil":                         "rtl evil",
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestColorOnlyOurs: with colours on, the text report of a submission that
// printed escapes carries only the report's own SGR codes, never the
// submission's (Sanitize strips them before WriteText paints).
func TestColorOnlyOurs(t *testing.T) {
	evil := "\x1b[2J\x1b]0;pwned\x07\x1b[31mFAKE PASS\x1b[0m"
	r := &Report{Exercise: "e01", Title: "t", Submission: "a.go" + evil, Error: "boom" + evil, BuildOutput: "x.go:1" + evil,
		Notes: []string{"note" + evil},
		Tests: []Test{{Name: "TestA", Verdict: "fail", Points: 1, Message: "msg" + evil, Detail: "detail" + evil, Command: "go test" + evil, Runs: 1}, {Name: "TestB", Verdict: "pass", Points: 1, Score: 1, Runs: 1}}}
	Sanitize(r)
	r.Tally()
	var b bytes.Buffer
	if err := WriteText(&b, r, true); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	own := strings.NewReplacer(green, "", red, "", yellow, "", bold, "", reset, "").Replace(out)
	if strings.ContainsAny(own, "\x1b\x07") {
		t.Errorf("escapes other than the report's own colours:\n%q", own)
	}
	if !strings.Contains(out, green) || !strings.Contains(out, red) {
		t.Errorf("no colours with color on:\n%q", out)
	}
	b.Reset()
	if err := WriteText(&b, r, false); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b\x07") {
		t.Errorf("escapes with color off:\n%q", b.String())
	}
}
