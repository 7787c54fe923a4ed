package cell

import (
	"fmt"
	"go/types"
	"strconv"
	"strings"
)

// typeWriter writes a go/types type as Go source for yaegi. Go's syntax is
// the same for every caller; what differs is how a named type is spelled
// (the emitter writes yaegi's names for the session's types, pass
// monomorphize the names of its copies and its own import aliases), so
// that, unsafe.Pointer and the types no case spells are the caller's.
type typeWriter struct {
	named  func(b *strings.Builder, t *types.Named) // a named type, with its type arguments (typeArgs)
	unsafe func(b *strings.Builder)                 // unsafe.Pointer
	other  func(b *strings.Builder, t types.Type)   // a type no case below writes
}

func (w *typeWriter) write(b *strings.Builder, t types.Type) {
	switch t := t.(type) {
	case *types.Named:
		w.named(b, t)
	case *types.Alias:
		w.write(b, types.Unalias(t))
	case *types.Basic:
		switch t.Kind() {
		case types.UntypedBool:
			b.WriteString("bool")
		case types.UntypedInt:
			b.WriteString("int")
		case types.UntypedRune:
			b.WriteString("rune")
		case types.UntypedFloat:
			b.WriteString("float64")
		case types.UntypedComplex:
			b.WriteString("complex128")
		case types.UntypedString:
			b.WriteString("string")
		case types.UnsafePointer:
			w.unsafe(b)
		default:
			b.WriteString(t.Name())
		}
	case *types.Pointer:
		b.WriteString("*")
		w.write(b, t.Elem())
	case *types.Slice:
		b.WriteString("[]")
		w.write(b, t.Elem())
	case *types.Array:
		fmt.Fprintf(b, "[%d]", t.Len())
		w.write(b, t.Elem())
	case *types.Map:
		b.WriteString("map[")
		w.write(b, t.Key())
		b.WriteString("]")
		w.write(b, t.Elem())
	case *types.Chan:
		switch t.Dir() {
		case types.SendRecv:
			b.WriteString("chan ")
			if c, ok := t.Elem().(*types.Chan); ok && c.Dir() == types.RecvOnly {
				b.WriteString("(")
				w.write(b, t.Elem())
				b.WriteString(")")
				return
			}
		case types.SendOnly:
			b.WriteString("chan<- ")
		case types.RecvOnly:
			b.WriteString("<-chan ")
		}
		w.write(b, t.Elem())
	case *types.Signature:
		b.WriteString("func")
		w.signature(b, t)
	case *types.Struct:
		b.WriteString("struct{")
		for i := range t.NumFields() {
			if i > 0 {
				b.WriteString("; ")
			}
			f := t.Field(i)
			if !f.Embedded() {
				b.WriteString(f.Name())
				b.WriteString(" ")
			}
			w.write(b, f.Type())
			if tag := t.Tag(i); tag != "" {
				b.WriteString(" " + strconv.Quote(tag))
			}
		}
		b.WriteString("}")
	case *types.Interface:
		if t.Empty() {
			b.WriteString("any")
			return
		}
		b.WriteString("interface{")
		n := 0
		for i := range t.NumEmbeddeds() {
			if n > 0 {
				b.WriteString("; ")
			}
			n++
			w.write(b, t.EmbeddedType(i))
		}
		for i := range t.NumExplicitMethods() {
			if n > 0 {
				b.WriteString("; ")
			}
			n++
			m := t.ExplicitMethod(i)
			b.WriteString(m.Name())
			w.signature(b, m.Type().(*types.Signature))
		}
		b.WriteString("}")
	case *types.Union:
		for i := range t.Len() {
			if i > 0 {
				b.WriteString(" | ")
			}
			if t.Term(i).Tilde() {
				b.WriteString("~")
			}
			w.write(b, t.Term(i).Type())
		}
	case *types.Tuple:
		b.WriteString("(")
		for i := range t.Len() {
			if i > 0 {
				b.WriteString(", ")
			}
			w.write(b, t.At(i).Type())
		}
		b.WriteString(")")
	default:
		w.other(b, t)
	}
}

// typeArgs writes t's type arguments ("[int, string]"), if it has any.
func (w *typeWriter) typeArgs(b *strings.Builder, t *types.Named) {
	args := t.TypeArgs()
	if args.Len() == 0 {
		return
	}
	b.WriteString("[")
	for i := range args.Len() {
		if i > 0 {
			b.WriteString(", ")
		}
		w.write(b, args.At(i))
	}
	b.WriteString("]")
}

// signature writes a signature without the func keyword: "(a int, b
// ...string) (int, error)".
func (w *typeWriter) signature(b *strings.Builder, sig *types.Signature) {
	b.WriteString("(")
	for i := range sig.Params().Len() {
		if i > 0 {
			b.WriteString(", ")
		}
		t := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			b.WriteString("...")
			t = t.(*types.Slice).Elem()
		}
		w.write(b, t)
	}
	b.WriteString(")")
	w.results(b, sig)
}

// results writes a signature's results, with a leading space.
func (w *typeWriter) results(b *strings.Builder, sig *types.Signature) {
	switch r := sig.Results(); r.Len() {
	case 0:
	case 1:
		b.WriteString(" ")
		w.write(b, r.At(0).Type())
	default:
		b.WriteString(" ")
		w.write(b, r)
	}
}
