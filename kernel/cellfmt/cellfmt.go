// Package cellfmt formats values of the types that notebook cells declare
// with their Go names. It is compiled into the kernel and called by the
// code that kernel/cell generates, never by learners.
//
// yaegi v0.16.1 builds a cell's struct type with reflect.StructOf, which
// knows neither the type's name nor unexported field names: it names
// field a "Xa". fmt, compiled, then prints type pair struct{ a, b int } as
// {Xa:1 Xb:2} with %+v and struct { Xa int; Xb int } with %T. The front end
// registers every struct type a cell declares (Register) and sends the
// arguments of fmt's printing functions through this package (V, and
// Printf and co., which also answer %T).
//
// Two cell types with the same fields share one reflect type in yaegi.
// Their field names agree, so %v and %+v stay exact; %T and %#v, which
// print the type's name, refuse (panic) with a message that says so.
package cellfmt

import (
	"cmp"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// entry is what a cell declared: a type's name and its fields' names.
type entry struct {
	name   string
	fields []string
}

var (
	mu    sync.RWMutex
	reg   = map[reflect.Type][]entry{}
	needs = map[reflect.Type]bool{} // cache of mayNeed, reset by Register
)

// Register records that ptr, a nil pointer to a cell's struct type (as
// yaegi built it), is the Go type name ("main.pair") with the given field
// names, in order. It returns true, for var _ = Register(...).
func Register(ptr any, name string, fields ...string) bool {
	t := reflect.TypeOf(ptr).Elem()
	if t.Kind() != reflect.Struct || t.NumField() != len(fields) {
		return true // not the shape it should be: leave fmt alone
	}
	mu.Lock()
	defer mu.Unlock()
	e := entry{name, fields}
	l := reg[t]
	if i := slices.IndexFunc(l, func(x entry) bool { return x.name == name }); i >= 0 {
		l[i] = e // a type declared again with the same fields
	} else {
		reg[t] = append(l, e)
	}
	clear(needs)
	return true
}

// lookup returns the entries of a reflect type.
func lookup(t reflect.Type) []entry {
	mu.RLock()
	defer mu.RUnlock()
	return reg[t]
}

// mayNeed reports whether values of t can hold a registered struct type
// (through pointers, slices, arrays, maps and struct fields; not through
// interfaces).
func mayNeed(t reflect.Type) bool {
	mu.RLock()
	v, ok := needs[t]
	mu.RUnlock()
	if ok {
		return v
	}
	v = walkNeed(t, map[reflect.Type]bool{})
	mu.Lock()
	needs[t] = v
	mu.Unlock()
	return v
}

func walkNeed(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	mu.RLock()
	_, registered := reg[t]
	mu.RUnlock()
	if registered {
		return true
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return walkNeed(t.Elem(), seen)
	case reflect.Map:
		return walkNeed(t.Key(), seen) || walkNeed(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if walkNeed(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// V returns x, or, when x holds a cell's struct type, a value that fmt
// prints as it would print x in a compiled program (all verbs but %T).
func V(x any) any {
	if x == nil || !mayNeed(reflect.TypeOf(x)) {
		return x
	}
	return value{x}
}

// value formats its x with the names cells gave their types.
type value struct{ x any }

func (v value) Format(f fmt.State, verb rune) {
	p := printer{w: f, verb: verb, spec: spec(f, verb), plus: f.Flag('+'), sharp: f.Flag('#') && verb == 'v'}
	p.print(reflect.ValueOf(v.x), 0)
}

// spec rebuilds the directive fmt is formatting, for the parts that go
// back to fmt.
func spec(f fmt.State, verb rune) string {
	var b strings.Builder
	b.WriteByte('%')
	for _, c := range "+-# 0" {
		if f.Flag(int(c)) {
			b.WriteRune(c)
		}
	}
	if w, ok := f.Width(); ok {
		b.WriteString(strconv.Itoa(w))
	}
	if p, ok := f.Precision(); ok {
		b.WriteString("." + strconv.Itoa(p))
	}
	b.WriteRune(verb)
	return b.String()
}

type printer struct {
	w     io.Writer
	verb  rune
	spec  string
	plus  bool // %+v
	sharp bool // %#v
}

var (
	errorType     = reflect.TypeFor[error]()
	stringerType  = reflect.TypeFor[fmt.Stringer]()
	formatterType = reflect.TypeFor[fmt.Formatter]()
	goStrType     = reflect.TypeFor[fmt.GoStringer]()
)

// print follows fmt's printValue for the kinds that can hold a cell's
// struct type, and hands everything else back to fmt.
func (p *printer) print(v reflect.Value, depth int) {
	if !v.IsValid() {
		io.WriteString(p.w, "<nil>")
		return
	}
	t := v.Type()
	if !mayNeed(t) || hasMethods(t) {
		p.leaf(v)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if depth == 0 && !v.IsNil() {
			switch t.Elem().Kind() {
			case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
				io.WriteString(p.w, "&")
				p.print(v.Elem(), depth+1)
				return
			}
		}
		// fmt's fmtPointer.
		switch {
		case p.sharp:
			io.WriteString(p.w, "("+TypeString(t)+")(")
			if v.IsNil() {
				io.WriteString(p.w, "nil")
			} else {
				fmt.Fprintf(p.w, "0x%x", v.Pointer())
			}
			io.WriteString(p.w, ")")
		case v.IsNil() && p.verb == 'v':
			io.WriteString(p.w, "<nil>")
		default:
			fmt.Fprintf(p.w, p.spec, v.UnsafePointer())
		}
	case reflect.Struct:
		fields := p.fieldNames(t)
		if p.sharp {
			io.WriteString(p.w, TypeString(t))
		}
		io.WriteString(p.w, "{")
		for i := range v.NumField() {
			if i > 0 {
				if p.sharp {
					io.WriteString(p.w, ", ")
				} else {
					io.WriteString(p.w, " ")
				}
			}
			if p.plus || p.sharp {
				io.WriteString(p.w, fields[i]+":")
			}
			f := v.Field(i)
			if f.Kind() == reflect.Interface && !f.IsNil() {
				f = f.Elem()
			}
			p.print(f, depth+1)
		}
		io.WriteString(p.w, "}")
	case reflect.Slice, reflect.Array:
		if p.sharp {
			io.WriteString(p.w, TypeString(t))
			if t.Kind() == reflect.Slice && v.IsNil() {
				io.WriteString(p.w, "(nil)")
				return
			}
			io.WriteString(p.w, "{")
		} else {
			io.WriteString(p.w, "[")
		}
		for i := range v.Len() {
			if i > 0 {
				if p.sharp {
					io.WriteString(p.w, ", ")
				} else {
					io.WriteString(p.w, " ")
				}
			}
			p.print(v.Index(i), depth+1)
		}
		if p.sharp {
			io.WriteString(p.w, "}")
		} else {
			io.WriteString(p.w, "]")
		}
	case reflect.Map:
		keys, ok := sortedKeys(v)
		if !ok {
			p.leaf(v) // keys fmt orders in ways not copied here
			return
		}
		if p.sharp {
			io.WriteString(p.w, TypeString(t))
			if v.IsNil() {
				io.WriteString(p.w, "(nil)")
				return
			}
			io.WriteString(p.w, "{")
		} else {
			io.WriteString(p.w, "map[")
		}
		for i, k := range keys {
			if i > 0 {
				if p.sharp {
					io.WriteString(p.w, ", ")
				} else {
					io.WriteString(p.w, " ")
				}
			}
			p.print(k, depth+1)
			io.WriteString(p.w, ":")
			p.print(v.MapIndex(k), depth+1)
		}
		if p.sharp {
			io.WriteString(p.w, "}")
		} else {
			io.WriteString(p.w, "]")
		}
	default:
		p.leaf(v)
	}
}

// leaf hands a value back to fmt.
func (p *printer) leaf(v reflect.Value) {
	if !v.CanInterface() {
		fmt.Fprintf(p.w, p.spec, v.String())
		return
	}
	fmt.Fprintf(p.w, p.spec, v.Interface())
}

// hasMethods reports whether fmt would call a method of t instead of
// printing its value.
func hasMethods(t reflect.Type) bool {
	return t.Implements(errorType) || t.Implements(stringerType) || t.Implements(formatterType) || t.Implements(goStrType)
}

// fieldNames returns the Go names of a struct type's fields: the
// registered ones, or, for a compiled struct (or a cell's anonymous one),
// reflect's.
func (p *printer) fieldNames(t reflect.Type) []string {
	if l := lookup(t); len(l) > 0 {
		return l[0].fields // all entries of one reflect type have the same fields
	}
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = t.Field(i).Name
	}
	return names
}

// sortedKeys orders a map's keys as fmt does, for keys of basic kinds.
func sortedKeys(v reflect.Value) ([]reflect.Value, bool) {
	keys := v.MapKeys()
	var less func(a, b reflect.Value) int
	switch v.Type().Key().Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		less = func(a, b reflect.Value) int { return cmp.Compare(a.Int(), b.Int()) }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		less = func(a, b reflect.Value) int { return cmp.Compare(a.Uint(), b.Uint()) }
	case reflect.String:
		less = func(a, b reflect.Value) int { return cmp.Compare(a.String(), b.String()) }
	case reflect.Float32, reflect.Float64:
		less = func(a, b reflect.Value) int { return cmp.Compare(a.Float(), b.Float()) }
	case reflect.Bool:
		less = func(a, b reflect.Value) int {
			switch {
			case a.Bool() == b.Bool():
				return 0
			case !a.Bool():
				return -1
			}
			return 1
		}
	default:
		return nil, false
	}
	slices.SortFunc(keys, less)
	return keys, true
}

// TypeString writes t as %T does, with the names cells gave their types.
// When two cell types share t (same fields), it panics: the interpreter
// cannot tell which one a value has.
func TypeString(t reflect.Type) string {
	if l := lookup(t); len(l) > 0 {
		if len(l) > 1 {
			var names []string
			for _, e := range l {
				names = append(names, e.name)
			}
			panic(fmt.Sprintf("gopherlab: the interpreter cannot tell %s apart (same fields), so it cannot print which type a value has (%%T, %%#v); run the cell compiled with %%%%run", strings.Join(names, " and ")))
		}
		return l[0].name
	}
	if !mayNeed(t) {
		return t.String()
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + TypeString(t.Elem())
	case reflect.Slice:
		return "[]" + TypeString(t.Elem())
	case reflect.Array:
		return "[" + strconv.Itoa(t.Len()) + "]" + TypeString(t.Elem())
	case reflect.Map:
		return "map[" + TypeString(t.Key()) + "]" + TypeString(t.Elem())
	case reflect.Struct:
		var b strings.Builder
		b.WriteString("struct {")
		for i := range t.NumField() {
			if i > 0 {
				b.WriteString(";")
			}
			f := t.Field(i)
			b.WriteString(" ")
			if !f.Anonymous {
				b.WriteString(f.Name + " ")
			}
			b.WriteString(TypeString(f.Type))
			if f.Tag != "" {
				b.WriteString(" " + strconv.Quote(string(f.Tag)))
			}
		}
		if t.NumField() > 0 {
			b.WriteString(" ")
		}
		b.WriteString("}")
		return b.String()
	}
	return t.String()
}
