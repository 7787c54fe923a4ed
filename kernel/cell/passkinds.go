package cell

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Most passes walk the whole cell with astutil.Apply looking for one kind
// of node (a go statement, a range loop, a call of a builtin), and a
// trivial cell such as 1+1 or fmt.Println(x) has none of them: forty full
// walks for nothing were most of the front end's time on such cells. So
// emit first notes the kinds of node the cell's trees have (nodeKinds),
// and skips a pass that needs none of them.
//
// passNeeds is the contract: a pass listed there changes nothing (no tree,
// no state of the emitter or the session) in trees that have none of the
// kinds it lists. A pass not listed always runs. When you change what a
// pass looks for, change its entry; TestSkippedPassesChangeNothing
// prepares every test cell with and without skipping and compares.

// nodeKinds is a set of kinds of node, as kindsOf finds them.
type nodeKinds uint32

const (
	kCall         nodeKinds = 1 << iota // *ast.CallExpr
	kBuiltinCall                        // a call of a builtin (len, new, recover...): builtinCall
	kSelector                           // *ast.SelectorExpr
	kMethodExpr                         // a selector that is a method expression (T.M)
	kGenericName                        // a selector that names a generic function or type of a package
	kInstance                           // an identifier with an instance (info.Instances): a generic used
	kMain                               // an identifier named main
	kCompare                            // a binary == or !=
	kShift                              // a binary << or >>
	kUnary                              // *ast.UnaryExpr
	kRecv                               // a receive, <-ch
	kMultiAssign                        // an assignment or value spec with two names or more on the left
	kIndex                              // *ast.IndexExpr
	kIndexList                          // *ast.IndexListExpr
	kSlice                              // *ast.SliceExpr
	kTypeAssert                         // *ast.TypeAssertExpr
	kFuncDecl                           // *ast.FuncDecl
	kFuncLit                            // *ast.FuncLit
	kGenDecl                            // *ast.GenDecl
	kGo                                 // *ast.GoStmt
	kDefer                              // *ast.DeferStmt
	kFor                                // *ast.ForStmt
	kRange                              // *ast.RangeStmt
	kSelect                             // *ast.SelectStmt
	kTypeSwitch                         // *ast.TypeSwitchStmt
	kSessionValue                       // an expression of a type a cell declared, not a pointer (isValueError)
)

// passNeeds lists, for a pass, the kinds of node without which it does
// nothing (see above).
var passNeeds = map[string]nodeKinds{
	// monomorphize runs before the passes (emit calls it); as a pass it
	// does nothing, and always runs.
	"errorValue":       kSessionValue,
	"mainOnce":         kMain | kFuncDecl,
	"typeArgs":         kInstance,
	"rangeFunc":        kRange,
	"methodExpr":       kMethodExpr,
	"assertValueError": kTypeAssert,
	"errorsAsType":     kInstance,
	"randN":            kInstance,
	"newExpr":          kBuiltinCall,
	"printBuiltins":    kBuiltinCall,
	"mapCommaOk":       kMultiAssign,
	"mapDeref":         kIndex,
	"errors":           kCall,
	"recover":          kBuiltinCall,
	"fmtVerbs":         kCall,
	"fmtNames":         kCall | kGenDecl,
	"genericStd":       kIndex | kIndexList | kGenericName,
	"goPanic":          kGo,
	"goFunc":           kCall,
	"osExit":           kSelector,
	"loopFrame":        kFor | kRange,
	"typeSwitch":       kTypeSwitch,
	"ifaceAssert":      kTypeAssert,
	"commaOkZero":      kMultiAssign,
	"ifaceEqual":       kCompare,
	"ifacesEqual":      kCompare,
	"rangeInt":         kRange,
	"rangeChanSlice":   kRange,
	"builtins":         kBuiltinCall,
	"select":           kSelect,
	"returnRecv":       kRecv,
	"unnamedParams":    kFuncDecl | kFuncLit,
	"multiAssign":      kMultiAssign,
	"recvAssign":       kRecv,
	"blankRecv":        kRecv,
	"recvLogic":        kRecv,
	"promotedMethods":  kGenDecl,
	"indexBounds":      kIndex | kSlice,
	"constLen":         kBuiltinCall,
	"shiftTypes":       kShift,
	"opToIface":        kUnary | kShift,
	"deferArgs":        kDefer,
}

// kindsOf returns the kinds of node in the trees.
func (e *emitter) kindsOf(roots []ast.Node) nodeKinds {
	info := e.c.info
	var k nodeKinds
	visit := func(n ast.Node) bool {
		if x, ok := n.(ast.Expr); ok {
			if t := info.Types[x].Type; t != nil && isSessionType(t) {
				if _, ptr := t.(*types.Pointer); !ptr {
					k |= kSessionValue
				}
			}
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			k |= kCall
			if _, name := e.builtinCall(n); name != "" {
				k |= kBuiltinCall
			}
		case *ast.SelectorExpr:
			k |= kSelector
			if s, ok := info.Selections[n]; ok && s.Kind() == types.MethodExpr {
				k |= kMethodExpr
			}
			if obj := info.Uses[n.Sel]; obj != nil && obj.Pkg() != nil && isGeneric(obj) {
				k |= kGenericName
			}
		case *ast.Ident:
			if n.Name == "main" {
				k |= kMain
			}
			if _, ok := info.Instances[n]; ok {
				k |= kInstance
			}
		case *ast.BinaryExpr:
			switch n.Op {
			case token.EQL, token.NEQ:
				k |= kCompare
			case token.SHL, token.SHR:
				k |= kShift
			}
		case *ast.UnaryExpr:
			k |= kUnary
			if n.Op == token.ARROW {
				k |= kRecv
			}
		case *ast.AssignStmt:
			if len(n.Lhs) >= 2 {
				k |= kMultiAssign
			}
		case *ast.ValueSpec:
			if len(n.Names) >= 2 {
				k |= kMultiAssign
			}
		case *ast.IndexExpr:
			k |= kIndex
		case *ast.IndexListExpr:
			k |= kIndexList
		case *ast.SliceExpr:
			k |= kSlice
		case *ast.TypeAssertExpr:
			k |= kTypeAssert
		case *ast.FuncDecl:
			k |= kFuncDecl
		case *ast.FuncLit:
			k |= kFuncLit
		case *ast.GenDecl:
			k |= kGenDecl
		case *ast.GoStmt:
			k |= kGo
		case *ast.DeferStmt:
			k |= kDefer
		case *ast.ForStmt:
			k |= kFor
		case *ast.RangeStmt:
			k |= kRange
		case *ast.SelectStmt:
			k |= kSelect
		case *ast.TypeSwitchStmt:
			k |= kTypeSwitch
		}
		return true
	}
	for _, root := range roots {
		ast.Inspect(root, visit)
	}
	return k
}

// skips reports whether emit may skip pass p on trees of kinds k.
func (s *Session) skips(p pass, k nodeKinds) bool {
	need, ok := passNeeds[p.name]
	return ok && k&need == 0 && !s.allPasses
}
