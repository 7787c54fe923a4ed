// Package magic splits a notebook cell into its magics (IPython-style
// commands such as %time or !ls) and its Go code, and runs the magics that
// need no interpreter.
//
// A cell is either one cell magic (its first line starts with %%, and the
// rest of the cell is its body) or a sequence of steps: shell lines (!cmd),
// line magics (%name args) and Go code, run in order. Go steps keep their
// line numbers: the lines before them are blanked, not removed.
package magic

import "strings"

// Step is one part of a cell.
type Step struct {
	Kind string // "go", "shell", "line" (a line magic) or "cell" (a cell magic)
	Name string // the magic's name, without % or %%
	Args string // the rest of the magic's line, or the shell command
	Code string // Go code (Kind "go"), or a cell magic's body; padded to keep line numbers
	Line int    // the step's first line in the cell, from 1
}

// Split splits a cell into steps. A cell without magics is one "go" step.
func Split(cell string) []Step {
	lines := strings.Split(cell, "\n")
	if first := strings.TrimSpace(lines[0]); strings.HasPrefix(first, "%%") {
		name, args, _ := strings.Cut(strings.TrimPrefix(first, "%%"), " ")
		return []Step{{Kind: "cell", Name: name, Args: strings.TrimSpace(args), Code: "\n" + strings.Join(lines[1:], "\n"), Line: 1}}
	}
	var steps []Step
	goStart := -1 // first line of the Go step being gathered
	flush := func(end int) {
		if goStart < 0 {
			return
		}
		code := strings.Repeat("\n", goStart) + strings.Join(lines[goStart:end], "\n")
		if strings.TrimSpace(code) != "" {
			steps = append(steps, Step{Kind: "go", Code: code, Line: goStart + 1})
		}
		goStart = -1
	}
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "!"):
			flush(i)
			steps = append(steps, Step{Kind: "shell", Args: strings.TrimSpace(t[1:]), Line: i + 1})
		case isLineMagic(t):
			flush(i)
			name, args, _ := strings.Cut(t[1:], " ")
			steps = append(steps, Step{Kind: "line", Name: name, Args: strings.TrimSpace(args), Line: i + 1})
		default:
			if goStart < 0 {
				goStart = i
			}
		}
	}
	flush(len(lines))
	if len(steps) == 0 {
		return []Step{{Kind: "go", Code: cell, Line: 1}}
	}
	return steps
}

// isLineMagic reports whether a trimmed line is %name...: a percent sign
// followed by a letter, which Go code never starts a line with.
func isLineMagic(t string) bool {
	return len(t) > 1 && t[0] == '%' && ('a' <= t[1] && t[1] <= 'z' || 'A' <= t[1] && t[1] <= 'Z')
}
