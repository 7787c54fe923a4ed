// Package sandbox runs one test binary isolated by the operating system:
// its own user namespace (an unprivileged host uid that owns nothing), PID
// namespace (it cannot see or signal the grader), mount namespace (a
// read-only view of the system, a private size-limited /tmp, and nothing of
// the exercise, the grader's work directory or the module cache), and
// network namespace (loopback only), with cgroup limits on memory and
// processes for the whole tree.
//
// The parent side (Box) starts a helper: the grader's own executable,
// re-executed as `<exe> grade sandbox-child`, which builds the mounts inside
// the new namespaces, waits for the grader to put it in its cgroups, drops
// to an unprivileged uid and executes the test binary. The helper is Child;
// main (through cli) and the test binaries of packages that grade call it.
package sandbox

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// ChildArg is the argument (after "grade") that runs the helper.
const ChildArg = "sandbox-child"

// configEnv carries the helper's Config.
const configEnv = "GOPHERLAB_SANDBOX_CONFIG"

// Host uids and gids of the sandbox: ids no file and no process of the
// machine has. Root inside the user namespace is hostRoot; the test runs as
// insideUser, which is hostUser outside.
const (
	hostRoot   = 900000
	insideUser = 1000
	hostUser   = hostRoot + insideUser
)

// Paths inside the sandbox.
const (
	BinaryDir = "/test" // holds the test binary, read-only
	TmpDir    = "/tmp"  // the private writable tmpfs; also the working directory and HOME
)

// Limits bound the whole process tree of one test.
type Limits struct {
	MemoryMB int // cgroup memory limit (includes /tmp's pages); 0: none
	Pids     int // cgroup limit on processes and threads; 0: DefaultPids
	TmpMB    int // size of /tmp; 0: DefaultTmpMB
}

// Defaults.
const (
	DefaultPids  = 1024
	DefaultTmpMB = 256
)

// Config is what the helper needs; it travels in an environment variable.
type Config struct {
	Name  string   // the test binary's file name inside BinaryDir
	Args  []string // after the binary
	Env   []string // the test's whole environment
	TmpMB int
	Probe bool // run /bin/true instead of the binary: checks that the machine allows a sandbox
	// OwnUID: the grader is not root, so the test keeps the caller's uid.
	OwnUID bool
}

// Protections lists what a sandboxed test process gets, for reports;
// sealed: the binary ran from its sealed copy (Binary).
func Protections(l Limits, cg string, sealed bool) []string {
	binary := "test binary outside the sandbox, read-only, checked by SHA-256 before each run"
	if sealed {
		binary = "test binary outside the sandbox, read-only, hashed (SHA-256) once and sealed in memory against any change"
	}
	user := fmt.Sprintf("user namespace: runs as an unprivileged uid (host uid %d) that owns nothing", hostUser)
	if unprivileged() {
		user = "user namespace: runs as your own uid (the grader is not root: no other uid to give it)"
	}
	p := []string{
		user,
		"PID namespace: cannot see or signal the grader or other processes",
		fmt.Sprintf("mount namespace: read-only system, private %d MB /tmp, no exercise directory, hidden tests, solution or module cache", max(l.TmpMB, 0)),
		"network namespace: loopback only",
		binary,
		"time limit for the whole process tree",
		"output limit",
	}
	if cg != "" {
		p = append(p, cg)
	}
	return p
}

// Box is one sandboxed test process.
type Box struct {
	Cmd *exec.Cmd // set Stdout and Stderr before Start

	binary    *os.File
	ownBinary bool     // Close closes binary (not the sealed copy: it serves every run)
	goAhead   *os.File // write end: one byte releases the helper
	status    *os.File // read end: the helper's "ready" or its error, then the test's exit status
	lines     *bufio.Reader
	childFD   []*os.File
	cg        *cgroup
	limits    Limits
	once      sync.Once
}

// New prepares a sandbox that runs bin with args and env: its sealed copy
// after checking the seals, or the file on disk after checking its hash.
func New(bin *Binary, args, env []string, l Limits) (*Box, error) {
	if l.Pids == 0 {
		l.Pids = DefaultPids
	}
	if l.TmpMB == 0 {
		l.TmpMB = DefaultTmpMB
	}
	f, own, err := bin.open()
	if err != nil {
		return nil, err
	}
	b := &Box{binary: f, ownBinary: own, limits: l}
	cfg := Config{Name: baseName(bin.Path), Args: args, Env: env, TmpMB: l.TmpMB, OwnUID: unprivileged()}
	if err := b.prepare(cfg); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

func (b *Box) prepare(cfg Config) error {
	data, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	goR, goW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	stR, stW, err := os.Pipe()
	if err != nil {
		goR.Close()
		goW.Close()
		return fmt.Errorf("sandbox: %w", err)
	}
	b.goAhead, b.status = goW, stR
	b.childFD = []*os.File{goR, stW}
	// The helper is this very executable; /proc/self/exe also works when
	// its directory is closed to the sandbox's uid.
	cmd := exec.Command("/proc/self/exe", "grade", ChildArg)
	cmd.Env = []string{configEnv + "=" + string(data)}
	cmd.Dir = "/"
	// fd 3: go-ahead, fd 4: status, fd 5: the test binary.
	cmd.ExtraFiles = []*os.File{goR, stW, b.binary}
	cmd.SysProcAttr = sysProcAttr()
	b.Cmd = cmd
	if cg, err := newCgroup(b.limits); err == nil {
		b.cg = cg
	}
	return nil
}

// Cgroup describes the cgroup limits that apply, or "".
func (b *Box) Cgroup() string {
	if b.cg == nil {
		return ""
	}
	return b.cg.describe()
}

// Start starts the helper, puts it into the cgroups, releases it to
// execute the test binary once its mounts are ready, and waits until they
// are. An error means the machine refused the sandbox.
func (b *Box) Start(ctx context.Context) error {
	if err := b.Cmd.Start(); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	for _, f := range b.childFD {
		f.Close()
	}
	b.childFD = nil
	pid := b.Cmd.Process.Pid
	if b.cg != nil {
		if err := b.cg.add(pid); err != nil {
			b.Kill()
			return err
		}
	}
	setLimits(pid)
	// The helper is in its cgroups and under its limits: it may execute
	// the test as soon as its mounts are ready, without waiting for this
	// process to read its "ready" (one hand-off less per test on a busy
	// machine). A helper that failed has closed its end: its error line
	// below says why.
	_, goErr := b.goAhead.Write([]byte{1})
	b.goAhead.Close()
	line := make(chan string, 1)
	b.lines = bufio.NewReader(b.status)
	go func() {
		s, _ := b.lines.ReadString('\n')
		line <- s
	}()
	var s string
	select {
	case s = <-line:
	case <-ctx.Done():
		b.Kill()
		return fmt.Errorf("sandbox: %w", ctx.Err())
	case <-time.After(30 * time.Second):
		b.Kill()
		return errors.New("sandbox: the helper did not get ready within 30s")
	}
	if strings.TrimSpace(s) != "ready" {
		b.Kill()
		msg := strings.TrimSpace(strings.TrimPrefix(s, "error: "))
		if msg == "" {
			msg = "the helper exited during setup"
		}
		return fmt.Errorf("sandbox: %s", msg)
	}
	if goErr != nil {
		b.Kill()
		return fmt.Errorf("sandbox: %w", goErr)
	}
	return nil
}

// Wait waits for the sandbox to end and returns the test's exit code, -1
// when a signal killed it (or the helper died first: the test earns nothing).
func (b *Box) Wait() int {
	_ = b.Cmd.Wait()
	if b.lines == nil {
		return -1
	}
	s, _ := b.lines.ReadString('\n')
	var code int
	if _, err := fmt.Sscanf(s, "exit %d", &code); err == nil {
		return code
	}
	return -1
}

// Kill ends every process of the sandbox: the helper (or the test binary it
// became) is PID 1 of its namespace, so the kernel kills the rest.
func (b *Box) Kill() {
	if b.Cmd.Process != nil {
		_ = b.Cmd.Process.Kill()
	}
	if b.cg != nil {
		b.cg.killAll()
	}
}

// Sealed reports whether the test runs from the sealed copy of its binary.
func (b *Box) Sealed() bool { return !b.ownBinary }

// MemoryExceeded reports whether the tree hit its memory limit.
func (b *Box) MemoryExceeded() bool { return b.cg != nil && b.cg.memoryExceeded() }

// PeakMemoryKB is the peak memory of the tree, 0 if unknown.
func (b *Box) PeakMemoryKB() int64 {
	if b.cg == nil {
		return 0
	}
	return b.cg.peakKB()
}

// Close releases the files and removes the cgroups (call after Wait).
func (b *Box) Close() {
	b.once.Do(func() {
		if b.ownBinary {
			b.binary.Close()
		}
		for _, f := range append(b.childFD, b.goAhead, b.status) {
			if f != nil {
				f.Close()
			}
		}
		if b.cg != nil {
			b.cg.remove()
		}
	})
}

// SHA256 is the hex SHA-256 of the file at path.
func SHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("sandbox: %w", err)
	}
	defer f.Close()
	sum, err := hashReader(f)
	if err != nil {
		return "", fmt.Errorf("sandbox: %w", err)
	}
	return sum, nil
}

func hashReader(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

var (
	probeOnce sync.Once
	probeErr  error
)

// Available reports whether this machine can run sandboxes (probed once per
// process, by starting one that runs /bin/true). nil means yes; the error
// says why not.
func Available() error {
	probeOnce.Do(func() { probeErr = probe() })
	return probeErr
}

func probe() error {
	b := &Box{limits: Limits{Pids: 64, TmpMB: 1}}
	f, err := os.Open("/proc/self/exe")
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	b.binary, b.ownBinary = f, true
	defer b.Close()
	if err := b.prepare(Config{Name: "probe", Probe: true, TmpMB: 1, OwnUID: unprivileged()}); err != nil {
		return err
	}
	var out strings.Builder
	b.Cmd.Stdout, b.Cmd.Stderr = &out, &out
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.Start(ctx); err != nil {
		return err
	}
	if err := b.Cmd.Wait(); err != nil {
		return fmt.Errorf("sandbox: probe: %v: %s", err, strings.TrimSpace(out.String()))
	}
	return nil
}

// IsChild reports whether args (os.Args) start the helper.
func IsChild(args []string) bool {
	return len(args) == 3 && args[1] == "grade" && args[2] == ChildArg && os.Getenv(configEnv) != ""
}
