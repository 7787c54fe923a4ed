package panics

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// caught runs f and returns what it panicked with.
func caught(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

func TestGo(t *testing.T) {
	var zero reflect.Value
	for _, c := range []struct {
		name string
		v    any
		want string
	}{
		{"zero Value", caught(func() { zero.Field(0) }), "runtime error: invalid memory address or nil pointer dereference"},
		{"nil func", "reflect.Value.Call: call of nil function", "runtime error: invalid memory address or nil pointer dereference"},
		{"slice index", caught(func() { reflect.ValueOf([]int{}).Index(3) }), "runtime error: index out of range (the interpreter"},
		{"slice bounds", caught(func() { reflect.ValueOf([]int{1}).Slice(1, 5) }), "runtime error: slice bounds out of range (the interpreter"},
		{"assertion", errors.New("1:66: interface conversion: interface {} is string, not int"), "interface conversion: interface {} is string, not int"},
		{"user string", "boom", "boom"},
		{"user error", errors.New("reflect: mine"), "reflect: mine"},
	} {
		got := Go(c.v)
		if s := fmt.Sprint(got); !strings.HasPrefix(s, c.want) {
			t.Errorf("%s: Go(%v) = %q, want %q...", c.name, c.v, s, c.want)
		}
		if strings.HasPrefix(c.want, "runtime error") || strings.HasPrefix(c.want, "interface conversion") {
			if _, ok := got.(runtime.Error); !ok {
				t.Errorf("%s: %T is not a runtime.Error", c.name, got)
			}
		}
	}
}

func TestInternalAndInexact(t *testing.T) {
	var iface any = false
	for _, c := range []struct {
		name              string
		v                 any
		internal, inexact bool
	}{
		{"SetBool on an interface", caught(func() { reflect.ValueOf(&iface).Elem().SetBool(true) }), true, false},
		{"reflect.Set", "reflect.Set: value of type int is not assignable to type chan int", true, false},
		{"yaegi's types", errors.New("interface conversion: interface {} is interp.valueInterface, not int"), true, false},
		{"slice index", caught(func() { reflect.ValueOf([]int{}).Index(3) }), false, true},
		{"string index", caught(func() { reflect.ValueOf("ab").Index(3) }), false, true},
		{"array index", caught(func() { reflect.ValueOf([2]int{}).Index(3) }), false, true},
		{"method index", caught(func() { reflect.ValueOf(struct{}{}).Method(3) }), true, false},
		{"slice bounds", caught(func() { reflect.ValueOf([]int{1}).Slice(1, 5) }), false, true},
		{"nil dereference", caught(func() { var zero reflect.Value; zero.Field(0) }), false, false},
		{"user string", "boom", false, false},
		{"user error", errors.New("bad input"), false, false},
		{"exact index", caught(func() { _ = []int{}[len(fmt.Sprint())+3] }), false, false},
	} {
		got := Go(c.v)
		if Internal(got) != c.internal {
			t.Errorf("%s: Internal(%v) = %v, want %v", c.name, got, !c.internal, c.internal)
		}
		if Inexact(got) != c.inexact {
			t.Errorf("%s: Inexact(%v) = %v, want %v", c.name, got, !c.inexact, c.inexact)
		}
	}
}
