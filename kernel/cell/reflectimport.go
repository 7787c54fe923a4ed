package cell

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strings"
)

// reflectImporter builds a package for the type checker from a symbol
// table (the yaegi shape: name -> reflect.Value), for packages that
// `go list` cannot find: the project's own packages (kernel/display) when
// the kernel runs outside its module. It knows what reflection knows:
// exported names, types with their methods, function signatures, constant
// values; no doc comments.
type reflectImporter struct {
	tables   map[string]map[string]reflect.Value
	fallback types.Importer // for the types of other packages
	pkgs     map[string]*types.Package
	named    map[reflect.Type]*types.Named
}

func newReflectImporter(tables map[string]map[string]reflect.Value, fallback types.Importer) *reflectImporter {
	return &reflectImporter{tables: tables, fallback: fallback, pkgs: map[string]*types.Package{}, named: map[reflect.Type]*types.Named{}}
}

var (
	errorType    = reflect.TypeFor[error]()
	constantType = reflect.TypeFor[constant.Value]()
)

func (r *reflectImporter) has(path string) bool {
	_, ok := r.tables[path+"/"+pkgName(path)]
	return ok
}

// load returns the package of a table.
func (r *reflectImporter) load(path string) (*types.Package, error) {
	if p, ok := r.pkgs[path]; ok {
		return p, nil
	}
	table, ok := r.tables[path+"/"+pkgName(path)]
	if !ok {
		return nil, fmt.Errorf("cell: package %s: no symbol table", path)
	}
	pkg := types.NewPackage(path, pkgName(path))
	r.pkgs[path] = pkg
	var names []string
	for name := range table {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.HasPrefix(name, "_") {
			continue // yaegi's interface wrappers
		}
		v := table[name]
		switch {
		case !v.IsValid():
		case v.Kind() == reflect.Pointer && v.IsNil():
			r.typ(v.Type().Elem()) // a type, given as (*T)(nil)
		case v.Type().Implements(constantType):
			c := v.Interface().(constant.Value)
			pkg.Scope().Insert(types.NewConst(token.NoPos, pkg, name, untypedFor(c), c))
		case v.Kind() == reflect.Func && !v.CanAddr():
			pkg.Scope().Insert(types.NewFunc(token.NoPos, pkg, name, r.sig(v.Type(), nil, false)))
		case v.CanAddr():
			pkg.Scope().Insert(types.NewVar(token.NoPos, pkg, name, r.typ(v.Type())))
		default:
			if c := constFor(v); c != nil {
				pkg.Scope().Insert(types.NewConst(token.NoPos, pkg, name, r.typ(v.Type()), c))
			}
		}
	}
	pkg.MarkComplete()
	return pkg, nil
}

func untypedFor(c constant.Value) types.Type {
	switch c.Kind() {
	case constant.Bool:
		return types.Typ[types.UntypedBool]
	case constant.String:
		return types.Typ[types.UntypedString]
	case constant.Int:
		return types.Typ[types.UntypedInt]
	case constant.Float:
		return types.Typ[types.UntypedFloat]
	}
	return types.Typ[types.UntypedComplex]
}

func constFor(v reflect.Value) constant.Value {
	switch v.Kind() {
	case reflect.Bool:
		return constant.MakeBool(v.Bool())
	case reflect.String:
		return constant.MakeString(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return constant.MakeInt64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return constant.MakeUint64(v.Uint())
	case reflect.Float32, reflect.Float64:
		return constant.MakeFloat64(v.Float())
	}
	return nil
}

var basicKinds = map[reflect.Kind]types.BasicKind{
	reflect.Bool: types.Bool, reflect.Int: types.Int, reflect.Int8: types.Int8, reflect.Int16: types.Int16,
	reflect.Int32: types.Int32, reflect.Int64: types.Int64, reflect.Uint: types.Uint, reflect.Uint8: types.Uint8,
	reflect.Uint16: types.Uint16, reflect.Uint32: types.Uint32, reflect.Uint64: types.Uint64,
	reflect.Uintptr: types.Uintptr, reflect.Float32: types.Float32, reflect.Float64: types.Float64,
	reflect.Complex64: types.Complex64, reflect.Complex128: types.Complex128, reflect.String: types.String,
	reflect.UnsafePointer: types.UnsafePointer,
}

// typ converts a reflect type.
func (r *reflectImporter) typ(t reflect.Type) types.Type {
	if t == errorType {
		return types.Universe.Lookup("error").Type()
	}
	if t.Name() == "" || t.PkgPath() == "" {
		if k, ok := basicKinds[t.Kind()]; ok && t.PkgPath() == "" && t.Name() != "" {
			return types.Typ[k]
		}
		return r.underlying(t)
	}
	if n, ok := r.named[t]; ok {
		return n
	}
	path := t.PkgPath()
	if _, ok := r.pkgs[path]; !ok {
		// A type of another package: ask the importer first, also for a
		// package the tables have (time, for display's time.Time), so that
		// the type checker sees one time.Time, not one per importer.
		if p, err := r.fallback.Import(path); err == nil {
			if obj, ok := p.Scope().Lookup(t.Name()).(*types.TypeName); ok {
				return obj.Type()
			}
		}
	}
	pkg, ok := r.pkgs[path]
	if !ok {
		pkg = types.NewPackage(path, pkgName(path))
		r.pkgs[path] = pkg
	}
	tn := types.NewTypeName(token.NoPos, pkg, t.Name(), nil)
	n := types.NewNamed(tn, nil, nil)
	r.named[t] = n
	pkg.Scope().Insert(tn)
	n.SetUnderlying(r.underlying(t))
	if t.Kind() != reflect.Interface {
		recv := types.NewVar(token.NoPos, pkg, "", n)
		for i := range t.NumMethod() {
			m := t.Method(i)
			n.AddMethod(types.NewFunc(token.NoPos, pkg, m.Name, r.sig(m.Type, recv, true)))
		}
		precv := types.NewVar(token.NoPos, pkg, "", types.NewPointer(n))
		pt := reflect.PointerTo(t)
		for i := range pt.NumMethod() {
			m := pt.Method(i)
			if _, ok := t.MethodByName(m.Name); !ok {
				n.AddMethod(types.NewFunc(token.NoPos, pkg, m.Name, r.sig(m.Type, precv, true)))
			}
		}
	}
	return n
}

func (r *reflectImporter) underlying(t reflect.Type) types.Type {
	if k, ok := basicKinds[t.Kind()]; ok {
		return types.Typ[k]
	}
	switch t.Kind() {
	case reflect.Pointer:
		return types.NewPointer(r.typ(t.Elem()))
	case reflect.Slice:
		return types.NewSlice(r.typ(t.Elem()))
	case reflect.Array:
		return types.NewArray(r.typ(t.Elem()), int64(t.Len()))
	case reflect.Map:
		return types.NewMap(r.typ(t.Key()), r.typ(t.Elem()))
	case reflect.Chan:
		dir := types.SendRecv
		switch t.ChanDir() {
		case reflect.SendDir:
			dir = types.SendOnly
		case reflect.RecvDir:
			dir = types.RecvOnly
		}
		return types.NewChan(dir, r.typ(t.Elem()))
	case reflect.Func:
		return r.sig(t, nil, false)
	case reflect.Struct:
		var fields []*types.Var
		var tags []string
		for i := range t.NumField() {
			f := t.Field(i)
			var pkg *types.Package
			if f.PkgPath != "" {
				pkg = r.pkgs[f.PkgPath]
				if pkg == nil {
					pkg = types.NewPackage(f.PkgPath, pkgName(f.PkgPath))
				}
			}
			fields = append(fields, types.NewField(token.NoPos, pkg, f.Name, r.typ(f.Type), f.Anonymous))
			tags = append(tags, string(f.Tag))
		}
		return types.NewStruct(fields, tags)
	case reflect.Interface:
		var methods []*types.Func
		for i := range t.NumMethod() {
			m := t.Method(i)
			methods = append(methods, types.NewFunc(token.NoPos, nil, m.Name, r.sig(m.Type, nil, false)))
		}
		return types.NewInterfaceType(methods, nil).Complete()
	}
	return types.Typ[types.Invalid]
}

// sig converts a function type; skipRecv drops the receiver that method
// types from reflect carry as their first parameter.
func (r *reflectImporter) sig(t reflect.Type, recv *types.Var, skipRecv bool) *types.Signature {
	var params, results []*types.Var
	first := 0
	if skipRecv {
		first = 1
	}
	for i := first; i < t.NumIn(); i++ {
		params = append(params, types.NewVar(token.NoPos, nil, "", r.typ(t.In(i))))
	}
	for i := range t.NumOut() {
		results = append(results, types.NewVar(token.NoPos, nil, "", r.typ(t.Out(i))))
	}
	return types.NewSignatureType(recv, nil, nil, types.NewTuple(params...), types.NewTuple(results...), t.IsVariadic())
}
