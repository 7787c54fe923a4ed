// Package cli implements the `gopherlab grade` subcommand.
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gopherlab/gopherlab/grader/batch"
	"github.com/gopherlab/gopherlab/grader/bundle"
	"github.com/gopherlab/gopherlab/grader/grade"
	"github.com/gopherlab/gopherlab/grader/report"
	"github.com/gopherlab/gopherlab/grader/sandbox"
	"github.com/gopherlab/gopherlab/grader/spec"
	"github.com/gopherlab/gopherlab/grader/submission"
)

const usage = `usage:
  gopherlab grade [flags] SUBMISSION          grade one .go file, directory or .ipynb notebook
  gopherlab grade --batch [flags] DIR|ZIP     grade every submission in a directory or zip file
  gopherlab grade merge [-o FILE] A.json B.json...   merge batch summaries of shards
  gopherlab grade bundle --exercise SLUG --format gradescope -o autograder.zip [--source DIR]
  gopherlab grade --check-sandbox             exit 0 when this machine allows the OS sandbox

flags:
`

// Run runs `gopherlab grade` with args (the arguments after "grade").
// Reports go to stdout, progress and diagnostics to stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == sandbox.ChildArg {
		return sandbox.Child() // returns only on failure
	}
	if len(args) > 0 && args[0] == "bundle" {
		return runBundle(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "--check-sandbox" {
		if err := sandbox.Available(); err != nil {
			return fmt.Errorf("grade: no sandbox on this machine: %w", err)
		}
		fmt.Fprintln(stdout, "the OS sandbox works on this machine")
		return nil
	}
	if len(args) > 0 && args[0] == "merge" {
		return merge(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("grade", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		exercise  = fs.String("exercise", "", "exercise directory, or slug under --exercises (required)")
		exercises = fs.String("exercises", "exercises", "directory holding the exercises, for a slug")
		format    = fs.String("format", "text", "report format: text, json, gradescope, exercism, junit")
		output    = fs.String("o", "", "write the report to this file instead of stdout (batch: the output directory)")
		feedback  = fs.Bool("feedback", false, "write the report as a Markdown cell into a copy of the notebook (NAME.graded.ipynb)")
		inPlace   = fs.Bool("in-place", false, "with --feedback: write into the notebook itself")
		isBatch   = fs.Bool("batch", false, "the argument holds many submissions")
		jobs      = fs.Int("j", 1, "batch: submissions graded in parallel")
		shard     = fs.String("shard", "", "batch: grade only shard k/n")
		procs     = fs.Int("gomaxprocs", 0, "GOMAXPROCS of the test processes (default: the number of CPUs)")
		seed      = fs.Int64("seed", 0, "shuffle seed for tests that shuffle (default: random, reported)")
		keepDir   = fs.String("keep", "", "keep the test binaries in this directory, to rerun the reported commands")
		requireSB = fs.Bool("require-sandbox", false, "refuse to grade unless the tests can run in the OS sandbox (namespaces); for instructor grading")
		noSandbox = fs.Bool("no-sandbox", false, "run the tests without the OS sandbox (benchmarks, debugging); reports say so")
		runTests  = fs.String("run", "", "grade only the tests whose names match this regular expression (as go test -run, anchored)")
		public    = fs.Bool("public", false, "run only the public checks (public_test.go); never opens hidden_test.go or solution.go")
		colorMode = fs.String("color", "auto", "colours in the text report: auto (when stdout is a terminal and NO_COLOR is unset), always, never; text from the submission never carries control characters")
	)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("grade: %w", err)
	}
	if fs.NArg() != 1 || *exercise == "" {
		fs.Usage()
		return errors.New("grade: need --exercise and exactly one submission")
	}
	color, err := useColor(*colorMode, *output == "" && isTerminal(stdout))
	if err != nil {
		return err
	}
	dir, err := exerciseDir(*exercise, *exercises)
	if err != nil {
		return err
	}
	s, err := spec.Load(dir)
	if err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	if *public {
		if s, err = s.PublicOnly(); err != nil {
			return fmt.Errorf("grade: %w", err)
		}
	}
	if *runTests != "" {
		if s, err = s.Only(*runTests); err != nil {
			return fmt.Errorf("grade: --run: %w", err)
		}
	}
	opts := grade.Options{GOMAXPROCS: *procs, Seed: *seed, KeepDir: *keepDir, Exercise: *exercise}
	switch {
	case *requireSB && *noSandbox:
		return errors.New("grade: --require-sandbox and --no-sandbox contradict each other")
	case *requireSB:
		opts.Sandbox = grade.SandboxRequire
		if *isBatch { // refuse the whole batch at once (one submission probes beside its build)
			if err := sandbox.Available(); err != nil {
				return fmt.Errorf("%w: %v", grade.ErrNoSandbox, err)
			}
		}
	case *noSandbox:
		opts.Sandbox = grade.SandboxOff
	}
	if *isBatch {
		sh := batch.Shard{K: 1, N: 1}
		if *shard != "" {
			if sh, err = batch.ParseShard(*shard); err != nil {
				return fmt.Errorf("grade: %w", err)
			}
		}
		return runBatch(ctx, s, fs.Arg(0), *output, sh, *jobs, opts, stdout, stderr)
	}
	path := fs.Arg(0)
	var r *report.Report
	sub, err := submission.Load(path, s.Package)
	if err != nil {
		r = grade.Broken(s, filepath.Base(path), err)
	} else if r, err = grade.Submission(ctx, s, sub, opts); err != nil {
		return err
	}
	w, closeOut, err := create(*output, stdout)
	if err != nil {
		return err
	}
	if err := write(w, *format, r, color); err != nil {
		closeOut()
		return err
	}
	if err := closeOut(); err != nil {
		return err
	}
	if *feedback {
		return writeFeedback(path, r, *inPlace, stderr)
	}
	return nil
}

// exerciseDir resolves --exercise: a directory with a spec.json, or a slug under root.
func exerciseDir(ex, root string) (string, error) {
	for _, d := range []string{ex, filepath.Join(root, ex)} {
		if _, err := os.Stat(filepath.Join(d, spec.File)); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("grade: no exercise %q (no %s in %s or %s)", ex, spec.File, ex, filepath.Join(root, ex))
}

func write(w io.Writer, format string, r *report.Report, color bool) error {
	switch format {
	case "text":
		return report.WriteText(w, r, color)
	case "json":
		return report.WriteJSON(w, r)
	case "gradescope":
		return report.WriteGradescope(w, r)
	case "exercism":
		return report.WriteExercism(w, r)
	case "junit":
		return report.WriteJUnit(w, r)
	}
	return fmt.Errorf("grade: unknown format %q (text, json, gradescope, exercism, junit)", format)
}

func create(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("grade: %w", err)
	}
	return f, f.Close, nil
}

// useColor decides --color: auto follows the terminal (tty).
func useColor(mode string, tty bool) (bool, error) {
	switch mode {
	case "auto":
		return tty, nil
	case "always":
		return true, nil
	case "never":
		return false, nil
	}
	return false, fmt.Errorf("grade: --color=%q: want auto, always or never", mode)
}

// isTerminal reports whether w is a character device (a terminal) and NO_COLOR is unset.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func writeFeedback(path string, r *report.Report, inPlace bool, stderr io.Writer) error {
	if !strings.HasSuffix(path, ".ipynb") {
		return errors.New("grade: --feedback needs a .ipynb submission")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	out, err := submission.AddFeedback(data, report.Markdown(r))
	if err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	dest := path
	if !inPlace {
		dest = strings.TrimSuffix(path, ".ipynb") + ".graded.ipynb"
	}
	if err := os.WriteFile(dest, out, 0o644); err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	fmt.Fprintf(stderr, "feedback written to %s\n", dest)
	return nil
}

func runBatch(ctx context.Context, s *spec.Spec, src, outDir string, sh batch.Shard, jobs int, opts grade.Options, stdout, stderr io.Writer) error {
	items, err := batch.Collect(src)
	if err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	var mine []batch.Item
	for _, it := range items {
		if sh.Has(it.Name) {
			mine = append(mine, it)
		}
	}
	reports, err := batch.Run(ctx, s, mine, batch.Options{Jobs: jobs, Grade: opts, Progress: stderr, TTY: isTerminal(stderr)})
	if err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	sum := batch.NewSummary(s.Slug, sh, reports)
	if outDir == "" {
		return sum.WriteCSV(stdout)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	suffix := ""
	if sh.N > 1 {
		suffix = fmt.Sprintf(".shard%dof%d", sh.K, sh.N)
	}
	junit := func(w io.Writer) error { return report.WriteJUnit(w, reports...) }
	for name, writeTo := range map[string]func(io.Writer) error{
		"summary" + suffix + ".csv":  sum.WriteCSV,
		"summary" + suffix + ".json": sum.WriteJSON,
		"junit" + suffix + ".xml":    junit,
	} {
		if err := writeFile(filepath.Join(outDir, name), writeTo); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "%d submissions graded; summaries in %s\n", len(reports), outDir)
	return nil
}

func writeFile(path string, writeTo func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	if err := writeTo(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	return nil
}

func merge(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("grade merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	output := fs.String("o", "", "write the merged JSON summary here (default stdout)")
	csvOut := fs.String("csv", "", "also write the merged CSV summary here")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("grade merge: %w", err)
	}
	if fs.NArg() == 0 {
		return errors.New("grade merge: no summary files")
	}
	var parts []*batch.Summary
	for _, p := range fs.Args() {
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("grade merge: %w", err)
		}
		s, err := batch.ReadSummary(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("grade merge: %s: %w", p, err)
		}
		parts = append(parts, s)
	}
	m, err := batch.Merge(parts...)
	if err != nil {
		return fmt.Errorf("grade merge: %w", err)
	}
	if *csvOut != "" {
		if err := writeFile(*csvOut, m.WriteCSV); err != nil {
			return err
		}
	}
	if *output == "" {
		return m.WriteJSON(stdout)
	}
	return writeFile(*output, m.WriteJSON)
}

func runBundle(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("grade bundle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	exercise := fs.String("exercise", "", "exercise directory, or slug under --exercises (required)")
	exercises := fs.String("exercises", "exercises", "directory holding the exercises, for a slug")
	format := fs.String("format", "gradescope", "bundle format: gradescope")
	output := fs.String("o", "autograder.zip", "the zip file to write")
	source := fs.String("source", "", "a gopherlab source tree to ship and build (default: setup.sh installs this binary's release)")
	version := fs.String("version", "", "the gopherlab release setup.sh installs (default: this binary's)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("grade bundle: %w", err)
	}
	if *format != "gradescope" {
		return fmt.Errorf("grade bundle: unknown format %q (gradescope)", *format)
	}
	if *exercise == "" || fs.NArg() != 0 {
		fs.Usage()
		return errors.New("grade bundle: need --exercise and no other arguments")
	}
	dir, err := exerciseDir(*exercise, *exercises)
	if err != nil {
		return err
	}
	s, err := spec.Load(dir)
	if err != nil {
		return fmt.Errorf("grade bundle: %w", err)
	}
	var buf bytes.Buffer
	if err := bundle.WriteGradescope(&buf, s, bundle.Options{Source: *source, Version: *version}); err != nil {
		return err
	}
	if err := os.WriteFile(*output, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("grade bundle: %w", err)
	}
	fmt.Fprintf(stderr, "wrote %s: upload it as the Gradescope autograder of %s\n", *output, s.Slug)
	return nil
}
