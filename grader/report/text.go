package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// ANSI colours, used only when the caller writes to a terminal.
const (
	green  = "\x1b[32m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

// WriteText writes the terminal report; color adds ANSI colours.
func WriteText(w io.Writer, r *Report, color bool) error {
	paint := func(c, s string) string {
		if !color {
			return s
		}
		return c + s + reset
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\n", r.Exercise, r.Title)
	fmt.Fprintf(&b, "submission: %s\n", r.Submission)
	scoreColor := red
	if r.Full() {
		scoreColor = green
	}
	fmt.Fprintf(&b, "score: %s\n", paint(bold+scoreColor, fmt.Sprintf("%s/%d", num(r.Score), r.MaxScore)))
	if r.Error != "" {
		fmt.Fprintf(&b, "error: %s\n", r.Error)
		for _, l := range strings.Split(r.BuildOutput, "\n") {
			if l != "" {
				fmt.Fprintf(&b, "  | %s\n", l)
			}
		}
	}
	if r.Env.Sandboxed {
		var names []string
		for _, p := range r.Env.Protections {
			name, _, _ := strings.Cut(p, ":")
			names = append(names, name)
		}
		line := "sandbox: on"
		if len(names) > 0 {
			line += " (" + strings.Join(names, "; ") + ")"
		}
		b.WriteString(line + "\n")
	}
	if r.Binary != "" {
		fmt.Fprintf(&b, "test binary: %s (run the reproduce commands with this binary)\n", r.Binary)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	b.WriteString("\n")
	width := 4
	for _, t := range r.Tests {
		width = max(width, len(t.Name))
	}
	fmt.Fprintf(&b, "  %-13s %7s  %-*s  %s\n", "verdict", "points", width, "test", "runs")
	for _, t := range r.Tests {
		mark, c := "✗", red
		switch t.Verdict {
		case "pass":
			mark, c = "✓", green
		case "skipped", "not_run":
			mark, c = "-", yellow
		}
		v := fmt.Sprintf("%s %-11s", mark, t.Verdict)
		runs := fmt.Sprintf("%d/%d", t.Passed, t.Runs)
		if t.Flaky {
			runs += " flaky"
		}
		fmt.Fprintf(&b, "  %s %7s  %-*s  %s\n", paint(c, v), num(t.Score)+"/"+fmt.Sprint(t.Points), width, t.Name, runs)
	}
	seen := map[string]bool{}
	var hints []string
	if r.Error != "" && len(r.Tests) > 0 {
		v := r.Tests[0].Verdict
		seen[v] = true
		hints = append(hints, fmt.Sprintf("  %s: %s", v, Hints[v]))
	}
	first := true
	for _, t := range r.Tests {
		if t.Verdict == "pass" || r.Error != "" {
			continue
		}
		if first {
			b.WriteString("\n")
			first = false
		}
		fmt.Fprintf(&b, "%s: %s\n", paint(bold, t.Name), t.Verdict)
		if t.Message != "" {
			fmt.Fprintf(&b, "  %s\n", t.Message)
		}
		if len(t.Locations) > 0 {
			fmt.Fprintf(&b, "  where: %s\n", strings.Join(t.Locations, "; "))
		}
		if t.Detail != "" && t.Verdict != "skipped" {
			for _, l := range strings.Split(t.Detail, "\n") {
				fmt.Fprintf(&b, "  | %s\n", l)
			}
		}
		if t.Flags.Seed != 0 {
			fmt.Fprintf(&b, "  shuffle seed: %d\n", t.Flags.Seed)
		}
		if t.Reproduce != "" {
			fmt.Fprintf(&b, "  reproduce: %s\n", t.Reproduce)
		}
		if t.Command != "" && r.Binary != "" {
			fmt.Fprintf(&b, "  test binary: %s\n", t.Command)
		}
		if h, ok := Hints[t.Verdict]; ok && !seen[t.Verdict] {
			seen[t.Verdict] = true
			hints = append(hints, fmt.Sprintf("  %s: %s", t.Verdict, h))
		}
	}
	if len(hints) > 0 {
		sort.Strings(hints)
		b.WriteString("\nhints:\n")
		b.WriteString(strings.Join(hints, "\n"))
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// num prints a score without needless decimals.
func num(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// Markdown is the report as a Markdown notebook cell.
func Markdown(r *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Gopherlab grade: %s/%d\n\n", num(r.Score), r.MaxScore)
	fmt.Fprintf(&b, "Exercise **%s** (%s)\n\n", r.Title, r.Exercise)
	if r.Error != "" {
		fmt.Fprintf(&b, "**Error:** %s\n\n", r.Error)
	}
	b.WriteString("| test | verdict | points |\n| --- | --- | --- |\n")
	for _, t := range r.Tests {
		fmt.Fprintf(&b, "| %s | %s | %s/%d |\n", t.Name, t.Verdict, num(t.Score), t.Points)
	}
	for _, t := range r.Tests {
		if t.Verdict == "pass" || t.Message == "" {
			continue
		}
		fmt.Fprintf(&b, "\n**%s** (%s): %s\n", t.Name, t.Verdict, t.Message)
		if len(t.Locations) > 0 {
			fmt.Fprintf(&b, "\nwhere: %s\n", strings.Join(t.Locations, "; "))
		}
		if h, ok := Hints[t.Verdict]; ok {
			fmt.Fprintf(&b, "\n*Hint:* %s\n", h)
		}
	}
	return b.String()
}
