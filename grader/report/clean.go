package report

import (
	"strings"
)

// CleanText removes what could repaint a terminal or hide text: escape
// sequences (CSI, OSC and the rest), carriage returns, other C0 and C1
// control characters and DEL. Newlines and tabs stay; the test2json framing
// byte (0x16) shows as ^V so forged frames stay visible in evidence.
func CleanText(s string) string {
	if strings.IndexFunc(s, needsCleaning) < 0 {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\x1b':
			i = skipEscape(rs, i)
		case r == '\x16':
			b.WriteString("^V")
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r == '\r':
			if i+1 < len(rs) && rs[i+1] == '\n' {
				continue
			}
			b.WriteRune('\n')
		case needsCleaning(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsCleaning(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
		r == '\u202e' || r == '\u202d' || r == '\u2066' || r == '\u2067' || r == '\u2068' || r == '\u2069'
}

// skipEscape returns the index of the last rune of the escape sequence starting at rs[i] (ESC).
func skipEscape(rs []rune, i int) int {
	if i+1 >= len(rs) {
		return i
	}
	switch rs[i+1] {
	case '[': // CSI: parameters, then a final byte in @..~
		for j := i + 2; j < len(rs); j++ {
			if rs[j] >= '@' && rs[j] <= '~' {
				return j
			}
		}
		return len(rs) - 1
	case ']', 'P', '_', '^': // OSC, DCS, APC, PM: up to BEL or ESC \
		for j := i + 2; j < len(rs); j++ {
			if rs[j] == '\a' {
				return j
			}
			if rs[j] == '\x1b' && j+1 < len(rs) && rs[j+1] == '\\' {
				return j + 1
			}
		}
		return len(rs) - 1
	}
	return i + 1 // a two-character sequence
}

// Sanitize cleans every text of r that came from a submission or its tests (see CleanText).
func Sanitize(r *Report) {
	r.Submission = CleanText(r.Submission)
	r.Error = CleanText(r.Error)
	r.BuildOutput = CleanText(r.BuildOutput)
	for i := range r.Notes {
		r.Notes[i] = CleanText(r.Notes[i])
	}
	for i := range r.Tests {
		t := &r.Tests[i]
		t.Message = CleanText(t.Message)
		t.Detail = CleanText(t.Detail)
		t.Command = CleanText(t.Command)
		for k := range t.Locations {
			t.Locations[k] = CleanText(t.Locations[k])
		}
	}
}
