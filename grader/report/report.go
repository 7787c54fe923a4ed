// Package report holds the result of grading one submission and writes it
// as a terminal report, native JSON, Gradescope and Exercism (v3) results,
// JUnit XML and a Markdown cell for the learner's notebook.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Schema names the version of the native JSON format.
const Schema = "gopherlab-grade/v1"

// Report is the result of grading one submission.
type Report struct {
	Schema     string `json:"schema"`
	Exercise   string `json:"exercise"` // slug
	Title      string `json:"title"`
	Submission string `json:"submission"` // display name
	// PublicOnly: only the public checks ran (grade --public); the instructor's hidden tests did not.
	PublicOnly bool    `json:"public_only,omitempty"`
	Score      float64 `json:"score"`
	MaxScore   int     `json:"max_score"` // points of every graded test
	// Error is set when the submission could not be read or built; every test then carries the reason.
	Error string `json:"error,omitempty"`
	// BuildOutput is the compiler, vet or policy evidence behind Error.
	BuildOutput string   `json:"build_output,omitempty"`
	Tests       []Test   `json:"tests"`
	Notes       []string `json:"notes,omitempty"`
	Commands    []string `json:"commands,omitempty"` // the go commands that built it
	// Binary is where the test binary was kept (grade --keep); the tests' commands run it under its own name.
	Binary   string       `json:"binary,omitempty"`
	Env      Environment  `json:"environment"`
	Duration JSONDuration `json:"duration"`
}

// Environment records how the tests ran.
type Environment struct {
	GoVersion       string `json:"go_version"`
	GOMAXPROCS      int    `json:"gomaxprocs"`
	NetworkIsolated bool   `json:"network_isolated"`
	// Sandboxed: the tests ran in the OS sandbox; Protections lists what applied.
	Sandboxed   bool     `json:"sandboxed"`
	Protections []string `json:"protections,omitempty"`
}

// Test is the verdict of one graded test.
type Test struct {
	Name      string   `json:"name"`
	Verdict   string   `json:"verdict"`
	Points    int      `json:"points"`
	Score     float64  `json:"score"`
	Runs      int      `json:"runs"`
	Passed    int      `json:"passed"`
	Flaky     bool     `json:"flaky,omitempty"` // some runs passed, some did not
	Message   string   `json:"message,omitempty"`
	Locations []string `json:"locations,omitempty"`
	Detail    string   `json:"detail,omitempty"`
	Flags     Flags    `json:"flags"`
	Command   string   `json:"command,omitempty"` // reproduces the run next to the test binary (grade --keep)
	// Reproduce is the command a learner runs to grade this test again.
	Reproduce string       `json:"reproduce,omitempty"`
	Duration  JSONDuration `json:"duration"`
}

// Flags are the stress flags a test ran with.
type Flags struct {
	Count   int    `json:"count"`
	CPU     string `json:"cpu,omitempty"`
	Shuffle bool   `json:"shuffle,omitempty"`
	Seed    int64  `json:"seed,omitempty"`
	Timeout string `json:"timeout"`
	Kind    string `json:"kind,omitempty"`
}

// JSONDuration is a duration written as seconds.
type JSONDuration time.Duration

// MarshalJSON writes seconds with millisecond precision.
func (d JSONDuration) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf("%.3f", time.Duration(d).Seconds())), nil
}

// UnmarshalJSON reads seconds.
func (d *JSONDuration) UnmarshalJSON(b []byte) error {
	var s float64
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*d = JSONDuration(s * float64(time.Second))
	return nil
}

// PublicNote is the note of a report of the public checks alone.
const PublicNote = "only the public checks ran (public_test.go); the instructor's hidden tests did not run, so this is not your final grade"

// Full reports whether the submission earned every point.
func (r *Report) Full() bool {
	return r.Error == "" && r.MaxScore > 0 && r.Score == float64(r.MaxScore)
}

// Tally fills Score and MaxScore from the tests. Every test counts towards
// the maximum: a skipped or unrun check earns nothing but never lowers it.
func (r *Report) Tally() {
	r.Score, r.MaxScore = 0, 0
	for _, t := range r.Tests {
		r.MaxScore += t.Points
		r.Score += t.Score
	}
}

// WriteJSON writes the native JSON report.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// ReadJSON reads a native JSON report.
func ReadJSON(rd io.Reader) (*Report, error) {
	var r Report
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("report: schema %q, want %q", r.Schema, Schema)
	}
	return &r, nil
}

// Hints explain each verdict to the learner.
var Hints = map[string]string{
	"fail":        "the test's expectations were not met; read its message and compare with the README.",
	"race":        "two goroutines touched the same memory without synchronisation; guard it with a mutex, use a channel, or give each goroutine its own data.",
	"deadlock":    "goroutines waited for each other forever; check lock order, unbuffered sends nobody receives, and channels nobody closes.",
	"timeout":     "the test ran out of time while goroutines were still working; look for busy loops or work that never finishes.",
	"leak":        "goroutines were still running after the function returned; make every goroutine stop (close channels, honour ctx.Done()).",
	"panic":       "the code panicked; the location shows where.",
	"build_error": "the code did not compile together with the hidden tests; keep the exercise's function names and signatures.",
	"vet_error":   "go vet found a likely bug (copied lock, lost cancel, loop variable captured); fix the reported line.",
	"not_run":     "the test did not run (the time budget ran out or the grader could not find it).",
	"tampered":    "the grader saw output or code that tries to get around the tests (forged results, exit tricks, reading the tests, forbidden imports).",
	"skipped":     "the test skipped itself; a skipped check earns no points and still counts towards the maximum (no code can switch a check off).",
}
