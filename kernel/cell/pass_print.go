package cell

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass printBuiltins: Go's print and println builtins write to standard
// error in the runtime's format (print puts no space between operands;
// floats as strconv's 'g' with the shortest precision; pointers, maps,
// channels and funcs as hex addresses; slices as [len/cap]address).
// yaegi v0.16.1 writes them to standard output with fmt's %v and a space
// between operands, prints only the first value of a multi-value call, and
// prints "<invalid reflect.Value>" for *p with p nil instead of panicking
// (GOROOT's fixedbugs/issue43444, issue8048, issue8132: silent). Each call
// becomes a write of the runtime's format, its operands evaluated first:
//
//	println(x, 2.5)  ->  fmt.Fprint(os.Stderr, strconv.FormatInt(int64(x), 10), " ", strconv.FormatFloat(float64(2.5), 'g', -1, 64), "\n")
//
// An interface operand prints (0x0,0x0) when nil; a non-nil one panics,
// naming the construct (the runtime prints its type and data words, which
// the interpreter does not have). print(f()) with a multi-value f is
// refused.
var passPrintBuiltins = pass{"printBuiltins", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		call, name := e.builtinCall(c.Node())
		if name != "print" && name != "println" {
			return true
		}
		if len(call.Args) == 1 {
			if _, ok := e.c.info.TypeOf(call.Args[0]).(*types.Tuple); ok {
				e.refuse(call.Pos(), name+" of a call with several results ("+types.ExprString(call)+") prints only the first in the interpreter")
				return true
			}
		}
		var args []ast.Expr
		for i, arg := range call.Args {
			if i > 0 && name == "println" {
				args = append(args, parseExpr(`" "`))
			}
			x := e.printOperand(arg)
			if x == nil {
				return true // no type information: left to yaegi
			}
			args = append(args, x)
		}
		if name == "println" {
			args = append(args, parseExpr(`"\n"`))
		}
		fmt, os := e.importAlias("fmt", "fmt"), e.importAlias("os", "os")
		out := &ast.CallExpr{Fun: parseExpr(fmt + ".Fprint"), Lparen: call.Lparen, Args: append([]ast.Expr{parseExpr(os + ".Stderr")}, args...), Rparen: call.Rparen}
		c.Replace(out)
		return true
	})
}}

// printOperand returns an expression of type string that formats arg as
// the runtime's print does (see passPrintBuiltins), nil when arg has no
// type information.
func (e *emitter) printOperand(arg ast.Expr) ast.Expr {
	tv, ok := e.c.info.Types[arg]
	if !ok || tv.Type == nil || hasTypeParam(tv.Type) {
		return nil
	}
	strconv := func() string { return e.importAlias("strconv", "strconv") }
	wrap := func(pre string, post string) ast.Expr {
		x := parseExpr(pre + "_gl_arg" + post)
		astutil.Apply(x, nil, func(c *astutil.Cursor) bool {
			if id, ok := c.Node().(*ast.Ident); ok && id.Name == "_gl_arg" {
				c.Replace(arg)
			}
			return true
		})
		return x
	}
	t := tv.Type.Underlying()
	switch t := t.(type) {
	case *types.Basic:
		switch {
		case t.Info()&types.IsString != 0:
			return wrap("string(", ")")
		case t.Info()&types.IsBoolean != 0:
			return wrap(strconv()+".FormatBool(bool(", "))")
		case t.Kind() == types.UnsafePointer:
			return wrap(e.importAlias("fmt", "fmt")+`.Sprintf("%p", `, ")")
		case t.Info()&types.IsUnsigned != 0:
			return wrap(strconv()+".FormatUint(uint64(", "), 10)")
		case t.Info()&types.IsInteger != 0:
			return wrap(strconv()+".FormatInt(int64(", "), 10)")
		case t.Kind() == types.Float32:
			return wrap(strconv()+".FormatFloat(float64(", "), 'g', -1, 32)")
		case t.Info()&types.IsFloat != 0:
			return wrap(strconv()+".FormatFloat(float64(", "), 'g', -1, 64)")
		case t.Kind() == types.Complex64:
			return wrap(strconv()+".FormatComplex(complex128(", "), 'g', -1, 64)")
		case t.Info()&types.IsComplex != 0:
			return wrap(strconv()+".FormatComplex(complex128(", "), 'g', -1, 128)")
		}
		return nil
	case *types.Pointer, *types.Chan, *types.Map, *types.Signature:
		return wrap(e.importAlias("fmt", "fmt")+`.Sprintf("%p", `, ")")
	case *types.Slice:
		fmt := e.importAlias("fmt", "fmt")
		return wrap("func(s "+e.typeString(tv.Type)+") string { return "+fmt+`.Sprintf("[%d/%d]%p", len(s), cap(s), s) }(`, ")")
	case *types.Interface:
		return wrap(`func(v any) string { if v == nil { return "(0x0,0x0)" }; panic("print or println of a non-nil interface value: the interpreter cannot print its type and data words; run the cell compiled with %%run") }(`, ")")
	}
	return nil
}
