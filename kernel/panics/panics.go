// Package panics gives cells the panic values Go's runtime raises where
// yaegi v0.16.1 raises reflect's: a nil pointer dereference in an
// interpreted cell panics with "reflect: call of reflect.Value.Field on
// zero Value", an index out of range with "reflect: slice index out of
// range". kernel/session translates what a cell or its goroutines leave
// unrecovered; the code kernel/cell generates translates what recover()
// returns.
//
// A nil dereference becomes Go's own value (a runtime.Error whose text is
// "runtime error: invalid memory address or nil pointer dereference").
// A failed type assertion becomes a runtime.Error with Go's text. An
// index or slice bound out of range becomes a runtime.Error that says
// what Go would say but that the interpreter does not know the index and
// the length (Go's text has them: "index out of range [3] with length
// 0"), and that %%run gives Go's message: yaegi's panic does not carry
// them. Where a program can recover the panic, kernel/cell's pass
// indexBounds checks the index itself and raises Go's exact error; this
// text remains for code that cells gave the interpreter before any cell
// called recover, and for operands that the pass cannot read twice
// (Inexact tells it, so that the session can say so).
//
// Internal tells a panic of the interpreter itself (an error of reflect
// that Go would not raise) from the program's.
package panics

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
)

// nilDeref is the runtime's own value for a nil pointer dereference.
var nilDeref = func() (v any) {
	defer func() { v = recover() }()
	var p *int
	_ = *p
	return nil
}()

// runtimeError is a run-time panic that Go would raise, with Go's text
// (or, when inexact, Go's text without the numbers the interpreter does
// not know).
type runtimeError struct {
	msg     string
	inexact bool
}

func (e runtimeError) Error() string { return e.msg }

// RuntimeError marks it as a runtime.Error.
func (runtimeError) RuntimeError() {}

var (
	zeroValue = regexp.MustCompile(`^reflect: call of reflect\.Value\.\w+ on zero Value`)
	// yaegi reports a failed assertion as a compile error with a position.
	assertion = regexp.MustCompile(`^\d+:\d+: (interface conversion: .*)$`)
)

// Go returns the value Go's runtime would have raised for a panic value
// of yaegi's, or v itself.
func Go(v any) any {
	var msg string
	switch x := v.(type) {
	case string:
		msg = x
	case *reflect.ValueError:
		msg = x.Error()
	case error:
		var ve *reflect.ValueError
		if errors.As(x, &ve) {
			msg = ve.Error()
		} else if m := assertion.FindStringSubmatch(x.Error()); m != nil {
			return runtimeError{msg: m[1]}
		} else {
			return v
		}
	default:
		return v
	}
	switch {
	case zeroValue.MatchString(msg),
		msg == "reflect.Value.Call: call of nil function",
		msg == "reflect: Method on nil interface value":
		return nilDeref
	case msg == "reflect: slice index out of range", msg == "reflect: array index out of range", msg == "reflect: string index out of range":
		// (reflect's Method and Field index out of range are the
		// interpreter's failures: see Internal)
		return runtimeError{"runtime error: index out of range (the interpreter does not know the index and the length; %%run gives Go's exact message)", true}
	case msg == "reflect.Value.Slice: slice index out of bounds",
		msg == "reflect.Value.Slice3: slice index out of bounds",
		msg == "reflect.Value.Slice: string slice index out of bounds":
		return runtimeError{"runtime error: slice bounds out of range (the interpreter does not know the bounds and the capacity; %%run gives Go's exact message)", true}
	}
	return v
}

// Internal reports whether v, a panic value as Go returns it, is a failure
// of the interpreter rather than a panic Go's runtime would raise: an error
// of reflect (yaegi runs cells through reflect; its errors that Go does not
// translate above mean yaegi did an operation wrong) or one that names
// yaegi's own types. A program that calls reflect itself can raise such a
// value too: the caller tells them apart by where the panic started.
func Internal(v any) bool {
	var msg string
	switch x := v.(type) {
	case *reflect.ValueError:
		return true
	case string:
		msg = x
	case error:
		var ve *reflect.ValueError
		if errors.As(x, &ve) {
			return true
		}
		msg = x.Error()
	default:
		return false
	}
	return strings.HasPrefix(msg, "reflect: ") || strings.HasPrefix(msg, "reflect.") ||
		strings.Contains(msg, "reflect.Type is nil") || strings.Contains(msg, "interp.")
}

// Inexact reports whether v, a value Go returned, is an index or slice
// bound error whose text lacks Go's numbers.
func Inexact(v any) bool {
	e, ok := v.(runtimeError)
	return ok && e.inexact
}
