// Command gopherlab is a Jupyter kernel for learning concurrency in Go, and
// the grader of its exercises.
//
// main parses arguments and turns errors into exit codes; the work lives in
// packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"syscall"

	"github.com/gopherlab/gopherlab/grader/cli"
	"github.com/gopherlab/gopherlab/kernel/kernelspec"
	"github.com/gopherlab/gopherlab/kernel/server"
	"github.com/gopherlab/gopherlab/kernel/wire"
	"github.com/gopherlab/gopherlab/kernel/worker"
	"github.com/gopherlab/gopherlab/release"
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands = []command{
	{"kernel", "run the Jupyter kernel (Jupyter starts it from the kernelspec)", runKernel},
	{"worker", "run the interpreter worker (the kernel starts it)", runWorker},
	{"kernelspec", "write the kernelspec directory for this binary", runKernelspec},
	{"grade", "grade exercise submissions with the Go toolchain and the race detector", runGrade},
	{"release", "write the learner release: lessons and exercises without solutions or hidden tests", release.Run},
	{"version", "print the versions of gopherlab, Go and yaegi", runVersion},
}

// errUsage marks errors that are the caller's: exit code 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	if len(os.Args) > 1 && os.Args[1] == "grade" {
		// Ctrl-C stops a grading run cleanly; the kernel handles SIGINT itself.
		stop()
		ctx, stop = signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	}
	defer stop()
	err := run(ctx, os.Args[1:])
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "gopherlab:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "gopherlab:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(os.Stdout)
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:])
		}
	}
	usage(os.Stderr)
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: gopherlab <command> [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `gopherlab <command> -h` for a command's flags.")
}

func runKernel(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("kernel", flag.ContinueOnError)
	connFile := fs.String("connection-file", "", "the Jupyter connection file")
	fs.StringVar(connFile, "f", "", "shorthand for --connection-file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *connFile == "" {
		return fmt.Errorf("%w: kernel needs --connection-file", errUsage)
	}
	conn, err := wire.ReadConnection(*connFile)
	if err != nil {
		return err
	}
	v := versions()
	return server.Run(ctx, server.Options{
		Conn: conn,
		Info: server.Info{Version: v.gopherlab, GoVersion: v.goVersion, YaegiVersion: v.yaegi,
			LessonsURL: os.Getenv("GOPHERLAB_LESSONS_URL")},
	})
}

func runWorker(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: worker takes no arguments", errUsage)
	}
	// Interrupts come as requests from the kernel, so the worker catches
	// SIGINT and drops it. It does not ignore it: children that cells start
	// would inherit an ignored SIGINT and could not be interrupted.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGINT)
	pipes, err := worker.InheritedPipes()
	if err != nil {
		return err
	}
	return worker.Run(ctx, pipes)
}

func runKernelspec(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("kernelspec", flag.ContinueOnError)
	out := fs.String("out", "", "directory to write kernel.json and the logos into")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: kernelspec needs --out DIR", errUsage)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return err
	}
	spec, err := kernelspec.New(exe)
	if err != nil {
		return err
	}
	return kernelspec.Write(*out, spec)
}

func runGrade(ctx context.Context, args []string) error {
	return cli.Run(ctx, args, os.Stdout, os.Stderr)
}

func runVersion(ctx context.Context, args []string) error {
	v := versions()
	fmt.Printf("gopherlab %s\ngo        %s\nyaegi     %s\n", v.gopherlab, v.goVersion, v.yaegi)
	return nil
}

type versionInfo struct{ gopherlab, goVersion, yaegi string }

func versions() versionInfo {
	v := versionInfo{gopherlab: "devel", goVersion: runtime.Version(), yaegi: "unknown"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if info.Main.Version != "" && info.Main.Version != "(devel)" {
		v.gopherlab = info.Main.Version
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v.gopherlab += " (" + s.Value[:12] + ")"
		}
	}
	for _, d := range info.Deps {
		if d.Path == "github.com/traefik/yaegi" {
			v.yaegi = d.Version
		}
	}
	return v
}
