package magic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Shell runs a command line with sh, its output going to stdout and stderr
// as it comes. Cancelling ctx ends the command and everything it started. A
// failure is an error that names the exit status.
func Shell(ctx context.Context, line string, stdout, stderr io.Writer) error {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", line)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("!%s: interrupted", line)
	case errors.As(err, &exit):
		return fmt.Errorf("!%s: exit status %d", line, exit.ExitCode())
	}
	return fmt.Errorf("!%s: %w", line, err)
}

// Env runs %env: no argument lists the environment, NAME shows a variable,
// NAME=value (or NAME value) sets one.
func Env(args string, out io.Writer) error {
	args = strings.TrimSpace(args)
	if args == "" {
		env := os.Environ()
		slices.Sort(env)
		for _, kv := range env {
			fmt.Fprintln(out, kv)
		}
		return nil
	}
	name, value, set := strings.Cut(args, "=")
	if !set {
		name, value, set = strings.Cut(args, " ")
	}
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !set {
		v, ok := os.LookupEnv(name)
		if !ok {
			return fmt.Errorf("%%env: %s is not set", name)
		}
		fmt.Fprintln(out, v)
		return nil
	}
	if err := os.Setenv(name, value); err != nil {
		return fmt.Errorf("%%env: %w", err)
	}
	fmt.Fprintf(out, "env: %s=%s\n", name, value)
	return nil
}

// Cd runs %cd: change the working directory (~ is the home directory), or
// show it.
func Cd(args string, out io.Writer) error {
	dir := strings.TrimSpace(args)
	if dir != "" {
		if dir == "~" || strings.HasPrefix(dir, "~/") {
			home, err := os.UserHomeDir()
			if err != nil {
				return fmt.Errorf("%%cd: %w", err)
			}
			dir = filepath.Join(home, strings.TrimPrefix(dir, "~"))
		}
		if err := os.Chdir(dir); err != nil {
			return fmt.Errorf("%%cd: %w", err)
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("%%cd: %w", err)
	}
	fmt.Fprintln(out, wd)
	return nil
}

// WriteFile runs %%writefile [-a] FILE: the body (the cell after its first
// line) is written to FILE, or appended with -a.
func WriteFile(args, body string, out io.Writer) error {
	fields := strings.Fields(args)
	appendTo := false
	if len(fields) > 0 && (fields[0] == "-a" || fields[0] == "--append") {
		appendTo, fields = true, fields[1:]
	}
	if len(fields) != 1 {
		return errors.New("%%writefile: usage: %%writefile [-a] FILE")
	}
	name := fields[0]
	body = strings.TrimPrefix(body, "\n")
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	verb := "Writing"
	if appendTo {
		flags, verb = os.O_WRONLY|os.O_CREATE|os.O_APPEND, "Appending to"
	} else if _, err := os.Stat(name); err == nil {
		verb = "Overwriting"
	}
	if dir := filepath.Dir(name); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("%%%%writefile: %w", err)
		}
	}
	f, err := os.OpenFile(name, flags, 0o644)
	if err != nil {
		return fmt.Errorf("%%%%writefile: %w", err)
	}
	if _, err := f.WriteString(body); err != nil {
		f.Close()
		return fmt.Errorf("%%%%writefile: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%%%%writefile: %w", err)
	}
	fmt.Fprintf(out, "%s %s\n", verb, name)
	return nil
}
