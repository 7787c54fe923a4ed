package corpus

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The verdicts.
const (
	Pass     = "pass"
	Loud     = "loud"     // it failed, and the kernel said so
	Silent   = "silent"   // the cells reported what go run reports, with other output
	Excluded = "excluded" // not judged (exclude.txt, or nothing to judge against)
)

// Verdict judges a run.
type Verdict struct {
	Class string // Pass, Loud, Silent or Excluded
	// Why says what went wrong (or why the program is excluded), on one
	// line; Detail has the outputs.
	Why    string
	Detail string
	// Kind groups failures that are alike (see kindOf), for the table.
	Kind string
	// Wrong counts the rounds that did not pass, of Rounds.
	Wrong, Rounds int
}

// Judge compares a run with what go run does.
func Judge(want Want, resp Response) Verdict {
	switch {
	case resp.Err != "":
		return Verdict{Class: Loud, Why: "no session: " + resp.Err, Kind: "no session", Wrong: 1, Rounds: 1}
	case resp.Crash != "":
		first, _, _ := strings.Cut(strings.TrimPrefix(resp.Crash, "signal: killed\n"), "\n")
		return Verdict{Class: Loud, Why: "the worker died: " + first, Detail: resp.Crash, Kind: "worker died: " + crashKind(resp.Crash), Wrong: 1, Rounds: 1}
	case resp.Timeout > 0:
		return Verdict{Class: Loud, Why: fmt.Sprintf("no end after %v", resp.Timeout), Kind: "timeout", Wrong: 1, Rounds: 1}
	}
	v := Verdict{Class: Pass}
	for _, o := range resp.Outcomes {
		v.Rounds += o.Rounds
		class, why := judgeOutcome(want, o)
		if class == Pass {
			continue
		}
		v.Wrong += o.Rounds
		if v.Class == Pass || (class == Silent && v.Class == Loud) {
			v.Class, v.Why, v.Kind = class, why, kindOf(class, o)
			v.Detail = fmt.Sprintf("round %d: got:\n%s\nwant:\n%s", o.First+1, show(o.Output, o.Cell, o.ErrName, o.ErrValue), show(want.Output, 0, "", want.Panic))
		}
	}
	if v.Class != Pass && v.Rounds > 1 {
		v.Why = fmt.Sprintf("%d of %d rounds wrong: %s", v.Wrong, v.Rounds, v.Why)
	}
	return v
}

func show(out string, cell int, name, value string) string {
	s := out
	if value != "" {
		if cell > 0 {
			s += fmt.Sprintf("[cell %d failed] ", cell)
		}
		if name != "" {
			s += name + ": "
		}
		s += value + "\n"
	}
	return s
}

// judgeOutcome compares one round with go run.
func judgeOutcome(want Want, o Outcome) (class, why string) {
	status, panicLine := exitOf(o)
	sameEnd := status == want.Exit && (want.Exit != 2 || firstLine(panicLine) == firstLine(want.Panic))
	switch {
	case sameEnd && o.Output == want.Output:
		return Pass, ""
	case sameEnd || status == 0:
		// The cells reported what go run reports (or success), and the
		// output differs: a lie.
		what := "output differs: " + firstDiff(o.Output, want.Output)
		if o.Output == want.Output {
			what = fmt.Sprintf("the cells report success, go run exits with status %d", want.Exit)
			if want.Panic != "" {
				what += " (" + firstLine(want.Panic) + ")"
			}
		}
		return Silent, what
	case status == want.Exit:
		return Loud, fmt.Sprintf("cell %d: %s, go run says %s", o.Cell, firstLine(panicLine), firstLine(want.Panic))
	default:
		return Loud, fmt.Sprintf("cell %d: %s: %s", o.Cell, o.ErrName, firstLine(o.ErrValue))
	}
}

// exitOf is the exit status go run would give for a round's end, and the
// line a panic or a fatal error would print; -1 when the kernel refused a
// cell or failed otherwise.
func exitOf(o Outcome) (int, string) {
	switch o.ErrName {
	case "":
		return 0, ""
	case "Exit":
		if m := exitCall.FindStringSubmatch(o.ErrValue); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n, ""
		}
	case "panic":
		return 2, "panic: " + o.ErrValue
	case "fatal error":
		return 2, "fatal error: " + o.ErrValue
	}
	return -1, o.ErrName + ": " + o.ErrValue
}

var exitCall = regexp.MustCompile(`os\.Exit\((-?\d+)\)`)

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return strings.TrimSuffix(l, " [recovered]")
}

// firstDiff describes where two outputs part.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if i >= len(g) || i >= len(w) || gl != wl {
			return fmt.Sprintf("line %d: got %s, want %s", i+1, clip(gl, i < len(g)), clip(wl, i < len(w)))
		}
	}
	return "same lines"
}

func clip(s string, present bool) string {
	if !present {
		return "nothing"
	}
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return strconv.Quote(s)
}

var (
	positions = regexp.MustCompile(`(cell \d+, )?line \d+(:\d+)?:?|\d+:\d+:|_\.go:\d+(:\d+)?|0x[0-9a-f]+`)
	numbers   = regexp.MustCompile(`\d+`)
	quoted    = regexp.MustCompile(`"[^"]*"|'[^']*'`)
)

// kindOf names a failure's kind: its error without positions, numbers and
// quoted names, so that alike failures group.
func kindOf(class string, o Outcome) string {
	if class == Silent {
		if o.ErrName != "" {
			return "silent: wrong output before " + o.ErrName
		}
		return "silent: wrong output"
	}
	s := firstLine(o.ErrValue)
	s = positions.ReplaceAllString(s, "")
	s = quoted.ReplaceAllString(s, "Q")
	s = numbers.ReplaceAllString(s, "N")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 90 {
		s = s[:90] + "..."
	}
	return o.ErrName + ": " + s
}

// crashKind is the first line of a crash that says what happened.
func crashKind(crash string) string {
	for _, l := range strings.Split(crash, "\n") {
		for _, p := range []string{"fatal error: ", "runtime: ", "panic: ", "SIG"} {
			if strings.HasPrefix(l, p) {
				return numbers.ReplaceAllString(positions.ReplaceAllString(l, ""), "N")
			}
		}
	}
	first, _, _ := strings.Cut(crash, "\n")
	return first
}
