package cell

import (
	"go/scanner"
	"go/token"
)

// segKind says what a top-level piece of a cell is.
type segKind int

const (
	segStmt    segKind = iota // a statement (run in order)
	segImport                 // an import declaration
	segDecl                   // a func, method, type or const declaration (hoisted)
	segVar                    // a var declaration (run in order, like a statement)
	segPackage                // a package clause at the start of a pasted program
)

// segment is a top-level piece of a cell's source: [start, end) byte offsets.
type segment struct {
	kind       segKind
	start, end int
}

// split cuts a cell into top-level segments with go/scanner, so that imports,
// declarations and statements may come in any order (yaegi alone rejects a
// cell that mixes them: "expected declaration, found ...").
func split(src string) []segment {
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	s.Init(file, []byte(src), nil, scanner.ScanComments)

	type tok struct {
		pos int
		tok token.Token
		lit string
	}
	var toks []tok
	// commentStart[i] is where the comments just before toks[i] begin, so
	// that a declaration keeps its doc comment.
	var commentStart []int
	pending := -1
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		if t == token.COMMENT {
			if pending < 0 {
				pending = file.Offset(pos)
			}
			continue
		}
		cs := file.Offset(pos)
		if pending >= 0 {
			cs = pending
		}
		if t != token.SEMICOLON || lit != "\n" {
			pending = -1
		}
		toks = append(toks, tok{file.Offset(pos), t, lit})
		commentStart = append(commentStart, cs)
	}

	var segs []segment
	depth := 0
	i := 0
	for i < len(toks) {
		// Skip empty statements.
		if toks[i].tok == token.SEMICOLON {
			i++
			continue
		}
		start := toks[i].pos
		kind := segStmt
		switch toks[i].tok {
		case token.PACKAGE:
			if len(segs) == 0 {
				kind = segPackage
			}
		case token.IMPORT:
			kind = segImport
		case token.TYPE, token.CONST:
			kind = segDecl
			start = commentStart[i]
		case token.VAR:
			kind = segVar
		case token.FUNC:
			if isFuncDecl(len(toks), i, func(j int) token.Token { return toks[j].tok }) {
				kind = segDecl
				start = commentStart[i]
			}
		}
		// Find the end: the next semicolon at depth 0.
		j := i
		end := len(src)
		for ; j < len(toks); j++ {
			switch toks[j].tok {
			case token.LPAREN, token.LBRACK, token.LBRACE:
				depth++
			case token.RPAREN, token.RBRACK, token.RBRACE:
				depth--
			case token.SEMICOLON:
				if depth <= 0 {
					depth = 0
					if toks[j].lit == "\n" {
						end = toks[j].pos
					} else {
						end = toks[j].pos + 1
					}
				}
			}
			if toks[j].tok == token.SEMICOLON && depth == 0 {
				break
			}
		}
		if j >= len(toks) {
			end = len(src)
		}
		segs = append(segs, segment{kind: kind, start: start, end: end})
		i = j + 1
	}
	return segs
}

// isFuncDecl tells a function declaration (func f..., func (r T) M...) from a
// statement that starts with a function literal (func() {...}()).
func isFuncDecl(n, i int, at func(int) token.Token) bool {
	if i+1 >= n {
		return false
	}
	switch at(i + 1) {
	case token.IDENT:
		return true
	case token.LPAREN:
		// Skip the parenthesised list; a method has a name after it.
		depth := 0
		for j := i + 1; j < n; j++ {
			switch at(j) {
			case token.LPAREN:
				depth++
			case token.RPAREN:
				depth--
				if depth == 0 {
					if j+2 < n && at(j+1) == token.IDENT && (at(j+2) == token.LPAREN || at(j+2) == token.LBRACK) {
						return true
					}
					return false
				}
			}
		}
	}
	return false
}
