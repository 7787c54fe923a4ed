package cell

import (
	"reflect"
	"runtime"
	"strings"
)

// RuntimePath is the import path of the pseudo-package that rewritten code
// calls at run time. The session registers it with yaegi's Use:
//
//	interp.Use(cell.RuntimeSymbols(goPanic, exit))
const RuntimePath = "gopherlab/cellrt"

// RuntimeSymbols returns the yaegi symbol table of the cellrt package.
//
//   - GoPanic(where string, v any) is called, from an interpreted deferred
//     function, when a goroutine that a cell started panics; where is
//     "cell 3, line 4" (the go statement). The goroutine then ends; the
//     process lives on.
//   - Exit(code int) replaces os.Exit in cells. It should stop the cell
//     (panic with a value the session recognises) and must not exit the
//     worker.
//   - Guard(t uint64, where string, f func()) is the function of every
//     goroutine a go statement starts (see pass goPanic): it calls f and
//     reports to goPanic a panic that got past f's interpreted recover
//     (yaegi runs no interpreted code, not even a deferred recover, of a
//     cell it has stopped). Guarded, GuardedErr and GuardedAnyErr wrap, the
//     same way, a function that compiled code runs in a goroutine of its
//     own (see pass goFunc). A host that tracks goroutines replaces Guard
//     (t is Spawn's token).
//   - Spawn, Enter and Done track goroutines (see pass goPanic): they do
//     nothing here; a host that tracks goroutines replaces them with
//     TrackingSymbols.
//   - Select and SelectCase implement select statements (see pass
//     selectStmt).
//   - Unwrap and IsOne are the compiled half of errors.Is and errors.As
//     (see pass errors).
func RuntimeSymbols(goPanic func(where string, v any), exit func(code int)) map[string]map[string]reflect.Value {
	catch := func(where string) {
		if r := recover(); r != nil {
			goPanic(where, Recovered(r))
		}
	}
	return map[string]map[string]reflect.Value{
		RuntimePath + "/cellrt": {
			"GoPanic":    reflect.ValueOf(goPanic),
			"Exit":       reflect.ValueOf(exit),
			"Select":     reflect.ValueOf(Select),
			"SelectCase": reflect.ValueOf((*SelectCase)(nil)),
			"Select1":    reflect.ValueOf(Select1),
			"Select2":    reflect.ValueOf(Select2),
			"Select3":    reflect.ValueOf(Select3),
			"Select4":    reflect.ValueOf(Select4),
			"Unwrap":     reflect.ValueOf(Unwrap),
			"IsOne":      reflect.ValueOf(IsOne),
			"Recovered":  reflect.ValueOf(Recovered),
			"Index":      reflect.ValueOf(Index),
			"IndexU":     reflect.ValueOf(IndexU),
			"Slice":      reflect.ValueOf(Slice),
			"Slice3":     reflect.ValueOf(Slice3),
			"SliceU":     reflect.ValueOf(SliceU),
			"Slice3U":    reflect.ValueOf(Slice3U),
			"Spawn":      reflect.ValueOf(func(where string) uint64 { return 0 }),
			"Enter":      reflect.ValueOf(func(uint64) {}),
			"Done":       reflect.ValueOf(func(uint64) {}),
			"Guard": reflect.ValueOf(func(_ uint64, where string, f func()) {
				defer catch(where)
				f()
			}),
			"Guarded": reflect.ValueOf(func(where string, f func()) func() {
				return func() {
					defer catch(where)
					f()
				}
			}),
			"GuardedErr": reflect.ValueOf(func(where string, f func() error) func() error {
				return func() error {
					defer catch(where)
					return f()
				}
			}),
			"GuardedAnyErr": reflect.ValueOf(func(where string, f func() (any, error)) func() (any, error) {
				return func() (any, error) {
					defer catch(where)
					return f()
				}
			}),
			// pass ifaceAssert (runtime_iface.go)
			"IsCell":         reflect.ValueOf(IsCell),
			"Missing":        reflect.ValueOf(Missing),
			"AssertFailed":   reflect.ValueOf(AssertFailed),
			"CannotHold":     reflect.ValueOf(CannotHold),
			"Uncomparable":   reflect.ValueOf(Uncomparable),
			"ConcreteFailed": reflect.ValueOf(ConcreteFailed),
		},
	}
}

// TrackingSymbols returns the cellrt functions that let a host track the
// goroutines cells start; Use it after RuntimeSymbols. Each go statement
// calls spawn(where) in the parent, where is "cell 3, line 4" (the go
// statement); the goroutine then calls enter(t) as its first statement and
// done(t) as its last deferred call, with t the value spawn returned.
func TrackingSymbols(spawn func(where string) uint64, enter, done func(t uint64)) map[string]map[string]reflect.Value {
	return map[string]map[string]reflect.Value{
		RuntimePath + "/cellrt": {
			"Spawn": reflect.ValueOf(spawn),
			"Enter": reflect.ValueOf(enter),
			"Done":  reflect.ValueOf(done),
		},
	}
}

// SelectCase is one case of a select statement: Dir is 1 for a receive, 2
// for a send.
type SelectCase struct {
	Dir  int
	Chan any
	Send any
}

// Select runs a select statement with reflect.Select: it returns the index
// of the chosen case (-1 for default), and for a receive the value and
// whether the channel was open. Compiled code, so goroutines that run the
// same select statement share nothing (yaegi v0.16.1's select keeps its
// state in the statement's node).
func Select(cases []SelectCase, hasDefault bool) (chosen int, recv any, recvOK bool) {
	return selectCases(cases, hasDefault)
}

// Select1 to Select4 are Select for one to four cases, given as (dir,
// channel, value to send) triples: no slice to build in interpreted code,
// which makes a select in a loop several times faster.
func Select1(hasDefault bool, d0 int, c0, s0 any) (int, any, bool) {
	return selectCases([]SelectCase{{d0, c0, s0}}, hasDefault)
}

func Select2(hasDefault bool, d0 int, c0, s0 any, d1 int, c1, s1 any) (int, any, bool) {
	return selectCases([]SelectCase{{d0, c0, s0}, {d1, c1, s1}}, hasDefault)
}

func Select3(hasDefault bool, d0 int, c0, s0 any, d1 int, c1, s1 any, d2 int, c2, s2 any) (int, any, bool) {
	return selectCases([]SelectCase{{d0, c0, s0}, {d1, c1, s1}, {d2, c2, s2}}, hasDefault)
}

func Select4(hasDefault bool, d0 int, c0, s0 any, d1 int, c1, s1 any, d2 int, c2, s2 any, d3 int, c3, s3 any) (int, any, bool) {
	return selectCases([]SelectCase{{d0, c0, s0}, {d1, c1, s1}, {d2, c2, s2}, {d3, c3, s3}}, hasDefault)
}

func selectCases(cases []SelectCase, hasDefault bool) (chosen int, recv any, recvOK bool) {
	var buf [5]reflect.SelectCase
	rc := buf[:0]
	for _, c := range cases {
		ch := reflect.ValueOf(c.Chan)
		sc := reflect.SelectCase{Dir: reflect.SelectRecv, Chan: ch}
		if c.Dir == 2 {
			sc.Dir = reflect.SelectSend
		}
		if ch.IsValid() && ch.IsNil() {
			sc.Chan = reflect.Value{} // a nil channel is never ready
		}
		if sc.Dir == reflect.SelectSend && ch.IsValid() {
			elem := ch.Type().Elem()
			v := reflect.ValueOf(c.Send)
			switch {
			case !v.IsValid():
				v = reflect.Zero(elem)
			case !v.Type().AssignableTo(elem) && v.Type().ConvertibleTo(elem):
				v = v.Convert(elem)
			}
			sc.Send = v
		}
		rc = append(rc, sc)
	}
	if hasDefault {
		rc = append(rc, reflect.SelectCase{Dir: reflect.SelectDefault})
	}
	if len(rc) == 0 {
		select {} // a select with no cases blocks forever
	}
	i, v, ok := reflect.Select(rc)
	if hasDefault && i == len(cases) {
		return -1, nil, false
	}
	if v.IsValid() && v.CanInterface() {
		recv = v.Interface()
	}
	return i, recv, ok
}

// Unwrap returns the errors that err wraps, through the compiled methods
// Unwrap() error and Unwrap() []error (interpreted ones are invisible
// here; the rewritten errors.Is and errors.As call those themselves).
func Unwrap(err error) []error {
	switch x := err.(type) {
	case interface{ Unwrap() error }:
		if u := x.Unwrap(); u != nil {
			return []error{u}
		}
	case interface{ Unwrap() []error }:
		return x.Unwrap()
	}
	return nil
}

// IsOne reports whether err is target without unwrapping: equal, or a
// compiled Is method says so.
func IsOne(err, target error) bool {
	if reflect.TypeOf(target) != nil && reflect.TypeOf(target).Comparable() && err == target {
		return true
	}
	x, ok := err.(interface{ Is(error) bool })
	return ok && x.Is(target)
}

// Recovered returns the panic value that recover() gave: yaegi v0.16.1
// sometimes hands interpreted code a reflect.Value holding it.
func Recovered(v any) any {
	if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		return rv.Interface()
	}
	return v
}

// Index returns i if it indexes a sequence of length n, and otherwise
// panics with Go's own runtime error ("index out of range [5] with length
// 3"), raised by an index of compiled code (see pass indexBounds).
func Index(i int64, n int) int {
	if i < 0 || i >= int64(n) {
		_ = make([]struct{}, n)[i]
	}
	return int(i)
}

// IndexU is Index for an index of an unsigned type.
func IndexU(i uint64, n int) int {
	if i >= uint64(n) {
		_ = make([]struct{}, n)[i]
	}
	return int(i)
}

// Slice returns lo if lo:hi slices a slice of length n and capacity c
// (kind 0), or a string or an array of length n (kind 1), and otherwise
// panics with Go's own runtime error ("slice bounds out of range [:5] with
// capacity 3"), raised by compiled code (see pass indexBounds).
func Slice(lo, hi int64, n, c, kind int) int {
	if kind == 1 {
		c = n
	}
	if lo < 0 || hi < lo || hi > int64(c) {
		if kind == 1 {
			_ = string(make([]byte, n))[lo:hi]
		} else {
			_ = make([]struct{}, n, c)[lo:hi]
		}
	}
	return int(lo)
}

// Slice3 is Slice for lo:hi:max of a slice (kind 0) or an array (kind 1).
func Slice3(lo, hi, max int64, n, c, kind int) int {
	if kind == 1 {
		c = n
	}
	if lo < 0 || hi < lo || max < hi || max > int64(c) {
		defer arrayText(kind)
		_ = make([]struct{}, n, c)[lo:hi:max]
	}
	return int(lo)
}

// SliceU is Slice for unsigned bounds.
func SliceU(lo, hi uint64, n, c, kind int) int {
	if kind == 1 {
		c = n
	}
	if hi < lo || hi > uint64(c) {
		if kind == 1 {
			_ = string(make([]byte, n))[lo:hi]
		} else {
			_ = make([]struct{}, n, c)[lo:hi]
		}
	}
	return int(lo)
}

// Slice3U is Slice3 for unsigned bounds.
func Slice3U(lo, hi, max uint64, n, c, kind int) int {
	if kind == 1 {
		c = n
	}
	if hi < lo || max < hi || max > uint64(c) {
		defer arrayText(kind)
		_ = make([]struct{}, n, c)[lo:hi:max]
	}
	return int(lo)
}

// arrayText turns the panic of a slice's lo:hi:max into an array's: Go
// says "with length" where a slice has "with capacity".
func arrayText(kind int) {
	if kind != 1 {
		return
	}
	if err, ok := recover().(runtime.Error); ok {
		panic(boundsText{strings.Replace(err.Error(), " with capacity ", " with length ", 1)})
	}
}

// boundsText is a runtime error with Go's text.
type boundsText struct{ msg string }

func (e boundsText) Error() string { return e.msg }
func (boundsText) RuntimeError()   {}
