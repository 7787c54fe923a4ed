package cellfmt

import (
	"fmt"
	"io"
	"reflect"
	"unicode/utf8"
)

// use is one directive of a format: the byte offset of its verb, the verb
// and the argument it formats.
type use struct {
	at   int
	verb rune
	arg  int
}

// directives lists the directives of a format that take an argument, as
// fmt's doPrintf reads them (flags, [n] indexes, * widths and precisions).
func directives(format string) []use {
	var out []use
	argNum := 0
	end := len(format)
	argIndex := func(i int) (int, bool) {
		if i >= end || format[i] != '[' {
			return i, false
		}
		for j := i + 1; j < end; j++ {
			if format[j] == ']' {
				n := 0
				for _, c := range format[i+1 : j] {
					if c < '0' || c > '9' {
						return j + 1, true
					}
					n = n*10 + int(c-'0')
				}
				if n > 0 {
					argNum = n - 1
				}
				return j + 1, true
			}
		}
		return i, false
	}
	for i := 0; i < end; {
		if format[i] != '%' {
			i++
			continue
		}
		i++
		for i < end && (format[i] == '#' || format[i] == '0' || format[i] == '+' || format[i] == '-' || format[i] == ' ') {
			i++
		}
		var after bool
		i, after = argIndex(i)
		if i < end && format[i] == '*' {
			i++
			argNum++
			after = false
		} else {
			for i < end && format[i] >= '0' && format[i] <= '9' {
				i++
			}
		}
		if i < end && format[i] == '.' {
			i++
			i, after = argIndex(i)
			if i < end && format[i] == '*' {
				i++
				argNum++
				after = false
			} else {
				for i < end && format[i] >= '0' && format[i] <= '9' {
					i++
				}
			}
		}
		if !after {
			i, _ = argIndex(i)
		}
		if i >= end {
			break
		}
		verb, size := utf8.DecodeRuneInString(format[i:])
		if verb != '%' {
			out = append(out, use{at: i, verb: verb, arg: argNum})
			argNum++
		}
		i += size
	}
	return out
}

// prepare rewrites a format and its arguments: an argument that only %T
// formats becomes its type's name (and the verb %s); the others go through
// V, except those of %w and %p. An argument of a cell's type that %T and
// another verb both format ("%[1]T %[1]v") is refused (panic). Arguments
// that no verb formats (%!(EXTRA ...)) show yaegi's type names.
func prepare(format string, args []any) (string, []any) {
	uses := directives(format)
	verbs := make([][]rune, len(args))
	for _, u := range uses {
		if u.arg < len(args) {
			verbs[u.arg] = append(verbs[u.arg], u.verb)
		}
	}
	onlyT := func(a int) bool {
		for _, v := range verbs[a] {
			if v != 'T' {
				return false
			}
		}
		return len(verbs[a]) > 0
	}
	out := make([]any, len(args))
	b := []byte(format)
	for a, x := range args {
		switch {
		case onlyT(a):
			if x == nil {
				out[a] = "<nil>"
			} else {
				out[a] = TypeString(reflect.TypeOf(x))
			}
		case containsAny(verbs[a], 'T') && x != nil && mayNeed(reflect.TypeOf(x)):
			panic("gopherlab: %T of an argument that another verb of the format prints too: the interpreter cannot print its type; use %T on its own argument, or run the cell compiled with %%run")
		case !containsAny(verbs[a], 'w', 'p', 'T'):
			out[a] = V(x)
		default:
			out[a] = x
		}
	}
	for _, u := range uses {
		if u.verb == 'T' && u.arg < len(args) && onlyT(u.arg) {
			b[u.at] = 's'
		}
	}
	return string(b), out
}

func containsAny(l []rune, rs ...rune) bool {
	for _, r := range l {
		for _, x := range rs {
			if r == x {
				return true
			}
		}
	}
	return false
}

func wrap(args []any) []any {
	out := make([]any, len(args))
	for i, x := range args {
		out[i] = V(x)
	}
	return out
}

// Printf is fmt.Printf with the names cells gave their types.
func Printf(format string, a ...any) (int, error) {
	format, a = prepare(format, a)
	return fmt.Printf(format, a...)
}

// Sprintf is fmt.Sprintf with the names cells gave their types.
func Sprintf(format string, a ...any) string {
	format, a = prepare(format, a)
	return fmt.Sprintf(format, a...)
}

// Fprintf is fmt.Fprintf with the names cells gave their types.
func Fprintf(w io.Writer, format string, a ...any) (int, error) {
	format, a = prepare(format, a)
	return fmt.Fprintf(w, format, a...)
}

// Errorf is fmt.Errorf with the names cells gave their types.
func Errorf(format string, a ...any) error {
	format, a = prepare(format, a)
	return fmt.Errorf(format, a...)
}

// Appendf is fmt.Appendf with the names cells gave their types.
func Appendf(b []byte, format string, a ...any) []byte {
	format, a = prepare(format, a)
	return fmt.Appendf(b, format, a...)
}

// Print is fmt.Print with the names cells gave their types.
func Print(a ...any) (int, error) { return fmt.Print(wrap(a)...) }

// Println is fmt.Println with the names cells gave their types.
func Println(a ...any) (int, error) { return fmt.Println(wrap(a)...) }

// Sprint is fmt.Sprint with the names cells gave their types.
func Sprint(a ...any) string { return fmt.Sprint(wrap(a)...) }

// Sprintln is fmt.Sprintln with the names cells gave their types.
func Sprintln(a ...any) string { return fmt.Sprintln(wrap(a)...) }

// Fprint is fmt.Fprint with the names cells gave their types.
func Fprint(w io.Writer, a ...any) (int, error) { return fmt.Fprint(w, wrap(a)...) }

// Fprintln is fmt.Fprintln with the names cells gave their types.
func Fprintln(w io.Writer, a ...any) (int, error) { return fmt.Fprintln(w, wrap(a)...) }

// TypeOf returns what %T prints for x, with the names cells gave their
// types.
func TypeOf(x any) string {
	if x == nil {
		return "<nil>"
	}
	return TypeString(reflect.TypeOf(x))
}
