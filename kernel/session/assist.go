package session

import (
	"context"
	"fmt"
	"go/scanner"
	"go/token"
	"os/exec"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gopherlab/gopherlab/kernel/symbols"
)

// This file answers the notebook's questions about code that has not run:
// completion, inspection, help and whether a cell is complete. It works from
// syntax and the symbol tables; the type-checking front end (kernel/cell)
// will answer from types.

var keywords = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for",
	"func", "go", "goto", "if", "import", "interface", "map", "package", "range", "return", "select",
	"struct", "switch", "type", "var",
	"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max", "min",
	"new", "panic", "print", "println", "real", "recover",
	"any", "bool", "byte", "comparable", "error", "float32", "float64", "int", "int8", "int16", "int32",
	"int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "true", "false", "nil", "iota",
}

// Complete returns the names that may replace the identifier before cursor
// (a rune offset), and the rune span they replace.
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int) {
	runes := []rune(code)
	cursor = min(max(cursor, 0), len(runes))
	start = cursor
	for start > 0 && isIdentRune(runes[start-1], true) {
		start--
	}
	word := string(runes[start:cursor])
	if dot := strings.LastIndexByte(word, '.'); dot >= 0 {
		pkg, prefix := word[:dot], word[dot+1:]
		start += len([]rune(word[:dot+1]))
		for key, syms := range symbols.Symbols {
			if path.Base(key) != pkg {
				continue
			}
			for name := range syms {
				if strings.HasPrefix(name, prefix) && !strings.HasPrefix(name, "_") {
					matches = append(matches, name)
				}
			}
		}
	} else {
		var names []string
		names = append(names, keywords...)
		for name := range s.in.Globals() {
			names = append(names, name)
		}
		for key := range symbols.Symbols {
			names = append(names, path.Base(key))
		}
		for _, n := range names {
			if strings.HasPrefix(n, word) {
				matches = append(matches, n)
			}
		}
	}
	slices.Sort(matches)
	return slices.Compact(matches), start, cursor
}

func isIdentRune(r rune, dot bool) bool {
	return r == '_' || (dot && r == '.') || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r > 127
}

// Inspect returns help for the name at cursor.
func (s *Session) Inspect(ctx context.Context, code string, cursor int) (string, bool) {
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
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(code))
	var sc scanner.Scanner
	bad := false
	unterminated := false
	sc.Init(file, []byte(code), func(_ token.Position, msg string) {
		if strings.Contains(msg, "not terminated") {
			unterminated = true
		} else {
			bad = true
		}
	}, 0)
	depth := 0
	for {
		_, tok, _ := sc.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LBRACE, token.LPAREN, token.LBRACK:
			depth++
		case token.RBRACE, token.RPAREN, token.RBRACK:
			depth--
			if depth < 0 {
				return "invalid", ""
			}
		}
	}
	switch {
	case unterminated:
		return "incomplete", ""
	case bad:
		return "invalid", ""
	case depth > 0:
		return "incomplete", strings.Repeat("\t", depth)
	}
	return "complete", ""
}
