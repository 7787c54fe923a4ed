// Package compile is the compiled mode of the Go kernel, the engine behind
// the %%run and %%race cell magics: it builds a notebook's declarations
// plus one cell as a real Go program with the installed Go toolchain, runs
// it (built with -race for %%race), and streams its output into the cell.
// A learner sees the race detector's real WARNING: DATA RACE for their own
// cell this way, and CPU-heavy cells run at compiled speed.
//
// # Using it
//
//	err := compile.Run(ctx, compile.Program{
//		Main:  src,   // package main, imports, declarations, func main() { the cell }
//		Where: where, // line of src -> (execution count, line in that cell)
//	}, compile.Options{Race: true, Dir: notebookDir, Stdout: stdout, Stderr: stderr})
//
// Run returns nil when the program exits with status 0. Otherwise it
// returns an *Error whose Name, Value and Traceback are the cell's Jupyter
// error: BuildError (the compiler's messages), DataRace ("1 data race
// found", the trimmed reports), Panic, FatalError (a deadlock, concurrent
// map writes), ExitStatus or Interrupted (ctx was cancelled: the program
// and every process it started are killed). Any other error is the
// machine's: no go command, an unwritable cache.
//
// # Positions
//
// Every position in main.go the learner could see — in the compiler's
// messages, panics, goroutine traces and race reports, on Stdout and
// Stderr too — becomes "cell N, line M" (with ":COL" when there is a
// column), through Program.Where; the build directory never shows. Traces
// and race reports lose the Go runtime's own frames (runtime.*, internal/*),
// argument words and program counters.
//
// # Output
//
// Stdout and Stderr are written live, a line at a time (a partial line,
// such as a prompt, at once). Race reports and the runtime's last words (a
// panic, a fatal error) do not go to Stderr: they are the *Error's
// Traceback, so the notebook shows them once, as the cell's error. With
// Race the program runs with
// GORACE="halt_on_error=0 exitcode=66 atexit_sleep_ms=0": it runs to its
// end however many races it has, and every race found is reported.
//
// # Builds
//
// A program is built in its own module, in a directory of the user's cache
// (os.UserCacheDir()/gopherlab/run/<key>, the key a hash of the source, the
// flags, the Go version and what the module requires), with go.mod
//
//	module gopherlab.run/cell
//	go 1.26
//	require (
//		github.com/gopherlab/gopherlab v0.0.0
//		golang.org/x/sync v0.24.0 // the versions in Requires
//		golang.org/x/time v0.16.0
//	)
//	replace github.com/gopherlab/gopherlab => ./gopherlab
//
// where ./gopherlab holds display's own source (display.SourceFS), so a
// program may import the standard library, x/sync, x/time and
// github.com/gopherlab/gopherlab/kernel/display. go build runs with
// GOFLAGS=-mod=mod, GOPROXY=off, GOTOOLCHAIN=local, GOWORK=off and
// GOSUMDB=off: it never uses the network, and a module missing from the
// local module cache is a BuildError that says so. Builds are made with
// -trimpath in a temporary directory, then renamed into place, so two
// kernels building the same program at once do not collide.
//
// An unchanged program is not built again: running it again costs a stat
// and the program's own start. Different programs share the Go build cache,
// so only the first -race build on a machine compiles the race runtime and
// the standard library (tens of seconds); later builds compile the cell and
// link. The 50 most recently used builds are kept.
package compile
