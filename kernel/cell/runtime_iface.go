package cell

import (
	"fmt"
	"reflect"
)

// The compiled half of pass ifaceAssert (cellrt.IsCell, Missing,
// AssertFailed, CannotHold).

// IsCell reports whether v holds a value of a type declared in a cell that
// has methods: yaegi v0.16.1 hands compiled code such a value as its own
// interp.valueInterface, and a value of the underlying type (an int for a
// `type plain int`) as itself. A comma-ok assertion to plain is true for
// both; IsCell tells them apart.
func IsCell(v any) bool {
	t := reflect.TypeOf(v)
	return t != nil && t.Name() == "valueInterface" && t.PkgPath() == "github.com/traefik/yaegi/interp"
}

// Missing returns the first of an interface's methods, given as pairs of
// a name and a nil *func of the method's type (nil when no compiled type
// can have the method: unexported, or its signature uses a cell's type),
// that v's compiled type lacks, or "" when it has them all. A value of a
// cell's type (which reflect sees without its methods) lacks them all.
func Missing(v any, pairs ...any) string {
	rv := reflect.ValueOf(v)
	for i := 0; i+1 < len(pairs); i += 2 {
		name, _ := pairs[i].(string)
		if !rv.IsValid() || IsCell(v) || pairs[i+1] == nil {
			return name
		}
		m := rv.MethodByName(name)
		if !m.IsValid() || m.Type() != reflect.TypeOf(pairs[i+1]).Elem() {
			return name
		}
	}
	return ""
}

// AssertFailed panics as Go's failed type assertion x.(iface) does:
// dyn is the dynamic type's name ("" for v's compiled type), missing the
// method it lacks ("" when the interface is nil).
func AssertFailed(v any, dyn, iface, missing string) {
	if dyn == "" && v == nil {
		panic(assertText{"interface conversion: interface is nil, not " + iface})
	}
	if dyn == "" {
		dyn = fmt.Sprintf("%T", v)
	}
	panic(assertText{"interface conversion: " + dyn + " is not " + iface + ": missing method " + missing})
}

// CannotHold refuses, at run time, to put a compiled value into a cell's
// interface type: yaegi v0.16.1 cannot convert it dynamically (x.(I) for
// a time.Duration and a cell's interface{ String() string }).
func CannotHold(v any, iface, assertion string) {
	panic(fmt.Sprintf("the interpreter cannot hold a value of the compiled type %T in the cell's interface type %s (the type assertion %s); run the cell compiled with %%%%run", v, iface, assertion))
}

// assertText is a failed type assertion's runtime error, with Go's text.
type assertText struct{ msg string }

func (e assertText) Error() string { return e.msg }
func (assertText) RuntimeError()   {}

// Uncomparable panics as Go's == does for two interfaces holding values of
// the same type that is not comparable.
func Uncomparable(typ string) bool {
	panic(assertText{"runtime error: comparing uncomparable type " + typ})
}

// ConcreteFailed panics as Go's failed type assertion x.(T) to a concrete
// type T does: static is x's type, dyn the dynamic type's name ("" for
// v's compiled type).
func ConcreteFailed(v any, static, dyn, target string) {
	if dyn == "" && v == nil {
		dyn = "nil"
	} else if dyn == "" {
		dyn = fmt.Sprintf("%T", v)
	}
	panic(assertText{"interface conversion: " + static + " is " + dyn + ", not " + target})
}
