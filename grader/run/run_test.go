package run

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func probe(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "probe")
	cmd := exec.Command("go", "build", "-o", bin, "./testdata/probe")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build probe: %v\n%s", err, out)
	}
	return bin
}

func TestSandbox(t *testing.T) {
	bin := probe(t)
	r, err := Test(context.Background(), Options{Binary: bin, Test: "TestProbe", Timeout: 5 * time.Second, GOMAXPROCS: 3})
	if err != nil {
		t.Fatal(err)
	}
	out := string(r.Output)
	if !strings.Contains(out, "entries 0\n") || !strings.Contains(out, "gomaxprocs 3\n") {
		t.Errorf("not run from an empty directory with GOMAXPROCS=3:\n%s", out)
	}
	if r.Isolated {
		// In its own network namespace the process sees loopback only.
		if strings.Count(out, "iface ") != 1 || !strings.Contains(out, "iface lo\n") {
			t.Errorf("isolated, but sees interfaces:\n%s", out)
		}
	} else {
		t.Log("network not isolated on this machine")
	}
}

func TestHardKill(t *testing.T) {
	bin := probe(t)
	began := time.Now()
	r, err := Test(context.Background(), Options{Binary: bin, Test: "TestHang", Timeout: 100 * time.Millisecond, Grace: 100 * time.Millisecond, GOMAXPROCS: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Killed != "timeout" || r.Exit == 0 {
		t.Errorf("killed %q, exit %d; want a timeout kill", r.Killed, r.Exit)
	}
	if d := time.Since(began); d > 4*time.Second {
		t.Errorf("kill took %v", d)
	}
}

func TestMemoryLimit(t *testing.T) {
	bin := probe(t)
	r, err := Test(context.Background(), Options{Binary: bin, Test: "TestAlloc", Timeout: 20 * time.Second, GOMAXPROCS: 1, MemoryMB: 100})
	if err != nil {
		t.Fatal(err)
	}
	if r.Killed != "memory" || r.PeakRSS < 100*1024 {
		t.Errorf("killed %q with peak RSS %d KiB; want a memory kill above 100 MiB", r.Killed, r.PeakRSS)
	}
}
