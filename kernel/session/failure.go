package session

import (
	"fmt"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/kernelerr"
	"github.com/gopherlab/gopherlab/kernel/panics"
)

// A panic that is the interpreter's own failure, not the program's: yaegi
// v0.16.1 runs some constructs wrong and reflect panics under it (`a =
// !a.(bool)` with a of type any: "reflect: call of reflect.Value.SetBool
// on interface Value"). go run would not panic there. The cell ends with an
// error that says so, names the construct where the Go stack tells it, and
// points to %%run; the session lives on.

// interpreterFailure reports whether the panic whose frames yaegi wrote
// (one goroutine's, innermost first) with value v (as panics.Go gives it)
// is the interpreter's failure, and names the construct it failed on
// ("the ! operator"), or "" when the stack does not tell.
// baseStack, if not nil, is the Go stack in the recover of a goroutine's
// function (see baseChain): where the panic started when yaegi wrote no
// frame (it started in that function).
func interpreterFailure(frames []rawFrame, baseStack []string, v any) (construct string, ok bool) {
	if !panics.Internal(v) {
		return "", false
	}
	var origin []string
	for i := len(frames) - 1; i >= 0; i-- {
		if c, ok := parseChain(frames[i].stack); ok && c.depth == 1 {
			origin = c.origin
			break
		}
	}
	if origin == nil && baseStack != nil {
		if c, ok := baseChain(baseStack); ok && c.depth == 1 {
			origin = c.origin
		}
	}
	for _, f := range origin {
		if strings.HasPrefix(f, yPanic) || strings.HasPrefix(f, yCallBin) {
			// the program's own panic(...), or compiled code the cell
			// called (its own use of reflect, say)
			return "", false
		}
	}
	for _, f := range origin {
		if op, ok := strings.CutPrefix(f, yaegiInterp); ok {
			op, _, _ = strings.Cut(op, ".")
			return constructs[op], true
		}
	}
	return "", true
}

// constructs names yaegi's operations (the functions of its package interp
// that build them) as the Go constructs a learner wrote.
var constructs = map[string]string{
	"not": "the ! operator", "neg": "the unary - operator", "pos": "the unary + operator", "bitNot": "the ^ operator",
	"land": "the && operator", "lor": "the || operator",
	"add": "the + operator", "addConst": "the + operator", "sub": "the - operator", "subConst": "the - operator",
	"mul": "the * operator", "mulConst": "the * operator", "quo": "the / operator", "quoConst": "the / operator",
	"rem": "the % operator", "remConst": "the % operator", "and": "the & operator", "andConst": "the & operator",
	"or": "the | operator", "orConst": "the | operator", "xor": "the ^ operator", "xorConst": "the ^ operator",
	"andNot": "the &^ operator", "andNotConst": "the &^ operator", "shl": "the << operator", "shlConst": "the << operator",
	"shr": "the >> operator", "shrConst": "the >> operator",
	"addAssign": "the += operator", "subAssign": "the -= operator", "mulAssign": "the *= operator", "quoAssign": "the /= operator",
	"remAssign": "the %= operator", "andAssign": "the &= operator", "orAssign": "the |= operator", "xorAssign": "the ^= operator",
	"andNotAssign": "the &^= operator", "shlAssign": "the <<= operator", "shrAssign": "the >>= operator",
	"inc": "the ++ statement", "dec": "the -- statement",
	"equal": "the == operator", "notEqual": "the != operator", "greater": "the > operator", "greaterEqual": "the >= operator",
	"lower": "the < operator", "lowerEqual": "the <= operator",
	"assign": "an assignment", "assignFromCall": "an assignment", "reset": "a variable declaration",
	"convert": "a conversion", "typeAssertShort": "a type assertion", "typeAssertLong": "a type assertion",
	"typeAssertStatus": "a type assertion", "addr": "the & operator", "deref": "a pointer dereference",
	"call": "a function call", "callBin": "a function call", "genFunctionWrapper": "a function value", "getFunc": "a function literal",
	"getMethod": "a method value", "getMethodByName": "a method call", "getIndexBinMethod": "a method call",
	"getIndexBinElemMethod": "a method call", "getIndexBinPtrMethod": "a method call", "getIndexSeqMethod": "a method call",
	"getIndexSeqPtrMethod": "a method call", "getIndexSeq": "a field selector", "getPtrIndexSeq": "a field selector",
	"getIndexSeqField": "a field selector", "getIndexArray": "an index expression", "getIndexMap": "a map index",
	"getIndexMap2": "a map index", "slice": "a slice expression", "slice0": "a slice expression",
	"arrayLit": "a composite literal", "mapLit": "a composite literal", "compositeLit": "a composite literal",
	"compositeLitNotype": "a composite literal", "compositeLitKeyed": "a composite literal",
	"compositeLitKeyedNotype": "a composite literal", "compositeBinMap": "a composite literal",
	"compositeBinSlice": "a composite literal", "compositeBinStruct": "a composite literal",
	"compositeBinStructNotype": "a composite literal", "_range": "a range loop", "rangeChan": "a range loop",
	"rangeMap": "a range loop", "_case": "a switch case", "_append": "append", "appendSlice": "append",
	"_cap": "cap", "_len": "len", "_copy": "copy", "_close": "close", "_delete": "delete", "_new": "new",
	"_make": "make", "_complex": "complex", "_real": "real", "_imag": "imag", "recv": "a channel receive",
	"recv2": "a channel receive", "send": "a channel send", "_select": "a select statement", "_return": "a return statement",
	"isNotNil": "a comparison with nil",
}

// failureError is the cell's error for an interpreter failure; frames and
// tail are the traceback's lines after the first.
func failureError(v any, construct string, frames, tail []string) *Error {
	what := "the interpreter (yaegi) failed"
	if construct != "" {
		what += " at " + construct
	}
	msg := fmt.Sprintf("%s: %v. go run would not fail here: this is the interpreter's fault, not the program's; run the cell compiled with %%%%run", what, v)
	return &kernelerr.Error{Name: "InterpreterError", Value: msg, Traceback: append(append([]string{"InterpreterError: " + msg}, frames...), tail...)}
}
