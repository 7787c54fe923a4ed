// Package cell is the front end of the Go kernel: it parses notebook cells,
// type-checks them against the real standard library, and rewrites them
// into the Go that yaegi v0.16.1 runs correctly. It does not import yaegi;
// kernel/session glues the two together.
//
// # Using it
//
//	fe := cell.NewSession(cell.Options{Dir: moduleDir})
//	in := interp.New(...)
//	in.Use(symbols.Symbols())
//	in.Use(cell.RuntimeSymbols(goPanic, exit))
//
//	u, err := fe.Prepare(execCount, src) // err is an ErrorList in cell coordinates
//	in.Eval(u.Imports)                   // if not empty; always, once Prepare succeeded
//	in.Eval(u.Decls)                     // declarations, and the function that runs the cell
//	fe.Commit(u)                         // the declarations now exist in yaegi
//	v, err := in.Eval(u.Run)             // runs the statements; v is the result if u.HasResult
//
// A cell that does not type-check changes no state (Prepare returns the
// errors, e.g. "cell 4, line 3: undefined: wg"). If yaegi rejects
// u.Decls, do not Commit: the session then does not know the cell's
// names. If u.Run fails or panics, Commit anyway: the declarations exist.
// u.Where(line) turns a line of u.Decls, as yaegi's messages give it, into
// "cell N, line L".
//
// The result: a cell whose last statement is an expression with a single
// value (not a call with no or several results, such as fmt.Println) has a
// result; Run returns it as an any. When only the interpreter can format it
// (its type, declared in a cell, has a String or Error method, or it is an
// interface), u.ResultFormatted is set and Run returns fmt.Sprint of it.
//
// Complete, Inspect and IsComplete answer from the same type information,
// before the cell runs.
//
// # The runtime contract (agreed with kernel/session)
//
// Rewritten code imports the pseudo-package "gopherlab/cellrt"; the
// session registers it with RuntimeSymbols(goPanic, exit):
//
//	GoPanic(where string, v any)  a goroutine a cell started panicked at
//	                              where ("cell 3, line 4", the go statement);
//	                              called from an interpreted deferred recover,
//	                              the goroutine then ends, the process lives
//	Exit(code int)                replaces os.Exit; should stop the cell and
//	                              never return, never exit the worker, and
//	                              never panic (a panic would run the deferred
//	                              calls, which os.Exit does not): the session
//	                              ends the cell and blocks the caller forever
//
// plus Select, Select1..Select4, SelectCase, Unwrap, IsOne and Recovered,
// compiled helpers that this package provides itself.
//
// # The go statement (agreed with kernel/session's goroutine tracking)
//
// Every go statement in a cell, at any depth (functions, methods, function
// literals, loops), becomes (pass goPanic):
//
//	{ _gl_f1 := f; var _gl_a2 T1 = x                // 1. the function and its arguments, evaluated
//	                                                 //    in the parent, in order, as Go does
//	  _gl_t3 := cellrt.Spawn("cell 3, line 4")       // 2. in the parent, after them, before the goroutine exists
//	  go cellrt.Guard(_gl_t3, "cell 3, line 4", func() { // 6. compiled: takes a panic the recover missed
//	  	defer cellrt.Done(_gl_t3)                      // 5. last, after the panic report
//	  	defer func() { ...cellrt.GoPanic("cell 3, line 4", r)... }() // 4. a panic is reported, the goroutine ends
//	  	cellrt.Enter(_gl_t3)                           // 3. first, in the goroutine
//	  	_gl_f1(_gl_a2)
//	  }) }
//
// (a function literal keeps its body and gets the same three statements
// first; its parameters become variables of its body, given the arguments
// evaluated as above). Guard is there because yaegi runs no interpreted
// code of a cell it has stopped (an interrupt, a goroutine's panic that
// ended the cell), not even the deferred recover: a goroutine that panics
// inside an operation it was running at that moment would otherwise kill
// the worker. So: Spawn is called exactly once per go statement executed, in
// the goroutine that executes it, and returns a token; the new goroutine
// calls Enter(token) before any code of the cell and Done(token) after
// everything else, also when it panics (the panic is reported to GoPanic,
// then Done runs, then the goroutine ends; the process lives). A goroutine
// that blocks for good never calls Done. "cell 3, line 4" is where the go
// statement is. The statement's function value and arguments are evaluated
// in the parent before Spawn, so a panic there happens in the parent, as
// in Go.
//
// Goroutines that compiled code starts (sync.WaitGroup.Go, errgroup's Go
// and TryGo, singleflight's DoChan, time.AfterFunc, context.AfterFunc) do
// not go through Spawn, Enter and Done: the function passed gets only the
// panic report (pass goFunc), with the cell and line of the call. A host
// that tracks them finds them otherwise (the goroutine labels they inherit
// from the goroutine that started them).
//
// Loops: a loop whose body holds a go statement runs its body in a function
// of its own per iteration (pass loopFrame), so each goroutine sees its own
// iteration's variables; the go statement's rewrite is the same inside.
//
// # Cells and the session
//
// A cell may mix imports, declarations and statements in any order.
// A pasted program works too: its package clause (package main) is
// dropped, and a cell that declares func main runs it once, after the
// cell's statements and its init functions, as go run would; later cells
// do not run it again (they may call main()). Its var declarations run in
// Go's initialisation order (dependencies first, found by name), not in
// source order.
// Imports and func, type and const declarations are hoisted; statements
// and var declarations run in order. Variables declared at the top level of
// a cell (x := 1, var wg sync.WaitGroup) become session variables that
// later cells and the cell's own functions see.
//
// Imports are per cell, as in Go files, but a cell may use a package that
// an earlier cell imported (a cell of imports only is how a notebook
// starts: import b64 "encoding/base64" there serves b64 later), or any
// package of the symbol tables, without importing it (auto-import:
// strings.ToUpper, time.Sleep, errgroup.Group, display.HTML; rand is
// math/rand unless a cell imported math/rand/v2). An unused import is not
// an error.
//
// Redefining a func, type, var or const in a later cell replaces it, and
// code that uses the name sees the new one:
//   - funcs, consts and methods: the new declaration replaces the old.
//   - types: yaegi cannot redefine a type, so each version gets a new name
//     (T, T_gl2, ...), and every declaration that mentions the type — its
//     methods, functions, other types, variables — is given to yaegi again
//     with the new name. The old methods stay (checked against the new
//     type); redefine them in the same cell when the fields change.
//
// Exceptions:
//   - a variable whose type is redefined, and a variable declared again
//     with var or with a different type, starts again from its zero value;
//   - `x := expr` that changes the type of an existing x cannot use the old
//     x in expr (it is already the new, zero-valued variable);
//   - goroutines and closures created by earlier cells keep running the old
//     code of a function or method that is redefined later (yaegi compiled
//     them already);
//   - defer at the top level of a cell runs when the cell ends;
//   - a redefinition that breaks an earlier cell's code is reported as that
//     cell's error (cell 2, line 5: ...), and the new cell is rejected.
//
// # Rewrites
//
// Each pass closes one gap of yaegi v0.16.1 and says which in its comment;
// delete a pass when yaegi closes the gap. TestPassesAreNeeded runs, for
// every pass, a cell (testdata/passes.txtar) with and without it: right
// with it, wrong without; it tells when a pass has become useless. In
// order:
//
//	mainOnce        func main (and init) of a pasted program run once, when
//	                its cell runs (yaegi runs main after every Eval)
//	monomorphize    one concrete copy per instance of the cells' generic
//	                functions and types (and their methods), uses pointed at
//	                the copies: yaegi never sees a type parameter
//	typeArgs        explicit type arguments on every call of a standard
//	                library generic (inference fails for <-chan T, ...T,
//	                several type parameters)
//	rangeFunc       range over functions (iter.Seq, iter.Seq2) with break,
//	                continue, return and labels
//	methodExpr      method expressions ((*T).M) on cell types
//	errorValue      values of error types with value-receiver Error methods
//	                become pointers when converted to error
//	assertValueError
//	                v, ok := err.(E) also accepts *E
//	errorsAsType    errors.AsType (Go 1.26, generic: no symbol in the tables)
//	randN           math/rand/v2's N (generic)
//	newExpr         new(expr) (Go 1.26)
//	printBuiltins   print and println in the runtime's format, to standard
//	                error, operands evaluated first
//	mapCommaOk      m[k], ok = x.(T) (or m2[k], <-ch) stores into the map
//	mapDeref        m[k] = *p panics when p is nil
//	errors          errors.Is and errors.As that see interpreted Unwrap and
//	                error types
//	recover         recover() values that yaegi wraps in a reflect.Value,
//	                and reflect's run-time panics as Go's (kernel/panics)
//	fmtVerbs        %d and co. of cell types with String methods
//	fmtNames        fmt of cells' struct types with their Go type and field
//	                names ({a:1 b:2}, main.pair, not {Xa:1 Xb:2} and struct
//	                { Xa int; Xb int }), through kernel/cellfmt
//	genericStd      generic standard library functions and types (slices,
//	                maps, cmp, iter.Seq, sync.OnceValue(s), atomic.Pointer):
//	                interpreted stand-ins from generic.go.txt, given to yaegi
//	                when first used
//	goPanic         goroutines report panics with their cell and line
//	goFunc          functions that compiled code runs in goroutines of its
//	                own (wg.Go, errgroup's g.Go, time.AfterFunc, ...)
//	                report panics as goPanic does, instead of killing the
//	                process
//	osExit          os.Exit becomes cellrt.Exit
//	loopFrame       a loop whose body starts goroutines, makes function
//	                literals or takes addresses runs its body in a function
//	                of its own: each iteration gets its own variables and
//	                closures (yaegi shares one frame between iterations,
//	                and a closure that returns restores a shared slot,
//	                which raced)
//	typeSwitch      type switches as chains of comma-ok assertions (yaegi
//	                misses case *MyErr on an error, interface cases, ...)
//	ifaceAssert     x.(I), interface cases of type switches and x.(any),
//	                decided by the session types the type checker says
//	                implement I (yaegi misses *T for methods on T, takes T
//	                when only *T has them, misses compiled values); x.(int)
//	                for a value of a cell's type with methods and underlying
//	                type int
//	commaOkZero     a failed comma-ok map index or type assertion gives the
//	                zero value (yaegi left the variable as it was)
//	ifaceEqual      interface == value of a cell's type with methods
//	ifacesEqual     == of two interfaces, one of a cell's interface type
//	rangeInt        range over integers
//	rangeChanSlice  range over a slice of channels
//	builtins        min, max and clear
//	select          select statements through a compiled reflect.Select
//	                helper (goroutines sharing one select statement, labeled
//	                break)
//	returnRecv      return <-ch
//	unnamedParams   unnamed parameters (func(context.Context)) are named _
//	multiAssign     a, b = x, y and a, b := x, y with a call, a receive, a
//	                composite literal, nil or a value of type any among the
//	                values
//	recvAssign      r := <-ch, t.f = <-ch: the received value is copied, so
//	                that r++ and &r work and t.f gets it
//	blankRecv       _, ok = <-ch (a cell's top-level _, ok := <-ch)
//	recvLogic       <-ch && x, <-ch || x when the receive waits (yaegi
//	                gave false)
//	promotedMethods methods that a struct type gets from an embedded compiled
//	                type or interface are declared on it (a value with
//	                several fields as an io.Reader, *struct{ bytes.Buffer }
//	                as an io.Writer)
//	indexBounds     recovered index and slice panics with Go's numbers
//	constLen        len of arrays through pointers and indexes
//	shiftTypes      shifts with untyped constant operands or counts
//	opToIface       !x, -x, ^x and shifts whose value goes to an interface
//	                (yaegi panics or silently returns there)
//	deferArgs       a deferred call's arguments are evaluated at the defer
//	                statement (yaegi read the variables when the call ran)
//
// The symbol tables (kernel/symbols) hold the whole standard library of the
// Go that builds the kernel, golang.org/x/sync, golang.org/x/time/rate and
// kernel/display; generic functions and types are not in them (they have
// no compiled form), which is what genericStd is for. generic.go.txt covers
// the common functions of slices, maps and cmp; the rare ones (e.g.
// slices.BinarySearchFunc, iter.Pull) fail in yaegi with "has no symbol".
//
// # Known gaps (yaegi v0.16.1 with Go 1.26)
//
//   - %%run and %%race build the session's declarations and the cell as a
//     program (Session.Program): the statements of earlier cells do not run
//     again, so the session's variables start at zero there. Program
//     refuses a cell whose program reads a variable that running an
//     earlier cell wrote (x := f(), var q = expr, x++, wg.Add(1), &n, a
//     goroutine's write, an assignment in a function an earlier cell
//     called), naming it and where it was set ("cell 4, line 2: q (set at
//     cell 1, line 1) gets its value from running cell 1, which a compiled
//     run (%%run, %%race) does not repeat: declare it in this cell"). A
//     variable declared without a value and never written (var mu
//     sync.Mutex) is exact at zero; one whose only value is a literal
//     constant from the cell that declares it (var name = "go", size :=
//     1 << 10) keeps that initializer. The check is conservative: any
//     mention counts as a read (also `x = 0` in the %%run cell: declare
//     x there instead), and a session function or method counts as run
//     when reached code names it, when it is a method of a session type
//     that reached code names or has values of, or when it has the name of
//     an interface method that reached code calls.
//   - An error type whose Error method has a value receiver reaches
//     `error` variables as a pointer to a copy (pass errorValue): printing,
//     errors.Is/As and v, ok := err.(E) work, but a type switch with
//     case E misses it and == compares pointers. A type switch or a type
//     assertion to an interface type on an error value does not match
//     interpreted types.
//   - yaegi v0.16.1 loses the dynamic type of values in interfaces.
//     Type switches become comma-ok assertions (pass typeSwitch), and
//     assertions to interface types chains of comma-ok assertions to the
//     session's types that the type checker says implement the interface
//     (pass ifaceAssert), so x.(I) is exact for *T with methods on T, T
//     with methods on *T, a session variable from an earlier cell, and
//     x.(any); a compiled value asserted to a cell's interface is decided
//     by its methods (reflection), and where the value is needed and no
//     compiled interface with the same methods can carry it, the cell
//     panics with a refusal ("the interpreter cannot hold a value of the
//     compiled type time.Duration in the cell's interface type
//     main.Stringer ..."). == of an interface with a value of a cell's type
//     with methods (pass ifaceEqual) and of two interfaces one of which has
//     a cell's interface type (pass ifacesEqual) compare dynamic types,
//     then values. Refused at compile time (refuseInexact, ifaceAssert,
//     ifacesEqual): assertions, type switch cases and == of two interfaces
//     where two cell types with the same underlying type may be involved
//     (yaegi cannot tell them apart: the same fields, %T of either);
//     x.(int), case int and x == y where x may hold a value of a
//     methodless `type plain int` that interpreted code put into an
//     interface, x.(plain) where x may also hold an int, and x.(I) for a
//     *plain where x may hold a *int (yaegi holds a plain as an int;
//     refuse_plain.go judges "may hold" by where the values went). A
//     compiled value asserted to a cell's interface where no compiled
//     interface with its methods can carry it panics with a refusal at
//     run time (a program that recovers it sees that text). Still wrong,
//     not refused: a value of a type declared inside a function (methods
//     promoted from an embedded field) asserted to an interface where the
//     type is out of scope; a plain or *plain that only compiled code put
//     into an interface (json.Unmarshal, sync.Map), taken for an int or
//     *int.
//   - fmt gets a value whose type has a String method as yaegi's wrapper
//     struct: pass fmtVerbs fixes %d and co. in Printf-like calls with a
//     constant format, but %T and formats built at run time show the
//     wrapper.
//   - fmt shows a struct type's Go names (pass fmtNames) for types
//     declared at a cell's top level without String, Error, Format or
//     GoString methods, given directly to fmt's printing functions (also
//     in slices, maps, pointers, fields and `any` arguments), not behind
//     an interface inside another value ([]any{pair{}}), nor through log,
//     text/template or encoding/json. %T with a constant format names any
//     cell type exactly (it is static). Two cell types with the same
//     fields are one type to yaegi: %T of an interface holding one, and
//     %#v, refuse (panic, naming both and suggesting %%run). A format
//     built at run time with an argument that has fmt methods leaves the
//     call to fmt (yaegi's names).
//   - run-time panics are reflect's in yaegi; kernel/panics turns them
//     into Go's, for recover() (pass recover) and for what the session
//     reports. A nil dereference (also a call of a nil func or a method of
//     a nil interface) and a failed type assertion read exactly as in Go.
//     An index or slice bound out of range reads as in Go where pass
//     indexBounds checks it (once the session has a recover: in the cell
//     that brings it, functions of earlier cells that index are given to
//     yaegi again); elsewhere yaegi's panic does not carry the index and
//     the length, so the text says "runtime error: index out of range
//     (the interpreter does not know the index and the length; %%run
//     gives Go's exact message)", and a cell that recovers such a value
//     ends with an InterpreterError after its statements (its output may
//     differ from go run's): methods and generic functions of cells that
//     ran before the session's first recover (yaegi cannot redefine a
//     method in place), and operands the pass cannot read twice. The
//     check is a compiled call per index: index-heavy loops run up to
//     30x slower in a session that calls recover.
//   - a panic of the interpreter's own (reflect's errors under yaegi that
//     Go would not raise) ends the cell with an InterpreterError that
//     names the construct when the Go stack tells it (kernel/session).
//   - select runs through reflect.Select: a select in a tight loop costs
//     about 2-5 µs per round (the 120,000-value fan-in of the corpus takes
//     0.2-0.5 s, over its budget of 2x go run + 200 ms).
//   - a value (not a pointer) of a cell's type held in a variable of a
//     compiled interface type (io.Reader, fmt.Stringer, context.Context)
//     does not come back out by its type: v, ok := r.(T) gives ok ==
//     false, a type switch takes default, r.(T) panics. Through any, a
//     cell's own interface types or a pointer (*T) it works.
//   - reflection and runtime introspection see the interpreter, not the
//     cell, and are not refused (programs that use them for other things
//     run right): reflect.TypeOf of a value of a named non-struct cell type
//     (type T int) says int, not main.T, and a cell struct's fields have
//     no PkgPath; runtime.CallersFrames' function names, debug.Stack and
//     runtime.Stack show the interpreter's frames; runtime.ReadMemStats
//     counts the interpreter's allocations. (runtime.Caller's file and
//     runtime.FuncForPC of a function value are refused.)
//   - io.Copy does not use a cell type's WriteTo or ReadFrom: the
//     compiled io package sees yaegi's wrapper, which has only the methods
//     of the interface it was converted to.
//   - allocation counts are the interpreter's, not those of compiled Go:
//     every interpreted call allocates its frame, and a go statement costs
//     about 65 allocations (testing.AllocsPerRun of an empty function call
//     is 2, of starting and waiting for one goroutine 65). A check such as
//     "at most 6 allocations per call" cannot hold in the interpreter; it
//     holds in compiled mode (%%run), which is how exercise e08's
//     self-check runs.
//
// # Type-checking
//
// go/types reads packages from the compiler's export data, found with
// `go list -export -deps` in Options.Dir. That works offline: the go
// command builds a package into the build cache once. Measured on the
// development machine: the first cell that uses fmt takes ~50 ms, net/http
// ~95 ms, errgroup ~50 ms, and later cells ~0.3 ms (the "source" importer
// takes 0.55 s for fmt and 1.8 s for net/http). golang.org/x/sync and
// x/time resolve outside this module through a generated module of the
// versions the kernel was built with; packages go list cannot find at all
// (kernel/display outside this module) are type-checked from
// Options.Tables by reflection. Preparing a 200-line cell in a session of
// 2,000 lines takes about 13 ms (BenchmarkPrepare200In2000).
//
// # Tests
//
// testdata/cells/*.txtar are notebooks with their transcripts
// (TestCells, -update rewrites them). testdata/conformance/*.txtar is the
// conformance corpus: whole programs with the output of `go run`, cut into
// cells at //cell lines, run in child processes through yaegi alone and
// through the front end (TestConformance; -update reruns go run).
// kernel/session's TestStress runs every corpus program that starts
// goroutines 50 times in a row in one session (session.Stress); the long
// run of the loop-variable programs is
//
//	go test ./kernel/session -run TestStress -stress.run 'loopvar|mutex_counter' -stress.rounds 10000 -timeout 0 -v
package cell
