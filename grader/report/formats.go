package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

func testOutput(t Test) string {
	var parts []string
	if t.Message != "" {
		parts = append(parts, t.Message)
	}
	if len(t.Locations) > 0 {
		parts = append(parts, "where: "+strings.Join(t.Locations, "; "))
	}
	if t.Detail != "" {
		parts = append(parts, t.Detail)
	}
	if h, ok := Hints[t.Verdict]; ok && t.Verdict != "pass" {
		parts = append(parts, "hint: "+h)
	}
	return strings.Join(parts, "\n")
}

// WriteGradescope writes Gradescope's results.json.
func WriteGradescope(w io.Writer, r *Report) error {
	type gsTest struct {
		Name       string  `json:"name"`
		Score      float64 `json:"score"`
		MaxScore   int     `json:"max_score"`
		Status     string  `json:"status"` // passed or failed
		Output     string  `json:"output"`
		Visibility string  `json:"visibility"`
	}
	out := struct {
		Score            float64  `json:"score"`
		ExecutionTime    float64  `json:"execution_time"`
		Output           string   `json:"output"`
		Visibility       string   `json:"visibility"`
		StdoutVisibility string   `json:"stdout_visibility"`
		Tests            []gsTest `json:"tests"`
	}{Score: r.Score, ExecutionTime: time.Duration(r.Duration).Seconds(), Output: strings.Join(append(nonEmpty(r.Error), r.Notes...), "\n"),
		Visibility: "visible", StdoutVisibility: "hidden", Tests: []gsTest{}}
	for _, t := range r.Tests {
		status := "failed"
		if t.Verdict == "pass" {
			status = "passed"
		}
		max := t.Points
		out.Tests = append(out.Tests, gsTest{Name: t.Name + " [" + t.Verdict + "]", Score: t.Score, MaxScore: max, Status: status, Output: testOutput(t), Visibility: "visible"})
	}
	return writeIndented(w, out)
}

// WriteExercism writes an Exercism test-runner results.json, version 3.
func WriteExercism(w io.Writer, r *Report) error {
	type exTest struct {
		Name    string `json:"name"`
		Status  string `json:"status"`
		Message string `json:"message,omitempty"`
	}
	out := struct {
		Version int      `json:"version"`
		Status  string   `json:"status"`
		Message string   `json:"message,omitempty"`
		Tests   []exTest `json:"tests"`
	}{Version: 3, Status: "pass", Tests: []exTest{}}
	if r.Error != "" {
		out.Status = "error"
		out.Message = r.Error
	}
	for _, t := range r.Tests {
		st := "fail"
		switch t.Verdict {
		case "pass":
			st = "pass"
		case "build_error", "vet_error", "panic", "not_run", "tampered":
			st = "error"
		}
		if st != "pass" && out.Status == "pass" {
			out.Status = "fail"
		}
		e := exTest{Name: t.Name, Status: st}
		if st != "pass" || t.Verdict == "skipped" {
			e.Message = "[" + t.Verdict + "] " + testOutput(t)
		}
		out.Tests = append(out.Tests, e)
	}
	return writeIndented(w, out)
}

// WriteJUnit writes JUnit XML, one testsuite per report.
func WriteJUnit(w io.Writer, reports ...*Report) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	type skipped struct {
		Message string `xml:"message,attr"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Time      string   `xml:"time,attr"`
		Failure   *failure `xml:"failure,omitempty"`
		Error     *failure `xml:"error,omitempty"`
		Skipped   *skipped `xml:"skipped,omitempty"`
	}
	type suite struct {
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Errors   int        `xml:"errors,attr"`
		Skipped  int        `xml:"skipped,attr"`
		Time     string     `xml:"time,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	type suites struct {
		XMLName xml.Name `xml:"testsuites"`
		Suites  []suite  `xml:"testsuite"`
	}
	var all suites
	for _, r := range reports {
		s := suite{Name: r.Exercise + "/" + r.Submission, Time: secs(r.Duration)}
		for _, t := range r.Tests {
			c := testcase{Name: t.Name, Classname: r.Exercise, Time: secs(t.Duration)}
			f := &failure{Message: t.Verdict + ": " + t.Message, Type: t.Verdict, Text: testOutput(t)}
			switch t.Verdict {
			case "pass":
			case "skipped":
				c.Skipped = &skipped{Message: t.Message}
				s.Skipped++
			case "build_error", "vet_error", "panic", "not_run", "tampered":
				c.Error = f
				s.Errors++
			default:
				c.Failure = f
				s.Failures++
			}
			s.Tests++
			s.Cases = append(s.Cases, c)
		}
		all.Suites = append(all.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func secs(d JSONDuration) string { return fmt.Sprintf("%.3f", time.Duration(d).Seconds()) }

func writeIndented(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
