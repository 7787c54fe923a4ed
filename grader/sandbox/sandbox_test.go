package sandbox

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	if IsChild(os.Args) {
		err := Child()
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(125)
	}
	os.Exit(m.Run())
}

// attacker tries what a hostile test would and prints one line per attempt.
const attacker = `package main

import (
	"fmt"
	"net"
	"os"
	"syscall"
	"time"
)

func try(name string, err error) {
	if err != nil {
		fmt.Printf("%s: refused\n", name)
	} else {
		fmt.Printf("%s: ALLOWED\n", name)
	}
}

func main() {
	secret := os.Args[1]
	fmt.Printf("uid: %d\n", os.Getuid())
	fmt.Printf("ppid: %d\n", os.Getppid())
	_, err := os.ReadFile(secret)
	try("read secret", err)
	_, err = os.Stat(os.Args[2])
	try("see module cache", err)
	try("write /usr", os.WriteFile("/usr/pwned", nil, 0o644))
	try("write /etc", os.WriteFile("/etc/pwned", nil, 0o644))
	try("write own binary", os.WriteFile(os.Args[0], []byte("x"), 0o755))
	try("write /", os.WriteFile("/pwned", nil, 0o644))
	fmt.Printf("write /tmp: %v\n", os.WriteFile("/tmp/ok", []byte("ok"), 0o644) == nil)
	try("signal the helper", syscall.Kill(os.Getppid(), syscall.SIGKILL))
	ents, _ := os.ReadDir("/proc")
	n := 0
	for _, e := range ents {
		if e.Name()[0] >= '0' && e.Name()[0] <= '9' {
			n++
		}
	}
	fmt.Printf("processes: %d\n", n)
	_, err = net.DialTimeout("tcp", "1.1.1.1:80", time.Second)
	try("network", err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	fmt.Printf("loopback: %v\n", err == nil)
	if l != nil {
		l.Close()
	}
	try("mount", syscall.Mount("tmpfs", "/tmp", "tmpfs", 0, ""))
	big := make([]byte, 2<<20)
	try("fill /tmp", os.WriteFile("/tmp/big", append(big, big...), 0o644))
}
`

func TestSandbox(t *testing.T) {
	if err := Available(); err != nil {
		t.Skipf("this machine allows no sandbox: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(attacker), 0o644); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(secret, []byte("hidden"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "attacker")
	build := exec.Command("go", "build", "-o", bin, "main.go")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GO111MODULE=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	checked, err := OpenBinary(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer checked.Close()
	if !checked.Sealed() {
		t.Error("the test binary was not sealed in memory: every run hashes it again")
	}
	modcache, _ := exec.Command("go", "env", "GOMODCACHE").Output()
	b, err := New(checked, []string{secret, strings.TrimSpace(string(modcache))}, []string{"PATH=/usr/bin"}, Limits{MemoryMB: 256, TmpMB: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var out strings.Builder
	b.Cmd.Stdout, b.Cmd.Stderr = &out, &out
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if code := b.Wait(); code != 0 {
		t.Fatalf("exit %d (the helper must survive the attacker and report its status)\n%s", code, out.String())
	}
	got := out.String()
	uid := []string{"uid: 1000", "signal the helper: refused"}
	if unprivileged() {
		uid = []string{"uid: 0"} // the caller's own uid; signals to the helper are ignored
	}
	for _, want := range []string{
		uid[0], "ppid: 1", "read secret: refused", "see module cache: refused", "write /usr: refused",
		"write /etc: refused", "write own binary: refused", "write /: refused", "write /tmp: true",
		"processes: 2", "network: refused", "loopback: true", "mount: refused", "fill /tmp: refused",
		uid[len(uid)-1],
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("want %q in the attacker's output:\n%s", want, got)
		}
	}
	if data, _ := os.ReadFile(bin); len(data) < 100 {
		t.Error("the binary was overwritten")
	}

	// The sealed copy cannot be changed, even by the grader's own uid.
	if checked.Sealed() {
		if _, err := checked.sealed.WriteAt([]byte("x"), 0); err == nil {
			t.Error("the sealed test binary accepted a write")
		}
		if err := checked.sealed.Truncate(10); err == nil {
			t.Error("the sealed test binary accepted a truncation")
		}
		if sum, _ := SHA256(bin); sum != checked.SHA256 {
			t.Errorf("the sealed copy's hash %s is not the file's %s", checked.SHA256, sum)
		}
	}
	// Unsealed, a changed binary is refused before it runs.
	if _, err := New(&Binary{Path: bin, SHA256: strings.Repeat("0", 64)}, nil, nil, Limits{}); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("a binary with the wrong hash: %v", err)
	}
}

// hog is a test that grabs memory or processes until something stops it.
const hog = `package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	switch os.Args[1] {
	case "memory":
		var keep [][]byte
		for i := 1; i <= 64; i++ {
			b := make([]byte, 16<<20)
			for j := range b {
				b[j] = byte(j) // touch every page
			}
			keep = append(keep, b)
			fmt.Printf("allocated %d MB\n", i*16)
		}
	case "processes":
		n := 0
		for ; n < 200; n++ {
			if err := exec.Command("/bin/sleep", "30").Start(); err != nil {
				fmt.Printf("refused after %d processes: %v\n", n, err)
				os.Exit(3)
			}
		}
		fmt.Printf("started %d processes\n", n)
	}
}
`

// TestLimits runs a memory hog and a fork bomb in sandboxes on this
// machine's real cgroups (v1 or v2, whichever the grader's own cgroup is
// in): the memory limit must stop the first, the process limit the second.
func TestLimits(t *testing.T) {
	if err := Available(); err != nil {
		t.Skipf("this machine allows no sandbox: %v", err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(hog), 0o644)
	bin := filepath.Join(dir, "hog")
	build := exec.Command("go", "build", "-o", bin, "main.go")
	build.Dir = dir
	build.Env = append(os.Environ(), "GO111MODULE=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	checked, err := OpenBinary(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer checked.Close()
	run := func(t *testing.T, mode string, l Limits) (*Box, int, string) {
		b, err := New(checked, []string{mode}, nil, l)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(b.Close)
		if b.Cgroup() == "" {
			t.Skip("no cgroup for the sandbox on this machine: only rlimits apply")
		}
		t.Logf("%s", b.Cgroup())
		var out strings.Builder
		b.Cmd.Stdout, b.Cmd.Stderr = &out, &out
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := b.Start(ctx); err != nil {
			t.Fatal(err)
		}
		code := b.Wait()
		b.Kill()
		return b, code, out.String()
	}
	t.Run("memory", func(t *testing.T) {
		b, code, out := run(t, "memory", Limits{MemoryMB: 128, TmpMB: 1})
		if code == 0 || !b.MemoryExceeded() || strings.Contains(out, "allocated 1024 MB") {
			t.Errorf("exit %d, memory exceeded %v: the 128 MB limit did not stop the hog\n%s", code, b.MemoryExceeded(), out)
		}
		if peak := b.PeakMemoryKB(); peak > 130<<10 {
			t.Errorf("peak %d KB over the 128 MB limit", peak)
		}
		t.Logf("exit %d, peak %d KB, last line %q", code, b.PeakMemoryKB(), lastLine(out))
	})
	t.Run("processes", func(t *testing.T) {
		_, code, out := run(t, "processes", Limits{Pids: 32, TmpMB: 1})
		if code != 3 || !strings.Contains(out, "refused after") {
			t.Errorf("exit %d: the limit of 32 processes did not stop the fork bomb\n%s", code, out)
		}
		t.Logf("exit %d: %s", code, lastLine(out))
	})
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
