package report

import (
	"bytes"
	"reflect"
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
