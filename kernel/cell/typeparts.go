package cell

import "go/types"

// anyTypePart reports whether match holds for t or for a type t is made
// of: elements, keys, parameters and results, fields, methods, embedded
// interfaces and a named type's type arguments (not its underlying type).
// Aliases are seen through. Each type is looked at once.
func anyTypePart(t types.Type, match func(types.Type) bool) bool {
	seen := map[types.Type]bool{}
	var walk func(t types.Type) bool
	walk = func(t types.Type) bool {
		if t == nil || seen[t] {
			return false
		}
		seen[t] = true
		t = types.Unalias(t)
		if match(t) {
			return true
		}
		switch t := t.(type) {
		case *types.Named:
			for i := range t.TypeArgs().Len() {
				if walk(t.TypeArgs().At(i)) {
					return true
				}
			}
		case *types.Pointer:
			return walk(t.Elem())
		case *types.Slice:
			return walk(t.Elem())
		case *types.Array:
			return walk(t.Elem())
		case *types.Chan:
			return walk(t.Elem())
		case *types.Map:
			return walk(t.Key()) || walk(t.Elem())
		case *types.Signature:
			return walk(t.Params()) || walk(t.Results())
		case *types.Tuple:
			for i := range t.Len() {
				if walk(t.At(i).Type()) {
					return true
				}
			}
		case *types.Struct:
			for i := range t.NumFields() {
				if walk(t.Field(i).Type()) {
					return true
				}
			}
		case *types.Interface:
			for i := range t.NumMethods() {
				if walk(t.Method(i).Type()) {
					return true
				}
			}
			for i := range t.NumEmbeddeds() {
				if walk(t.EmbeddedType(i)) {
					return true
				}
			}
		}
		return false
	}
	return walk(t)
}
