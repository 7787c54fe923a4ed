package session

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// This file answers the notebook's questions about code that has not run:
// completion, inspection, help and whether a cell is complete, from the
// front end's type information (kernel/cell).

// Complete returns the names that may replace the identifier before cursor
// (a rune offset), and the rune span they replace.
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int) {
	return s.fe.Complete(code, cursor)
}

// Inspect returns help for the name at cursor: its declaration and doc
// comment from the type checker, else what Help finds.
func (s *Session) Inspect(ctx context.Context, code string, cursor int) (string, bool) {
	if text, ok := s.fe.Inspect(code, cursor); ok {
		return text, true
	}
	runes := []rune(code)
	cursor = min(max(cursor, 0), len(runes))
	start, end := cursor, cursor
	for start > 0 && isIdentRune(runes[start-1], true) {
		start--
	}
	for end < len(runes) && isIdentRune(runes[end], false) {
		end++
	}
	name := strings.Trim(string(runes[start:end]), ".")
	if name == "" {
		return "", false
	}
	return s.Help(ctx, name)
}

func isIdentRune(r rune, dot bool) bool {
	return r == '_' || (dot && r == '.') || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r > 127
}

// Help returns the documentation of a package or package member (from `go
// doc`), or the type and value of a name defined in the session.
func (s *Session) Help(ctx context.Context, name string) (string, bool) {
	if v, ok := s.in.Globals()[name]; ok && v.IsValid() {
		return fmt.Sprintf("%s %s = %v", name, v.Type(), v), true
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "doc", name).Output()
	if err != nil || len(out) == 0 {
		return "", false
	}
	return string(out), true
}

// IsComplete says whether a cell is ready to run: "complete", "incomplete"
// (with the indent for its next line) or "invalid".
func (s *Session) IsComplete(code string) (status, indent string) {
	return s.fe.IsComplete(code)
}
